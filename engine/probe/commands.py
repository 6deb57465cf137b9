"""The `mailkb probe` verb, and the probe `mailkb diagnose --probe` runs (both registered, with their options, by verbs.py)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, TextIO

from ..errors import EXIT_OK, EXIT_PROBLEMS, MailkbError, UsageError
from .target import IMAP, SMTP, parse_target

if TYPE_CHECKING:  # the probe's machinery (ssl, cryptography, truststore) loads only when a probe runs
    from .runner import ProbeResult, ProbeSettings

MAX_TIMEOUT = 300.0


def settings_from(args: argparse.Namespace) -> ProbeSettings:
    """The probe's settings from the command line, or UsageError."""
    from .runner import ProbeSettings
    from .tls import load_trust

    return ProbeSettings(
        imap=parse_target(IMAP, args.imap),
        smtp=parse_target(SMTP, args.smtp),
        trust=load_trust(args.cafile),
        timeout=_timeout(args.timeout),
    )


def _timeout(text: str) -> float:
    try:
        seconds = float(text)
    except ValueError:
        raise UsageError(f"--timeout: expected a number of seconds, not {text!r}") from None
    if not math.isfinite(seconds) or not 0 < seconds <= MAX_TIMEOUT:
        raise UsageError(f"--timeout: expected more than 0 and at most {MAX_TIMEOUT:g} seconds, not {text!r}")
    return seconds


def cmd_probe(args: argparse.Namespace) -> int:
    from .report import as_json

    settings = settings_from(args)
    if args.json:
        result = _run(settings, None, args.lang)
        print(json.dumps(as_json(result, args.lang), ensure_ascii=False, indent=2))
    else:
        result = run_with_report(settings, sys.stdout, args.lang, footer=True)
    return EXIT_OK if result.passed else EXIT_PROBLEMS


def run_with_report(settings: ProbeSettings, out: TextIO, lang: str, *, footer: bool) -> ProbeResult:
    """Run the probe, printing each step to `out` as it ends (and what it means, with `footer`)."""
    from .report import TextReport

    report = TextReport(out, settings, lang)
    report.header()
    result = _run(settings, report.step, lang)
    if footer:
        report.footer(result, observation_titles(lang))
    return result


def _run(settings: ProbeSettings, on_step, lang: str) -> ProbeResult:
    from .runner import run_probe
    from .words import LABELS

    try:
        return run_probe(settings, on_step)
    except KeyboardInterrupt:
        print(f"mailkb: {LABELS[lang]['interrupted']}", file=sys.stderr)
        raise


def observation_titles(lang: str) -> dict[str, str]:
    """The knowledge base's titles of the probe's observations (empty if the knowledge base cannot be loaded)."""
    from ..loader import load_kb

    try:
        kb = load_kb()
    except MailkbError:
        return {}
    return {ident: (data.get("title") or {}).get(lang, "") for ident, data in kb.observations.items()}
