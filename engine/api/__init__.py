"""The HTTP API (`mailkb api`): FastAPI on uvicorn, over the same engine and messages as the CLI.

`create_app()` is the ASGI app factory, for any ASGI server; it is imported on first use, so that registering the
`api` verb does not load FastAPI.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {"create_app": ".app", "ApiSettings": ".settings"}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name], __name__), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
