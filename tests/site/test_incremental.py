"""An incremental rebuild after editing one YAML file gives the same pages as a full build."""

from __future__ import annotations

from pathlib import Path

from mailkb.sitebuild import build_site, load_config

from .conftest import TEST_CONFIG
from .kbfactory import write_kb


def _html(out: Path) -> dict[str, str]:
    """Every page and every export (api/*.json) of a built site; an export's `digest` (which an incremental build
    derives from the previous one instead of hashing every file again) left out."""
    import re

    pages = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted(out.rglob("*.html"))}
    exports = {p.relative_to(out).as_posix(): p.read_text(encoding="utf-8") for p in sorted((out / "api").glob("*.json"))}
    return pages | {path: re.sub(r'"digest":"[0-9a-f]+"', '"digest":…', text, count=1) for path, text in exports.items()}


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


def test_two_saves_within_one_timestamp_tick_are_told_apart(tmp_path):
    """A save that keeps the size and lands in the same mtime tick as the snapshot still counts as a change."""
    import os

    from mailkb.sitebuild.incremental import file_stats

    entry = tmp_path / "remedies" / "a.yaml"
    entry.parent.mkdir()
    entry.write_text("title: 一\n", encoding="utf-8")
    tick = entry.stat().st_mtime_ns
    before = file_stats(tmp_path)
    entry.write_text("title: 二\n", encoding="utf-8")  # same size
    os.utime(entry, ns=(tick, tick))  # and the same timestamp, as a coarse clock gives
    assert file_stats(tmp_path) != before


def test_files_ageing_out_of_the_racy_window_do_not_look_changed(tmp_path, monkeypatch):
    """Files saved just before a full build carry content hashes in its state; once they are older, only real edits count."""
    from mailkb import cachefiles

    monkeypatch.setenv("MAILKB_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(**TEST_CONFIG)
    kb = write_kb(tmp_path / "kb")
    out = tmp_path / "out"
    first = build_site(kb, out, config=config, search=False, jobs=1)  # every file was written a moment ago
    _edit(kb / "remedies" / "free_storage.yaml", "空きを作る題名", "空きを作る(後で)")
    monkeypatch.setattr(cachefiles, "RACY_NS", 0)  # as if the next build ran minutes later
    result = build_site(kb, out, config=config, search=False, jobs=1, incremental=True)
    assert "incremental" in result.timings and result.pages < first.pages
    assert "空きを作る(後で)" in (out / "remedies" / "free_storage" / "index.html").read_text(encoding="utf-8")


def test_changed_files_compares_content_only_where_a_stat_cannot_be_trusted(tmp_path):
    from mailkb.cachefiles import changed_files

    (tmp_path / "a.yaml").write_text("a: 1\n", encoding="utf-8")
    stat = (tmp_path / "a.yaml").stat()
    plain, racy = (stat.st_mtime_ns, stat.st_size), (stat.st_mtime_ns, stat.st_size, "hash-of-other-content")
    assert changed_files({"a.yaml": plain}, {"a.yaml": plain}, tmp_path) == set()
    assert changed_files({"a.yaml": racy}, {"a.yaml": plain}, tmp_path) == {"a.yaml"}, "the content no longer matches the old hash"
    assert changed_files({"a.yaml": plain}, {"a.yaml": plain, "b.yaml": plain}, tmp_path) == {"b.yaml"}
    assert changed_files({"a.yaml": plain}, {"a.yaml": (stat.st_mtime_ns + 1, stat.st_size)}, tmp_path) == {"a.yaml"}


class _Watcher:
    """`mailkb serve --watch` in a subprocess, with its output read line by line."""

    def __init__(self, kb: Path, tmp_path: Path):
        import os
        import queue
        import subprocess
        import sys
        import threading

        env = {**os.environ, "MAILKB_CACHE_DIR": str(tmp_path / "cache")}
        cmd = [sys.executable, "-m", "mailkb", "serve", "--watch", "--kb", str(kb), "--out", str(tmp_path / "out"), "--port", "0"]
        self.proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
        self.lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [self.lines.put(line) for line in self.proc.stdout], daemon=True).start()

    def wait_for(self, pattern: str) -> str:
        import re

        while True:  # the timeout only turns a hang into a failure
            line = self.lines.get(timeout=60)
            found = re.search(pattern, line)
            if found:
                return found.group(0)

    def page(self, url: str) -> str:
        import urllib.request

        with urllib.request.urlopen(url) as response:
            return response.read().decode("utf-8")

    def close(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()


def test_serve_watch_rebuilds_on_edit(tmp_path):
    kb = write_kb(tmp_path / "kb")
    watcher = _Watcher(kb, tmp_path)
    try:
        url = watcher.wait_for(r"http://127\.0\.0\.1:\d+/")
        _edit(kb / "remedies" / "free_storage.yaml", "空きを作る題名", "空きを作る(監視)")
        watcher.wait_for(r"incremental")
        assert "空きを作る(監視)" in watcher.page(url + "remedies/free_storage/")
    finally:
        watcher.close()


def test_serve_watch_keeps_an_edit_saved_while_it_starts(tmp_path):
    """Saving right after starting `serve --watch` (during the first build) must not be lost."""
    import time

    kb = write_kb(tmp_path / "kb")
    watcher = _Watcher(kb, tmp_path)
    try:
        time.sleep(0.3)  # the process is starting or building; the edit lands before the address is printed
        _edit(kb / "remedies" / "free_storage.yaml", "空きを作る題名", "空きを作る(起動直後)")
        url = watcher.wait_for(r"http://127\.0\.0\.1:\d+/")
        deadline = time.monotonic() + 60
        while "空きを作る(起動直後)" not in watcher.page(url + "remedies/free_storage/"):
            assert time.monotonic() < deadline, "the edit saved during start-up never reached the site"
            time.sleep(0.1)
    finally:
        watcher.close()
