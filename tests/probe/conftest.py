"""Shared set-up for the probe's tests: the test CA and a helper that probes two loopback servers."""

from __future__ import annotations

import pytest

from mailkb.probe.runner import ProbeSettings, run_probe
from mailkb.probe.target import parse_target
from mailkb.probe.tls import Trust

from .servers import Certificates


@pytest.fixture(scope="session")
def certs(tmp_path_factory) -> Certificates:
    return Certificates(tmp_path_factory.mktemp("certs"))


def probe(imap: str, smtp: str, certs: Certificates | None = None, *, timeout: float = 2.0, resolver=None):
    """run_probe against `imap` and `smtp` (HOST:PORT), trusting only the test CA."""
    settings = ProbeSettings(
        imap=parse_target("imap", imap),
        smtp=parse_target("smtp", smtp),
        trust=Trust(str(certs.cafile)) if certs else Trust(),
        timeout=timeout,
        **({"resolver": resolver} if resolver else {}),
    )
    return run_probe(settings)


def statuses(result, target: str) -> dict[str, str]:
    """{kind: status} of one target's steps."""
    return {step.kind: step.status for step in result.steps if step.target == target}


def step(result, ident: str):
    return next(s for s in result.steps if s.id == ident)
