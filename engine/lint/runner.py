"""Run every check over a knowledge base and collect the findings."""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..kb import FOLDER_KIND, KnowledgeBase, SourceFile, assemble, content_digest, read_sources
from ..parallel import default_jobs, fork_map
from .context import LintContext
from .filechecks import FILE_CHECKS
from .kbchecks import KB_CHECKS
from .problem import Problem


@dataclass
class LintResult:
    """The findings of one lint run, sorted by position, and the knowledge base that was read."""

    kb: KnowledgeBase
    files: int
    problems: list[Problem] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "warning"]


def _display_root(root: Path) -> str:
    try:
        rel = os.path.relpath(root)
    except ValueError:  # another drive on Windows
        rel = str(root)
    if rel.startswith(".."):
        rel = str(root.resolve())  # outside the working directory: an absolute path reads better
    return "" if rel == "." else rel.rstrip("/") + "/"


PARALLEL_FILES = 2000  # below this many files, starting processes costs more than the checks


def lint(root: Path | str, *, digest: str | None = None, jobs: int | None = None) -> LintResult:
    """Lint the knowledge base at `root` (`digest`: its content_digest, when the caller has it already).

    The checks across files run on `jobs` processes (default: every CPU) for a large knowledge base.
    """
    started = time.perf_counter()
    root = Path(root)
    files = read_sources(root)
    ctx = LintContext(root=root, display_root=_display_root(root), files=files, kb=KnowledgeBase(root=root, digest=""))
    problems: list[Problem] = []
    broken: set[str] = set()
    valid: list[SourceFile] = []
    for source in files:
        found = [p for check in FILE_CHECKS for p in check(ctx, source)]
        problems.extend(found)
        if any(p.severity == "error" for p in found):
            broken.update(_names(source))
        elif source.folder is not None:
            valid.append(source)
    ctx.use(assemble(root, valid, digest or content_digest(root)), valid)
    complete = len(valid) == sum(1 for f in files if f.folder is not None)
    checks = [check for check in KB_CHECKS if complete or not check.needs_complete]
    jobs = jobs or default_jobs()
    for found in fork_map(lambda check: list(check(ctx)), checks, jobs, parallel=len(files) >= PARALLEL_FILES):
        # a reference to a file that failed to load is not a new problem: that file's own error says it all
        problems.extend(p for p in found if p.ref is None or p.ref not in broken)
    problems.sort()
    return LintResult(kb=ctx.kb, files=len(files), problems=problems, seconds=time.perf_counter() - started)


def _names(source: SourceFile) -> set[str]:
    """What other files may call a broken file: its id and its file name, bare and as kind:id."""
    names = {source.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]}
    data = source.doc.data
    if isinstance(data, dict) and isinstance(data.get("id"), str):
        names.add(data["id"])
    kind = FOLDER_KIND.get(source.folder or "")
    return names | ({f"{kind}:{name}" for name in names} if kind else set())
