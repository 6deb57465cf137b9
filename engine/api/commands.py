"""The `mailkb api` verb (registered by verbs.py; errors propagate to cli.py as MailkbError). FastAPI loads only when it runs."""

from __future__ import annotations

import argparse

from ..errors import UsageError
from .settings import ApiSettings


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
    tunables = ("max_body", "cache_size", "threads", "request_timeout", "client_timeout")
    given = {name: getattr(args, name) for name in tunables if getattr(args, name) is not None}  # else ApiSettings' default
    settings = ApiSettings(kb_dir=args.kb, access_log=not args.no_access_log, **given)
    serve(settings, args.host, args.port, args.workers, args.log_level)
    return 0
