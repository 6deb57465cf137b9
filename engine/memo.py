"""Values computed once per knowledge base (compiled backends, matchers, question indexes), in one bounded memo;
and `persisted` values, which travel with the knowledge base (and its cache file).

A process may hold several knowledge bases (a server reloading an edited one, tests building many); the memo keeps
the values of the most recently used few and closes what it drops (a compiled durable-rules ruleset holds C memory).
"""

from __future__ import annotations

import gc
import threading
from collections import OrderedDict
from collections.abc import Callable
from typing import Any, TypeVar

T = TypeVar("T")
MAX_KBS = 4  # knowledge bases whose values are kept

_ENTRIES: OrderedDict[int, tuple[object, dict[str, Any]]] = OrderedDict()
_LOCK = threading.RLock()  # re-entrant: a factory may memoise another value of the same knowledge base


def memoized(kb: object, name: str, factory: Callable[[], T]) -> T:
    """The value `name` of this knowledge base, computed by `factory()` on first use."""
    entry = _ENTRIES.get(id(kb))
    if entry is not None and entry[0] is kb and name in entry[1]:
        return entry[1][name]
    with _LOCK:
        entry = _ENTRIES.get(id(kb))
        if entry is None or entry[0] is not kb:  # new, or an id reused after the old object was freed
            if entry is not None:
                _close(entry[1])
            entry = (kb, {})
            _ENTRIES[id(kb)] = entry
        _ENTRIES.move_to_end(id(kb))
        values = entry[1]
        if name not in values:
            values[name] = factory()
            gc.freeze()  # long-lived (compiled rules, indexes): later collections need not walk them
        while len(_ENTRIES) > MAX_KBS:
            _, (_, dropped) = _ENTRIES.popitem(last=False)
            _close(dropped)
        return values[name]


def persisted(kb: Any, name: str, factory: Callable[[], T]) -> T:
    """The value `name` of this knowledge base, a pure function of it that pickles: kept in `kb.prepared`, which the
    knowledge-base cache stores with it (loader.py computes these values before writing the cache), so a process
    that loads a cached knowledge base finds them made."""
    values = getattr(kb, "prepared", None)
    if values is None:  # a knowledge base pickled before the field existed
        return memoized(kb, name, factory)
    if name not in values:
        with _LOCK:
            if name not in values:
                values[name] = factory()
    return values[name]  # type: ignore[return-value]


def _close(values: dict[str, Any]) -> None:
    for value in values.values():
        close = getattr(value, "close", None)
        if callable(close):
            close()
