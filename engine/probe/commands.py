"""The `mailkb probe` verb and the probe options `mailkb diagnose --probe` shares (registered by cli.py)."""

from __future__ import annotations

import argparse
import json
import math
import sys
from typing import TYPE_CHECKING, TextIO

from ..errors import EXIT_OK, EXIT_PROBLEMS, MailkbError, UsageError
from .target import DEFAULT_IMAP, DEFAULT_SMTP, IMAP, SMTP, parse_target

if TYPE_CHECKING:  # the probe's machinery (ssl, cryptography, truststore) loads only when a probe runs
    from .runner import ProbeResult, ProbeSettings

MAX_TIMEOUT = 300.0


def add_probe_options(parser: argparse.ArgumentParser) -> None:
    """--imap, --smtp, --cafile, --timeout."""
    parser.add_argument("--imap", metavar="HOST:PORT", default=DEFAULT_IMAP, help=f"IMAP server, implicit TLS (default {DEFAULT_IMAP})")
    parser.add_argument(
        "--smtp", metavar="HOST:PORT", default=DEFAULT_SMTP, help=f"SMTP submission server, STARTTLS (default {DEFAULT_SMTP})"
    )
    parser.add_argument(
        "--cafile", metavar="PEM", help="trust only the CA certificates in this PEM file (default: the system's trust store)"
    )
    parser.add_argument("--timeout", metavar="SECONDS", default="10", help="longest wait for any one step (default 10)")


def add_probe_commands(sub: argparse._SubParsersAction) -> None:
    """Register `probe`."""
    probe = sub.add_parser("probe", help="test the connection to iCloud Mail's servers from this network, step by step, without a password")
    probe.add_argument("--json", action="store_true", help='print {"steps": [...], "observations": {...}} instead of the report')
    probe.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the report and of the steps' names and details")
    add_probe_options(probe)
    probe.set_defaults(func=cmd_probe)


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
