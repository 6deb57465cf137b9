"""Evidence fixtures modelled on real formats: what each must yield, and the cause that should lead once diagnosed.

Expected values were worked out by hand from each fixture's text and the sources named in expected.yaml. Fixtures
marked `pending_knowledge` lead to the right cause only once the knowledge base has it: they are strict xfails.
"""

from __future__ import annotations

import json

import pytest

from mailkb import diagnose
from mailkb.cli import main
from mailkb.evidence import read_evidence
from mailkb.evidence.report import render

from .conftest import EXPECTED, FIXTURES

NAMES = sorted(EXPECTED)


def test_there_are_at_least_30_fixtures_and_each_is_described():
    files = sorted(p.name for p in FIXTURES.iterdir() if p.name != "expected.yaml")
    assert files == NAMES
    assert len(NAMES) >= 30
    assert {EXPECTED[n]["lang"] for n in NAMES} == {"ja", "en"}
    assert {EXPECTED[n]["kind"] for n in NAMES} == {"dsn", "bounce", "headers", "alert"}


@pytest.mark.parametrize("name", NAMES)
def test_fixture_yields_its_observations(name, kb, capsys):
    code = main(["evidence", str(FIXTURES / name), "--json"])
    assert code == 0
    document = json.loads(capsys.readouterr().out)
    spec = EXPECTED[name]
    assert document["kind"] == spec["kind"]
    for key, value in spec["observations"].items():
        assert key in document["observations"], f"{name}: {key} missing from {document['observations']}"
        assert document["observations"][key] == value and type(document["observations"][key]) is type(value), key
    lines = (FIXTURES / name).read_bytes().splitlines()
    for finding in document["findings"]:
        assert set(finding) == {"observation", "value", "line", "text"}
        assert 1 <= finding["line"] <= max(len(lines), 1)


def _lead_cases():
    for name in NAMES:
        spec = EXPECTED[name]
        marks = [pytest.mark.xfail(strict=True, reason=spec["pending_knowledge"])] if spec.get("pending_knowledge") else []
        yield pytest.param(name, marks=marks, id=name)


@pytest.mark.parametrize("name", list(_lead_cases()))
def test_diagnosis_leads_to_the_cause_the_sources_give(name, kb):
    result = read_evidence((FIXTURES / name).read_bytes(), name=name, kb=kb)
    diagnosis = diagnose(result.observations, kb=kb, backend="reference")
    assert diagnosis.causes, f"{name}: no cause"
    assert diagnosis.causes[0]["id"] in EXPECTED[name]["lead"], [c["id"] for c in diagnosis.causes[:3]]


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("lang", ["ja", "en"])
def test_report_explains_every_finding_in_the_language_asked(name, lang, kb):
    result = read_evidence((FIXTURES / name).read_bytes(), name=name, kb=kb)
    text = render(result, kb, lang)
    line_word = "行" if lang == "ja" else "line"
    for finding in result.findings:
        assert f"{line_word} {finding.line})" in text
    privacy = "どこにも送信していません" if lang == "ja" else "sent nowhere"
    assert privacy in text
    if lang == "en":
        assert "読み取った種類" not in text


def test_a_received_message_body_is_never_read(kb):
    # the body of this message says "550 5.1.1": only its headers are evidence
    result = read_evidence((FIXTURES / "headers_icloud_spf_permerror.eml").read_bytes(), kb=kb)
    assert "smtp_reply_code" not in result.observations
    assert all("Body text" not in f.text for f in result.findings)


def test_a_bounce_returned_message_is_not_read_as_evidence(kb):
    # the returned message's headers name an @icloud.com sender and a Japanese subject; neither becomes a finding
    result = read_evidence((FIXTURES / "docomo_unknown_user_postfix.eml").read_bytes(), kb=kb)
    assert all("Message-Id" not in f.text and "From: Taro" not in f.text for f in result.findings)


def test_observations_are_a_query_the_engine_accepts(kb):
    for name in NAMES:
        result = read_evidence((FIXTURES / name).read_bytes(), kb=kb)
        diagnose(result.observations, kb=kb, backend="reference")  # raises QueryError if not


def test_header_findings_point_at_their_lines(kb):
    # line 4 holds Authentication-Results (folded over lines 4-7), line 12 the From field
    result = read_evidence((FIXTURES / "headers_icloud_from_via_gmail.txt").read_bytes(), kb=kb)
    lines = {f.observation: f.line for f in result.findings}
    assert lines["dmarc_result"] == 4 and lines["spf_result"] == 4
    assert lines["sent_via_non_apple_smtp"] == 12
