"""Build a knowledge base for a test: the base fixture plus an overlay of files."""

from __future__ import annotations

import shutil
from pathlib import Path

FIXTURES = Path(__file__).parent / "fixtures"
BASE = FIXTURES / "base"
PAD_MARKER = "# PAD-TO-2MB\n"


def make_kb(tmp_path: Path, overlay: Path | None = None) -> Path:
    """Copy the base knowledge base to tmp_path/kb and lay `overlay`'s files over it."""
    kb = tmp_path / "kb"
    shutil.copytree(BASE, kb)
    if overlay is not None and overlay.is_dir():
        for source in overlay.rglob("*"):
            if source.is_file():
                target = kb / source.relative_to(overlay)
                target.parent.mkdir(parents=True, exist_ok=True)
                data = source.read_bytes()
                if data.endswith(PAD_MARKER.encode()):
                    data += b"# padding\n" * 220_000  # over the 1 MiB limit, made at test time
                target.write_bytes(data)
    return kb
