"""The HTTP API's settings: one frozen record, passed to `create_app()` or, for uvicorn's worker processes, through
the environment (each worker builds its own app from it)."""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, fields

ENV_VAR = "MAILKB_API_SETTINGS"  # JSON of ApiSettings, set by `mailkb api` for its worker processes


@dataclass(frozen=True)
class ApiSettings:
    """What an operator may tune; every default is what `mailkb api` uses."""

    kb_dir: str | None = None  # knowledge base folder (None: the bundled one)
    max_body: int = 64 * 1024  # bytes a request body may have (413 above)
    cache_size: int = 1024  # diagnoses kept per worker (0: no cache)
    threads: int = 0  # threads that run diagnoses per worker; 0: on the event loop (fastest, see runner.py)
    request_timeout: float = 10.0  # seconds a diagnosis may take before the client gets a 503
    client_timeout: float = 10.0  # seconds a client may take to send a whole request (headers, then body) before a 408
    access_log: bool = True  # one JSON line per request on stderr

    def to_env(self) -> str:
        return json.dumps(asdict(self))

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> ApiSettings:
        """The settings `mailkb api` handed to this worker process (defaults when run by another ASGI server)."""
        text = (environ if environ is not None else os.environ).get(ENV_VAR)
        if not text:
            return cls()
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in json.loads(text).items() if k in known})
