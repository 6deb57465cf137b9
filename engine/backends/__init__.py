"""Inference backends: durable-rules (default) and the pure-Python reference evaluator."""

from __future__ import annotations

import threading
from typing import Any, Protocol

from ..kb import KnowledgeBase

BACKENDS = ("durable", "reference")
MAX_CACHED = 6  # compiled backends kept per process (a few knowledge bases × 2 backends)


class BackendError(Exception):
    """A backend cannot be used (not installed, or it failed on a query)."""


class Backend(Protocol):
    name: str

    def run(self, inputs: dict[str, Any]) -> list[int]:
        """Indexes into kb.rules of the rules that fired, in firing order."""
        ...


_CACHE: dict[tuple[int, str], tuple[KnowledgeBase, Backend]] = {}
_LOCK = threading.Lock()


def get_backend(kb: KnowledgeBase, name: str = "durable") -> Backend:
    """The backend `name` for this knowledge base, compiled once per process."""
    if name not in BACKENDS:
        raise BackendError(f"unknown engine {name!r}; choose one of {', '.join(BACKENDS)}")
    key = (id(kb), name)
    entry = _CACHE.get(key)
    if entry is not None and entry[0] is kb:
        return entry[1]
    with _LOCK:
        entry = _CACHE.get(key)
        if entry is not None and entry[0] is kb:
            return entry[1]
        if name == "reference":
            from .reference import ReferenceBackend

            backend: Backend = ReferenceBackend(kb)
        else:
            try:
                from .durable import DurableBackend
            except ImportError as err:  # durable-rules needs a C compiler to install
                raise BackendError(f"durable-rules is not available ({err}); use --engine reference") from None
            backend = DurableBackend(kb)
        _CACHE[key] = (kb, backend)
        while len(_CACHE) > MAX_CACHED:  # a replaced knowledge base: free the oldest compiled rules
            _, (_, old) = next(iter(_CACHE.items()))
            del _CACHE[next(iter(_CACHE))]
            close = getattr(old, "close", None)
            if close is not None:
                close()
        return backend
