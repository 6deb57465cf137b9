"""The static site builder: `mailkb build` renders the knowledge base into `_site/`.

Imports are lazy so that `mailkb diagnose`, which registers the site verbs, does not load the builder.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "BuildError": "..errors",
    "BuildResult": ".result",
    "build_site": ".build",
    "SiteConfig": ".config",
    "load_config": ".config",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
