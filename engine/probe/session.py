"""What one target's steps share: the target, the settings, the time left, and the open connection."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .network import Resolver, system_resolver
from .target import Target
from .tls import Trust


@dataclass
class Session:
    """One target's run. Every socket operation waits at most `limit()`: the per-step timeout, or less when the
    target's whole time budget is nearly spent."""

    target: Target
    trust: Trust
    timeout: float
    budget_end: float
    resolver: Resolver = system_resolver
    addresses: list[str] = field(default_factory=list)
    address: str | None = None
    sock: socket.socket | None = None
    on_close: list[Callable[[], None]] = field(default_factory=list)

    def limit(self) -> float:
        """Seconds a socket operation may wait now."""
        return max(min(self.timeout, self.budget_end - time.monotonic()), 0.001)

    def budget_left(self) -> float:
        return self.budget_end - time.monotonic()

    def arm(self) -> None:
        """Set the open socket's timeout for the step about to run."""
        if self.sock is not None:
            self.sock.settimeout(self.limit())

    def close(self) -> None:
        """Say goodbye politely if a step arranged it (LOGOUT, QUIT), then close the connection."""
        for hook in self.on_close:
            with contextlib.suppress(OSError, EOFError, ValueError):
                hook()
        if self.sock is not None:
            with contextlib.suppress(OSError):
                self.sock.close()
            self.sock = None
