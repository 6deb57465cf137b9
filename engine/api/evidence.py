"""`POST /v1/evidence` is answered by the evidence reader (`mailkb evidence`, `mailkb.evidence.read_evidence`).

READER names the module and the function that takes the raw bytes of a bounce, a block of headers or a pasted alert
and returns what `mailkb evidence --json` prints (a dict, or an object with `to_dict()`); the route answers 501 only
in a build without that module.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any

READER = ("mailkb.evidence", "read_evidence")
MEDIA_TYPES = ("text/plain", "message/rfc822")


def evidence_reader(reader: tuple[str, str] = READER) -> Callable[[bytes], Any] | None:
    """The reader function, or None while mailkb has none (a module that exists but fails to import still raises)."""
    module_name, function = reader
    try:
        module = import_module(module_name)
    except ModuleNotFoundError as err:
        if err.name and module_name.startswith(err.name):
            return None
        raise
    found = getattr(module, function, None)
    return found if callable(found) else None


def as_json_data(result: Any) -> Any:
    """What the reader returned, as JSON data."""
    return result.to_dict() if hasattr(result, "to_dict") else result
