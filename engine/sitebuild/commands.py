"""The `mailkb build` and `mailkb serve` verbs (registered by verbs.py; errors propagate to cli.py as MailkbError)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ..errors import UsageError


def cmd_build(args: argparse.Namespace) -> int:
    from .build import build_site, main_report
    from .config import load_config

    if args.kb and not Path(args.kb).is_dir():
        raise UsageError(f"knowledge base directory not found: {args.kb}")
    config = load_config(site_url=args.site_url, base_path=args.base_path, repo_url=args.repo_url)
    result = build_site(
        args.kb,
        args.out,
        config=config,
        strict=args.strict,
        jobs=args.jobs,
        search=not args.no_search,
        incremental=args.incremental,
        background_state=args.incremental,
    )
    for note in result.warnings:
        print(f"mailkb: warning: {note}", file=sys.stderr)
    print(main_report(result))
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from .serve import serve

    if args.watch:
        return _watch(args)
    if not Path(args.out).is_dir():
        raise UsageError(f"{args.out}/ does not exist: run `mailkb build` first")
    serve(Path(args.out), args.host, args.port)
    return 0


def _watch(args: argparse.Namespace) -> int:
    """Build, serve, and rebuild incrementally (state kept in memory) whenever a knowledge file changes.

    The files are snapshotted *before* the first build: an edit saved while that build runs, or right after the
    address is printed, differs from the snapshot and is rebuilt (`file_stats` also tells apart two saves
    within one timestamp tick).
    """
    import threading
    import time

    from ..cachefiles import changed_files, file_stats
    from ..errors import BuildError
    from ..paths import knowledge_dir
    from .build import build_site, main_report
    from .config import load_config
    from .serve import make_server

    if args.kb and not Path(args.kb).is_dir():
        raise UsageError(f"knowledge base directory not found: {args.kb}")
    kb_dir = Path(args.kb) if args.kb else knowledge_dir()
    out = Path(args.out)
    config = load_config()
    seen = file_stats(kb_dir)
    print(main_report(build_site(kb_dir, out, config=config, live=True)), flush=True)
    server = make_server(out, args.host, args.port)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(f"serving {out}/ at http://{args.host}:{server.server_address[1]}/ — watching {kb_dir}/ (Ctrl-C to stop)", flush=True)
    try:
        while True:
            now = file_stats(kb_dir)
            changed = changed_files(seen, now, kb_dir)
            seen = now
            if not changed:
                time.sleep(0.25)
                continue
            try:
                result = build_site(kb_dir, out, config=config, search=False, incremental=True, live=True)
                print(main_report(result), flush=True)
            except BuildError as err:
                print(f"mailkb: {err}", file=sys.stderr, flush=True)
    except KeyboardInterrupt:
        return 0
    finally:
        server.shutdown()
        server.server_close()
