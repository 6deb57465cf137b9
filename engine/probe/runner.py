"""Running the probe: both servers at once, each step reported as it ends, and the whole run bounded in time."""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from .imap import ImapProbe
from .network import Resolver, system_resolver
from .observations import observations
from .session import Session
from .smtp import SmtpProbe
from .step import FAIL, SKIP, Note, Outcome, Step, failed
from .target import IMAP, SMTP, Target
from .tls import Trust

BUDGET = 3
"""A server's steps together take at most this many --timeout (each step alone at most one)."""

PROTOCOLS = {IMAP: ImapProbe, SMTP: SmtpProbe}


@dataclass(frozen=True)
class ProbeSettings:
    """What to probe and how: the two servers, whose certificates to trust, the per-step timeout in seconds."""

    imap: Target
    smtp: Target
    trust: Trust = field(default_factory=Trust)
    timeout: float = 10.0
    resolver: Resolver = system_resolver

    @property
    def targets(self) -> tuple[Target, Target]:
        return (self.imap, self.smtp)


@dataclass(frozen=True)
class ProbeResult:
    """The steps (IMAP's, then SMTP's, each in order) and the observations they imply."""

    steps: list[Step]
    observations: dict[str, bool]
    seconds: float

    @property
    def passed(self) -> bool:
        return all(step.status != FAIL for step in self.steps)


def run_probe(settings: ProbeSettings, on_step: Callable[[Step], None] | None = None) -> ProbeResult:
    """Probe both servers concurrently; `on_step` sees each step in report order (IMAP's, then SMTP's) as it ends.

    Ctrl-C (KeyboardInterrupt) propagates from here; the workers are daemon threads and stop at their next step.
    """
    started = time.monotonic()
    budget_end = started + BUDGET * settings.timeout
    hard_end = budget_end + min(settings.timeout, 1.0)  # a step blocked past its budget is abandoned here
    events: queue.Queue[Step] = queue.Queue()
    stop = threading.Event()
    plans: dict[str, tuple[str, ...]] = {}
    workers: list[threading.Thread] = []
    for target in settings.targets:
        session = Session(target, settings.trust, settings.timeout, budget_end, settings.resolver)
        probe = PROTOCOLS[target.protocol](session)
        plans[target.protocol] = probe.KINDS
        worker = threading.Thread(
            target=_run_target, args=(session, probe.plan(), events.put, stop), name=f"mailkb-probe-{target.protocol}", daemon=True
        )
        worker.start()
        workers.append(worker)
    done: dict[str, list[Step]] = {protocol: [] for protocol in plans}
    last = dict.fromkeys(plans, started)  # when each server's latest step ended: the next one began then
    shown = 0
    order = [(protocol, kind) for protocol, kinds in plans.items() for kind in kinds]
    try:
        while any(len(done[p]) < len(plans[p]) for p in plans):
            left = hard_end - time.monotonic()
            if left <= 0:
                for protocol, kinds in plans.items():
                    done[protocol] += _abandoned(
                        protocol, kinds[len(done[protocol]) :], time.monotonic() - last[protocol], settings.timeout
                    )
                break
            try:
                step = events.get(timeout=min(left, 0.25))
            except queue.Empty:
                continue
            done[step.target].append(step)
            last[step.target] = time.monotonic()
            shown = _show(order, done, shown, on_step)
        for worker in workers:  # let them say goodbye (LOGOUT, QUIT) and close, within the same bound
            worker.join(max(hard_end - time.monotonic(), 0))
    finally:
        stop.set()
    _show(order, done, shown, on_step)
    steps = [step for protocol in plans for step in done[protocol]]
    return ProbeResult(steps, observations(steps), time.monotonic() - started)


def _show(order: list[tuple[str, str]], done: dict[str, list[Step]], shown: int, on_step) -> int:
    """Hand on the steps that are next in report order; returns how many have been shown."""
    while shown < len(order):
        protocol, _ = order[shown]
        index = sum(1 for p, _ in order[:shown] if p == protocol)
        if index >= len(done[protocol]):
            break
        if on_step is not None:
            on_step(done[protocol][index])
        shown += 1
    return shown


def _abandoned(protocol: str, kinds: tuple[str, ...], running: float, timeout: float) -> list[Step]:
    """The steps of a server that overran its time budget: the one under way (for `running` s) failed, the rest skipped."""
    if not kinds:
        return []
    first = Step(protocol, kinds[0], FAIL, round(running * 1000), Note("budget", {"seconds": f"{BUDGET * timeout:g}"}))
    return [first] + [Step(protocol, kind, SKIP, 0, Note("skip", {"after": kinds[0]})) for kind in kinds[1:]]


def _run_target(
    session: Session, plan: list[tuple[str, Callable[[], Outcome]]], emit: Callable[[Step], None], stop: threading.Event
) -> None:
    """Run one server's steps in order; after a failure the rest are skipped. Always closes the connection."""
    protocol = session.target.protocol
    failed_kind: str | None = None
    try:
        for kind, step in plan:
            if stop.is_set():  # the run was interrupted: nobody is listening any more
                return
            if failed_kind is not None:
                emit(Step(protocol, kind, SKIP, 0, Note("skip", {"after": failed_kind})))
                continue
            outcome, ms = _timed(session, step)
            emit(Step(protocol, kind, outcome.status, ms, outcome.note, outcome.reply, outcome.signals))
            if outcome.status == FAIL:
                failed_kind = kind
    finally:
        session.close()


def _timed(session: Session, step: Callable[[], Outcome]) -> tuple[Outcome, int]:
    if session.budget_left() <= 0:
        return failed("budget", None, seconds=f"{BUDGET * session.timeout:g}"), 0
    session.arm()
    start = time.perf_counter()
    try:
        outcome = step()
    except Outcome as raised:
        outcome = raised
    except Exception as err:  # a fault in a step's own code: shown as that step's failure rather than lost in a thread
        outcome = failed("error", None, error=f"{type(err).__name__}: {err}")
    ms = outcome.ms if outcome.ms is not None else round((time.perf_counter() - start) * 1000)
    return outcome, ms
