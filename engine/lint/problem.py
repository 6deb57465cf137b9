"""A lint finding, as data."""

from __future__ import annotations

from dataclasses import dataclass, field

from .codes import CODES


@dataclass(frozen=True, order=True)
class Problem:
    """One finding at `path:line:col`, with a stable code."""

    path: str
    line: int
    col: int
    code: str
    message: str
    ref: str | None = field(default=None, compare=False)  # the id a reference names (MK303), so the runner need not parse messages

    @property
    def severity(self) -> str:
        return CODES[self.code].severity

    @property
    def hint(self) -> str:
        return CODES[self.code].hint

    @property
    def name(self) -> str:
        return CODES[self.code].name

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "code": self.code,
            "name": self.name,
            "severity": self.severity,
            "message": self.message,
            "hint": self.hint,
        }
