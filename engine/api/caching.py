"""HTTP caching of GET responses: an entity tag derived from the knowledge base, and 304 for a matching If-None-Match."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from ..kb import KnowledgeBase
from ..loader import knowledge_key

JSON = "application/json"


def entity_tag(kb: KnowledgeBase) -> str:
    """A strong ETag for everything the API serves from this knowledge base.

    `knowledge_key` hashes the knowledge base's digest with the schemas, mailkb's version and the engine's code,
    so the tag changes whenever any of them could change a response.
    """
    return f'"{knowledge_key(kb)[:32]}"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """Whether If-None-Match names this tag (RFC 9110 §13.1.2: weak comparison, `*` matches any)."""
    if not if_none_match:
        return False
    opaque = etag.removeprefix("W/")
    for candidate in if_none_match.split(","):
        candidate = candidate.strip()
        if candidate == "*" or candidate.removeprefix("W/") == opaque:
            return True
    return False


def conditional(request: Request, content: bytes, etag: str, media_type: str = JSON) -> Response:
    """The content with its ETag, or an empty 304 when the client already holds it."""
    headers = {"ETag": etag, "Cache-Control": "no-cache"}  # store, but revalidate: a deployment may change the knowledge base
    if matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type=media_type, headers=headers)
