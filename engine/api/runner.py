"""Where diagnoses run, within a time limit, behind an LRU of answers.

By default (threads=0) a diagnosis runs on the worker's event loop itself: it takes about a millisecond of pure
Python and C that holds the GIL, and handing it to another thread costs more than it saves — measured with
bench/api_load.py, a one-thread pool gave about two thirds of the throughput and twice the median latency, because
the loop and the engine thread take turns at the GIL. With threads=N a fixed pool runs them instead (the loop
stays free for /healthz while a long diagnosis runs); durable-rules keeps one session per thread
(backends/durable.py), and the pool is what bounds how many sessions a worker holds.

The time limit counts from the moment the request reached the app: a request that waited longer than that for
its turn is answered 503 without running (on the loop), or stops being waited for (on a pool, where queued work
then never starts). A diagnosis is a pure function of (query, knowledge base, options): the LRU is keyed by all.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from cachetools import LRUCache

from .problems import Problem

T = TypeVar("T")


class DiagnosisRunner:
    """Runs engine work; `run` consults and fills the cache, `call` does not. Used only from the event loop."""

    def __init__(self, threads: int = 0, timeout: float = 10.0, cache_size: int = 1024):
        self.timeout = timeout
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mailkb-engine") if threads else None
        self.cache: LRUCache | None = LRUCache(cache_size) if cache_size > 0 else None
        self.hits = 0
        self.misses = 0

    async def run(self, key: Hashable, compute: Callable[[], bytes], started: float | None = None) -> bytes:
        """The cached answer for `key`, or compute it (a 503 problem past the time limit)."""
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                self.hits += 1
                return found
        self.misses += 1
        value = await self.call(compute, started)
        if self.cache is not None:
            self.cache[key] = value
        return value

    async def call(self, work: Callable[[], T], started: float | None = None) -> T:
        """`work()`, if it can start within the time limit counted from `started` (time.perf_counter(); default now)."""
        left = self.timeout - (time.perf_counter() - started if started is not None else 0.0)
        if left <= 0:
            raise self._late()
        if self.executor is None:
            return work()
        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        try:
            return await asyncio.wait_for(future, left)
        except TimeoutError:
            raise self._late() from None

    def _late(self) -> Problem:
        return Problem("diagnosis-timeout", f"the engine did not answer within {self.timeout:g} s; try again", headers={"Retry-After": "1"})

    def close(self) -> None:
        """Finish what is running, drop what is queued (graceful shutdown)."""
        if self.executor is not None:
            self.executor.shutdown(wait=True, cancel_futures=True)
