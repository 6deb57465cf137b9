"""`load_kb()`: the knowledge base read, linted and cached. It sits above `kb.py` (the data) and `lint/`.

The cache (memory, then a pickle in the cache folder) is keyed on everything that decides whether a knowledge base
is valid: the knowledge files' content, the schemas' content, mailkb's version and the engine's code.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from . import __version__
from .cachefiles import cache_dir, code_fingerprint, read_pickle, write_pickle
from .errors import KnowledgeBaseError
from .kb import KnowledgeBase, content_digest
from .paths import knowledge_dir, schemas_dir

_MEMORY: dict[tuple[str, str], KnowledgeBase] = {}


def validity_key(knowledge_digest: str) -> str:
    """The cache key of a validated knowledge base: its content with the schemas, the version and the code that judged it."""
    key = hashlib.sha256(f"{__version__}\0{knowledge_digest}\0".encode())
    key.update(content_digest(schemas_dir()).encode())
    key.update(code_fingerprint().encode())
    return key.hexdigest()


def load_kb(root: Path | str | None = None, *, use_cache: bool = True) -> KnowledgeBase:
    """Load and validate the knowledge base once; cached on disk by `validity_key`.

    Raises KnowledgeBaseError (with the lint problems) when the knowledge base has errors.
    """
    root = Path(root) if root is not None else knowledge_dir()
    if not root.is_dir():
        raise KnowledgeBaseError(f"knowledge base not found: {root}")
    digest = content_digest(root)
    key = validity_key(digest)
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
            write_pickle(cache_file, kb)
    kb.root = root
    _MEMORY[memory_key] = kb
    return kb
