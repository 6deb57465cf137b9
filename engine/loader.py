"""`load_kb()`: the knowledge base read, linted and cached. It sits above `kb.py` (the data) and `lint/`.

The cache (memory, then a pickle in the cache folder) is keyed on everything that decides whether a knowledge base
is valid: the knowledge files' content, the schemas' content, mailkb's version and the engine's code.

Hashing every file's content costs more than the rest of a warm `mailkb diagnose`, so a small stamp file remembers
the content digests together with every file's size and modification time, as build tools do: when no file's stat
changed, the digests are taken from the stamp; otherwise (or for a file saved in the last two seconds, whose stat
cannot be trusted yet) the content is hashed again.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .cachefiles import cache_dir, changed_files, code_fingerprint, file_stats, read_pickle, write_pickle
from .errors import KnowledgeBaseError
from .kb import KnowledgeBase, content_digest
from .paths import knowledge_dir, schemas_dir

_MEMORY: dict[tuple[str, str], KnowledgeBase] = {}


@dataclass(frozen=True)
class Stamp:
    """What the files looked like when their digests were computed."""

    version: str
    code: str
    knowledge: dict[str, tuple]
    schemas: dict[str, tuple]
    knowledge_digest: str
    key: str


def validity_key(knowledge_digest: str, schemas_digest: str, code: str) -> str:
    """The cache key of a validated knowledge base: its content with the schemas, the version and the code that judged it."""
    return hashlib.sha256(f"{__version__}\0{knowledge_digest}\0{schemas_digest}\0{code}".encode()).hexdigest()


def knowledge_key(kb: KnowledgeBase) -> str:
    """The validity key of a knowledge base already loaded: its digest with the schemas, the version and the code."""
    return validity_key(kb.digest, content_digest(schemas_dir()), code_fingerprint())


def _stamp_file(root: Path) -> Path:
    return cache_dir() / f"stamp-{hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:16]}.pickle"


def current_key(root: Path, *, use_cache: bool = True) -> tuple[str, str]:
    """(knowledge digest, validity key) of the knowledge base at `root`, from the stamp when no file changed."""
    knowledge, schemas, code = file_stats(root), file_stats(schemas_dir()), code_fingerprint()
    stamp = read_pickle(_stamp_file(root), Stamp) if use_cache else None
    if (
        stamp is not None
        and (stamp.version, stamp.code) == (__version__, code)
        and not changed_files(stamp.knowledge, knowledge, root)
        and not changed_files(stamp.schemas, schemas, schemas_dir())
    ):
        if use_cache and (stamp.knowledge, stamp.schemas) != (knowledge, schemas):  # racy entries now settled: keep stats only
            write_pickle(_stamp_file(root), Stamp(__version__, code, knowledge, schemas, stamp.knowledge_digest, stamp.key))
        return stamp.knowledge_digest, stamp.key
    digest = content_digest(root)
    key = validity_key(digest, content_digest(schemas_dir()), code)
    if use_cache:
        write_pickle(_stamp_file(root), Stamp(__version__, code, knowledge, schemas, digest, key))
    return digest, key


def prepare(kb: KnowledgeBase) -> None:
    """Compute the values a diagnosis takes from the knowledge base alone (memo.persisted: the compiled rules, the
    question model, the message matcher), so that the cache file holds them and a warm process only unpickles them."""
    from .matching import matcher_for
    from .questions import question_model
    from .rules import compiled_rules

    for make in (compiled_rules, question_model, matcher_for):
        with contextlib.suppress(Exception):  # left out of the cache: made (and its error reported) where it is used
            make(kb)


def load_kb(root: Path | str | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load and validate the knowledge base once; cached on disk by `validity_key`.

    Raises KnowledgeBaseError (with the lint problems) when the knowledge base has errors.
    """
    root = Path(root) if root is not None else knowledge_dir()
    if not root.is_dir():
        raise KnowledgeBaseError(f"knowledge base not found: {root}")
    digest, key = current_key(root, use_cache=use_cache)
    memory_key = (str(root.resolve()), key)
    if use_cache and memory_key in _MEMORY:
        return _MEMORY[memory_key]
    cache_file = cache_dir() / f"kb-{key[:32]}.pickle"
    kb = read_pickle(cache_file, KnowledgeBase) if use_cache else None
    if kb is None:
        from .lint import lint

        result = lint(root, digest=digest)
        if result.errors:
            first = result.errors[0]
            raise KnowledgeBaseError(
                f"knowledge base has {len(result.errors)} error(s); first: "
                f"{first.path}:{first.line}:{first.col}: {first.code} {first.message} (run `mailkb lint`)",
                result.errors,
                result,
            )
        kb = result.kb
        if use_cache:
            prepare(kb)
            write_pickle(cache_file, kb)
    kb.root = root
    _MEMORY[memory_key] = kb
    gc.freeze()  # the knowledge base lives as long as the process: later collections need not walk it
    return kb
