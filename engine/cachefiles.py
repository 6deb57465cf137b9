"""Cache files under ~/.cache/mailkb (or $MAILKB_CACHE_DIR): pickles written atomically, read back defensively."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
import time
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent
_DATA = {"knowledge", "schemas", "site", "__pycache__"}  # folders a wheel puts inside the package


def code_fingerprint() -> str:
    """Identity of mailkb's code: every module's path, size and modification time (a stat each, no reading).

    Caches of results the code computed (a validated knowledge base, a built site) are keyed on it, so that
    editing the engine or installing another version never serves a result the new code would not give.
    """
    digest = hashlib.sha256()
    for folder, dirs, names in os.walk(_PACKAGE):
        dirs[:] = sorted(d for d in dirs if d not in _DATA)
        rel_folder = os.path.relpath(folder, _PACKAGE)
        for name in sorted(n for n in names if n.endswith(".py")):
            st = os.stat(os.path.join(folder, name))
            digest.update(f"{rel_folder}/{name}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


RACY_NS = 2_000_000_000  # a file modified this recently may change again within the same timestamp tick


def file_stats(root: Path) -> dict[str, tuple]:
    """Every file's (mtime_ns, size) under `root` (hidden ones left out), by path relative to the root.

    A file modified within the last two seconds also carries a hash of its content ("racily clean", as git
    calls it): a second save within the file system's timestamp granularity that keeps the size would
    otherwise look unchanged. Compare two such maps with `changed_files`, not `==`.
    """
    stats: dict[str, tuple] = {}
    now = time.time_ns()
    pending = [(str(root), "")]
    while pending:  # os.scandir: one system call per folder for the names and types, a stat per file
        folder, prefix = pending.pop()
        with os.scandir(folder) as entries:
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                if entry.is_dir():
                    pending.append((entry.path, f"{prefix}{entry.name}/"))
                    continue
                st = entry.stat()
                rel = prefix + entry.name
                stats[rel] = (st.st_mtime_ns, st.st_size)
                if now - st.st_mtime_ns < RACY_NS:
                    stats[rel] += (_content_hash(entry.path),)
    return stats


def changed_files(old: dict[str, tuple], new: dict[str, tuple], root: Path) -> set[str]:
    """The paths added, removed or changed between two `file_stats` of `root` (`new` being the current one).

    Same size and mtime means unchanged, unless the old entry carries a content hash (it was saved within the racy
    window): then the content decides — the new entry's hash, or the file's hash now if it has aged out of the window.
    """
    changed = set(old) ^ set(new)
    for rel in set(old) & set(new):
        before, after = old[rel], new[rel]
        if before[:2] != after[:2] or (len(before) > 2 and before[2] != (after[2] if len(after) > 2 else _content_hash(root / rel))):
            changed.add(rel)
    return changed


def _content_hash(path: Path | str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()
    except OSError:
        return None


def cache_dir() -> Path:
    """$MAILKB_CACHE_DIR, else $XDG_CACHE_HOME/mailkb, else ~/.cache/mailkb."""
    base = os.environ.get("MAILKB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(Path.home(), ".cache"), "mailkb"
    )
    return Path(base)


def read_pickle(path: Path, kind: type[T]) -> T | None:
    """The object pickled at `path` if it is a `kind`; None when missing, unreadable or stale."""
    enabled = gc.isenabled()
    gc.disable()  # unpickling builds many small objects; collecting in between only costs time
    try:
        with path.open("rb") as handle:
            value = pickle.load(handle)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, TypeError, ValueError):
        return None
    finally:
        if enabled:
            gc.enable()
    return value if isinstance(value, kind) else None


def write_pickle(path: Path, value: object) -> None:
    """Write atomically (temporary file, then rename); a read-only cache folder only costs speed."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile("wb", dir=path.parent, delete=False) as handle:
            pickle.dump(value, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(handle.name, path)
    except OSError:
        pass
