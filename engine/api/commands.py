"""The `mailkb api` verb (registered by cli.py; errors propagate to it as MailkbError). FastAPI loads only when it runs."""

from __future__ import annotations

import argparse

from ..errors import UsageError
from .settings import ApiSettings


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


def cmd_api(args: argparse.Namespace) -> int:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as err:
        raise UsageError(f"the HTTP API needs its extra ({err.name} is missing): pip install 'mailkb[api]'") from None
    from ..loader import load_kb
    from .server import serve

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port: expects 0–65535, not {args.port}")
    load_kb(args.kb)  # a knowledge base with errors stops here, with the CLI's one-line message, before any worker starts
    settings = ApiSettings(
        kb_dir=args.kb,
        max_body=args.max_body,
        cache_size=args.cache_size,
        threads=args.threads,
        request_timeout=args.request_timeout,
        client_timeout=args.client_timeout,
        access_log=not args.no_access_log,
    )
    serve(settings, args.host, args.port, args.workers, args.log_level)
    return 0


def add_api_commands(sub: argparse._SubParsersAction) -> None:
    """Register `api`."""
    defaults = ApiSettings()
    api = sub.add_parser("api", help="serve the HTTP API (POST /v1/diagnose, GET /v1/{kind}/{id}, /openapi.json)")
    api.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1; 0.0.0.0 for every interface)")
    api.add_argument("--port", type=int, default=8080, help="port (default 8080)")
    api.add_argument("--workers", type=_number(int), default=1, help="worker processes (default 1; one per core is a good start)")
    api.add_argument("--kb", metavar="KB_DIR", help="knowledge base folder (default: the bundled one)")
    api.add_argument(
        "--max-body", type=_number(int), default=defaults.max_body, metavar="BYTES", help="largest request body (default 64 KiB)"
    )
    api.add_argument(
        "--cache-size",
        type=_number(int, strict=False),
        default=defaults.cache_size,
        metavar="N",
        help="diagnoses kept per worker (0 turns the cache off)",
    )
    api.add_argument(
        "--threads",
        type=_number(int, strict=False),
        default=defaults.threads,
        help="engine threads per worker (default 0: on the event loop, measured fastest)",
    )
    api.add_argument(
        "--request-timeout",
        type=_number(float),
        default=defaults.request_timeout,
        metavar="S",
        help="seconds a diagnosis may take (503 after)",
    )
    api.add_argument(
        "--client-timeout",
        type=_number(float),
        default=defaults.client_timeout,
        metavar="S",
        help="seconds a client may take to send a request (408 after)",
    )
    api.add_argument("--no-access-log", action="store_true", help="do not log a JSON line per request")
    api.add_argument("--log-level", choices=("debug", "info", "warning", "error"), default="info")
    api.set_defaults(func=cmd_api)
