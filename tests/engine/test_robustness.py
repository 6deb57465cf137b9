"""Hostile input through `mailkb diagnose`: one clear line and exit 2, never an internal error, never the input
echoed whole, and the durable-rules and reference engines agreeing (issue 8, item 7)."""

from __future__ import annotations

import io
import json
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.cli import main
from mailkb.query import MAX_TEXT_BYTES, QUOTE, QueryError, validate

from .conftest import FIXTURES

KB = str(FIXTURES / "basic")
LINE = 2 * QUOTE + 160  # an error line quotes at most about QUOTE characters of what was sent


def _cli(data: bytes, *args: str, monkeypatch, capsys) -> tuple[int, str, str]:
    stdin = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    stdin.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(["diagnose", "--kb", KB, "--json", *args])
    out, err = capsys.readouterr()
    return code, out, err


def _both(data: bytes, monkeypatch, capsys) -> tuple[int, str, str]:
    """Both engines' answers to the same bytes, which must agree; the durable one is returned."""
    durable = _cli(data, monkeypatch=monkeypatch, capsys=capsys)
    reference = _cli(data, "--engine", "reference", monkeypatch=monkeypatch, capsys=capsys)
    assert durable[0] == reference[0] and durable[2] == reference[2]
    if durable[0] == 0:
        first, second = json.loads(durable[1]), json.loads(reference[1])
        first.pop("engine"), second.pop("engine")
        assert first == second
    return durable


def _refused(result: tuple[int, str, str], words: str) -> None:
    code, out, err = result
    assert code == 2 and out == ""
    assert err.count("\n") == 1 and len(err) <= LINE and "Traceback" not in err, err[:300]
    assert words in err, err


@pytest.mark.parametrize(
    ("data", "words"),
    [
        (b'{"storage_percent_used": ' + b"9" * 4400 + b"}", "more than 4,300 digits"),
        (b'{"error_message": "\\ud800abc"}', "unpaired surrogate"),
        (b'{"error_message": "\xff\xfe bytes that are not UTF-8"}', "not valid UTF-8: byte 0xff"),
        (b'{"' + b"a" * 100_000 + b'": 1}', "unknown observation 'aaaa"),
        (b'{"platform": "' + b"x" * 1_000_000 + b'"}', "1,000,000 characters"),
        (b'{"symptoms": ["cannot_gte_mail"]}', "did you mean cannot_get_mail"),
        (b'{"error_message": "' + b"a" * (MAX_TEXT_BYTES + 1) + b'"}', "at most 1 MiB"),
        (b'{"unknown": ["platform"], "platform": "iphone"}', "answered and listed as unknown"),
        (b'{"tried": ["restart_everything"]}', "unknown remedy id 'restart_everything'"),
        (b'{"fails_on_wifi": 1}', "expects true or false"),
        (b"[1, 2]", "must be a JSON object"),
    ],
)
def test_hostile_input_is_refused_with_one_short_line(data, words, monkeypatch, capsys):
    _refused(_both(data, monkeypatch, capsys), words)


def test_a_port_or_a_count_is_a_whole_number(real_kb):
    with pytest.raises(QueryError, match=r"smtp_port: expects a whole number from 1 to 65535 \(ports are whole numbers\), not 1.5"):
        validate(real_kb, {"smtp_port": 1.5})
    assert validate(real_kb, {"smtp_port": 587.0, "messages_sent_today": 12}) == {"smtp_port": 587.0, "messages_sent_today": 12}
    assert validate(real_kb, {"attachment_size_mb": 1.5}) == {"attachment_size_mb": 1.5}  # megabytes may be fractional


def test_a_byte_order_mark_is_accepted(monkeypatch, capsys):
    code, out, err = _both(b'\xef\xbb\xbf{"platform": "iphone"}', monkeypatch, capsys)
    assert code == 0, err
    assert json.loads(out)["plan"][0]["general"] == "apple_basic_checks"


def test_a_text_of_exactly_one_mebibyte_is_read(basic_kb):
    assert validate(basic_kb, {"error_message": "a" * MAX_TEXT_BYTES})
    with pytest.raises(QueryError, match="at most 1 MiB"):
        validate(basic_kb, {"error_message": "あ" * (MAX_TEXT_BYTES // 3 + 1)})  # 3 bytes each in UTF-8


def test_the_unknown_symptom_error_names_a_few_ids_not_all(basic_kb):
    with pytest.raises(QueryError) as caught:
        validate(basic_kb, {"symptoms": ["reenter_pasword"]})
    message = str(caught.value)
    assert "did you mean reenter_password" in message
    assert sum(ident in message for ident in basic_kb.symptoms) <= 3


HOSTILE_VALUES = st.one_of(
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=200),
    st.binary(max_size=60).map(lambda b: b.decode("utf-8", "surrogateescape")),
    st.lists(st.text(max_size=20), max_size=5),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
    st.booleans(),
    st.none(),
)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])
@given(
    query=st.dictionaries(
        st.one_of(
            st.sampled_from(["platform", "storage_percent_used", "symptoms", "error_message", "unknown", "tried", "fails_on_wifi"]),
            st.text(max_size=300),
        ),
        HOSTILE_VALUES,
        max_size=4,
    ),
    prefix=st.sampled_from([b"", b"\xef\xbb\xbf"]),
)
def test_any_hostile_query_gets_an_answer_or_one_line(query, prefix, monkeypatch, capsys):
    try:
        data = prefix + json.dumps(query, ensure_ascii=False).encode("utf-8", "surrogatepass")
    except ValueError:  # an integer too long for json.dumps itself
        data = prefix + b'{"storage_percent_used": ' + b"7" * 5000 + b"}"
    code, out, err = _both(data, monkeypatch, capsys)
    assert code in (0, 2), err
    if code == 2:
        assert err.count("\n") == 1 and len(err) <= LINE and "Traceback" not in err and "internal error" not in err, err[:300]
    else:
        assert json.loads(out)["plan"], "an answer always has steps"
