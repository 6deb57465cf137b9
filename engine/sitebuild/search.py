"""Full-text search: Pagefind's extended binary (it segments Japanese) indexes the built pages."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path


def pagefind_command() -> list[str] | None:
    """How to run Pagefind: the binary from the `pagefind[extended]` wheel, or one on PATH."""
    try:
        import pagefind_bin_extended  # noqa: F401  (the wheel that carries the extended binary)

        return [sys.executable, "-m", "pagefind"]
    except ImportError:
        pass
    found = shutil.which("pagefind_extended") or shutil.which("pagefind")
    return [found] if found else None


def index_site(out: Path) -> str | None:
    """Index `out` in place (writes out/pagefind/); returns a warning when search could not be built."""
    command = pagefind_command()
    if command is None:
        return "search index not built: install the `search` extra (pip install 'mailkb[search]') for Pagefind"
    target = out / "pagefind"
    shutil.rmtree(target, ignore_errors=True)
    proc = subprocess.run(
        [*command, "--site", str(out), "--output-subdir", "pagefind", "--quiet"], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        return f"search index not built: pagefind exited {proc.returncode}: {(proc.stderr or proc.stdout).strip()[:400]}"
    return None
