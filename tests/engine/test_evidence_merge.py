"""`mailkb diagnose --evidence FILE` / `--probe`: evidence merged into the query, answers first, conflicts shown."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.diagnosis import diagnose
from mailkb.errors import MailkbError, QueryError, UsageError
from mailkb.evidence_merge import Evidence, merge, read_evidence
from mailkb.schemas import validator

from .test_cli import _run


def test_answers_win_and_the_disagreement_is_reported(real_kb):
    probe = Evidence("probe.json", {"port_blocked": True, "dns_resolution_failed": False})
    merged = merge(real_kb, {"port_blocked": False, "platform": "mac"}, [probe])
    assert merged.query == {"port_blocked": False, "platform": "mac", "dns_resolution_failed": False}
    assert merged.from_evidence == [{"observation": "dns_resolution_failed", "value": False, "source": "probe.json"}]
    assert merged.conflicts == [{"observation": "port_blocked", "answered": False, "evidence": True, "source": "probe.json"}]


def test_an_answer_that_agrees_is_no_conflict_and_not_from_evidence(real_kb):
    merged = merge(real_kb, {"clock_wrong": True}, [Evidence("a.json", {"clock_wrong": True})])
    assert merged.query == {"clock_wrong": True} and merged.from_evidence == [] and merged.conflicts == []


def test_symptoms_add_up(real_kb):
    evidence = [Evidence("a.json", {"symptoms": ["cannot_send", "ssl_connection_failed"]})]
    merged = merge(real_kb, {"symptoms": ["cannot_get_mail", "cannot_send"]}, evidence)
    assert merged.query["symptoms"] == ["cannot_get_mail", "cannot_send", "ssl_connection_failed"]
    assert merged.from_evidence == [{"observation": "symptoms", "value": ["ssl_connection_failed"], "source": "a.json"}]


def test_two_documents_that_disagree_need_a_person_to_decide(real_kb):
    documents = [Evidence("home.json", {"port_blocked": False}), Evidence("hotel.json", {"port_blocked": True})]
    with pytest.raises(QueryError, match=r"port_blocked: home.json says false but hotel.json says true; give the value yourself"):
        merge(real_kb, {}, documents)
    decided = merge(real_kb, {"port_blocked": True}, documents)  # an answer settles it, and each disagreement is shown
    assert decided.conflicts == [{"observation": "port_blocked", "answered": True, "evidence": False, "source": "home.json"}]


def test_a_bad_value_in_evidence_names_the_document(real_kb):
    with pytest.raises(QueryError, match=r"^saved.json: port_blocked: expects true or false") as caught:
        merge(real_kb, {}, [Evidence("saved.json", {"port_blocked": "yes"})])
    assert caught.value.field == "port_blocked"
    with pytest.raises(QueryError, match=r"^saved.json: unknown observation 'no_such_thing'"):
        merge(real_kb, {}, [Evidence("saved.json", {"no_such_thing": True})])


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("[1, 2]", "is not an evidence document"),
        ('{"steps": []}', "is not an evidence document"),
        ('{"observations": [1]}', "is not an evidence document"),
        ("{not json", "looks like JSON but is not"),
    ],
)
def test_files_that_are_not_evidence(tmp_path, content, message):
    path = tmp_path / "e.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(UsageError, match=re.escape(message)):
        read_evidence(str(path))


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    st.recursive(
        st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
        lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
        max_leaves=8,
    )
)
def test_any_json_is_evidence_or_a_one_line_refusal(tmp_path_factory, real_kb, data):
    path = tmp_path_factory.mktemp("e") / "e.json"
    path.write_text(json.dumps({"observations": data}), encoding="utf-8")
    try:
        document = read_evidence(str(path))
        merged = merge(real_kb, {}, [document])
    except MailkbError as err:
        assert "\n" not in str(err)
        return
    assert set(merged.query) <= set(real_kb.observations)


def test_the_diagnosis_says_what_came_from_evidence(real_kb):
    probe = Evidence("probe", {"tls_intercepted": True, "clock_wrong": False, "dns_resolution_failed": False})
    result = diagnose({"symptoms": ["ssl_connection_failed"], "clock_wrong": True}, kb=real_kb, evidence=[probe])
    data = result.to_dict()
    assert not list(validator("diagnosis").iter_errors(data))
    assert [e["observation"] for e in data["from_evidence"]] == ["tls_intercepted", "dns_resolution_failed"]
    assert data["evidence_conflicts"] == [{"observation": "clock_wrong", "answered": True, "evidence": False, "source": "probe"}]
    causes = {c["id"]: c["confidence"] for c in data["causes"]}
    # tls_interception: probe_tls_intercepted (0.85) alone; certificate_error_interception is guarded by
    # tls_intercepted being unanswered, so the symptom is not counted a second time.
    assert causes["tls_interception"] == 0.85
    # device_clock_wrong: the answer clock_wrong=true wins over the probe's false: probe_clock_wrong (0.8) fires.
    assert causes["device_clock_wrong"] == 0.8


def test_without_evidence_the_output_is_unchanged(real_kb):
    assert "from_evidence" not in diagnose({"symptoms": ["cannot_get_mail"]}, kb=real_kb).to_dict()


def test_cli_evidence_file_alone_is_a_query(tmp_path, monkeypatch, capsys):
    saved = tmp_path / "probe.json"
    saved.write_text(json.dumps({"steps": [], "observations": {"captive_portal_detected": True}}), encoding="utf-8")
    code, out, err = _run(["diagnose", "--json", "--evidence", str(saved)], "", monkeypatch, capsys)
    assert code == 0, err
    data = json.loads(out)
    assert data["causes"][0]["id"] == "captive_portal"
    assert data["from_evidence"] == [{"observation": "captive_portal_detected", "value": True, "source": str(saved)}]
    assert data["evidence_conflicts"] == []


def test_cli_report_shows_evidence_and_conflicts(tmp_path, monkeypatch, capsys):
    saved = tmp_path / "probe.json"
    saved.write_text(json.dumps({"observations": {"port_blocked": True, "dns_resolution_failed": False}}), encoding="utf-8")
    code, out, _ = _run(["diagnose", "--evidence", str(saved), "-o", "port_blocked=false"], "", monkeypatch, capsys)
    assert code == 0
    assert "証拠から取り込んだ観察:" in out
    assert f"この回線では iCloud のメールサーバの名前を解決できない: いいえ ({saved})" in out
    assert "回答と食い違った証拠（回答のほうを使いました）:" in out
    assert f"回答 いいえ / 証拠 はい ({saved})" in out


def test_cli_bad_evidence_exits_2(tmp_path, monkeypatch, capsys):
    code, _, err = _run(["diagnose", "--evidence", str(tmp_path / "missing.json")], "", monkeypatch, capsys)
    assert code == 2 and err.startswith("mailkb: --evidence: cannot read")


def test_a_raw_bounce_is_read_as_mailkb_evidence_reads_it(real_kb):
    """`diagnose --evidence` takes the bounce itself, not only a saved `--json` document."""
    import subprocess
    import sys

    from mailkb.evidence import read_evidence as read_raw

    bounce = Path(__file__).resolve().parents[1] / "evidence" / "fixtures" / "icloud_cs01_postfix.eml"
    document = read_evidence(str(bounce), real_kb)
    assert document.observations == read_raw(bounce.read_bytes(), name=str(bounce), kb=real_kb).observations
    assert document.observations["smtp_reply_code"] == 554 and document.observations["enhanced_status_code"] == "5.7.1"
    done = subprocess.run(
        [sys.executable, "-m", "mailkb", "diagnose", "--json", "--evidence", str(bounce)], capture_output=True, text=True, check=True
    )
    taken = {item["observation"]: item["value"] for item in json.loads(done.stdout)["from_evidence"]}
    assert taken["smtp_reply_code"] == 554 and taken["enhanced_status_code"] == "5.7.1"


# ---- the error message is evidence too (§12) ----

OVER_QUOTA = "552 5.2.2 <hanako@icloud.com>: user is over quota"


def test_a_pasted_bounce_line_is_read_for_its_codes(real_kb):
    """A bounce line with an address inside matches no message pattern, but its codes and reason are read."""
    data = diagnose({"error_message": OVER_QUOTA}, kb=real_kb).to_dict()
    assert not list(validator("diagnosis").iter_errors(data))
    taken = {e["observation"]: (e["value"], e["source"]) for e in data["from_evidence"]}
    assert taken["enhanced_status_code"] == ("5.2.2", "error_message")
    assert taken["bounce_reason"] == ("mailbox_full", "error_message")
    assert data["evidence_conflicts"] == []


def test_the_message_evidence_yields_to_answers_and_says_so(real_kb):
    data = diagnose({"error_message": OVER_QUOTA, "enhanced_status_code": "4.2.2"}, kb=real_kb).to_dict()
    assert {"observation": "enhanced_status_code", "answered": "4.2.2", "evidence": "5.2.2", "source": "error_message"} in data[
        "evidence_conflicts"
    ]
    assert "enhanced_status_code" not in {e["observation"] for e in data["from_evidence"]}


def test_the_message_answers_what_the_person_could_not(real_kb):
    result = diagnose({"error_message": OVER_QUOTA, "unknown": ["enhanced_status_code"]}, kb=real_kb)
    assert "enhanced_status_code" not in {q["observation"] for q in result.next_questions}
    assert {"observation": "enhanced_status_code", "value": "5.2.2", "source": "error_message"} in result.from_evidence


def test_a_message_the_patterns_cannot_read_changes_nothing(real_kb):
    assert "from_evidence" not in diagnose({"error_message": "サーバへの接続に失敗しました。"}, kb=real_kb).to_dict()


def test_the_message_comes_before_evidence_files_and_they_must_agree(real_kb):
    agreeing = Evidence("bounce.eml", {"enhanced_status_code": "5.2.2"})
    result = diagnose({"error_message": OVER_QUOTA}, kb=real_kb, evidence=[agreeing])
    assert [e["source"] for e in result.from_evidence if e["observation"] == "enhanced_status_code"] == ["error_message"]
    disagreeing = Evidence("other.eml", {"enhanced_status_code": "5.1.1"})
    with pytest.raises(QueryError, match="error_message says"):
        diagnose({"error_message": OVER_QUOTA}, kb=real_kb, evidence=[disagreeing])


def test_the_consultation_text_shows_what_the_message_told(real_kb):
    from mailkb.consultation import consultation

    result = diagnose({"error_message": OVER_QUOTA}, kb=real_kb)
    assert "5.2.2" in consultation(result, real_kb, {"error_message": OVER_QUOTA}, "en").split("■ ", 2)[-1]


def test_the_patterns_read_the_start_of_a_long_message_only(real_kb):
    """§12: the first 65,536 code points; a whole bounce belongs in --evidence, which reads all of it."""
    from mailkb.evidence_merge import MESSAGE_READ

    late = "x" * MESSAGE_READ + "\n" + OVER_QUOTA
    assert "from_evidence" not in diagnose({"error_message": late}, kb=real_kb).to_dict()
    early = OVER_QUOTA + "\n" + "x" * MESSAGE_READ
    assert diagnose({"error_message": early}, kb=real_kb).from_evidence
