"""What a build did: `BuildResult`, shared by the full and the incremental build."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class BuildResult:
    """What a build did."""

    out: Path
    pages: int = 0
    files_written: int = 0
    seconds: float = 0.0
    lint_errors: int = 0
    warnings: list[str] = field(default_factory=list)
    timings: dict[str, float] = field(default_factory=dict)
