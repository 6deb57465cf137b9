"""POST /v1/diagnose: the CLI's query in, the CLI's answer out; options, the text report and the answer cache."""

from __future__ import annotations

import io
import json
import sys

import pytest

from mailkb.cli import main
from mailkb.planning import STAGES
from mailkb.schemas import validator

from .conftest import client_for


def cli_json(argv: list[str], query: dict, monkeypatch, capsys) -> dict:
    stdin = io.StringIO(json.dumps(query, ensure_ascii=False))
    stdin.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["diagnose", "--json", *argv]) == 0
    return json.loads(capsys.readouterr().out)


def test_the_answer_is_what_mailkb_diagnose_json_prints(real, monkeypatch, capsys):
    query = {"error_message": "サーバへの接続に失敗しました。", "platform": "iphone", "fails_on_other_device": False, "webmail_works": True}
    response = real.post("/v1/diagnose", json=query)
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    assert response.json() == cli_json([], query, monkeypatch, capsys)
    for options in ("engine=reference", "order=stages"):
        flag, value = options.split("=")
        expected = cli_json([f"--{flag}", value], query, monkeypatch, capsys)
        assert real.post(f"/v1/diagnose?{options}", json=query).json() == expected


def test_device_only_answer_worked_out_from_the_fixture_rules(basic, basic_kb):
    # isolation.yaml (read first, so its rules come first): scope_device derives failure_scope=device; then
    # device_scope_app suspects mail_app_glitch (0.5) and network_scope_unstable network_unstable (0.3), each the only
    # evidence for its cause, so the confidences are the weights; messages.yaml's area_from_scope derives
    # likely_area=connection, which area_connection_router cannot use (it needs failure_scope=network).
    data = basic.post("/v1/diagnose", json={"fails_on_other_device": False}).json()
    assert data["derived"] == [
        {"fact": "failure_scope", "value": "device", "rule": "scope_device"},
        {"fact": "likely_area", "value": "connection", "rule": "area_from_scope"},
    ]
    assert [(c["id"], c["confidence"]) for c in data["causes"]] == [("mail_app_glitch", 0.5), ("network_unstable", 0.3)]
    assert data["trace"] == ["scope_device", "device_scope_app", "network_scope_unstable", "area_from_scope"]
    assert data["engine"] == "durable" and data["kb"] == basic_kb.digest
    assert not list(validator("diagnosis").iter_errors(data))


def test_order_stages_keeps_the_seed_stage_order(basic):
    # by value restart_device (device_os) comes first; the seed's order puts the network stage before device_os
    query = {"fails_on_other_device": False}
    by_value = [step["stage"] for step in basic.post("/v1/diagnose", json=query).json()["plan"]]
    by_stage = [step["stage"] for step in basic.post("/v1/diagnose?order=stages", json=query).json()["plan"]]
    assert by_value[0] == "device_os" and by_stage[0] == "network"
    assert sorted(by_value) == sorted(by_stage)
    assert [STAGES.index(stage) for stage in by_stage] == sorted(STAGES.index(stage) for stage in by_stage)


@pytest.mark.parametrize(
    ("lang", "heading", "title"), [("ja", "考えられる原因", "メールアプリの一時的な不具合"), ("en", "Likely causes", "Mail app glitch")]
)
def test_accept_text_plain_gives_the_report_in_lang(basic, lang, heading, title):
    response = basic.post(f"/v1/diagnose?lang={lang}", json={"fails_on_other_device": False}, headers={"Accept": "text/plain"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.headers["content-language"] == lang
    assert heading in response.text and title in response.text


@pytest.mark.parametrize(
    ("accept", "text"),
    [
        ("text/plain", True),
        ("text/plain, application/json;q=0.5", True),
        ("application/json, text/plain", False),  # a tie goes to JSON
        ("text/*;q=0.9, application/json;q=0.8", True),
        ("text/plain;q=0, */*", False),
        ("*/*", False),
    ],
)
def test_the_report_or_json_by_accept_quality(basic, accept, text):
    response = basic.post("/v1/diagnose", json={"fails_on_other_device": False}, headers={"Accept": accept})
    assert response.headers["content-type"].startswith("text/plain" if text else "application/json")


def test_answers_are_cached_by_the_query_not_its_spelling(basic_kb):
    with client_for(basic_kb, cache_size=8) as client:
        runner = client.app.state.runner
        first = client.post("/v1/diagnose", content=b'{"fails_on_other_device": false, "fails_on_wifi": true}', headers=JSON)
        again = client.post("/v1/diagnose", content=b'{"fails_on_wifi":true,"fails_on_other_device":false}', headers=JSON)
        assert first.content == again.content
        assert (runner.misses, runner.hits) == (1, 1)
        other_engine = client.post("/v1/diagnose?engine=reference", content=again.request.content, headers=JSON)
        assert other_engine.json()["engine"] == "reference"
        assert (runner.misses, runner.hits) == (2, 1)


def test_without_a_cache_every_query_runs(basic_kb):
    with client_for(basic_kb, cache_size=0) as client:
        for _ in range(2):
            client.post("/v1/diagnose", json={"fails_on_other_device": False})
        assert (client.app.state.runner.misses, client.app.state.runner.hits) == (2, 0)


JSON = {"Content-Type": "application/json"}
