"""Running the app on uvicorn: worker processes, timeouts for slow clients, graceful shutdown, JSON logs."""

from __future__ import annotations

import asyncio
import os
from functools import cache

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from .logs import log_config
from .settings import ENV_VAR, ApiSettings

PROTOCOL = f"{__name__}:DeadlineHttpToolsProtocol"
KEEP_ALIVE = 5  # seconds an idle keep-alive connection stays open
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\ncontent-type: application/problem+json\r\nconnection: close\r\ncontent-length: %d\r\n\r\n%s"
)
_TIMEOUT_BODY = b'{"type":"about:blank","title":"Request Timeout","status":408,"detail":"the request headers did not arrive in time"}'


@cache
def _head_timeout() -> float:
    return ApiSettings.from_env().client_timeout


class DeadlineHttpToolsProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol with a deadline for a request's headers.

    uvicorn's keep-alive timer restarts on every byte received, so a client that trickles its headers (slowloris)
    could hold a connection forever; ASGI middleware cannot help, since the app sees a request only once its head is
    complete. Here the deadline starts when the connection opens or the previous response ends, and stops when the
    headers are complete; past it the client gets a 408 and the connection is closed. The body's own deadline is
    the app's (incoming.read_body).
    """

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def on_headers_complete(self) -> None:
        self._disarm()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if self.timeout_keep_alive_task is not None:  # idle, waiting for the next request
            self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)

    def _arm(self) -> None:
        self._disarm()
        self.head_deadline = self.loop.call_later(_head_timeout(), self._head_timed_out)

    def _disarm(self) -> None:
        if self.head_deadline is not None:
            self.head_deadline.cancel()
            self.head_deadline = None

    def _head_timed_out(self) -> None:
        self.head_deadline = None
        if not self.transport.is_closing():
            self.transport.write(_TIMEOUT_RESPONSE % (len(_TIMEOUT_BODY), _TIMEOUT_BODY))
            self.transport.close()


def serve(settings: ApiSettings, host: str, port: int, workers: int, log_level: str = "info") -> None:
    """Serve until SIGINT or SIGTERM; then stop accepting, finish the requests in flight and exit."""
    import uvicorn

    os.environ[ENV_VAR] = settings.to_env()  # the worker processes build their apps from it
    uvicorn.run(
        "mailkb.api.app:create_app",  # which reads the settings from the environment
        factory=True,
        host=host,
        port=port,
        workers=workers,
        http=PROTOCOL,
        loop="uvloop",
        log_config=log_config(log_level),
        access_log=False,  # ours (accesslog.py) is JSON and carries the request id
        server_header=False,
        timeout_keep_alive=KEEP_ALIVE,
        timeout_graceful_shutdown=int(settings.request_timeout + settings.client_timeout),
    )
