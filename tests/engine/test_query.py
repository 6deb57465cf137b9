"""Input validation: every bad field is named with what is allowed."""

from __future__ import annotations

import pytest

from mailkb.diagnosis import diagnose
from mailkb.query import QueryError, parse_json, parse_pair, validate


@pytest.mark.parametrize(
    ("query", "field", "words"),
    [
        ({"no_such_thing": True}, "no_such_thing", "unknown observation"),
        ({"webmail_works": "yes"}, "webmail_works", "true or false"),
        ({"webmail_works": 1}, "webmail_works", "true or false"),
        ({"platform": "nokia"}, "platform", "iphone, ipad"),
        ({"storage_percent_used": 101}, "storage_percent_used", "from 0 to 100"),
        ({"storage_percent_used": True}, "storage_percent_used", "a number"),
        ({"storage_percent_used": "42"}, "storage_percent_used", "a number"),
        ({"storage_percent_used": float("nan")}, "storage_percent_used", "a number"),
        ({"symptoms": ["nope"]}, "symptoms", "unknown symptom id 'nope'"),
        ({"symptoms": "cannot_get_mail"}, "symptoms", "list of symptom ids"),
        ({"error_message": 42}, "error_message", "text"),
        ({"failure_scope": "device"}, "failure_scope", "derived"),
        ({"webmail_works": None}, "webmail_works", "null"),
    ],
)
def test_bad_values_name_the_field(basic_kb, query, field, words):
    with pytest.raises(QueryError) as caught:
        diagnose(query, kb=basic_kb, backend="reference")
    assert caught.value.field == field
    assert words in str(caught.value)


@pytest.mark.parametrize("text", ["{", "[1, 2]", '"text"', "", "{'a': 1}"])
def test_malformed_json(text):
    with pytest.raises(QueryError, match=r"JSON|object"):
        parse_json(text)


def test_valid_query_is_kept_and_symptoms_deduplicated(basic_kb):
    checked = validate(basic_kb, {"symptoms": ["cannot_get_mail", "cannot_get_mail"], "storage_percent_used": 42.5})
    assert checked == {"symptoms": ["cannot_get_mail"], "storage_percent_used": 42.5}


def test_pairs_are_typed(basic_kb):
    assert parse_pair(basic_kb, "webmail_works=true") == ("webmail_works", True)
    assert parse_pair(basic_kb, "storage_percent_used=97") == ("storage_percent_used", 97)
    assert parse_pair(basic_kb, "symptoms=cannot_get_mail,reenter_password") == ("symptoms", ["cannot_get_mail", "reenter_password"])
    with pytest.raises(QueryError, match="true or false"):
        parse_pair(basic_kb, "webmail_works=maybe")
    with pytest.raises(QueryError, match="id=value"):
        parse_pair(basic_kb, "webmail_works")


def test_unknown_order_and_engine(basic_kb):
    from mailkb.backends import BackendError
    from mailkb.planning import PlanError

    with pytest.raises(PlanError, match="stages"):
        diagnose({}, kb=basic_kb, order="alphabetical")
    with pytest.raises(BackendError, match="reference"):
        diagnose({}, kb=basic_kb, backend="clips")
