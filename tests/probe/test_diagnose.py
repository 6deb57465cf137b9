"""What the probe's observations mean for the diagnosis (knowledge/rules/probe.yaml), and `mailkb diagnose --probe`.

Expected confidences are worked out by hand from the rules: one rule gives its weight; two combine as 1 − Π(1 − w).
"""

from __future__ import annotations

import json

import pytest

from mailkb.diagnosis import diagnose
from mailkb.loader import load_kb

from ..engine.test_cli import _run
from .servers import SmtpServer, closed_port


@pytest.fixture(scope="module")
def kb():
    return load_kb()


def _causes(kb, query) -> dict[str, float]:
    return {c["id"]: c["confidence"] for c in diagnose(query, kb=kb).to_dict()["causes"]}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"dns_resolution_failed": True}, {"dns_failure": 0.7}),
        # a blocked port: a managed network's firewall first, a sign-in page not yet ruled out second
        ({"port_blocked": True}, {"managed_network_restriction": 0.45, "captive_portal": 0.2}),
        ({"port_blocked": True, "captive_portal_detected": False}, {"managed_network_restriction": 0.45}),
        ({"captive_portal_detected": True}, {"captive_portal": 0.85}),
        ({"tls_intercepted": True}, {"tls_interception": 0.85}),
        ({"clock_wrong": True}, {"device_clock_wrong": 0.8}),
        # the new symptom alone: the three certificate-error rules, each guarded by its observation being unanswered
        (
            {"error_message": "サーバの識別情報を検証できません"},
            {"tls_interception": 0.25, "device_clock_wrong": 0.15, "captive_portal": 0.15},
        ),
        # answered: the guarded rules stand down and the answers decide
        (
            {"symptoms": ["server_identity_unverified"], "tls_intercepted": False, "clock_wrong": True, "captive_portal_detected": False},
            {"device_clock_wrong": 0.8},
        ),
    ],
)
def test_probe_observations_lead_to_their_causes(kb, query, expected):
    assert _causes(kb, query) == expected


def test_a_managed_device_with_a_certificate_error_points_harder_at_interception(kb):
    causes = _causes(kb, {"symptoms": ["ssl_connection_failed"], "managed_device": True})
    assert causes["tls_interception"] == 0.5125  # 1 − (1 − 0.25)(1 − 0.35)


def test_the_english_alert_text_is_recognised(kb):
    result = diagnose({"error_message": "Cannot Verify Server Identity"}, kb=kb)
    assert result.symptoms == [{"id": "server_identity_unverified", "from": "error_message"}]


def test_diagnose_probe_runs_the_probe_then_diagnoses(monkeypatch, capsys):
    imap, smtp = f"127.0.0.1:{closed_port()}", f"127.0.0.1:{closed_port()}"
    code, out, err = _run(["diagnose", "--probe", "--imap", imap, "--smtp", smtp, "--timeout", "2"], "", monkeypatch, capsys)
    assert code == 0, err  # the diagnosis answered, even though a step failed
    probe_part, report = out.split("== 診断結果 ==")
    assert "✗ TCP 接続" in probe_part
    assert "この回線ではメールのポート(993・587)への接続が止められている: はい (probe)" in report
    assert report.index("会社・学校などの管理ネットワークや管理下端末の制限") < report.index(
        "Wi-Fi のログインページ(キャプティブポータル)が未完了"
    )


def test_diagnose_probe_json_keeps_stdout_for_the_contract(certs, monkeypatch, capsys):
    with SmtpServer(certs.context("unknown_ca")) as smtp:
        argv = [
            "diagnose",
            "--probe",
            "--json",
            "--imap",
            f"127.0.0.1:{closed_port()}",
            "--smtp",
            smtp.address,
            "--cafile",
            str(certs.cafile),
        ]
        code, out, err = _run(argv, "", monkeypatch, capsys)
    assert code == 0
    data = json.loads(out)  # nothing but the diagnosis on stdout; the steps went to stderr
    assert "✗ TLS" in err
    assert {"observation": "tls_intercepted", "value": True, "source": "probe"} in data["from_evidence"]
    assert data["causes"][0]["id"] == "tls_interception"


def test_diagnose_probe_with_bad_options_stops_before_connecting(monkeypatch, capsys):
    code, out, err = _run(["diagnose", "--probe", "--imap", "nowhere"], "", monkeypatch, capsys)
    assert code == 2 and out == "" and err.startswith("mailkb: --imap")
