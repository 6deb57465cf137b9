"""Cache files under ~/.cache/mailkb (or $MAILKB_CACHE_DIR): pickles written atomically, read back defensively."""

from __future__ import annotations

import gc
import hashlib
import os
import pickle
import tempfile
from pathlib import Path
from typing import TypeVar

T = TypeVar("T")
_PACKAGE = Path(__file__).resolve().parent


def code_fingerprint() -> str:
    """Identity of mailkb's code: every module's path, size and modification time (a stat each, no reading).

    Caches of results the code computed (a validated knowledge base, a built site) are keyed on it, so that
    editing the engine or installing another version never serves a result the new code would not give.
    """
    digest = hashlib.sha256()
    for path in sorted(_PACKAGE.rglob("*.py")):
        st = path.stat()
        digest.update(f"{path.relative_to(_PACKAGE).as_posix()}:{st.st_size}:{st.st_mtime_ns}\0".encode())
    return digest.hexdigest()


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
