"""The dialogue as people meet it (issue 8): the four wizard walks, "don't know", steps tried, no dead ends, honest
reasons and the consultation text, on the bundled knowledge base."""

from __future__ import annotations

import io
import json
import re
from typing import Any

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from mailkb.ask import Dialogue, run_dialogue
from mailkb.consultation import consultation
from mailkb.diagnosis import diagnose
from mailkb.query import validate

from .strategies import queries

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# A person on an iPhone with Apple Mail who can answer the everyday questions (the walks add what is special)
IPHONE_USER = {
    "platform": "iphone",
    "client": "apple_mail",
    "mail_enabled_in_settings": True,
    "storage_percent_used": 40,
    "terms_prompt_shown": False,
    "account_locked_notice": False,
    "suspicious_signin_notice": False,
    "service_status_issue": False,
    "others_report_outage": False,
    "background_refresh_off": False,
    "low_data_mode": False,
    "fetch_mode": "push",
    "vpn_or_proxy_active": False,
    "filtering_app_or_profile": False,
    "managed_device": False,
    "os_recently_updated": False,
    "software_outdated": False,
    "two_factor_enabled": True,
    "verification_code_not_received": False,
    "new_device_recently": False,
    "traveling_abroad": False,
    "carrier": "docomo",
    "custom_domain": False,
    "alias_turned_off": False,
    "notifications_muted": False,
    "mail_rules_configured": False,
    "unknown_forwarding_rule": False,
    "intermittent": False,
    "webmail_works": True,
}

# the four walks: (person, the causes that are right, at most this many questions)
WALKS = {
    "cannot get mail on an iPhone, iCloud.com works, home Wi-Fi's DNS is broken": (
        dict(
            IPHONE_USER,
            error_message="メールを取得できません",
            fails_on_wifi=True,
            fails_on_cellular=False,
            fails_on_other_network=False,
            other_apps_online=True,
            password_changed_recently=False,
            direction="receive",
            works_with_other_dns=True,
        ),
        {"dns_failure", "router_issue"},
        8,
    ),
    "Outlook on Windows asks for the password again after a password change": (
        dict(
            IPHONE_USER,
            symptoms=["reenter_password"],
            platform="windows",
            client="outlook",
            password_changed_recently=True,
            uses_app_specific_password=True,
            fails_on_other_device=False,
            direction="both",
        ),
        {"app_specific_passwords_revoked"},
        5,
    ),
    "Thunderbird after an Apple Account password reset": (
        dict(
            IPHONE_USER,
            symptoms=["imap_authentication_failed"],
            platform="mac",
            client="thunderbird",
            password_changed_recently=True,
            uses_app_specific_password=True,
            direction="both",
        ),
        {"app_specific_passwords_revoked"},
        5,
    ),
    "a docomo user whose mail does not arrive": (
        dict(
            IPHONE_USER,
            symptoms=["some_mail_missing"],
            recipient_is_carrier_address=True,
            mail_in_junk=False,
            direction="receive",
            specific_senders_only=True,
            found_by_search=False,
        ),
        {"carrier_spam_filter"},
        5,
    ),
}


def _walk(kb, person: dict, right: set[str], diagnose_fn=None) -> tuple[list[str], dict]:
    """The questions asked (answered from `person`, "don't know" otherwise) until a right cause leads or none is left."""
    diagnose_fn = diagnose_fn or (lambda q: diagnose(q, kb=kb, backend="reference").to_dict())
    query = {"error_message": person["error_message"]} if "error_message" in person else {}
    unknown: list[str] = []
    asked: list[str] = []
    while True:
        result = diagnose_fn({**query, **({"unknown": list(unknown)} if unknown else {})})
        if (result["causes"] and result["causes"][0]["id"] in right) or not result["next_questions"] or len(asked) > 20:
            return asked, result
        ident = result["next_questions"][0]["observation"]
        asked.append(ident)
        if ident in person:
            query[ident] = person[ident]
        else:
            unknown.append(ident)


def _needs_network_only_rule(kb) -> str | None:
    """Walk 1 needs 'switching networks fixes it' to point at the network (the seed's 回線のみ再現) on its own."""
    derived = diagnose({"fails_on_other_network": False}, kb=kb, backend="reference").derived
    if {"fact": "failure_scope", "value": "network"} not in [{"fact": d["fact"], "value": d["value"]} for d in derived]:
        return "the knowledge base does not yet derive failure_scope=network from fails_on_other_network=false alone (issue 9)"
    return None


@pytest.mark.parametrize("name", list(WALKS))
def test_the_walks_reach_the_right_cause_in_a_handful_of_questions(real_kb, name):
    person, right, most = WALKS[name]
    if name.startswith("cannot get mail") and (missing := _needs_network_only_rule(real_kb)):
        asked, result = _walk(real_kb, person, right)
        assert result["causes"] and result["causes"][0]["id"] in right, asked  # it gets there, only later
        pytest.skip(missing)
    asked, result = _walk(real_kb, person, right)
    assert result["causes"] and result["causes"][0]["id"] in right, asked
    assert len(asked) <= most, asked


def _answer_line(dialogue: Dialogue, ident: str, value: Any) -> str:
    """What a person types in `mailkb ask` for this answer: the number of each choice, or the number itself."""
    observation = dialogue.kb.observations[ident]
    choices = [v for v, _ in dialogue.choices(observation)]
    if observation["type"] == "symptom_list":
        return ",".join(str(choices.index(s) + 1) for s in value)
    if observation["type"] in ("boolean", "enum"):
        return str(choices.index(value) + 1)
    return str(value)


@pytest.mark.parametrize("name", list(WALKS))
def test_the_walks_through_mailkb_ask_with_piped_answers(real_kb, name):
    person, right, _ = WALKS[name]
    asked, expected = _walk(real_kb, person, right)
    probe = Dialogue(real_kb, io.StringIO(), io.StringIO())
    lines = [person.get("error_message", "")]
    lines += [_answer_line(probe, ident, person[ident]) if ident in person else "" for ident in asked]
    lines += ["", ""]  # no step tried without success; no consultation text
    out = io.StringIO()
    result = run_dialogue(real_kb, io.StringIO("\n".join(lines) + "\n"), out, backend="reference")
    transcript = out.getvalue()
    for ident in asked:  # asked in this order, each with its reason
        observation = real_kb.observations[ident]
        assert observation["question"]["ja"] in transcript
        assert observation["why"]["ja"] in transcript
    assert result.causes and result.causes[0]["id"] == expected["causes"][0]["id"]
    assert "== 診断結果 ==" in transcript


@pytest.mark.parametrize("name", list(WALKS))
def test_the_walks_in_the_wizards_engine(real_kb, name):
    from mailkb.sitebuild.api import rules_document

    from ..site.nodejs import NodeEngine

    person, right, _ = WALKS[name]
    doc = json.loads(json.dumps(rules_document(real_kb)))
    node = NodeEngine()
    try:
        asked_js, result_js = _walk(real_kb, person, right, lambda q: node.diagnose(q, "value", doc))
    finally:
        node.close()
    asked, result = _walk(real_kb, person, right)
    assert asked_js == asked
    assert result_js["causes"][:1] == json.loads(json.dumps(result["causes"][:1]))


# ---------- properties ----------


def _lists(kb) -> st.SearchStrategy[dict]:
    inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived"))
    return st.fixed_dictionaries(
        {},
        optional={
            "unknown": st.lists(st.sampled_from(inputs), max_size=6, unique=True),
            "tried": st.lists(st.sampled_from(sorted(kb.remedies)), max_size=4, unique=True),
        },
    )


def test_every_answer_path_ends_with_something_to_do(real_kb):
    because = {rule["because"][lang] for rule in real_kb.rules for lang in ("ja", "en")}

    @SETTINGS
    @given(queries(real_kb), _lists(real_kb))
    def check(query, lists):
        lists["unknown"] = [u for u in lists.get("unknown", []) if u not in query]
        result = diagnose({**query, **lists}, kb=real_kb, backend="reference")
        assert result.plan, "a result always has steps (general checks at least)"
        if not result.causes:
            assert all("general" in step for step in result.plan)
            assert result.plan[-1]["general"] == "get_help"
        asked = {q["observation"] for q in result.next_questions}
        assert not asked & (set(query) | set(lists["unknown"])), "never an answered or unknown question"
        assert not {s["remedy"] for s in result.plan if "general" not in s} & set(lists.get("tried", []))
        for question in result.next_questions:
            assert question["why"] == real_kb.observations[question["observation"]]["why"]
            assert not any(text.strip() in question["why"][lang] for text in because for lang in ("ja", "en"))

    check()


def test_dont_know_changes_nothing_but_the_questions(real_kb):
    @SETTINGS
    @given(queries(real_kb))
    def check(query):
        first = diagnose(query, kb=real_kb, backend="reference")
        if not first.next_questions:
            return
        skipped = first.next_questions[0]["observation"]
        second = diagnose({**query, "unknown": [skipped]}, kb=real_kb, backend="reference")
        assert skipped not in [q["observation"] for q in second.next_questions]
        assert (second.causes, second.plan, second.trace) == (first.causes, first.plan, first.trace)
        # the others keep their scores and their order (a question scored with the skipped one falls back to its own)
        rest = [q for q in first.next_questions[1:] if q.get("with") != skipped]
        after = {q["observation"]: q for q in second.next_questions}
        kept = [q for q in rest if q["observation"] in after]
        assert [q["observation"] for q in kept] == [
            q["observation"] for q in second.next_questions if q["observation"] in {k["observation"] for k in kept}
        ]
        assert all(after[q["observation"]]["score"] == q["score"] for q in kept)
        assert len(second.next_questions) >= min(len(rest), 5)

    check()


SECRETS = st.one_of(
    st.builds(
        lambda parts: "-".join(parts),
        st.lists(st.text("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=4, max_size=4), min_size=4, max_size=4),
    ),
    st.builds(lambda a, b, sep: f"{a:03d}{sep}{b:03d}", st.integers(0, 999), st.integers(0, 999), st.sampled_from(["", " ", "-"])),
)
PASSWORDS = st.text(
    alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E, exclude_characters="「」『』\"',"), min_size=6, max_size=20
)
AROUND = st.text(alphabet="あいうえおかきくけこさしすせそメールエラー設定を入れたので、。「」 \n", max_size=40)  # the words around a secret
KEYWORDS = ["パスワード: ", "パスワード：", "password=", "Password: ", "PW: ", "確認コード: ", "passcode = "]


def test_the_consultation_text_never_holds_a_secret(real_kb):
    @SETTINGS
    @given(AROUND, SECRETS, st.sampled_from(KEYWORDS), PASSWORDS, AROUND, st.sampled_from(["ja", "en"]))
    def check(before, secret, keyword, password, after, lang):
        message = re.sub("[\ud800-\udfff]", "", f"{before} メールを取得できません {secret} {keyword}{password} {after}")
        query = {"error_message": message, "platform": "iphone", "unknown": ["webmail_works"], "tried": ["restart_device"]}
        result = diagnose(query, kb=real_kb, backend="reference")
        text = consultation(result, real_kb, validate(real_kb, query), lang)
        # a "password" such as "suppor" can be part of the template's own words ("support"): only a secret that the
        # text without it does not already hold can show that it leaked
        clean = dict(query, error_message=re.sub("[\ud800-\udfff]", "", f"{before} メールを取得できません {after}"))
        baseline = consultation(diagnose(clean, kb=real_kb, backend="reference"), real_kb, validate(real_kb, clean), lang)
        assume(secret not in baseline and password not in baseline)
        assert secret not in text
        assert password not in text
        assert ("[伏せ字]" if lang == "ja" else "[removed]") in text

    check()


def test_the_consultation_text_fills_the_template(real_kb):
    query = {
        "error_message": "メールを取得できません",
        "platform": "iphone",
        "client": "apple_mail",
        "webmail_works": True,
        "storage_percent_used": 45.5,
        "unknown": ["fails_on_wifi"],
        "tried": ["restart_device"],
    }
    result = diagnose(query, kb=real_kb, backend="reference")
    text = consultation(result, real_kb, validate(real_kb, query), "ja")
    for field in ("症状の概要", "発生時刻と頻度", "端末/OS/アプリ", "回線/場所", "設定", "再現の手順", "実施済みの対処", "比較の結果"):
        assert f"■ {field}" in text
    assert "表示されたメッセージ: 「メールを取得できません」" in text
    assert "Wi-Fi 接続時に失敗する: 分からない" in text  # unknown
    assert "携帯電話会社: ＿＿＿＿" in text  # unanswered: a blank to fill
    assert "端末を再起動する → 直らなかった" in text  # tried
    assert "iCloud ストレージの使用率: 45.5 %" in text  # an answer the template has no field for
    assert text.rstrip().splitlines()[-1].startswith("  1. ")  # the leading causes close it


def test_a_question_is_not_offered_for_what_its_partner_alone_tells(real_kb):
    """§7.4: for a Thunderbird user, Outlook's version adds nothing to "do you use an app-specific password?" (the rule
    fires on that answer alone), so their pair does not lift it into the list; a partner that does add something (the
    Apple Account sign-in, which rules the app-specific password out) still comes with its pair."""
    result = diagnose({"client": "thunderbird", "symptoms": ["imap_authentication_failed"]}, kb=real_kb)
    listed = {q["observation"]: q for q in result.next_questions}
    assert "outlook_version" not in listed
    assert listed["uses_app_specific_password"].get("with") is None
    assert listed["signed_in_with_apple_account"]["with"] == "uses_app_specific_password"


@pytest.mark.parametrize(
    ("lang", "message", "expected"),
    [
        (
            "ja",
            "552 5.2.2 <hanako@icloud.com>: user is over quota",
            ["拡張ステータスコード（x.x.x）: 「5.2.2」", "宛先のメールボックスがいっぱい"],
        ),
        ("en", "Login to server imap.mail.me.com with username taro failed.", ["Mail app in use: Thunderbird"]),
    ],
)
def test_mailkb_ask_says_what_it_read_in_the_pasted_message(real_kb, lang, message, expected):
    """Before its first question, `mailkb ask` shows the symptoms the message matches and what the patterns read in it."""
    out = io.StringIO()
    run_dialogue(real_kb, io.StringIO(message + "\nq\n"), out, lang=lang, backend="reference")
    head = out.getvalue().split(message, 1)[1].split("\n\n", 1)[0]
    for text in expected:
        assert text in head, head
