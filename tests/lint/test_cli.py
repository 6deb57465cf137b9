"""`mailkb lint` as editors and CI call it: exit codes, formats, and no traceback for any input."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from .kbcopy import BASE, make_kb

ROOT = Path(__file__).resolve().parents[2]


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "mailkb", *args], capture_output=True, text=True, cwd=cwd or ROOT, env=env, timeout=120)


def test_clean_knowledge_base_exits_0():
    done = run("lint", str(BASE))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 error(s)" in done.stdout


def test_problems_exit_1_with_position_code_and_hint(tmp_path: Path):
    kb = make_kb(tmp_path)
    cause = kb / "causes" / "storage_full.yaml"
    cause.write_text(cause.read_text(encoding="utf-8").replace("free_icloud_storage]", "free_icloud_storage, nope]"), encoding="utf-8")
    done = run("lint", str(kb))
    assert done.returncode == 1
    first, hint = done.stdout.splitlines()[:2]
    assert first.endswith("causes/storage_full.yaml:10:33: MK303 remedy 'nope' does not exist")
    assert hint.strip().startswith("hint: ")


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("empty", b""),
        ("binary", bytes(range(256)) * 64),
        ("huge", b"a: " + b"x" * (10 * 1024 * 1024) + b"\n"),
        ("not-yaml", b"{{{{ ::: ]]]\n\t- -"),
        ("alias-bomb", b"a: &a [x, x]\nb: &b [*a, *a, *a, *a]\nc: [*b, *b, *b, *b]\n"),
        ("list-at-top", b"- 1\n- 2\n"),
        ("python-tag", b"id: !!python/object/apply:os.system ['echo hacked']\n"),
    ],
)
def test_bad_files_get_a_clear_message_not_a_traceback(tmp_path: Path, name: str, content: bytes):
    kb = make_kb(tmp_path)
    (kb / "causes" / f"{name.replace('-', '_')}.yaml").write_bytes(content)
    done = run("lint", str(kb))
    assert done.returncode == 1
    assert "Traceback" not in done.stderr + done.stdout
    assert f"causes/{name.replace('-', '_')}.yaml:" in done.stdout
    assert "hacked" not in done.stdout + done.stderr


def test_missing_directory_is_a_usage_error(tmp_path: Path):
    done = run("lint", str(tmp_path / "nowhere"))
    assert done.returncode == 2
    assert done.stderr.startswith("mailkb: knowledge base directory not found")
    assert "Traceback" not in done.stderr


def test_unknown_option_is_a_usage_error():
    assert run("lint", "--format", "xml").returncode == 2


def test_github_format_is_annotations(tmp_path: Path):
    kb = make_kb(tmp_path)
    (kb / "guides" / "seven_steps.yaml").write_text("# only a comment\n", encoding="utf-8")
    done = run("lint", "--format", "github", str(kb))
    assert done.returncode == 1
    line = done.stdout.splitlines()[0]
    assert line.startswith("::error file=") and "line=1,col=1" in line and "title=MK105 empty-file" in line


def test_json_format_is_machine_readable(tmp_path: Path):
    kb = make_kb(tmp_path)
    (kb / "observations" / "webmail_works.yaml").write_text("id: webmail_works\nid: again\n", encoding="utf-8")
    done = run("lint", "--format", "json", str(kb))
    report = json.loads(done.stdout)
    assert report["errors"] >= 1
    codes = {p["code"] for p in report["problems"]}
    assert "MK102" in codes
    assert all({"path", "line", "col", "code", "message", "hint", "severity"} <= set(p) for p in report["problems"])


def test_strict_fails_on_warnings(tmp_path: Path):
    kb = make_kb(tmp_path)
    path = kb / "observations" / "webmail_works.yaml"
    path.write_text(path.read_text(encoding="utf-8").split("\n", 1)[1], encoding="utf-8")  # drop the modeline
    assert run("lint", str(kb)).returncode == 0
    assert run("lint", "--strict", str(kb)).returncode == 1


def test_lint_runs_from_another_directory_with_the_bundled_kb(tmp_path: Path):
    done = run("lint", "--no-hints", cwd=tmp_path)
    assert "Traceback" not in done.stderr
    assert done.returncode == 0, done.stdout + done.stderr  # the bundled knowledge base lints clean
    assert "files checked" in done.stdout and " 0 error(s)" in done.stdout
