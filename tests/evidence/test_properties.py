"""Whatever comes in — arbitrary bytes, truncated MIME, wrong charsets, 10 MB — the reader answers or refuses in one line.

No test here measures time: the work is bounded by construction (MAX_BYTES read, MAX_LINES lines of MAX_LINE
code points); these tests check that the bounds hold and that nothing escapes as a traceback.
"""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.cli import main
from mailkb.evidence import EvidenceError, EvidenceResult, read_evidence
from mailkb.evidence.patterns import MAX_LINE, MAX_LINES, logical_lines
from mailkb.evidence.reader import MAX_BYTES

from .conftest import EXPECTED, FIXTURES

SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
FIXTURE_BYTES = [(FIXTURES / name).read_bytes() for name in sorted(EXPECTED)]


def _answer_or_refusal(kb, data: bytes) -> EvidenceResult | None:
    try:
        result = read_evidence(data, kb=kb)
    except EvidenceError as err:
        assert "\n" not in str(err) and str(err)
        return None
    json.dumps(result.to_dict(), ensure_ascii=False)  # always serialisable
    assert result.kind in ("dsn", "bounce", "headers", "alert", "text")
    return result


@SETTINGS
@given(st.binary(max_size=4000))
def test_arbitrary_bytes(kb, data):
    _answer_or_refusal(kb, data)


@SETTINGS
@given(st.sampled_from(FIXTURE_BYTES), st.floats(0, 1))
def test_truncated_messages(kb, data, share):
    _answer_or_refusal(kb, data[: int(len(data) * share)])


@SETTINGS
@given(st.sampled_from(FIXTURE_BYTES), st.sampled_from(["utf-8", "iso-2022-jp", "shift_jis", "euc-jp", "latin-1", "utf-16"]))
def test_wrong_charsets(kb, data, charset):
    text = data.decode("utf-8", errors="replace")
    recoded = text.encode(charset, errors="replace")
    _answer_or_refusal(kb, recoded.replace(b"charset=", b"charset=" + charset.encode() + b"-wrong;x="))


@SETTINGS
@given(st.sampled_from(FIXTURE_BYTES), st.integers(0, 4000), st.binary(min_size=1, max_size=40))
def test_corrupted_messages(kb, data, at, junk):
    _answer_or_refusal(kb, data[:at] + junk + data[at:])


@SETTINGS
@given(st.text(max_size=2000))
def test_logical_lines_keep_their_bounds_and_numbers(text):
    lines = logical_lines(text)
    assert len(lines) <= MAX_LINES
    numbers = [line.number for line in lines]
    assert numbers == sorted(numbers) and len(set(numbers)) == len(numbers)
    assert all(len(line.raw) <= MAX_LINE for line in lines)


def test_ten_megabytes_are_read_up_to_the_bound(kb):
    reply = b"<a@icloud.com>: host mx01.mail.icloud.com[17.57.154.7] said: 550 5.1.1 <a@icloud.com>: user does not exist\n"
    data = reply + b"x" * 120 + b"\n" + b"filler line of a long paste\n" * (10 * 1024 * 1024 // 28)
    result = read_evidence(data, kb=kb)
    assert result.observations["smtp_reply_code"] == 550
    assert any("first 2 MiB" in w for w in result.warnings)
    assert len(data) > MAX_BYTES


def test_one_long_line_is_cut(kb):
    result = read_evidence(b"550 5.7.1 " + b"a" * 3_000_000, kb=kb)
    assert result.observations["smtp_reply_code"] == 550
    assert all(len(f.text) <= 300 for f in result.findings)


def test_binary_input_is_a_one_line_refusal_with_exit_2(tmp_path, capsys):
    path = tmp_path / "photo.jpg"
    path.write_bytes(b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + bytes(range(256)) * 40)
    assert main(["evidence", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "not text" in err


def test_empty_input_is_refused(tmp_path, capsys):
    path = tmp_path / "empty.txt"
    path.write_bytes(b"  \n")
    assert main(["evidence", str(path), "--json"]) == 2
    assert "empty" in capsys.readouterr().err


def test_missing_file_is_a_usage_error(tmp_path, capsys):
    assert main(["evidence", str(tmp_path / "nope.eml")]) == 2
    assert "cannot read" in capsys.readouterr().err


def test_utf16_with_a_byte_order_mark_and_a_stray_nul_are_still_text(kb):
    utf16 = "550 5.1.1 <a@docomo.ne.jp>: User unknown\r\n".encode("utf-16")
    assert read_evidence(utf16, kb=kb).observations["smtp_reply_code"] == 550
    with_nul = b"Status: 5.2.2\n\x00\nAction: failed\n"
    assert read_evidence(with_nul, kb=kb).observations["enhanced_status_code"] == "5.2.2"
