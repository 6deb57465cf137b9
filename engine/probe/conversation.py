"""What IMAP and SMTP probes share: the DNS and TCP steps, a record of the lines exchanged, and how a broken
exchange is reported."""

from __future__ import annotations

import time
from collections.abc import Callable

from .network import connect_step, dns_passed, resolve_step
from .session import Session
from .step import BLOCKED, Outcome, failed


class Transcript:
    """Lines sent and received, with when they were received (for the raw reply and the steps' own timings)."""

    def __init__(self) -> None:
        self.lines: list[tuple[float, str, str]] = []  # (perf_counter time, "C" sent or "S" received, text)

    def sent(self, data: bytes) -> None:
        self.lines.append((time.perf_counter(), "C", _text(data)))

    def received(self, data: bytes) -> None:
        if data:
            self.lines.append((time.perf_counter(), "S", _text(data)))

    def mark(self) -> int:
        """A position to read replies from later."""
        return len(self.lines)

    def replies_since(self, mark: int) -> list[tuple[float, str]]:
        return [(at, text) for at, side, text in self.lines[mark:] if side == "S"]

    def commands(self) -> list[str]:
        """The commands sent, as sent."""
        return [text for _, side, text in self.lines if side == "C"]


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace").rstrip("\r\n")


def broken(err: BaseException, seconds: float) -> Outcome:
    """A read or write that failed: silent (timed out), reset, or closed by the other side."""
    cause = err if isinstance(err, OSError) and not _is_wrapper(err) else (err.__context__ or err)
    if isinstance(cause, TimeoutError):
        return failed("talk.silent", None, BLOCKED, seconds=f"{seconds:g}")
    if isinstance(cause, ConnectionResetError):
        return failed("talk.reset", None, BLOCKED)
    return failed("talk.closed", None, BLOCKED, error=str(err) or type(err).__name__)


def _is_wrapper(err: BaseException) -> bool:
    # smtplib turns a timeout or reset into SMTPServerDisconnected("Connection unexpectedly closed: …")
    import smtplib

    return isinstance(err, smtplib.SMTPServerDisconnected) and err.__context__ is not None


class ServerProbe:
    """One server's steps, in the order of KINDS; each step method returns or raises an Outcome."""

    KINDS: tuple[str, ...] = ()

    def __init__(self, session: Session):
        self.session = session
        self.transcript = Transcript()

    def plan(self) -> list[tuple[str, Callable[[], Outcome]]]:
        return [(kind, getattr(self, kind)) for kind in self.KINDS]

    def dns(self) -> Outcome:
        self.session.addresses = resolve_step(self.session)
        return dns_passed(self.session.target, self.session.addresses)

    def tcp(self) -> Outcome:
        return connect_step(self.session)
