"""Where the bundled knowledge base and schemas live (source tree or installed wheel)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    # In a wheel the data sits inside the package; in a checkout it sits beside it.
    for candidate in (_HERE / name, _HERE.parent / name):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"bundled {name}/ not found next to {_HERE}")


def knowledge_dir() -> Path:
    """The knowledge base shipped with mailkb."""
    return _bundled("knowledge")


def schemas_dir() -> Path:
    """The JSON Schemas shipped with mailkb."""
    return _bundled("schemas")


def site_dir() -> Path:
    """Templates, CSS and scripts of the static site."""
    return _bundled("site")
