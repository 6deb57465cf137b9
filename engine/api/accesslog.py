"""One JSON line per request (never the body), and a request id that the response and its problem body carry."""

from __future__ import annotations

import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

REQUEST_ID_KEY = "mailkb.request_id"  # in the ASGI scope
STARTED_KEY = "mailkb.started"  # time.perf_counter() when the request reached the app
ACCESS = logging.getLogger("mailkb.api.access")
_GIVEN_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")  # an X-Request-ID a proxy set is kept when it is this tame


def _header(scope: Scope, name: bytes) -> str | None:
    for key, value in scope["headers"]:
        if key == name:
            return value.decode("latin-1")
    return None


class AccessLog:
    """ASGI middleware: sets the request id, adds `X-Request-ID` to the response, logs the outcome."""

    def __init__(self, app: ASGIApp, enabled: bool = True):
        self.app = app
        self.enabled = enabled

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = scope[STARTED_KEY] = time.perf_counter()
        given = _header(scope, b"x-request-id")
        request_id = given if given and _GIVEN_ID.fullmatch(given) else uuid.uuid4().hex
        scope[REQUEST_ID_KEY] = request_id
        status = 0
        sent = 0

        async def send_logged(message: Message) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), (b"x-request-id", request_id.encode())]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        try:
            await self.app(scope, receive, send_logged)
        finally:
            if self.enabled:
                client = scope.get("client")
                ACCESS.info(
                    "request",
                    extra={
                        "fields": {
                            "method": scope["method"],
                            "path": scope["path"],
                            "query": scope.get("query_string", b"").decode("latin-1"),
                            "status": status or 500,  # no response started: the error handler answers 500
                            "duration_ms": round((time.perf_counter() - started) * 1000, 3),
                            "bytes_in": int(length) if (length := _header(scope, b"content-length") or "0").isdigit() else None,
                            "bytes_out": sent,
                            "client": f"{client[0]}:{client[1]}" if client else None,
                            "request_id": request_id,
                            "user_agent": _header(scope, b"user-agent"),
                        }
                    },
                )
