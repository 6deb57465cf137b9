"""The endpoints. Each reads what it needs from `app.state` (see app.py) and answers JSON, or raises a Problem."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from functools import partial
from typing import Any, Literal

from fastapi import FastAPI, Request
from starlette.responses import Response

from .. import __version__
from ..backends import BACKENDS
from ..diagnosis import Diagnosis, diagnose
from ..kb import KIND_FOLDER, KnowledgeBase
from ..planning import ORDERS
from ..query import parse_json
from ..report import LANGS, render
from .accesslog import STARTED_KEY
from .caching import JSON, conditional
from .evidence import MEDIA_TYPES as EVIDENCE_TYPES
from .evidence import as_json_data
from .incoming import json_text, read_body, wants_text
from .openapi import SCHEMA_COMPONENTS, json_response, problem_responses, ref
from .problems import Problem

Lang = Literal[LANGS]  # type: ignore[valid-type]
Order = Literal[ORDERS]  # type: ignore[valid-type]
Engine = Literal[BACKENDS]  # type: ignore[valid-type]
TEXT = "text/plain; charset=utf-8"


def _nested_dataclass(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        return asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serializable")


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"), default=_nested_dataclass).encode()


def diagnosis_json(result: Diagnosis) -> bytes:
    """`result.to_dict()` as JSON (the same bytes' worth as `mailkb diagnose --json`, compactly)."""
    return dumps(result.to_dict())


def diagnosis_bytes(kb: KnowledgeBase, query: dict, engine: str, order: str, lang: str | None) -> bytes:
    """The answer `mailkb diagnose --json` gives (or, with a language, the text report)."""
    result = diagnose(query, kb=kb, backend=engine, order=order)
    return render(result, kb, lang).encode() if lang else diagnosis_json(result)


async def post_diagnose(request: Request, lang: Lang = "ja", order: Order = "value", engine: Engine = "durable") -> Response:
    """Diagnose one query: the JSON object `mailkb diagnose` reads, answered with the diagnosis contract.

    With `Accept: text/plain` the answer is the readable report in `lang` instead (the JSON carries both languages).
    """
    state = request.app.state
    body = await read_body(request, ("application/json",), limit=state.settings.max_body, timeout=state.settings.client_timeout)
    query = parse_json(json_text(body))  # QueryError: the CLI's message, as a 400
    as_text = wants_text(request.headers.get("accept"))
    key = (state.kb.digest, engine, order, lang if as_text else None, json.dumps(query, sort_keys=True, ensure_ascii=False))
    compute = partial(diagnosis_bytes, state.kb, query, engine, order, lang if as_text else None)
    content = await state.runner.run(key, compute, request.scope.get(STARTED_KEY))
    if as_text:
        return Response(content, media_type=TEXT, headers={"Content-Language": lang, "Vary": "Accept"})
    return Response(content, media_type=JSON, headers={"Vary": "Accept"})


async def post_evidence(request: Request) -> Response:
    """Read a bounce, a block of headers or a pasted alert; answers what `mailkb evidence --json` prints."""
    state = request.app.state
    if state.evidence_reader is None:
        raise Problem("not-implemented", "reading evidence is not available in this version of mailkb (see `mailkb evidence`)")
    body = await read_body(request, EVIDENCE_TYPES, limit=state.settings.max_body, timeout=state.settings.client_timeout)
    result = await state.runner.call(lambda: as_json_data(state.evidence_reader(body)), request.scope.get(STARTED_KEY))
    return Response(dumps(result), media_type=JSON)


async def get_kb(request: Request) -> Response:
    """mailkb's version, the knowledge base's digest, and how many entries of each kind it holds."""
    state = request.app.state
    counts = {KIND_FOLDER[kind]: n for kind, n in state.kb.counts().items() if kind in KIND_FOLDER}
    counts["rules"] = len(state.kb.rules)
    return conditional(request, dumps({"mailkb": __version__, "digest": state.kb.digest, "counts": counts}), state.etag)


def entity_route(kind: str):
    """GET /v1/{kind}/{id}: one entry as the knowledge base holds it (its YAML file, with the schema's defaults)."""

    async def get_entity(request: Request, id: str) -> Response:
        state = request.app.state
        entry = state.kb.entities[kind].get(id)
        if entry is None:
            raise Problem("not-found", f"no {kind} {id!r} in the knowledge base", field="id")
        return conditional(request, dumps(entry), state.etag)

    get_entity.__name__ = f"get_{kind}"
    get_entity.__doc__ = f"One {kind}, by id (404 for an id the knowledge base does not have)."
    return get_entity


async def get_openapi_json(request: Request) -> Response:
    state = request.app.state
    return conditional(request, dumps(request.app.openapi()), state.etag)


async def healthz() -> Response:
    """The process is up (it does not touch the engine)."""
    return Response(dumps({"status": "ok"}), media_type=JSON, headers={"Cache-Control": "no-store"})


async def readyz(request: Request) -> Response:
    """The knowledge base is loaded and the engine answers an empty query (where diagnoses run: see runner.py)."""
    state = request.app.state
    result = await state.runner.call(lambda: diagnose({}, kb=state.kb))
    body = {"status": "ready", "kb": state.kb.digest, "engine": result.engine}
    return Response(dumps(body), media_type=JSON, headers={"Cache-Control": "no-store"})


def add_routes(app: FastAPI) -> None:
    app.add_api_route(
        "/v1/diagnose",
        post_diagnose,
        methods=["POST"],
        tags=["diagnosis"],
        openapi_extra={"requestBody": {"required": True, "content": {"application/json": {"schema": ref("Query")}}}},
        responses={
            **json_response("Diagnosis", "The diagnosis (schemas/diagnosis.schema.json); `text/plain` gives the report."),
            **problem_responses(400, 408, 413, 415, 422, 503),
        },
    )
    app.add_api_route(
        "/v1/evidence",
        post_evidence,
        methods=["POST"],
        tags=["diagnosis"],
        openapi_extra={"requestBody": {"required": True, "content": {media: {"schema": {"type": "string"}} for media in EVIDENCE_TYPES}}},
        responses=problem_responses(400, 408, 413, 415, 501),
    )
    app.add_api_route(
        "/v1/kb", get_kb, methods=["GET"], tags=["knowledge"], responses=json_response("KnowledgeBaseInfo", "The knowledge base.")
    )
    for kind, folder in KIND_FOLDER.items():
        app.add_api_route(
            f"/v1/{folder}/{{id}}",
            entity_route(kind),
            methods=["GET"],
            tags=["knowledge"],
            responses={**json_response(SCHEMA_COMPONENTS[kind], f"The {kind}."), **problem_responses(404)},
        )
    app.add_api_route("/openapi.json", get_openapi_json, methods=["GET"], include_in_schema=False)
    app.add_api_route("/healthz", healthz, methods=["GET"], tags=["operations"])
    app.add_api_route("/readyz", readyz, methods=["GET"], tags=["operations"], responses=problem_responses(503))
