"""Errors as RFC 9457 problem details (`application/problem+json`): one body shape for every failure, never a traceback.

The `detail` of a bad query is the CLI's own message; `field` and `allowed` carry `QueryError`'s members.
"""

from __future__ import annotations

import json
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException
from starlette.responses import Response

from ..errors import EXIT_USAGE, BackendError, MailkbError, QueryError
from .accesslog import REQUEST_ID_KEY

MEDIA_TYPE = "application/problem+json"
TYPE_PREFIX = "tag:mailkb.github.io,2026:problem:"  # RFC 9457 §3.1.1: a tag URI names a type without promising a page

# problem type -> status; each is documented in docs/api.md
TYPES = {
    "malformed-json": 400,
    "invalid-query": 422,
    "invalid-parameter": 422,
    "unreadable-input": 400,
    "not-found": 404,
    "method-not-allowed": 405,
    "request-timeout": 408,
    "client-closed": 400,
    "body-too-large": 413,
    "unsupported-media-type": 415,
    "internal-error": 500,
    "not-implemented": 501,
    "engine-unavailable": 503,
    "diagnosis-timeout": 503,
}
_BY_STATUS = {404: "not-found", 405: "method-not-allowed"}


class Problem(Exception):
    """Raised by a route: becomes a problem+json response. `kind` is one of TYPES, or None for a plain HTTP error."""

    def __init__(
        self, kind: str | None, detail: str, *, status: int | None = None, headers: dict[str, str] | None = None, **extensions: Any
    ):
        super().__init__(detail)
        self.kind = kind
        self.status = status or TYPES[kind or ""]
        self.detail = detail
        self.headers = headers
        self.extensions = extensions


def problem_response(request: Request, problem: Problem) -> Response:
    body = {
        "type": TYPE_PREFIX + problem.kind if problem.kind else "about:blank",
        "title": HTTPStatus(problem.status).phrase,
        "status": problem.status,
        "detail": problem.detail,
        "instance": request.url.path,
        **{k: v for k, v in problem.extensions.items() if v is not None},
    }
    request_id = request.scope.get(REQUEST_ID_KEY)
    if request_id:
        body["request_id"] = request_id
    content = json.dumps(body, ensure_ascii=False).encode()
    return Response(content, status_code=problem.status, media_type=MEDIA_TYPE, headers=problem.headers)


def from_mailkb_error(error: MailkbError) -> Problem:
    """The problem for an error of the engine: a bad query is the client's, a failing backend the server's."""
    if isinstance(error, QueryError):
        if error.field is None:  # the body as a whole: not JSON, or not an object
            return Problem("malformed-json", str(error))
        return Problem("invalid-query", str(error), field=error.field, allowed=error.allowed)
    if isinstance(error, BackendError):
        return Problem("engine-unavailable", str(error))
    if error.exit_code == EXIT_USAGE:  # the client's input (e.g. evidence that is not text), told as the CLI tells it
        return Problem("unreadable-input", str(error))
    return Problem("internal-error", str(error))


def install(app: FastAPI) -> None:
    """Register the handlers that turn every error into a problem."""

    async def on_problem(request: Request, exc: Problem) -> Response:
        return problem_response(request, exc)

    async def on_mailkb_error(request: Request, exc: MailkbError) -> Response:
        return problem_response(request, from_mailkb_error(exc))

    async def on_http_exception(request: Request, exc: HTTPException) -> Response:
        status = exc.status_code
        detail = {404: f"no such resource: {request.url.path}", 405: f"{request.method} is not allowed on {request.url.path}"}
        problem = Problem(_BY_STATUS.get(status), detail.get(status, str(exc.detail)), status=status, headers=getattr(exc, "headers", None))
        return problem_response(request, problem)

    async def on_validation_error(request: Request, exc: RequestValidationError) -> Response:
        first = exc.errors()[0]
        where = [str(part) for part in first.get("loc", ())]
        field = where[-1] if where else None
        allowed = (first.get("ctx") or {}).get("expected")
        detail = f"{field}: {first.get('msg', 'invalid value')}" if field else str(first.get("msg"))
        return problem_response(request, Problem("invalid-parameter", detail, field=field, allowed=allowed))

    async def on_crash(request: Request, exc: Exception) -> Response:
        # The traceback goes to the server's log (by uvicorn, which sees the exception re-raised); the client gets one line.
        return problem_response(request, Problem("internal-error", f"internal error: {type(exc).__name__} (please report this)"))

    app.add_exception_handler(Problem, on_problem)
    app.add_exception_handler(MailkbError, on_mailkb_error)
    app.add_exception_handler(HTTPException, on_http_exception)
    app.add_exception_handler(RequestValidationError, on_validation_error)
    app.add_exception_handler(Exception, on_crash)
