"""The OpenAPI 3.1 document, with the request and response shapes taken from `schemas/` at run time.

`schemas/query.schema.json` and `schemas/diagnosis.schema.json` are what the CLI validates against and what the
engine's contract promises; here they become components, so a new query key or output field appears in
/openapi.json without a change to the API. The draft-07 files need two adjustments for OpenAPI 3.1 (JSON Schema
2020-12, refs resolved against the OpenAPI document): `definitions` move to components and every `$ref` is
rewritten to point there, and `$schema` is dropped.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI
from fastapi.openapi.utils import get_openapi

from .. import __version__
from ..kb import ENTITY_KINDS
from ..schemas import schema_document
from .problems import MEDIA_TYPE as PROBLEM_MEDIA_TYPE
from .problems import TYPE_PREFIX, TYPES

# schema file -> component name, for the files the API serves whole
# schema name -> component name: the engine's input and output, and every kind of entity the API serves
SCHEMA_COMPONENTS = {name: name.capitalize() for name in ("query", "diagnosis", *ENTITY_KINDS)}
_DEFINITIONS = "/definitions/"

PROBLEM_SCHEMA = {
    "type": "object",
    "description": "An error, as RFC 9457 problem details. `detail` is the message the CLI prints for the same mistake.",
    "properties": {
        "type": {"type": "string", "enum": ["about:blank", *(TYPE_PREFIX + kind for kind in TYPES)]},
        "title": {"type": "string", "description": "The HTTP status phrase."},
        "status": {"type": "integer"},
        "detail": {"type": "string"},
        "instance": {"type": "string", "description": "The request's path."},
        "request_id": {"type": "string", "description": "Also in the X-Request-ID header and the access log."},
        "field": {"type": "string", "description": "The query key (or URL parameter) that is wrong."},
        "allowed": {"type": "string", "description": "What that key accepts."},
        "accepted": {"type": "array", "items": {"type": "string"}, "description": "The media types the route accepts."},
        "limit": {"type": "integer", "description": "The largest body the server takes, in bytes."},
    },
    "required": ["type", "title", "status", "detail"],
}

KB_INFO_SCHEMA = {
    "type": "object",
    "properties": {
        "mailkb": {"type": "string", "description": "mailkb's version."},
        "digest": {"type": "string", "description": "Content digest of the knowledge base (the `kb` of every diagnosis)."},
        "counts": {"type": "object", "additionalProperties": {"type": "integer"}, "description": "Entries per kind, and rules."},
    },
    "required": ["mailkb", "digest", "counts"],
}


def ref(component: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{component}"}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The `responses` entries of a route for the problems it may answer with."""
    return {
        status: {"description": "A problem (RFC 9457).", "content": {PROBLEM_MEDIA_TYPE: {"schema": ref("Problem")}}} for status in statuses
    }


def json_response(component: str, description: str) -> dict[int | str, dict[str, Any]]:
    return {200: {"description": description, "content": {"application/json": {"schema": ref(component)}}}}


def schema_components() -> dict[str, Any]:
    """Components for the served schema files and every definition they reach (names like `common.text`)."""
    components: dict[str, Any] = {}
    pending = list(SCHEMA_COMPONENTS)
    done: set[str] = set()
    while pending:
        name = pending.pop()
        if name in done:
            continue
        done.add(name)
        document = schema_document(name)
        reached: set[str] = set()
        for key, definition in (document.get("definitions") or {}).items():
            components[f"{name}.{key}"] = _rewrite(definition, name, reached)
        if name in SCHEMA_COMPONENTS:
            body = {k: v for k, v in document.items() if k not in ("$schema", "definitions")}
            components[SCHEMA_COMPONENTS[name]] = _rewrite(body, name, reached)
        pending.extend(sorted(reached - done))
    return components


def _rewrite(node: Any, home: str, reached: set[str]) -> Any:
    """A copy of a schema node whose `$ref`s point into components; `reached` collects the files they name."""
    if isinstance(node, list):
        return [_rewrite(item, home, reached) for item in node]
    if not isinstance(node, dict):
        return node
    result = {}
    for key, value in node.items():
        if key == "$ref" and isinstance(value, str):
            target, _, pointer = value.partition("#")
            owner = target.removesuffix(".schema.json") if target else home
            if not pointer.startswith(_DEFINITIONS) or "/" in pointer[len(_DEFINITIONS) :]:
                raise ValueError(f"{home}.schema.json: $ref {value!r} is not to a definition; the OpenAPI export cannot place it")
            reached.add(owner)
            result[key] = f"#/components/schemas/{owner}.{pointer[len(_DEFINITIONS) :]}"
        elif key in ("properties", "patternProperties"):  # names of the object's members, not keywords
            result[key] = {name: _rewrite(sub, home, reached) for name, sub in value.items()}
        else:
            result[key] = _rewrite(value, home, reached)
    return result


def openapi_document(app: FastAPI) -> dict[str, Any]:
    """The whole document: paths from the routes, shapes from `schemas/`, errors as problems."""
    document = get_openapi(
        title="mailkb",
        version=__version__,
        summary="Diagnose iCloud Mail account errors; read the knowledge base.",
        description=(
            "The HTTP face of `mailkb diagnose --json`: the same query, the same answer, the same messages. "
            "Errors are RFC 9457 problem details. GET responses carry an ETag and honour If-None-Match."
        ),
        routes=app.routes,
    )
    schemas = document.setdefault("components", {}).setdefault("schemas", {})
    # FastAPI describes its own 422 body; ours is a problem
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            if "422" in operation.get("responses", {}):
                operation["responses"]["422"] = problem_responses(422)[422]
    schemas.update(schema_components())
    schemas["Problem"] = PROBLEM_SCHEMA
    schemas["KnowledgeBaseInfo"] = KB_INFO_SCHEMA
    return document
