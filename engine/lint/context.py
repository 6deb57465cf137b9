"""What every check sees: the parsed files, the assembled knowledge base, and a way to report at a position."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..kb import KnowledgeBase, SourceFile
from .problem import Problem


@dataclass
class LintContext:
    root: Path
    display_root: str  # prefix for paths in reports
    files: list[SourceFile]
    kb: KnowledgeBase
    by_rel: dict[str, SourceFile] = field(default_factory=dict)
    rule_at: dict[str, tuple[str, int]] = field(default_factory=dict)  # rule id -> (file, index)

    def __post_init__(self) -> None:
        self.use(self.kb, self.files)

    def use(self, kb: KnowledgeBase, files: list[SourceFile]) -> None:
        """Check `kb`, assembled from `files` (the file checks run before the knowledge base exists)."""
        self.kb, self.files = kb, files
        self.by_rel = {f.rel: f for f in files}
        self.rule_at = {}
        for topic, data in kb.rule_files.items():
            rel = self.kb.paths[f"rules:{topic}"]
            for index, rule in enumerate(data["rules"]):
                if isinstance(rule, dict) and self.kb.rule_topic.get(rule.get("id")) == topic:
                    self.rule_at.setdefault(rule["id"], (rel, index))

    def display(self, rel: str) -> str:
        return f"{self.display_root}{rel}"

    def problem(self, rel: str, path: tuple, code: str, message: str, *, key: bool = False, ref: str | None = None) -> Problem:
        """A problem at the value (or key) `path` inside file `rel`; `ref`: the id it names as missing (MK303)."""
        source = self.by_rel.get(rel)
        line, col = source.doc.position(path, key=key) if source else (1, 1)
        return Problem(self.display(rel), line, col, code, message, ref=ref)

    def entity_problem(self, kind: str, ident: str, path: tuple, code: str, message: str, **where: Any) -> Problem:
        return self.problem(self.kb.paths[f"{kind}:{ident}"], path, code, message, **where)

    def rule_problem(self, rule_id: str, path: tuple, code: str, message: str, **where: Any) -> Problem:
        rel, index = self.rule_at[rule_id]
        return self.problem(rel, ("rules", index) + tuple(path), code, message, **where)

    def iter_entities(self) -> Iterator[tuple[str, str, dict]]:
        for kind, items in self.kb.entities.items():
            for ident, data in items.items():
                yield kind, ident, data


def walk(value: Any, path: tuple = ()) -> Iterator[tuple[tuple, Any]]:
    """Every (path, value) pair under `value`, depth first."""
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from walk(item, path + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from walk(item, path + (index,))


def is_text(value: Any) -> bool:
    """A localized text {ja, en} (possibly incomplete)."""
    return isinstance(value, dict) and bool(value) and set(value) <= {"ja", "en"} and ("ja" in value or "en" in value)
