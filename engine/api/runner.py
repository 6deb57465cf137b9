"""Where diagnoses run: a small fixed pool of threads beside the event loop, with a time limit and an LRU of answers.

durable-rules keeps one session per thread that queries it (backends/durable.py), so the pool is what bounds the
sessions a worker holds; its C calls hold the GIL, so more threads would add sessions without adding speed.
A diagnosis is a pure function of (query, knowledge base, options): the LRU is keyed by all of them.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Hashable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from cachetools import LRUCache

from .problems import Problem

T = TypeVar("T")


class DiagnosisRunner:
    """Runs engine work off the event loop; `run` consults and fills the cache, `call` does not."""

    def __init__(self, threads: int = 1, timeout: float = 10.0, cache_size: int = 1024):
        self.timeout = timeout
        self.executor = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="mailkb-engine")
        self.cache: LRUCache | None = LRUCache(cache_size) if cache_size > 0 else None  # touched only on the event loop
        self.hits = 0
        self.misses = 0

    async def run(self, key: Hashable, compute: Callable[[], bytes]) -> bytes:
        """The cached answer for `key`, or compute it on the pool (a 503 problem if it takes longer than the limit)."""
        if self.cache is not None:
            found = self.cache.get(key)
            if found is not None:
                self.hits += 1
                return found
        self.misses += 1
        value = await self.call(compute)
        if self.cache is not None:
            self.cache[key] = value
        return value

    async def call(self, work: Callable[[], T]) -> T:
        """`work()` on the pool, within the time limit; work still queued when the limit passes never starts."""
        future = asyncio.get_running_loop().run_in_executor(self.executor, work)
        try:
            return await asyncio.wait_for(future, self.timeout)
        except TimeoutError:
            raise Problem(
                "diagnosis-timeout", f"the engine did not answer within {self.timeout:g} s; try again", headers={"Retry-After": "1"}
            ) from None

    def close(self) -> None:
        """Finish what is running, drop what is queued (graceful shutdown)."""
        self.executor.shutdown(wait=True, cancel_futures=True)
