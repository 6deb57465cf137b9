"""POST /v1/evidence: the raw bytes go to mailkb's evidence reader and what `mailkb evidence --json` prints comes back."""

from __future__ import annotations

import email
import json
import subprocess
import sys
from pathlib import Path

import pytest

from mailkb.api.evidence import evidence_reader

from .conftest import client_for


def test_the_reader_is_found_by_module_and_name():
    assert evidence_reader(("json", "loads")) is json.loads
    assert evidence_reader(("mailkb.no_such_module", "read_evidence")) is None
    assert evidence_reader(("json", "no_such_function")) is None


def test_a_reader_module_whose_own_import_fails_is_an_error_not_a_501(tmp_path, monkeypatch):
    (tmp_path / "mailkb_test_reader.py").write_text("import no_such_dependency_of_the_reader\n\ndef read(raw):\n    return {}\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ModuleNotFoundError, match="no_such_dependency_of_the_reader"):
        evidence_reader(("mailkb_test_reader", "read"))


def read_status(raw: bytes) -> dict:
    """A small real reader in the shape issue 11 promises (`mailkb evidence --json`): the Status field of a DSN."""
    message = email.message_from_bytes(raw)
    status = next((part["Status"] for part in message.walk() if part["Status"]), None)
    return {"kind": "dsn", "observations": {"enhanced_status_code": status} if status else {}, "findings": [], "warnings": []}


DSN = (
    b"Content-Type: multipart/report; report-type=delivery-status; boundary=b\r\n\r\n--b\r\nContent-Type: text/plain\r\n\r\n"
    b"Delivery failed.\r\n--b\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns; mx.example.jp\r\n\r\n"
    b"Final-Recipient: rfc822; a@example.jp\r\nAction: failed\r\nStatus: 5.7.1\r\n--b--\r\n"
)


def test_with_a_reader_the_route_takes_a_message_and_answers_json(basic_kb):
    with client_for(basic_kb, max_body=4096) as client:
        client.app.state.evidence_reader = read_status
        response = client.post("/v1/evidence", content=DSN, headers={"Content-Type": "message/rfc822"})
        assert response.status_code == 200
        assert response.json()["observations"] == {"enhanced_status_code": "5.7.1"}
        assert client.post("/v1/evidence", content=DSN, headers={"Content-Type": "text/plain; charset=utf-8"}).status_code == 200
        wrong = client.post("/v1/evidence", content=DSN, headers={"Content-Type": "application/json"})
        assert wrong.status_code == 415 and wrong.json()["accepted"] == ["text/plain", "message/rfc822"]
        assert client.post("/v1/evidence", content=DSN * 40, headers={"Content-Type": "text/plain"}).status_code == 413


FIXTURES = Path(__file__).resolve().parents[1] / "evidence" / "fixtures"


@pytest.mark.parametrize("name", ["icloud_cs01_postfix.eml", "au_ezweb_notice_iso2022jp.eml", "alert_ja_password_incorrect.txt"])
def test_the_real_reader_answers_as_the_cli_does(real, name):
    raw = (FIXTURES / name).read_bytes()
    cli = subprocess.run([sys.executable, "-m", "mailkb", "evidence", str(FIXTURES / name), "--json"], capture_output=True, check=True)
    kind = "message/rfc822" if name.endswith(".eml") else "text/plain"
    response = real.post("/v1/evidence", content=raw, headers={"Content-Type": kind})
    assert response.status_code == 200
    assert response.json() == json.loads(cli.stdout)


def test_binary_evidence_is_refused_with_the_cli_message(real):
    response = real.post("/v1/evidence", content=bytes(range(256)) * 4, headers={"Content-Type": "text/plain"})
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/problem+json")
    assert "not text (binary data)" in response.json()["detail"]
