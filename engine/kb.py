"""The knowledge base as data: every YAML file of `knowledge/`, parsed strictly, assembled into one object.

Loading with validation and caching is `loader.load_kb()`, which sits above this module and the linter.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from .schemas import KIND_SCHEMAS

if TYPE_CHECKING:  # PyYAML is imported only to read files, never to use a cached knowledge base
    from .yamlsource import YamlDocument

# knowledge/ folder -> the kind's name in references ("cause:storage_full")
FOLDER_KIND = {folder: schema for folder, schema in KIND_SCHEMAS.items() if folder != "rules"}
KIND_FOLDER = {kind: folder for folder, kind in FOLDER_KIND.items()}
ENTITY_KINDS = tuple(FOLDER_KIND.values())


@dataclass
class SourceFile:
    """One file of the knowledge base: where it is, which folder it belongs to, its parsed document."""

    rel: str  # path relative to the knowledge root, with forward slashes
    folder: str | None  # kind folder, or None for a stray file
    doc: YamlDocument


@dataclass
class KnowledgeBase:
    """Everything mailkb knows, as plain data keyed by kind and id."""

    root: Path
    digest: str
    entities: dict[str, dict[str, dict]] = field(default_factory=lambda: {k: {} for k in ENTITY_KINDS})
    rule_files: dict[str, dict] = field(default_factory=dict)  # topic id -> file data (rules included)
    rules: list[dict] = field(default_factory=list)  # every rule, in file then definition order
    rule_topic: dict[str, str] = field(default_factory=dict)  # rule id -> topic id
    paths: dict[str, str] = field(default_factory=dict)  # "kind:id" / "rules:topic" -> relative path
    # values computed from the rest (memo.persisted): pickled with the knowledge base, so a cached one brings them;
    # not an init field, so dataclasses.replace() gives a changed copy none of the old values
    prepared: dict[str, object] = field(default_factory=dict, init=False, repr=False, compare=False)

    # convenient views
    @property
    def observations(self) -> dict[str, dict]:
        return self.entities["observation"]

    @property
    def symptoms(self) -> dict[str, dict]:
        return self.entities["symptom"]

    @property
    def causes(self) -> dict[str, dict]:
        return self.entities["cause"]

    @property
    def remedies(self) -> dict[str, dict]:
        return self.entities["remedy"]

    def get(self, ref: str) -> dict | None:
        """The entity behind a `kind:id` reference, or None."""
        kind, _, ident = ref.partition(":")
        return self.entities.get(kind, {}).get(ident)

    def counts(self) -> dict[str, int]:
        counts = {kind: len(items) for kind, items in self.entities.items()}
        counts["rule"] = len(self.rules)
        return counts


def _kb_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file() and not any(part.startswith(".") for part in p.relative_to(root).parts))


def read_sources(root: Path) -> list[SourceFile]:
    """Parse every file under `root` (stray files are kept so the linter can name them)."""
    from .yamlsource import YamlDocument, load_file

    files = []
    for path in _kb_files(root):
        rel = path.relative_to(root).as_posix()
        parts = rel.split("/")
        folder = parts[0] if len(parts) == 2 and parts[0] in KIND_SCHEMAS and path.suffix == ".yaml" else None
        if folder is None and path.suffix.lower() == ".md":
            continue  # notes for editors
        doc = load_file(path) if folder else YamlDocument(path=path)
        files.append(SourceFile(rel=rel, folder=folder, doc=doc))
    return files


def content_digest(root: Path) -> str:
    """A hash of every file's name and bytes: the knowledge base's identity for caching."""
    digest = hashlib.sha256()
    for path in _kb_files(root):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def assemble(root: Path, files: list[SourceFile], digest: str = "") -> KnowledgeBase:
    """Build the knowledge base from parsed files (first file wins on a duplicate id)."""
    kb = KnowledgeBase(root=root, digest=digest)
    for source in files:
        data = source.doc.data
        if source.folder is None or not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        ident = data["id"]
        if source.folder == "rules":
            if ident in kb.rule_files or not isinstance(data.get("rules"), list):
                continue
            kb.rule_files[ident] = data
            kb.paths[f"rules:{ident}"] = source.rel
            for rule in data["rules"]:
                if isinstance(rule, dict) and isinstance(rule.get("id"), str) and rule["id"] not in kb.rule_topic:
                    kb.rules.append(rule)
                    kb.rule_topic[rule["id"]] = ident
        else:
            kind = FOLDER_KIND[source.folder]
            kb.entities[kind].setdefault(ident, data)
            kb.paths.setdefault(f"{kind}:{ident}", source.rel)
    return kb
