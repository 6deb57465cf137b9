"""Every error is an RFC 9457 problem (application/problem+json) with the CLI's message; never a traceback."""

from __future__ import annotations

import asyncio
import io
import json
import sys
import time

import httpx2
import pytest
from fastapi.testclient import TestClient

from mailkb.api import ApiSettings, create_app
from mailkb.api.problems import MEDIA_TYPE, TYPE_PREFIX, Problem
from mailkb.api.runner import DiagnosisRunner
from mailkb.cli import main

from .conftest import BASIC, client_for

JSON = {"Content-Type": "application/json"}


def assert_problem(response, status: int, kind: str) -> dict:
    assert response.status_code == status
    assert response.headers["content-type"] == MEDIA_TYPE
    body = response.json()
    assert body["type"] == TYPE_PREFIX + kind
    assert body["status"] == status and body["title"] and body["detail"]
    assert body["request_id"] == response.headers["x-request-id"]
    assert "Traceback" not in response.text
    return body


def cli_error(body: bytes, monkeypatch, capsys) -> str:
    """What `mailkb diagnose --json --kb <fixture>` prints for the same body, without its "mailkb: " prefix."""
    stdin = io.StringIO(body.decode())
    stdin.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    assert main(["diagnose", "--json", "--kb", str(BASIC)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("mailkb: ")
    return err.removeprefix("mailkb: ")


@pytest.mark.parametrize(
    ("body", "status", "kind", "field"),
    [
        (b'{"fails_on_other_device": fal', 400, "malformed-json", None),
        (b"", 400, "malformed-json", None),
        (b'["fails_on_other_device"]', 400, "malformed-json", None),
        (b'{"fails_on_other_devise": true}', 422, "invalid-query", "fails_on_other_devise"),
        (b'{"fails_on_other_device": "yes"}', 422, "invalid-query", "fails_on_other_device"),
        (b'{"storage_percent_used": 120}', 422, "invalid-query", "storage_percent_used"),
        (b'{"platform": "blackberry"}', 422, "invalid-query", "platform"),
        (b'{"symptoms": ["no_such_symptom"]}', 422, "invalid-query", "symptoms"),
        (b'{"failure_scope": "device"}', 422, "invalid-query", "failure_scope"),
        (b'{"webmail_works": null}', 422, "invalid-query", "webmail_works"),
    ],
)
def test_a_bad_query_gets_the_cli_message_and_names_the_field(basic, monkeypatch, capsys, body, status, kind, field):
    problem = assert_problem(basic.post("/v1/diagnose", content=body, headers=JSON), status, kind)
    assert problem["detail"] == cli_error(body, monkeypatch, capsys)
    assert problem.get("field") == field


def test_out_of_range_says_what_is_allowed(basic):
    # storage_percent_used.yaml: minimum 0, maximum 100
    problem = basic.post("/v1/diagnose", json={"storage_percent_used": 120}).json()
    assert problem["detail"] == "storage_percent_used: expects a number from 0 to 100, not 120"
    assert problem["allowed"] == "0–100"


def test_a_body_that_is_not_utf8_is_malformed(basic):
    problem = assert_problem(basic.post("/v1/diagnose", content='{"x": "é"}'.encode("latin-1"), headers=JSON), 400, "malformed-json")
    assert "not UTF-8" in problem["detail"]


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded", "application/jsonx"])
def test_a_body_that_is_not_json_by_its_content_type_is_415(basic, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    response = basic.post("/v1/diagnose", content=b'{"fails_on_other_device": false}', headers=headers)
    problem = assert_problem(response, 415, "unsupported-media-type")
    assert problem["accepted"] == ["application/json"]
    assert "application/json" in problem["detail"]


def test_json_with_parameters_and_any_case_is_json(basic):
    response = basic.post("/v1/diagnose", content=b"{}", headers={"Content-Type": "Application/JSON; charset=utf-8"})
    assert response.status_code == 200


def test_a_body_over_the_limit_is_413_whether_declared_or_streamed(basic_kb):
    with client_for(basic_kb, max_body=1024) as client:
        exactly = b'{"error_message": "' + b"a" * (1024 - 21) + b'"}'
        assert len(exactly) == 1024
        assert client.post("/v1/diagnose", content=exactly, headers=JSON).status_code == 200
        over = exactly[:-2] + b'a"}'
        problem = assert_problem(client.post("/v1/diagnose", content=over, headers=JSON), 413, "body-too-large")
        assert problem["limit"] == 1024 and "1024 bytes" in problem["detail"]
        streamed = client.post("/v1/diagnose", content=iter([over[:600], over[600:]]), headers=JSON)  # chunked: no Content-Length
        assert "content-length" not in streamed.request.headers
        assert_problem(streamed, 413, "body-too-large")


def test_the_default_limit_is_64_kib(basic):
    padded = b'{"error_message": "' + b"a" * (64 * 1024) + b'"}'
    assert_problem(basic.post("/v1/diagnose", content=padded, headers=JSON), 413, "body-too-large")


def test_a_body_that_does_not_arrive_in_time_is_408(basic_kb):
    app = create_app(ApiSettings(client_timeout=0.2), kb=basic_kb)

    async def slow_body():
        yield b'{"fails_on_other_device":'
        await asyncio.sleep(1.0)
        yield b" false}"

    async def post():
        async with httpx2.AsyncClient(transport=httpx2.ASGITransport(app=app), base_url="http://test") as client:
            return await client.post("/v1/diagnose", content=slow_body(), headers=JSON)

    response = asyncio.run(post())
    problem = assert_problem(response, 408, "request-timeout")
    assert "0.2 s" in problem["detail"]
    app.state.runner.close()


@pytest.mark.parametrize(("query", "field"), [("lang=fr", "lang"), ("order=cheapest", "order"), ("engine=clips", "engine")])
def test_a_bad_url_parameter_is_422_naming_it(basic, query, field):
    problem = assert_problem(basic.post(f"/v1/diagnose?{query}", json={}), 422, "invalid-parameter")
    assert problem["field"] == field
    assert problem["detail"].startswith(f"{field}: ")


def test_unknown_paths_and_methods(basic):
    assert_problem(basic.get("/v2/diagnose"), 404, "not-found")
    problem = assert_problem(basic.get("/v1/diagnose"), 405, "method-not-allowed")
    assert problem["detail"] == "GET is not allowed on /v1/diagnose"
    assert_problem(basic.delete("/v1/kb"), 405, "method-not-allowed")


def test_a_crash_is_a_500_problem_with_no_trace_or_internals(basic_kb):
    app = create_app(kb=basic_kb)

    async def boom():
        raise RuntimeError("secret: /srv/mailkb/engine/planning.py line 12")

    app.add_api_route("/boom", boom)
    with TestClient(app, raise_server_exceptions=False) as client:
        response = client.get("/boom")
    assert response.status_code == 500
    assert response.headers["content-type"] == MEDIA_TYPE
    body = response.json()
    assert body["type"] == TYPE_PREFIX + "internal-error"
    assert body["detail"] == "internal error: RuntimeError (please report this)"
    assert "secret" not in response.text and "Traceback" not in response.text and ".py" not in response.text


def test_evidence_is_501_until_mailkb_has_a_reader(basic):
    basic.app.state.evidence_reader = None
    problem = assert_problem(
        basic.post("/v1/evidence", content=b"Status: 5.7.1", headers={"Content-Type": "text/plain"}), 501, "not-implemented"
    )
    assert "mailkb evidence" in problem["detail"]


def test_a_diagnosis_that_takes_too_long_on_the_pool_is_503(basic_kb):
    with client_for(basic_kb, threads=1, request_timeout=0.05, cache_size=0) as client:
        busy = client.app.state.runner.executor.submit(time.sleep, 0.5)  # the engine's only thread is taken
        problem = assert_problem(client.post("/v1/diagnose", json={}), 503, "diagnosis-timeout")
        assert "0.05 s" in problem["detail"]
        assert client.post("/v1/diagnose", json={}).headers["retry-after"] == "1"
        busy.result()
        assert client.post("/v1/diagnose", json={}).status_code == 200


def test_on_the_event_loop_a_request_that_waited_past_the_limit_is_not_run():
    runner = DiagnosisRunner(threads=0, timeout=0.5)
    ran: list[int] = []
    with pytest.raises(Problem) as late:
        asyncio.run(runner.call(lambda: ran.append(1), started=time.perf_counter() - 0.6))
    assert late.value.status == 503 and ran == []
    assert asyncio.run(runner.call(lambda: ran.append(2) or "done", started=time.perf_counter())) == "done"
    assert ran == [2]


def test_problem_bodies_are_json_objects_with_utf8_text(basic):
    response = basic.post("/v1/diagnose", json={"platform": "アイフォン"})
    problem = json.loads(response.content.decode("utf-8"))
    assert "アイフォン" in problem["detail"]
