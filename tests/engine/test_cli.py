"""`mailkb diagnose` and `mailkb ask` as a person or a script uses them."""

from __future__ import annotations

import io
import json
import sys

import pytest

from mailkb.ask import run_dialogue
from mailkb.cli import main
from mailkb.questions import clearly_leads
from mailkb.schemas import validator

from .conftest import FIXTURES

KB = str(FIXTURES / "basic")


def _run(argv, stdin_text, monkeypatch, capsys):
    stdin = io.StringIO(stdin_text)
    stdin.isatty = lambda: False  # type: ignore[method-assign]
    monkeypatch.setattr(sys, "stdin", stdin)
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_diagnose_json_from_stdin(monkeypatch, capsys):
    query = {
        "error_message": "サーバへの接続に失敗しました。",
        "fails_on_other_device": True,
        "fails_on_other_network": False,
        "fails_on_wifi": True,
    }
    code, out, err = _run(["diagnose", "--kb", KB, "--json"], json.dumps(query, ensure_ascii=False), monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert not list(validator("diagnosis").iter_errors(data))
    assert data["symptoms"] == [{"id": "cannot_connect_server", "from": "error_message"}]
    assert {"dns_failure", "router_issue"} <= {c["id"] for c in data["causes"][:3]}


def test_diagnose_pairs_and_reports_in_both_languages(monkeypatch, capsys):
    args = [
        "diagnose",
        "--kb",
        KB,
        "-o",
        "fails_on_other_device=true",
        "-o",
        "fails_on_other_network=true",
        "-o",
        "fails_with_other_account=false",
        "-o",
        "password_changed_recently=yes",
    ]
    code, out, _ = _run(args, "", monkeypatch, capsys)
    assert code == 0
    assert "考えられる原因" in out and "古い認証情報" in out and "対処の手順" in out and "約3分" in out
    code, out, _ = _run([*args, "--lang", "en", "--order", "stages"], "", monkeypatch, capsys)
    assert code == 0
    assert "Likely causes" in out and "Stale credentials" in out and "about 3 min" in out


def test_diagnose_input_file(tmp_path, monkeypatch, capsys):
    path = tmp_path / "q.json"
    path.write_text('{"storage_percent_used": 99, "symptoms": ["cannot_get_mail"], "platform": "mac"}', encoding="utf-8")
    code, out, _ = _run(["diagnose", "--kb", KB, "--input", str(path), "--json", "--engine", "reference"], "", monkeypatch, capsys)
    assert code == 0
    data = json.loads(out)
    assert data["causes"][0]["id"] == "storage_full" and data["engine"] == "reference"


@pytest.mark.parametrize(
    ("argv", "stdin_text", "words"),
    [
        (["diagnose", "--json"], "{", "malformed JSON"),
        (["diagnose"], '{"nope": 1}', "unknown observation 'nope'"),
        (["diagnose"], '{"platform": "nokia"}', "platform: expects one of iphone"),
        (["diagnose", "-o", "storage_percent_used=abc"], "", "expects a number"),
        (["diagnose", "--input", "/no/such/file.json"], "", "cannot read"),
    ],
)
def test_diagnose_errors_are_one_line_and_exit_2(argv, stdin_text, words, monkeypatch, capsys):
    code, out, err = _run([argv[0], "--kb", KB, *argv[1:]], stdin_text, monkeypatch, capsys)
    assert code == 2
    assert out == ""
    assert words in err and err.count("\n") == 1 and "Traceback" not in err


def test_ask_with_piped_answers_reaches_a_clear_lead(basic_kb):
    # the message, then answers by number: each question is answered "yes" (1) or skipped
    answers = "IMAPアカウント“仕事”のパスワードを入力してください\n" + "1\n" * 12
    out = io.StringIO()
    result = run_dialogue(basic_kb, io.StringIO(answers), out, lang="ja")
    text = out.getvalue()
    assert "パスワードの入力を求められる" in text or "古い認証情報" in text
    assert "対処の手順" in text
    assert result.causes and result.causes[0]["id"] == "stale_credentials"


def test_ask_help_skip_and_quit(basic_kb):
    out = io.StringIO()
    result = run_dialogue(basic_kb, io.StringIO("\n?\n\nq\n"), out, lang="en")
    text = out.getvalue()
    assert "Check:" in text  # `?` printed how_to_check
    assert "== Diagnosis ==" in text
    assert result.causes == []


def test_ask_rejects_a_bad_choice_and_asks_again(basic_kb):
    out = io.StringIO()
    run_dialogue(basic_kb, io.StringIO("\n99\nq\n"), out, lang="ja")
    assert "答えを読み取れませんでした" in out.getvalue()


def test_ask_stops_when_one_cause_clearly_leads(basic_kb):
    from mailkb.diagnosis import diagnose

    clear = diagnose(
        {
            "fails_on_other_device": True,
            "fails_on_other_network": True,
            "fails_with_other_account": False,
            "password_changed_recently": True,
            "storage_percent_used": 10,
        },
        kb=basic_kb,
    )
    assert clearly_leads(clear.causes)
    assert not clearly_leads(diagnose({}, kb=basic_kb).causes)


def test_ask_command_reads_stdin(monkeypatch, capsys):
    code, out, _ = _run(["ask", "--kb", KB, "--lang", "en"], "Cannot Get Mail\nq\n", monkeypatch, capsys)
    assert code == 0
    # the pasted message was matched (the report says so), then the person quit at the first question
    assert "Symptoms: Cannot Get Mail (matched from the error message)" in out
    assert out.count("\n> ") == 2 and "== Diagnosis ==" in out


@pytest.mark.parametrize("lang", ["ja", "en"])
@pytest.mark.parametrize(
    "pairs",
    [
        ["error_message=サーバへの接続に失敗しました。", "platform=iphone", "fails_on_other_device=false", "webmail_works=true"],
        ["fails_on_other_device=true", "fails_on_other_network=true", "fails_with_other_account=false", "password_changed_recently=true"],
        ["symptoms=cannot_send", "smtp_ssl_enabled=false"],
    ],
)
def test_diagnose_on_the_real_kb_in_both_languages(real_kb, pairs, lang, monkeypatch, capsys):
    from mailkb.diagnosis import diagnose
    from mailkb.query import parse_pair
    from mailkb.report import title

    argv = ["diagnose", "--lang", lang]
    for pair in pairs:
        argv += ["-o", pair]
    code, out, err = _run(argv, "", monkeypatch, capsys)
    assert code == 0, err
    expected = diagnose(dict(parse_pair(real_kb, p) for p in pairs), kb=real_kb)
    assert title(real_kb, "cause", expected.causes[0]["id"], lang) in out
    assert ("対処の手順" if lang == "ja" else "What to do, in order") in out


@pytest.mark.parametrize("lang", ["ja", "en"])
def test_ask_on_the_real_kb(real_kb, lang):
    out = io.StringIO()
    result = run_dialogue(real_kb, io.StringIO("メールを取得できません\n" + "1\n" * 8), out, lang=lang)
    text = out.getvalue()
    assert ("== 診断結果 ==" if lang == "ja" else "== Diagnosis ==") in text
    assert result.symptoms and result.symptoms[0]["id"] == "cannot_get_mail"
    assert text.count("\n> ") >= 2  # it asked questions, answers echoed for a readable transcript
