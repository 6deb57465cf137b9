"""An incremental rebuild after editing one YAML file gives the same pages as a full build."""

from __future__ import annotations

from pathlib import Path

from engine.sitebuild import build_site, load_config

from .conftest import TEST_CONFIG
from .kbfactory import write_kb


def _html(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def test_incremental_equals_full_build(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILKB_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(**TEST_CONFIG)
    kb = write_kb(tmp_path / "kb")
    out = tmp_path / "inc"
    first = build_site(kb, out, config=config, search=False, jobs=1)
    _edit(kb / "remedies" / "free_storage.yaml", "空きを作る題名", "空きを作る(改訂)")
    result = build_site(kb, out, config=config, search=False, jobs=1, incremental=True)
    assert "incremental" in result.timings and result.pages < first.pages
    full = tmp_path / "full"
    build_site(kb, full, config=config, search=False, jobs=1)
    assert _html(out) == _html(full)
    assert "空きを作る(改訂)" in (out / "causes" / "storage_full" / "index.html").read_text(encoding="utf-8")

    # a change only the entry's own page shows re-renders a handful of pages
    _edit(kb / "remedies" / "free_storage.yaml", "verify:\n  ja: 本文", "verify:\n  ja: 確かめ方を改訂")
    small = build_site(kb, out, config=config, search=False, jobs=1, incremental=True)
    assert "incremental" in small.timings and small.pages <= 10
    build_site(kb, full, config=config, search=False, jobs=1)
    assert _html(out) == _html(full)


def test_incremental_falls_back_to_full_build_when_rules_change(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILKB_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(**TEST_CONFIG)
    kb = write_kb(tmp_path / "kb")
    out = tmp_path / "out"
    build_site(kb, out, config=config, search=False, jobs=1)
    _edit(kb / "rules" / "receive.yaml", "weight: 0.5", "weight: 0.55")
    result = build_site(kb, out, config=config, search=False, jobs=1, incremental=True)
    assert "incremental" not in result.timings
    assert "0.55" in (out / "causes" / "storage_full" / "index.html").read_text(encoding="utf-8")


def test_live_state_in_memory_equals_full_build(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILKB_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(**TEST_CONFIG)
    kb = write_kb(tmp_path / "kb")
    out = tmp_path / "live"
    build_site(kb, out, config=config, search=False, jobs=1, live=True)
    for old, new in (("空きを作る題名", "空きを作る(一)"), ("空きを作る(一)", "空きを作る(二)")):
        _edit(kb / "remedies" / "free_storage.yaml", old, new)
        result = build_site(kb, out, config=config, search=False, jobs=1, incremental=True, live=True)
        assert "incremental" in result.timings
    full = tmp_path / "full"
    build_site(kb, full, config=config, search=False, jobs=1)
    assert _html(out) == _html(full)


def test_serve_watch_rebuilds_on_edit(tmp_path):
    import os
    import queue
    import re
    import subprocess
    import sys
    import threading
    import urllib.request

    kb = write_kb(tmp_path / "kb")
    env = {**os.environ, "MAILKB_CACHE_DIR": str(tmp_path / "cache")}
    cmd = [sys.executable, "-m", "engine", "serve", "--watch", "--kb", str(kb), "--out", str(tmp_path / "out"), "--port", "0"]
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in proc.stdout], daemon=True).start()

    def wait_for(pattern: str) -> re.Match:
        while True:  # the timeout only turns a hang into a failure
            line = lines.get(timeout=60)
            found = re.search(pattern, line)
            if found:
                return found

    try:
        url = wait_for(r"http://127\.0\.0\.1:\d+/").group(0)
        _edit(kb / "remedies" / "free_storage.yaml", "空きを作る題名", "空きを作る(監視)")
        wait_for(r"incremental")
        with urllib.request.urlopen(url + "remedies/free_storage/") as response:
            assert "空きを作る(監視)" in response.read().decode("utf-8")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stdout:
            proc.stdout.close()
