"""Work spread over forked processes that inherit the parent's memory (the parsed knowledge base, the renderer).

Only what a task returns crosses back (a count, a list of lint problems): nothing large is pickled. Where `fork` is
not available, or there is too little work to pay for starting processes, the tasks run here, in order.
"""

from __future__ import annotations

import gc
import multiprocessing
import os
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

_TASK: dict[str, Any] = {}


def default_jobs() -> int:
    """The processes to use: the CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0)) or 1
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def fork_map(fn: Callable[[T], R], items: Sequence[T], jobs: int, *, parallel: bool = True) -> list[R]:
    """[fn(item) for item in items], on `jobs` forked processes when `parallel` and fork is available.

    `fn` and `items` reach the children through fork, not pickling (only each item's index is sent), so they see
    everything the parent had loaded. Results come back in the order of `items`.
    """
    if not parallel or jobs <= 1 or len(items) <= 1 or "fork" not in multiprocessing.get_all_start_methods():
        return [fn(item) for item in items]
    _TASK.update(fn=fn, items=items)
    gc.freeze()  # the children's collections then leave the inherited objects alone (no copy-on-write of the heap)
    try:
        with multiprocessing.get_context("fork").Pool(min(jobs, len(items))) as pool:
            return pool.map(_call, range(len(items)), chunksize=1)
    finally:
        _TASK.clear()


def _call(index: int) -> Any:
    return _TASK["fn"](_TASK["items"][index])
