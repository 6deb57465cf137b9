"""The JSON contract: schemas/query.schema.json agrees with the vocabulary; outputs follow the schema."""

from __future__ import annotations

import pytest

from mailkb.diagnosis import diagnose
from mailkb.query import RESERVED, WHOLE_UNITS
from mailkb.schemas import schema_document, validator

TYPES = {"boolean": "boolean", "number": "number", "text": "string", "symptom_list": "array"}


def test_query_schema_matches_the_vocabulary(real_kb):
    schema = schema_document("query")
    results = schema["definitions"]["result"]["enum"]
    assert all(schema["properties"][key]["type"] == "array" for key in RESERVED)
    for ident, spec in schema["properties"].items():
        if ident in RESERVED:
            continue
        observation = real_kb.observations.get(ident)
        assert observation is not None, f"core observation {ident} is missing from knowledge/observations/"
        assert not observation.get("derived"), ident
        if observation["type"] == "enum":
            allowed = [v["value"] for v in observation["values"]]
            expected = spec.get("enum") or (results if spec.get("$ref") else None)
            assert sorted(allowed) == sorted(expected), ident
        elif observation.get("unit") in WHOLE_UNITS:
            assert spec.get("type") == "integer", f"{ident}: a {observation['unit']} is a whole number"
        else:
            assert spec.get("type") == TYPES[observation["type"]], ident


@pytest.mark.parametrize(
    "query",
    [
        {},
        {
            "error_message": "サーバへの接続に失敗しました。",
            "symptoms": ["cannot_get_mail"],
            "platform": "iphone",
            "fails_on_other_device": False,
            "webmail_works": True,
        },
    ],
)
def test_design_examples_validate_both_ways(real_kb, query):
    assert not list(validator("query").iter_errors(query))
    result = diagnose(query, kb=real_kb)
    assert not list(validator("diagnosis").iter_errors(result.to_dict()))


def test_the_fixture_knowledge_base_lints_clean():
    from mailkb.lint import lint

    from .conftest import FIXTURES

    result = lint(FIXTURES / "basic")
    assert [f"{p.path}:{p.line}: {p.code} {p.message}" for p in result.problems] == []


def test_plan_keeps_to_steps_the_person_can_follow_on_their_platform():
    """An iPhone user is not sent to Mac-only steps (Connection Doctor) while a fitting step exists."""
    from mailkb import diagnose, load_kb
    from mailkb.planning import fits_platform

    kb = load_kb()
    query = {"symptoms": ["cannot_get_mail"], "fails_on_other_device": False, "webmail_works": True}
    everywhere = {step["remedy"] for step in diagnose(query, kb=kb, backend="reference").plan}
    on_iphone = diagnose({**query, "platform": "iphone"}, kb=kb, backend="reference")
    assert "run_connection_doctor" in everywhere
    assert all(fits_platform(kb.remedies[step["remedy"]], "iphone") for step in on_iphone.plan)
    assert {c["id"] for c in on_iphone.causes} <= {cause for step in on_iphone.plan for cause in step["for"]}


def test_first_steps_are_the_plan_of_the_full_diagnosis(real_kb):
    """The site's 「まず試すこと」 come from first_steps(), which skips the next questions but must plan identically."""
    from mailkb.diagnosis import first_steps

    for symptom in sorted(real_kb.symptoms):
        query = {"symptoms": [symptom]}
        assert first_steps(query, kb=real_kb) == diagnose(query, kb=real_kb, backend="reference").plan, symptom
    query = {"symptoms": ["cannot_get_mail"], "platform": "iphone", "tried": ["restart_device"]}
    assert first_steps(query, kb=real_kb) == diagnose(query, kb=real_kb, backend="reference").plan
