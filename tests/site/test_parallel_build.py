"""The build on several processes writes exactly what the build on one process writes, and lints exactly alike."""

from __future__ import annotations

from pathlib import Path

from mailkb.lint import lint
from mailkb.lint import runner as lint_runner
from mailkb.paths import knowledge_dir
from mailkb.sitebuild import build_site, load_config

from .conftest import TEST_CONFIG


def _files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_a_parallel_build_equals_the_serial_one_byte_for_byte(tmp_path, monkeypatch):
    monkeypatch.setenv("MAILKB_CACHE_DIR", str(tmp_path / "cache"))
    config = load_config(**TEST_CONFIG)
    serial = build_site(None, tmp_path / "serial", config=config, search=False, jobs=1)
    parallel = build_site(None, tmp_path / "parallel", config=config, search=False, jobs=2)
    assert serial.pages == parallel.pages > 200, "enough pages to take the parallel path"
    assert _files(tmp_path / "serial") == _files(tmp_path / "parallel")


def test_parallel_lint_finds_exactly_what_serial_lint_finds(tmp_path, monkeypatch):
    import shutil

    kb = tmp_path / "kb"
    shutil.copytree(knowledge_dir(), kb)
    cause = kb / "causes" / "storage_full.yaml"
    cause.write_text(cause.read_text(encoding="utf-8").replace("remedies:", "remedies:\n  - no_such_remedy", 1), encoding="utf-8")
    shutil.copy(kb / "causes" / "dns_failure.yaml", kb / "causes" / "dns_failure_copy.yaml")  # id and file name differ
    monkeypatch.setattr(lint_runner, "PARALLEL_FILES", 0)  # take the parallel path even for a small knowledge base
    serial, parallel = lint(kb, jobs=1), lint(kb, jobs=2)
    assert {p.code for p in serial.problems} >= {"MK302", "MK301", "MK303"}
    assert [p.to_dict() for p in serial.problems] == [p.to_dict() for p in parallel.problems]
    assert serial.kb.entities == parallel.kb.entities
