"""`mailkb api` as another tool meets it: a real uvicorn with two worker processes on a free port of 127.0.0.1."""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx2
import pytest

README_QUERY = {
    "error_message": "サーバへの接続に失敗しました。",
    "platform": "iphone",
    "fails_on_other_device": False,
    "webmail_works": True,
}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start(log: Path, *options: str) -> tuple[subprocess.Popen, str]:
    port = free_port()
    command = [sys.executable, "-m", "mailkb", "api", "--host", "127.0.0.1", "--port", str(port), *options]
    with log.open("wb") as stderr:
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=stderr)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"mailkb api exited with {process.returncode}: {log.read_text()}")
        try:
            if httpx2.get(f"{base}/readyz", timeout=2).status_code == 200:
                return process, base
        except httpx2.TransportError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError(f"mailkb api did not become ready: {log.read_text()}")


def stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGTERM)
    try:
        return process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        raise


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    log = tmp_path_factory.mktemp("api") / "server.log"
    process, base = start(log, "--workers", "2", "--client-timeout", "1", "--max-body", "2048")
    yield base, log
    assert stop(process) == 0, log.read_text()


def test_the_server_answers_what_the_cli_prints(server):
    base, _ = server
    response = httpx2.post(f"{base}/v1/diagnose", json=README_QUERY, timeout=30)
    cli = subprocess.run(
        [sys.executable, "-m", "mailkb", "diagnose", "--json"],
        input=json.dumps(README_QUERY, ensure_ascii=False),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    assert response.status_code == 200
    assert response.json() == json.loads(cli.stdout)


def test_over_the_wire_etag_limit_and_problems(server):
    base, _ = server
    with httpx2.Client(base_url=base, timeout=30) as client:
        first = client.get("/v1/causes/storage_full")
        assert first.status_code == 200
        assert client.get("/v1/causes/storage_full", headers={"If-None-Match": first.headers["etag"]}).status_code == 304
        large = client.post(
            "/v1/diagnose", content=b'{"error_message": "' + b"a" * 3000 + b'"}', headers={"Content-Type": "application/json"}
        )
        assert large.status_code == 413 and large.json()["limit"] == 2048
        bad = client.post("/v1/diagnose", json={"platform": "blackberry"})
        assert bad.status_code == 422 and bad.headers["content-type"] == "application/problem+json"
        assert bad.json()["field"] == "platform"
        assert client.get("/openapi.json").json()["info"]["title"] == "mailkb"


def test_a_client_that_trickles_its_headers_is_cut_off(server):
    base, _ = server
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=10) as conn:
        started = time.monotonic()
        conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        received = b""
        try:
            for _ in range(40):  # one header line every 0.1 s: uvicorn's keep-alive timer alone would wait forever
                conn.sendall(b"X-Slow: 1\r\n")
                time.sleep(0.1)
        except OSError:
            pass
        while chunk := conn.recv(4096):
            received += chunk
        elapsed = time.monotonic() - started
    assert received.startswith(b"HTTP/1.1 408 ")
    assert 0.9 < elapsed < 3.5


def test_one_json_access_log_line_per_request_without_the_body(server):
    base, log = server
    secret = "この本文はログに出ない"
    marker = "access-log-test-7f3a"
    httpx2.post(f"{base}/v1/diagnose?lang=en", json={"error_message": secret}, headers={"X-Request-ID": marker}, timeout=30)
    time.sleep(0.3)
    lines = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    ours = [line for line in lines if line.get("request_id") == marker]
    assert len(ours) == 1
    entry = ours[0]
    assert entry["logger"] == "mailkb.api.access"
    assert (entry["method"], entry["path"], entry["query"], entry["status"]) == ("POST", "/v1/diagnose", "lang=en", 200)
    assert entry["duration_ms"] > 0 and entry["bytes_out"] > 0 and entry["bytes_in"] > 0
    assert secret not in log.read_text(encoding="utf-8")


def test_sigterm_finishes_the_request_in_flight_then_exits_cleanly(tmp_path):
    log = tmp_path / "server.log"
    process, base = start(log, "--workers", "1")
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"fails_on_other_device": False}).encode()
    with socket.create_connection((host, int(port)), timeout=20) as conn:
        head = f"POST /v1/diagnose HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        conn.sendall(head.encode() + body[:10])
        time.sleep(0.3)
        process.send_signal(signal.SIGTERM)  # the server stops accepting, but this request has begun
        time.sleep(0.3)
        conn.sendall(body[10:])
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 ")
    assert b'"causes"' in answer
    # uvicorn re-raises the signal it handled once shutdown is done, so one process ends "by SIGTERM", cleanly
    assert process.wait(timeout=30) in (0, -signal.SIGTERM)
    assert "Application shutdown complete" in log.read_text()


def test_a_missing_knowledge_base_is_one_line_and_no_server(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "mailkb", "api", "--kb", str(tmp_path / "nowhere"), "--port", str(free_port())],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 1
    assert done.stderr.strip().startswith("mailkb: knowledge base not found")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr
