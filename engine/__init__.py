"""mailkb: a troubleshooting knowledge base for iCloud Mail account errors."""

from __future__ import annotations

from typing import Any

__version__ = "0.1.0"
__all__ = ["__version__", "diagnose"]


def __getattr__(name: str) -> Any:
    # `engine.diagnose` is imported on first use, so `import engine` stays cheap.
    if name == "diagnose":
        from .diagnose import diagnose

        globals()["diagnose"] = diagnose  # replaces the submodule the import bound here
        return diagnose
    raise AttributeError(f"module 'engine' has no attribute {name!r}")
