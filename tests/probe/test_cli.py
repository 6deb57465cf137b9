"""`mailkb probe` as a person or a tool runs it: the JSON contract, the terminal report, exit codes, Ctrl-C."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from mailkb.cli import main

from .servers import ImapServer, SilentServer, SmtpServer, closed_port

ROOT = Path(__file__).resolve().parents[2]
STEP_KEYS = {"id", "target", "name", "status", "ms", "detail", "reply"}


def _mailkb(*args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run([sys.executable, "-m", "mailkb", *args], capture_output=True, text=True, cwd=ROOT, env=env, timeout=timeout)


def test_json_contract_against_healthy_servers(certs):
    with ImapServer(certs.context()) as imap, SmtpServer(certs.context()) as smtp:
        done = _mailkb("probe", "--json", "--imap", imap.address, "--smtp", smtp.address, "--cafile", str(certs.cafile), "--timeout", "5")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert set(data) == {"steps", "observations"}
    assert all(set(step) == STEP_KEYS for step in data["steps"])
    assert [(s["id"], s["target"], s["status"]) for s in data["steps"]] == [
        ("imap.dns", "imap", "pass"),
        ("imap.tcp", "imap", "pass"),
        ("imap.tls", "imap", "pass"),
        ("imap.greeting", "imap", "pass"),
        ("imap.capability", "imap", "pass"),
        ("smtp.dns", "smtp", "pass"),
        ("smtp.tcp", "smtp", "pass"),
        ("smtp.greeting", "smtp", "pass"),
        ("smtp.ehlo", "smtp", "pass"),
        ("smtp.starttls", "smtp", "pass"),
        ("smtp.tls", "smtp", "pass"),
        ("smtp.ehlo_tls", "smtp", "pass"),
        ("smtp.auth", "smtp", "pass"),
    ]
    assert all(isinstance(s["ms"], int) and s["ms"] >= 0 for s in data["steps"])
    assert all(isinstance(s["name"], str) and s["name"] and isinstance(s["detail"], str) and s["detail"] for s in data["steps"])
    greeting = next(s for s in data["steps"] if s["id"] == "smtp.greeting")
    assert greeting["reply"].startswith("220 ")  # the raw reply, as the server sent it
    assert next(s for s in data["steps"] if s["id"] == "imap.tcp")["reply"] is None
    assert data["observations"] == dict.fromkeys(
        ["dns_resolution_failed", "port_blocked", "tls_intercepted", "clock_wrong", "captive_portal_detected"], False
    )


def test_a_failed_step_exits_1_and_the_json_shows_the_skips():
    done = _mailkb("probe", "--json", "--lang", "en", "--imap", f"127.0.0.1:{closed_port()}", "--smtp", f"127.0.0.1:{closed_port()}")
    assert done.returncode == 1, done.stderr
    data = json.loads(done.stdout)
    tcp = next(s for s in data["steps"] if s["id"] == "imap.tcp")
    assert tcp["status"] == "fail" and "refused" in tcp["detail"] and tcp["name"] == "TCP connection"
    assert [s["status"] for s in data["steps"] if s["target"] == "imap"] == ["pass", "fail", "skip", "skip", "skip"]
    assert data["observations"] == {"dns_resolution_failed": False, "port_blocked": True}


@pytest.mark.parametrize(
    "argv",
    [
        ["--imap", "imap.mail.me.com"],  # no port
        ["--imap", "imap.mail.me.com:"],
        ["--smtp", "smtp.mail.me.com:0"],
        ["--smtp", "smtp.mail.me.com:65536"],
        ["--imap", ":993"],
        ["--imap", "::1:993"],  # an IPv6 address needs brackets
        ["--imap", "[not-an-address]:993"],
        ["--imap", "two words:993"],
        ["--timeout", "0"],
        ["--timeout", "-3"],
        ["--timeout", "nan"],
        ["--timeout", "inf"],
        ["--timeout", "soon"],
        ["--timeout", "301"],
        ["--cafile", "/nonexistent/ca.pem"],
    ],
)
def test_usage_errors_exit_2_with_one_line(argv, capsys):
    assert main(["probe", *argv]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("mailkb: --")


def test_a_cafile_without_certificates_is_a_usage_error(tmp_path, capsys):
    not_pem = tmp_path / "notes.txt"
    not_pem.write_text("this is not a certificate\n")
    assert main(["probe", "--cafile", str(not_pem)]) == 2
    assert "holds no usable PEM certificate" in capsys.readouterr().err


def test_the_terminal_report_lists_each_step_then_what_it_means(certs, capsys):
    with SmtpServer(certs.context("unknown_ca")) as smtp:
        code = main(
            ["probe", "--imap", f"127.0.0.1:{closed_port()}", "--smtp", smtp.address, "--cafile", str(certs.cafile), "--timeout", "3"]
        )
    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    tls_line = next(line for line in lines if line.strip().startswith("✗ TLS（暗号化と証明書）"))
    assert " ms " in tls_line and "Example Security Filter" in tls_line
    assert any(line.strip().startswith("✓ STARTTLS") for line in lines)
    assert any(line.strip().startswith("- EHLO（TLS の後）") for line in lines)
    assert "この結果の意味:" in out and "TLS インターセプト" in out.split("この結果の意味:")[1]
    assert "tls_intercepted = true" in out and "port_blocked = true" in out
    assert "mailkb diagnose --probe" in out


def test_english_report(capsys):
    code = main(["probe", "--lang", "en", "--imap", f"127.0.0.1:{closed_port()}", "--smtp", f"127.0.0.1:{closed_port()}"])
    out = capsys.readouterr().out
    assert code == 1
    assert "Incoming server (IMAP)" in out and "✗ TCP connection" in out and "What this means:" in out
    assert not any("\u3040" <= ch <= "\u30ff" for ch in out)  # no kana left in the English report


def test_ctrl_c_stops_cleanly():
    with SilentServer() as silent:
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        argv = [sys.executable, "-m", "mailkb", "probe", "--imap", silent.address, "--smtp", silent.address, "--timeout", "60"]
        process = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT, env=env)
        assert process.stdout is not None
        for line in process.stdout:  # wait until it is connected and waiting on the silent server
            if "TCP" in line:
                break
        process.send_signal(signal.SIGINT)
        _, err = process.communicate(timeout=30)
    assert process.returncode == 130
    assert "Traceback" not in err and "中断しました" in err
