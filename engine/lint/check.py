"""A check of the registry: its name, the codes it may report, the function, and when it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from .problem import Problem


@dataclass(frozen=True)
class Check:
    """One small check. `fn(ctx, source)` for scope "file", `fn(ctx)` for scope "kb".

    `needs_complete`: run only when every knowledge file loaded (a file that failed to load would
    otherwise make what it holds look missing).
    """

    name: str
    codes: frozenset[str]
    fn: Callable[..., Iterator[Problem]]
    scope: str = "kb"
    needs_complete: bool = False

    def __call__(self, *args: Any) -> Iterator[Problem]:
        return self.fn(*args)


def check(name: str, codes: str, *, scope: str = "kb", needs_complete: bool = False) -> Callable[[Callable], Check]:
    """Decorator: register a function as a Check reporting the space-separated `codes`."""

    def wrap(fn: Callable[..., Iterator[Problem]]) -> Check:
        return Check(name, frozenset(codes.split()), fn, scope, needs_complete)

    return wrap
