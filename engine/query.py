"""The engine's input: parse and validate a query against the observation vocabulary (docs/engine-semantics.md §1).

Every refusal is a QueryError of one line that names the field and what it accepts, and quotes at most about
80 characters of what was sent: a 100 KB key or a 1 MB value is never echoed whole.
"""

from __future__ import annotations

import difflib
import json
import math
import re
from typing import Any

from .errors import QueryError
from .kb import KnowledgeBase

UNKNOWN, TRIED = "unknown", "tried"  # the two query keys that are not observations
RESERVED = (UNKNOWN, TRIED)
MAX_TEXT_BYTES = 1 << 20  # a text value: 1 MiB of UTF-8
MAX_QUERY_BYTES = 8 << 20  # a whole JSON query (a 1 MiB text written with \u escapes fits)
MAX_LIST = 1000  # items in a list value
QUOTE = 80  # characters of a bad value or key shown in an error
WHOLE_UNITS = ("port", "count", "code", "bits")  # number observations that only take whole numbers
_SURROGATE = re.compile("[\ud800-\udfff]")


def shown(value: Any, limit: int = QUOTE) -> str:
    """A value as an error line shows it: Python's repr, cut to about `limit` characters; never raises."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > 200:  # repr would be long (and past 4,300 digits it raises)
            return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
        return repr(value)
    if isinstance(value, str):
        if len(value) <= limit:
            return repr(value)
        return f"{value[:limit]!r}… ({len(value):,} characters)"
    if isinstance(value, (list, tuple, dict)):
        kind = "a list" if isinstance(value, (list, tuple)) else "an object"
        text = _short_json(value)
        return text if text is not None and len(text) <= limit else f"{kind} of {len(value):,} items"
    text = repr(value)
    return text if len(text) <= limit else text[:limit] + "…"


def _short_json(value: Any) -> str | None:
    try:
        return json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError, RecursionError):
        return None


def _field(key: Any) -> str:
    """The `field` a QueryError carries: the key, cut like a shown value."""
    text = key if isinstance(key, str) else str(key)
    return text if len(text) <= QUOTE else text[:QUOTE] + "…"


def decode(data: bytes) -> str:
    """Query bytes as text: UTF-8, a leading byte-order mark allowed; anything else is refused with where it breaks."""
    if len(data) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is {len(data):,} bytes; at most {MAX_QUERY_BYTES:,} are read")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise QueryError(f"the query is not valid UTF-8: byte 0x{data[err.start]:02x} at offset {err.start:,}") from None


def parse_json(text: str) -> dict[str, Any]:
    """A query from JSON text (an object), or QueryError. A leading byte-order mark is skipped."""
    if len(text) > MAX_QUERY_BYTES:
        raise QueryError(f"the query is {len(text):,} characters; at most {MAX_QUERY_BYTES:,} are read")
    text = text.removeprefix("\ufeff")
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise QueryError(f"malformed JSON at line {err.lineno}, column {err.colno}: {err.msg}") from None
    except RecursionError:
        raise QueryError("malformed JSON: nested too deeply") from None
    except ValueError:  # an integer of more than 4,300 digits
        raise QueryError("malformed JSON: a number has more than 4,300 digits") from None
    if not isinstance(data, dict):
        raise QueryError(f"the query must be a JSON object mapping observation ids to values, not {type(data).__name__}")
    return data


def parse_pair(kb: KnowledgeBase, pair: str) -> tuple[str, Any]:
    """`id=value` from the command line, the value read according to the observation's type.

    `unknown=a,b` and `tried=x,y` give the two list keys.
    """
    key, sep, raw = pair.partition("=")
    key = key.strip()
    if not sep or not key:
        raise QueryError(f"expected id=value, got {shown(pair)}", field=_field(pair))
    if key in RESERVED:
        return key, [item.strip() for item in raw.split(",") if item.strip()]
    observation = _observation(kb, key)
    kind = observation["type"]
    if kind == "boolean":
        lowered = raw.strip().lower()
        if lowered in ("true", "yes", "1", "y"):
            return key, True
        if lowered in ("false", "no", "0", "n"):
            return key, False
        raise QueryError(f"{key}: expects true or false, not {shown(raw)}", field=key, allowed="true, false")
    if kind == "number":
        return key, _number(key, raw.strip())
    if kind == "symptom_list":
        return key, [item.strip() for item in raw.split(",") if item.strip()]
    return key, raw


def _number(key: str, raw: str) -> int | float:
    """A number typed on the command line: an integer when written as one, else a float."""
    if re.fullmatch(r"[+-]?\d{1,300}", raw):
        return int(raw)
    try:
        number = float(raw)
    except ValueError:
        raise QueryError(f"{key}: expects a number, not {shown(raw)}", field=key, allowed="a number") from None
    if not math.isfinite(number):
        raise QueryError(f"{key}: expects a finite number, not {shown(raw)}", field=key, allowed="a number")
    return number


def _observation(kb: KnowledgeBase, key: Any) -> dict:
    observation = kb.observations.get(key) if isinstance(key, str) else None
    if observation is None:
        inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived"))
        hint = _closest(key, inputs)
        raise QueryError(f"unknown observation {shown(key)}{hint}; see `schemas/query.schema.json` for the ids", field=_field(key))
    if observation.get("derived"):
        raise QueryError(f"{key}: is derived by the rules and cannot be given as input", field=key)
    return observation


def _closest(word: Any, known: list[str]) -> str:
    """' (did you mean a, b?)' for the few known ids nearest to `word`, or ''."""
    if not isinstance(word, str) or len(word) > 200:
        return ""
    close = difflib.get_close_matches(word, known, n=3, cutoff=0.6)
    close += [k for k in known if k not in close and (word in k or k in word) and len(word) >= 3][: 3 - len(close)]
    return f" (did you mean {', '.join(close)}?)" if close else ""


def allowed_values(observation: dict) -> list[str]:
    """The values an enum observation accepts."""
    return [item["value"] for item in observation.get("values") or ()]


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def validate(kb: KnowledgeBase, query: dict[str, Any]) -> dict[str, Any]:
    """A checked copy of the query (lists de-duplicated), or QueryError for the first bad field (in key order).

    Besides observations, `unknown` (observation ids the person could not answer) and `tried` (remedy ids done
    without success) are kept when given.
    """
    if not isinstance(query, dict):
        raise QueryError("the query must be an object mapping observation ids to values")
    checked: dict[str, Any] = {}
    for key in sorted(query, key=str):
        if isinstance(key, str) and _SURROGATE.search(key):
            raise QueryError(f"{shown(key)}: a key must be valid Unicode (it holds an unpaired surrogate)", field=_field(key))
        if key == UNKNOWN:
            checked[key] = _unknown_ids(kb, query[key])
        elif key == TRIED:
            checked[key] = _ids(kb, TRIED, query[key], kb.remedies, "remedy")
        else:
            checked[key] = _check_value(kb, key, _observation(kb, key), query[key])
    for ident in checked.get(UNKNOWN, ()):
        if ident in checked:
            raise QueryError(f"{UNKNOWN}: {ident} is answered and listed as unknown; keep one of them", field=UNKNOWN)
    return checked


def split(checked: dict[str, Any]) -> tuple[dict[str, Any], tuple[str, ...], tuple[str, ...]]:
    """A checked query as (observations, unknown ids, tried remedy ids)."""
    observations = {k: v for k, v in checked.items() if k not in RESERVED}
    return observations, tuple(checked.get(UNKNOWN, ())), tuple(checked.get(TRIED, ()))


def _unknown_ids(kb: KnowledgeBase, value: Any) -> list[str]:
    inputs = {k: o for k, o in kb.observations.items() if not o.get("derived")}
    return _ids(kb, UNKNOWN, value, inputs, "observation")


def _ids(kb: KnowledgeBase, key: str, value: Any, known: dict, kind: str) -> list[str]:
    if not isinstance(value, list):
        raise QueryError(f"{key}: expects a list of {kind} ids, not {shown(value)}", field=key, allowed=f"a list of {kind} ids")
    if len(value) > MAX_LIST:
        raise QueryError(f"{key}: a list of {len(value):,} items; at most {MAX_LIST:,}", field=key, allowed=f"a list of {kind} ids")
    seen: list[str] = []
    for item in value:
        if not isinstance(item, str) or item not in known:
            hint = _closest(item, sorted(known))
            raise QueryError(f"{key}: unknown {kind} id {shown(item)}{hint}", field=key, allowed=f"{kind} ids")
        if item not in seen:
            seen.append(item)
    return seen


def _check_value(kb: KnowledgeBase, key: str, observation: dict, value: Any) -> Any:
    kind = observation["type"]
    if value is None:
        raise QueryError(f"{key}: null is not a value; leave the field out if it is not known", field=key)
    if kind == "boolean":
        if not isinstance(value, bool):
            raise QueryError(f"{key}: expects true or false, not {shown(value)}", field=key, allowed="true, false")
        return value
    if kind == "enum":
        allowed = allowed_values(observation)
        if not isinstance(value, str) or value not in allowed:
            raise QueryError(f"{key}: expects one of {', '.join(allowed)}, not {shown(value)}", field=key, allowed=", ".join(allowed))
        return value
    if kind == "number":
        return _check_number(key, observation, value)
    if kind == "text":
        _check_text(key, value)
        pattern = observation.get("pattern")
        if pattern and not re.search(pattern, value):
            raise QueryError(f"{key}: {shown(value)} does not match the pattern {pattern}", field=key, allowed=pattern)
        return value
    if kind == "symptom_list":
        if not isinstance(value, list):
            raise QueryError(f"{key}: expects a list of symptom ids, not {shown(value)}", field=key, allowed="a list of symptom ids")
        return _ids(kb, key, value, kb.symptoms, "symptom")
    raise QueryError(f"{key}: observation type {kind!r} is not supported", field=key)


def _check_number(key: str, observation: dict, value: Any) -> int | float:
    low, high = observation.get("minimum"), observation.get("maximum")
    whole = observation.get("unit") in WHOLE_UNITS
    wanted = f"a {'whole ' if whole else ''}number from {low} to {high}"
    allowed = f"{low}–{high}"
    if not _is_number(value) or (isinstance(value, float) and not math.isfinite(value)):
        raise QueryError(f"{key}: expects {wanted}, not {shown(value)}", field=key, allowed=allowed)
    if (low is not None and value < low) or (high is not None and value > high):
        raise QueryError(f"{key}: expects {wanted}, not {shown(value)}", field=key, allowed=allowed)
    if whole and isinstance(value, float) and not value.is_integer():
        raise QueryError(
            f"{key}: expects {wanted} ({observation['unit']}s are whole numbers), not {shown(value)}", field=key, allowed=allowed
        )
    return value


def _check_text(key: str, value: Any) -> None:
    if not isinstance(value, str):
        raise QueryError(f"{key}: expects text, not {shown(value)}", field=key, allowed="a string")
    if _SURROGATE.search(value):
        raise QueryError(f"{key}: the text is not valid Unicode (it holds an unpaired surrogate)", field=key, allowed="valid Unicode text")
    if len(value) > MAX_TEXT_BYTES // 4 and len(value.encode("utf-8")) > MAX_TEXT_BYTES:
        size = len(value.encode("utf-8"))
        raise QueryError(
            f"{key}: the text is {size:,} bytes; at most 1 MiB ({MAX_TEXT_BYTES:,} bytes) is read", field=key, allowed="text up to 1 MiB"
        )
