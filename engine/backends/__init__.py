"""Inference backends: durable-rules (default) and the pure-Python reference evaluator."""

from __future__ import annotations

from typing import Any, Protocol

from ..errors import BackendError
from ..kb import KnowledgeBase
from ..memo import memoized, persisted

BACKENDS = ("durable", "reference")


class Backend(Protocol):
    name: str

    def run(self, inputs: dict[str, Any]) -> list[int]:
        """Indexes into kb.rules of the rules that fired, in firing order."""
        ...


def get_backend(kb: KnowledgeBase, name: str = "durable") -> Backend:
    """The backend `name` for this knowledge base, compiled once per process (see memo.py)."""
    if name not in BACKENDS:
        raise BackendError(f"unknown engine {name!r}; choose one of {', '.join(BACKENDS)}")
    return memoized(kb, f"backend:{name}", lambda: _compile(kb, name))


def _compile(kb: KnowledgeBase, name: str) -> Backend:
    if name == "reference":
        from .reference import ReferenceBackend

        return persisted(kb, "backend:reference", lambda: ReferenceBackend(kb))  # plain data: kept in the cache
    try:
        from .durable import DurableBackend
    except ImportError as err:  # durable-rules needs a C compiler to install
        raise BackendError(f"durable-rules is not available ({err}); use --engine reference") from None
    return DurableBackend(kb)
