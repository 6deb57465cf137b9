"""The ASGI app: `create_app()` builds it (for uvicorn, hypercorn, gunicorn's uvicorn workers or a test client)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from .. import __version__
from ..diagnosis import diagnose
from ..kb import KnowledgeBase
from ..loader import load_kb
from ..questions import use_numpy
from . import problems
from .accesslog import AccessLog
from .caching import entity_tag
from .evidence import evidence_reader
from .openapi import openapi_document
from .routes import add_routes
from .runner import DiagnosisRunner
from .settings import ApiSettings


def create_app(settings: ApiSettings | None = None, *, kb: KnowledgeBase | None = None) -> FastAPI:
    """The HTTP API over one knowledge base (loaded and linted here, so a bad one fails before serving).

    Without arguments the settings come from the environment that `mailkb api` sets for its workers, or the defaults.
    """
    settings = settings or ApiSettings.from_env()
    kb = kb if kb is not None else load_kb(settings.kb_dir)
    use_numpy()  # a server answers many queries: numpy's import is paid once, and it scores next questions faster
    runner = DiagnosisRunner(threads=settings.threads, timeout=settings.request_timeout, cache_size=settings.cache_size)

    @asynccontextmanager
    async def lifespan(_app: FastAPI) -> AsyncIterator[None]:
        # compile the rules and open the engine's durable-rules session before the first request, not during it
        await runner.call(lambda: diagnose({}, kb=kb))
        yield
        runner.close()

    app = FastAPI(title="mailkb", version=__version__, docs_url=None, redoc_url=None, openapi_url=None, lifespan=lifespan)
    app.state.settings = settings
    app.state.kb = kb
    app.state.runner = runner
    app.state.etag = entity_tag(kb)
    app.state.evidence_reader = evidence_reader()
    add_routes(app)
    problems.install(app)
    app.add_middleware(AccessLog, enabled=settings.access_log)

    document = openapi_document(app)  # built now, so a schema it cannot convert stops the start, not a request
    app.openapi = lambda: document  # type: ignore[method-assign]
    return app
