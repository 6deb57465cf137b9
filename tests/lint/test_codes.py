"""Every lint code has a failing fixture that reports it where it happens, and a good twin that is clean."""

from __future__ import annotations

from pathlib import Path

import pytest

from mailkb.lint import CODES, lint

from .kbcopy import BASE, FIXTURES, make_kb

CASES = sorted((FIXTURES / "codes").iterdir())


def test_base_fixture_is_clean():
    result = lint(BASE)
    assert result.problems == []
    assert result.kb.counts()["rule"] == 3


def test_every_code_has_a_fixture():
    covered = {case.name.split("-", 1)[0] for case in CASES}
    assert covered == set(CODES)


def _expected(case: Path) -> list[str]:
    return [line.strip() for line in (case / "expected.txt").read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_fixture_reports_the_code_at_its_position(case: Path, tmp_path: Path):
    kb = make_kb(tmp_path, case / "bad")
    result = lint(kb)
    found = {f"{Path(p.path).resolve().relative_to(kb.resolve()).as_posix()}:{p.line}:{p.col}: {p.code}" for p in result.problems}
    for expected in _expected(case):
        assert expected in found, f"{expected} not among {sorted(found)}"
    expected_codes = {line.rsplit(" ", 1)[-1] for line in _expected(case)}
    unrelated = {p.code for p in result.errors} - expected_codes
    assert not unrelated, f"{case.name} also reports {unrelated}"


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_good_twin_is_clean(case: Path, tmp_path: Path):
    result = lint(make_kb(tmp_path, case / "good"))
    assert [f"{p.path}:{p.line}:{p.col}: {p.code} {p.message}" for p in result.problems] == []


def test_contributing_explains_every_code():
    text = (Path(__file__).resolve().parents[2] / "CONTRIBUTING.md").read_text(encoding="utf-8")
    for code, meta in CODES.items():
        assert f"| {code} | {meta.name} | {meta.severity} |" in text, f"CONTRIBUTING.md lacks {code}"


def test_the_registry_declares_every_code_and_each_check_reports_only_its_own(tmp_path: Path):
    from mailkb.kb import read_sources
    from mailkb.lint.context import LintContext
    from mailkb.lint.filechecks import FILE_CHECKS
    from mailkb.lint.kbchecks import KB_CHECKS

    checks = (*FILE_CHECKS, *KB_CHECKS)
    assert len({c.name for c in checks}) == len(checks), "check names are unique"
    assert set().union(*(c.codes for c in checks)) == set(CODES)
    for case in CASES:
        kb = make_kb(tmp_path / case.name, case / "bad")
        files = read_sources(kb)
        ctx = LintContext(root=kb, display_root="", files=files, kb=lint(kb).kb)
        for check in FILE_CHECKS:
            for source in files:
                assert {p.code for p in check(ctx, source)} <= check.codes, f"{check.name} on {case.name}"
        for check in KB_CHECKS:
            assert {p.code for p in check(ctx)} <= check.codes, f"{check.name} on {case.name}"
