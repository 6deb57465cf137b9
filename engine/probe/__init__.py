"""`mailkb probe`: a step-by-step connection test to iCloud Mail's IMAP and SMTP servers from this network.

DNS, TCP, TLS (with what a failed certificate check looks like: interception, a wrong clock, a captive portal),
the IMAP greeting and CAPABILITY, and the SMTP greeting, EHLO, STARTTLS and the sign-in methods offered. No step
sends a user name, password or token. The steps imply observations of the knowledge base's vocabulary, which
`mailkb diagnose --probe` (or `--evidence` with a saved `--json` result) feeds to the engine.

    from mailkb.probe import ProbeSettings, parse_target, run_probe
    result = run_probe(ProbeSettings(parse_target("imap", "imap.mail.me.com:993"), parse_target("smtp", "smtp.mail.me.com:587")))

Names are imported on first use: the `mailkb` command registers `probe` without loading TLS and certificate code.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "DEFAULT_IMAP": ".target",
    "DEFAULT_SMTP": ".target",
    "Target": ".target",
    "parse_target": ".target",
    "ProbeResult": ".runner",
    "ProbeSettings": ".runner",
    "run_probe": ".runner",
    "Step": ".step",
    "Trust": ".tls",
    "load_trust": ".tls",
    "as_json": ".report",
}
__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        value = getattr(import_module(_EXPORTS[name], __name__), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'mailkb.probe' has no attribute {name!r}")
