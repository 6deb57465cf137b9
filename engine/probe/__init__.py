"""`mailkb probe`: a step-by-step connection test to iCloud Mail's IMAP and SMTP servers from this network.

DNS, TCP, TLS (with what a failed certificate check looks like: interception, a wrong clock, a captive portal),
the IMAP greeting and CAPABILITY, and the SMTP greeting, EHLO, STARTTLS and the sign-in methods offered. No step
sends a user name, password or token. The steps imply observations of the knowledge base's vocabulary, which
`mailkb diagnose --probe` (or `--evidence` with a saved `--json` result) feeds to the engine.

    from mailkb.probe import ProbeSettings, parse_target, run_probe
    result = run_probe(ProbeSettings(parse_target("imap", "imap.mail.me.com:993"), parse_target("smtp", "smtp.mail.me.com:587")))
"""

from __future__ import annotations

from .report import as_json
from .runner import ProbeResult, ProbeSettings, run_probe
from .step import Step
from .target import DEFAULT_IMAP, DEFAULT_SMTP, Target, parse_target
from .tls import Trust, load_trust

__all__ = [
    "DEFAULT_IMAP",
    "DEFAULT_SMTP",
    "ProbeResult",
    "ProbeSettings",
    "Step",
    "Target",
    "Trust",
    "as_json",
    "load_trust",
    "parse_target",
    "run_probe",
]
