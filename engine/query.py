"""The engine's input: parse and validate a query against the observation vocabulary."""

from __future__ import annotations

import json
import math
import re
from typing import Any

from .errors import QueryError
from .kb import KnowledgeBase


def parse_json(text: str) -> dict[str, Any]:
    """A query from JSON text (an object), or QueryError."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise QueryError(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise QueryError("malformed JSON: nested too deeply") from None
    if not isinstance(data, dict):
        raise QueryError(f"the query must be a JSON object mapping observation ids to values, not {type(data).__name__}")
    return data


def parse_pair(kb: KnowledgeBase, pair: str) -> tuple[str, Any]:
    """`id=value` from the command line, the value read according to the observation's type."""
    key, sep, raw = pair.partition("=")
    key = key.strip()
    if not sep or not key:
        raise QueryError(f"expected id=value, got {pair!r}", field=pair)
    observation = _observation(kb, key)
    kind = observation["type"]
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1", "y"):
            return key, True
        if lowered in ("false", "no", "0", "n"):
            return key, False
        raise QueryError(f"{key}: expects true or false, not {raw!r}", field=key, allowed="true, false")
    if kind == "number":
        try:
            number = float(raw)
        except ValueError:
            raise QueryError(f"{key}: expects a number, not {raw!r}", field=key, allowed="a number") from None
        return key, int(number) if number.is_integer() and "." not in raw and "e" not in raw.lower() else number
    if kind == "symptom_list":
        return key, [item.strip() for item in raw.split(",") if item.strip()]
    return key, raw


def _observation(kb: KnowledgeBase, key: Any) -> dict:
    observation = kb.observations.get(key) if isinstance(key, str) else None
    if observation is None:
        inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived"))
        close = [k for k in inputs if isinstance(key, str) and (key in k or k in key)][:3]
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        raise QueryError(f"unknown observation {key!r}{hint}; see `schemas/query.schema.json` for the ids", field=str(key))
    if observation.get("derived"):
        raise QueryError(f"{key}: is derived by the rules and cannot be given as input", field=key)
    return observation


def allowed_values(observation: dict) -> list[str]:
    """The values an enum observation accepts."""
    return [item["value"] for item in observation.get("values") or ()]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate(kb: KnowledgeBase, query: dict[str, Any]) -> dict[str, Any]:
    """A checked copy of the query (symptom lists de-duplicated), or QueryError for the first bad field (in key order)."""
    if not isinstance(query, dict):
        raise QueryError("the query must be an object mapping observation ids to values")
    checked: dict[str, Any] = {}
    for key in sorted(query, key=str):
        checked[key] = _check_value(kb, key, _observation(kb, key), query[key])
    return checked


def _check_value(kb: KnowledgeBase, key: str, observation: dict, value: Any) -> Any:
    kind = observation["type"]
    if value is None:
        raise QueryError(f"{key}: null is not a value; leave the field out if it is not known", field=key)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise QueryError(f"{key}: expects true or false, not {value!r}", field=key, allowed="true, false")
        return value
    if kind == "enum":
        allowed = allowed_values(observation)
        if not isinstance(value, str) or value not in allowed:
            raise QueryError(f"{key}: expects one of {', '.join(allowed)}, not {value!r}", field=key, allowed=", ".join(allowed))
        return value
    if kind == "number":
        low, high = observation.get("minimum"), observation.get("maximum")
        if not _is_number(value) or not math.isfinite(value):
            raise QueryError(f"{key}: expects a number from {low} to {high}, not {value!r}", field=key, allowed=f"{low}–{high}")
        if (low is not None and value < low) or (high is not None and value > high):
            raise QueryError(f"{key}: expects a number from {low} to {high}, not {value!r}", field=key, allowed=f"{low}–{high}")
        return value
    if kind == "text":
        if not isinstance(value, str):
            raise QueryError(f"{key}: expects text, not {value!r}", field=key, allowed="a string")
        pattern = observation.get("pattern")
        if pattern and not re.search(pattern, value):
            raise QueryError(f"{key}: {value!r} does not match the pattern {pattern}", field=key, allowed=pattern)
        return value
    if kind == "symptom_list":
        if not isinstance(value, list):
            raise QueryError(f"{key}: expects a list of symptom ids, not {value!r}", field=key, allowed="a list of symptom ids")
        seen: list[str] = []
        for item in value:
            if not isinstance(item, str) or item not in kb.symptoms:
                known = ", ".join(sorted(kb.symptoms))
                raise QueryError(f"{key}: unknown symptom id {item!r}; known: {known}", field=key, allowed=known)
            if item not in seen:
                seen.append(item)
        return seen
    raise QueryError(f"{key}: observation type {kind!r} is not supported", field=key)
