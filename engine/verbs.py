"""The argparse registration of the verbs whose code lives in subpackages: evidence, check-domain, build, serve, probe, api.

Every `mailkb` command builds the whole parser, so this module imports nothing but argparse and the two iCloud server
addresses: each verb's function imports its implementation (`<package>/commands.py`) only when that verb runs. A
`mailkb diagnose` therefore loads none of the API, evidence, probe or site builder modules.
"""

from __future__ import annotations

import argparse

from .icloud import DEFAULT_IMAP, DEFAULT_SMTP

# --- evidence, check-domain -------------------------------------------------------------------------


def cmd_evidence(args: argparse.Namespace) -> int:
    from .evidence.commands import cmd_evidence

    return cmd_evidence(args)


def cmd_check_domain(args: argparse.Namespace) -> int:
    from .evidence.commands import cmd_check_domain

    return cmd_check_domain(args)


def add_evidence_commands(sub: argparse._SubParsersAction) -> None:
    """Register `evidence` and `check-domain`."""
    evidence = sub.add_parser("evidence", help="read a bounce, headers, an .eml or a pasted alert (locally) into observations")
    evidence.add_argument("file", nargs="?", metavar="FILE", help="the evidence file ('-' for stdin)")
    evidence.add_argument("--json", action="store_true", help="print {kind, observations, findings, warnings}")
    evidence.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the report (default ja)")
    evidence.add_argument("--kb", metavar="KB_DIR", help="knowledge base folder (default: the bundled one)")
    evidence.set_defaults(func=cmd_evidence)

    check = sub.add_parser("check-domain", help="check a sender domain's SPF, DMARC, DKIM and MX (queries DNS)")
    check.add_argument("domain", metavar="DOMAIN")
    check.add_argument("--selector", "-s", metavar="S", help="DKIM selector (the s= of a DKIM-Signature) to check the key of")
    check.add_argument("--json", action="store_true", help="print {kind, domain, observations, findings, records, warnings}")
    check.add_argument("--lang", choices=("ja", "en"), default="ja")
    check.add_argument("--timeout", type=float, default=5.0, help="seconds per DNS query (default 5)")
    check.add_argument("--nameserver", metavar="IP", help="ask this DNS server instead of the system's")
    check.add_argument("--dns-port", type=int, default=53, help="port of that DNS server (default 53)")
    check.set_defaults(func=cmd_check_domain)


# --- build, serve -----------------------------------------------------------------------------------


def cmd_build(args: argparse.Namespace) -> int:
    from .sitebuild.commands import cmd_build

    return cmd_build(args)


def cmd_serve(args: argparse.Namespace) -> int:
    from .sitebuild.commands import cmd_serve

    return cmd_serve(args)


def add_site_commands(sub: argparse._SubParsersAction) -> None:
    """Register `build` and `serve`."""
    build = sub.add_parser("build", help="build the static site (ja at /, en at /en/) into _site/")
    build.add_argument("--kb", metavar="DIR", help="knowledge base folder (default: the bundled one)")
    build.add_argument("--out", metavar="DIR", default="_site", help="output folder (default: _site)")
    build.add_argument("--strict", action="store_true", help="fail on any lint error instead of leaving broken entries out")
    build.add_argument("--jobs", type=int, default=None, help="processes to render with (default: every core)")
    build.add_argument("--no-search", action="store_true", help="skip the Pagefind search index")
    build.add_argument("--incremental", action="store_true", help="re-render only what changed since the last build into --out")
    build.add_argument("--site-url", help="public address, for the sitemap and hreflang (default: [tool.mailkb] or MAILKB_SITE_URL)")
    build.add_argument("--base-path", help="path the site is served under, e.g. /mailkb/ (default: /)")
    build.add_argument("--repo-url", help="repository for 'edit this entry' links")
    build.set_defaults(func=cmd_build)

    serve = sub.add_parser("serve", help="serve the built site locally (standard library server)")
    serve.add_argument("--out", metavar="DIR", default="_site")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--watch", action="store_true", help="build first, then rebuild incrementally whenever a knowledge file changes")
    serve.add_argument("--kb", metavar="DIR", help="knowledge base folder to watch (default: the bundled one)")
    serve.set_defaults(func=cmd_serve)


# --- probe (and the probe options of `diagnose --probe`) --------------------------------------------


def cmd_probe(args: argparse.Namespace) -> int:
    from .probe.commands import cmd_probe

    return cmd_probe(args)


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


# --- api ----------------------------------------------------------------------------------------------


def cmd_api(args: argparse.Namespace) -> int:
    from .api.commands import cmd_api

    return cmd_api(args)


def _number(kind: type, minimum: float = 0, *, strict: bool = True):
    """An argparse type: a number of `kind` above `minimum` (or equal to it when not `strict`)."""

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expects a number, not {text!r}") from None
        if value < minimum or (strict and value == minimum):
            raise argparse.ArgumentTypeError(f"expects a number {'above' if strict else 'from'} {minimum}, not {text}")
        return value

    return parse


def add_api_commands(sub: argparse._SubParsersAction) -> None:
    """Register `api`. The tunables left out default to None here and to `ApiSettings`' defaults in `cmd_api`
    (which stays their one source, without importing the API's settings for every command)."""
    api = sub.add_parser("api", help="serve the HTTP API (POST /v1/diagnose, GET /v1/{kind}/{id}, /openapi.json)")
    api.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    api.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    api.add_argument("--workers", type=_number(int), default=1, help="worker processes (default 1; one per core is a good start)")
    api.add_argument("--kb", metavar="KB_DIR", help="knowledge base folder (default: the bundled one)")
    api.add_argument("--max-body", type=_number(int), metavar="BYTES", help="largest request body (default 64 KiB)")
    api.add_argument(
        "--cache-size",
        type=_number(int, strict=False),
        metavar="N",
        help="diagnoses kept per worker (0 turns the cache off)",
    )
    api.add_argument(
        "--threads",
        type=_number(int, strict=False),
        help="engine threads per worker (default 0: on the event loop, measured fastest)",
    )
    api.add_argument("--request-timeout", type=_number(float), metavar="S", help="seconds a diagnosis may take (503 after)")
    api.add_argument("--client-timeout", type=_number(float), metavar="S", help="seconds a client may take to send a request (408 after)")
    api.add_argument("--no-access-log", action="store_true", help="do not log a JSON line per request")
    api.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info")
    api.set_defaults(func=cmd_api)
