"""The `mailkb` command line. Errors become exit codes here and nowhere else."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
from collections import Counter
from pathlib import Path

from . import __version__
from .errors import EXIT_INTERNAL, EXIT_OK, EXIT_PROBLEMS, MailkbError, UsageError
from .paths import knowledge_dir
from .verbs import add_api_commands, add_evidence_commands, add_probe_commands, add_probe_options, add_site_commands


def _kb_dir(value: str | None) -> Path:
    path = Path(value) if value else knowledge_dir()
    if not path.exists():
        raise UsageError(f"knowledge base directory not found: {path}")
    if not path.is_dir():
        raise UsageError(f"not a directory: {path} (give the knowledge base folder, e.g. knowledge/)")
    return path


def cmd_lint(args: argparse.Namespace) -> int:
    from .lint import lint
    from .lint.report import FORMATS, as_text

    result = lint(_kb_dir(args.kb_dir))
    if args.format == "text":
        print(as_text(result, hints=not args.no_hints))
    else:
        output = FORMATS[args.format](result)
        if output:
            print(output)
    failing = result.errors or (args.strict and result.warnings)
    return EXIT_PROBLEMS if failing else EXIT_OK


def cmd_summary(args: argparse.Namespace) -> int:
    from .lint import lint

    result = lint(_kb_dir(args.kb_dir))
    print(summary_text(result))
    return EXIT_PROBLEMS if result.errors else EXIT_OK


def summary_text(result) -> str:
    """Counts per kind and what is untranslated, unsourced or only weakly sourced."""
    kb = result.kb
    counts = kb.counts()
    codes = Counter(p.code for p in result.problems)
    messages = Counter(m.get("status") for s in kb.symptoms.values() for m in s.get("messages") or ())
    advice = Counter(r.get("advice") for r in kb.remedies.values())
    weak = sorted(
        f"{kind}:{ident}"
        for kind, items in kb.entities.items()
        for ident, data in items.items()
        if data.get("sources") and all(s.get("kind") == "community" for s in data["sources"])
    )
    lines = [
        f"mailkb {__version__} knowledge base: {kb.root}",
        "  " + " · ".join(f"{kind} {counts[kind]}" for kind in sorted(counts)),
        f"  UI messages: {messages['attested']} attested, {messages['translation']} translated (English attested),"
        f" {messages['reported']} reported only",
        "  remedies by standing: " + ", ".join(f"{k} {v}" for k, v in sorted(advice.items(), key=lambda kv: str(kv[0]))),
        f"  untranslated texts (MK307): {codes['MK307']} · unsourced entries (MK308): {codes['MK308']}",
        f"  entries sourced only by community material: {len(weak)}"
        + (f" ({', '.join(weak[:8])}{' …' if len(weak) > 8 else ''})" if weak else ""),
        f"  lint: {len(result.errors)} error(s), {len(result.warnings)} warning(s), {result.files} files in {result.seconds:.2f}s",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="mailkb", description="iCloud Mail troubleshooting knowledge base.")
    parser.add_argument("--version", action="version", version=f"mailkb {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True

    lint = sub.add_parser("lint", help="check the knowledge base (file:line:col: CODE message)")
    lint.add_argument("kb_dir", nargs="?", metavar="KB_DIR", help="knowledge base folder (default: the bundled one)")
    lint.add_argument("--format", choices=("text", "github", "json"), default="text")
    lint.add_argument("--strict", action="store_true", help="fail on warnings too")
    lint.add_argument("--no-hints", action="store_true", help="omit the hint lines")
    lint.set_defaults(func=cmd_lint)

    summary = sub.add_parser("summary", help="counts per kind, untranslated and unsourced entries")
    summary.add_argument("kb_dir", nargs="?", metavar="KB_DIR")
    summary.set_defaults(func=cmd_summary)
    _add_engine_commands(sub)
    add_evidence_commands(sub)
    add_site_commands(sub)
    add_probe_commands(sub)
    add_api_commands(sub)
    return parser


# --- the diagnosis engine: `mailkb diagnose`, `mailkb ask` -------------------------------------------


def _engine_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("ja", "en"), default="ja", help="language of the report (default ja)")
    parser.add_argument(
        "--order", choices=("value", "stages"), default="value", help="plan order: P(fix)/minutes (default) or the seed's stages"
    )
    parser.add_argument("--engine", choices=("durable", "reference"), default="durable", help="inference backend (default durable-rules)")
    parser.add_argument("--kb", metavar="KB_DIR", help="knowledge base folder (default: the bundled one)")


def _add_engine_commands(sub) -> None:
    diagnose = sub.add_parser("diagnose", help="diagnose a query (JSON on stdin or --input, or -o id=value)")
    diagnose.add_argument("--input", "-i", metavar="FILE", help="JSON query file ('-' for stdin)")
    diagnose.add_argument("-o", dest="pairs", action="append", default=[], metavar="ID=VALUE", help="one observation (repeatable)")
    diagnose.add_argument(
        "--format",
        choices=("text", "json", "consult"),
        default="text",
        help="the report (default), the JSON contract, or the consultation text for Apple Support or a carrier",
    )
    diagnose.add_argument("--json", dest="format", action="store_const", const="json", help="the same as --format json")
    diagnose.add_argument(
        "--evidence",
        action="append",
        default=[],
        metavar="FILE",
        help="a bounce, .eml, header block or alert, or a saved `mailkb evidence`/`mailkb probe` --json (repeatable)",
    )
    diagnose.add_argument(
        "--probe", action="store_true", help="run `mailkb probe` first and use what it observed (the options below apply)"
    )
    _engine_options(diagnose)
    add_probe_options(diagnose)
    diagnose.set_defaults(func=cmd_diagnose)
    ask = sub.add_parser("ask", help="a dialogue that asks the next best question (answers can be piped in)")
    _engine_options(ask)
    ask.set_defaults(func=cmd_ask)


def _read_query(args: argparse.Namespace, kb, *, evidence: bool = False) -> dict:
    """The answers: JSON (--input or stdin) and -o pairs. With evidence, no answer at all is fine."""
    from .query import parse_json, parse_pair

    query: dict = {}
    if args.input:
        query = parse_json(_read_input(args.input))
    elif not args.pairs and not sys.stdin.isatty():
        text = _read_input("-")
        query = {} if evidence and not text.strip() else parse_json(text)
    elif not args.pairs and not evidence:
        raise UsageError("give a query: JSON on stdin, --input FILE, or -o id=value (or --evidence FILE, --probe)")
    for pair in args.pairs:
        key, value = parse_pair(kb, pair)
        query[key] = value
    return query


def _read_input(name: str) -> str:
    """The query text of a file or stdin ('-'): UTF-8 (a byte-order mark is skipped), at most MAX_QUERY_BYTES."""
    from .query import MAX_QUERY_BYTES, decode

    try:
        if name == "-":
            stream = getattr(sys.stdin, "buffer", None)
            if stream is None:  # a text stream (tests, embedding): already decoded
                return sys.stdin.read(MAX_QUERY_BYTES + 1)
            return decode(stream.read(MAX_QUERY_BYTES + 1))
        with open(name, "rb") as file:
            return decode(file.read(MAX_QUERY_BYTES + 1))
    except OSError as err:
        raise UsageError(f"cannot read {name}: {err.strerror or err}") from None


def cmd_diagnose(args: argparse.Namespace) -> int:
    import json

    from .diagnosis import diagnose
    from .loader import load_kb

    kb = load_kb(args.kb)
    evidence = _gather_evidence(args, kb)
    query = _read_query(args, kb, evidence=bool(evidence))
    result = diagnose(query, kb=kb, backend=args.engine, order=args.order, evidence=evidence)
    if args.format == "json":
        print(json.dumps(result.to_dict(), ensure_ascii=False, indent=2))
    elif args.format == "consult":
        from .consultation import consultation
        from .query import validate

        print(consultation(result, kb, validate(kb, query), args.lang))
    else:
        from .report import render

        print(render(result, kb, args.lang))
    return EXIT_OK


def _gather_evidence(args: argparse.Namespace, kb) -> list:
    """--evidence files (read first, so a bad one stops before anything connects), then --probe's observations."""
    if not args.evidence and not args.probe:
        return []  # the usual query: nothing of the evidence readers or the probe is loaded
    from .evidence_merge import Evidence, read_evidence

    evidence = [read_evidence(path, kb) for path in args.evidence]
    if args.probe:
        from .probe.commands import run_with_report, settings_from

        settings = settings_from(args)
        # The steps go with the report on stdout; with --json or --format consult, stdout is that text alone.
        out = sys.stdout if args.format == "text" else sys.stderr
        result = run_with_report(settings, out, args.lang, footer=False)
        if args.format == "text":
            print()
        evidence.append(Evidence("probe", result.observations))
    return evidence


def cmd_ask(args: argparse.Namespace) -> int:
    from .ask import run_dialogue
    from .loader import load_kb

    kb = load_kb(args.kb)
    run_dialogue(kb, sys.stdin, sys.stdout, lang=args.lang, backend=args.engine, order=args.order)
    return EXIT_OK


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except MailkbError as err:
        print(f"mailkb: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return EXIT_OK
    except Exception as err:  # the last line of defence: never a traceback for a user
        print(f"mailkb: internal error: {type(err).__name__}: {err} (please report this)", file=sys.stderr)
        return EXIT_INTERNAL


def console_main() -> None:
    """The `mailkb` console script: main(), then exit without tearing down the object graph.

    A build or diagnosis leaves tens of thousands of objects; freeing them one by one at exit
    costs ~0.1 s that nobody waits for on purpose. Output is flushed first.
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe has nothing left to flush
            stream.flush()
    os._exit(code)


if __name__ == "__main__":
    sys.exit(main())
