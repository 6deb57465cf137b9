"""One probe step's result, and how a step ends (an Outcome: pass or fail, with its detail)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PASS, FAIL, SKIP = "pass", "fail", "skip"

# What a step saw that means something for the diagnosis (observations.py turns these into observations).
DNS_FAILED = "dns_failed"
BLOCKED = "blocked"
INTERCEPTED = "intercepted"
CLOCK = "clock"
CAPTIVE = "captive"


@dataclass(frozen=True)
class Note:
    """A readable detail, kept as a key of words.DETAILS and its values so it can be written in either language."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Step:
    """A finished step: `id` is `<target>.<kind>` (e.g. `imap.tls`); `signals` are for observations, not printed."""

    target: str
    kind: str
    status: str
    ms: int
    note: Note
    reply: str | None = None
    signals: frozenset[str] = frozenset()

    @property
    def id(self) -> str:
        return f"{self.target}.{self.kind}"


class Outcome(Exception):
    """Raised inside a step to end it: the status, the detail, the raw reply and the signals."""

    def __init__(self, status: str, note: Note, reply: str | None = None, signals: frozenset[str] = frozenset()):
        super().__init__(note.key)
        self.status, self.note, self.reply, self.signals = status, note, reply, signals
        self.ms: int | None = None  # set when the step timed its own part of a longer exchange


def failed(key: str, reply: str | None = None, *signals: str, **values: Any) -> Outcome:
    """A failure outcome (raise it)."""
    return Outcome(FAIL, Note(key, values), reply, frozenset(signals))


def passed(key: str, reply: str | None = None, **values: Any) -> Outcome:
    """A success outcome (raise it, or return it from a step function)."""
    return Outcome(PASS, Note(key, values), reply)
