"""The `mailkb evidence` and `mailkb check-domain` verbs (registered by verbs.py; errors propagate to cli.py as MailkbError)."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from ..errors import UsageError
from .reader import MAX_BYTES


def _read_input(path: str | None) -> tuple[bytes, str]:
    if path in (None, "-"):
        if path is None and sys.stdin.isatty():
            raise UsageError("give a file (a bounce, an .eml, headers or an alert as text), or '-' and paste it on stdin")
        return sys.stdin.buffer.read(MAX_BYTES + 1), "stdin"
    file = Path(path)
    try:
        with file.open("rb") as handle:
            return handle.read(MAX_BYTES + 1), file.name
    except OSError as err:
        raise UsageError(f"cannot read {path}: {err.strerror or err}") from None


def cmd_evidence(args: argparse.Namespace) -> int:
    from ..loader import load_kb
    from .reader import read_evidence
    from .report import render

    data, name = _read_input(args.file)
    kb = load_kb(args.kb)
    result = read_evidence(data, name=name, kb=kb)
    if args.json:
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    else:
        print(render(result, kb, args.lang))
    return 0


NETWORK_NOTE = {
    "ja": "このコマンドは DNS に問い合わせます(mailkb の中でネットワークを使うのはこのコマンドだけです)。",
    "en": "This command queries DNS (the only mailkb command that uses the network).",
}


def cmd_check_domain(args: argparse.Namespace) -> int:
    from .dnscheck import check_domain

    nameservers = [args.nameserver] if args.nameserver else None
    print(NETWORK_NOTE[args.lang], file=sys.stderr)
    report = check_domain(args.domain, selector=args.selector, nameservers=nameservers, port=args.dns_port, timeout=args.timeout)
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
        return 0
    ja = args.lang == "ja"
    print(("ドメイン: " if ja else "Domain: ") + report.domain)
    for finding in report.findings:
        print(f"- {finding['observation']} = {finding['value']}  ({finding['record']})\n  > {finding['text']}")
    for key in ("mx", "spf"):
        print(f"{key.upper()}: {', '.join(report.records.get(key) or []) or '-'}")
    if report.warnings:
        print("注意:" if ja else "Warnings:")
        for warning in report.warnings:
            print(f"- {warning}")
    return 0
