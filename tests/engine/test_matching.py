"""error_message → symptoms after normalisation, with typed placeholders (docs/engine-semantics.md §2)."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailkb.matching import MatchWork, SymptomMatcher, matcher_for
from mailkb.textforms import forms


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        ("メールを取得できません", ["cannot_get_mail"]),
        ("ﾒｰﾙを取得できません", ["cannot_get_mail"]),  # half-width katakana
        ("メールを 取得 できません。", ["cannot_get_mail"]),  # spaces and punctuation
        ("cannot get mail", ["cannot_get_mail"]),  # case
        ("CANNOT GET MAIL!", ["cannot_get_mail"]),
        ("サーバへの接続に失敗しました。", ["cannot_connect_server"]),  # long-vowel mark
        ("サーバーへの接続に失敗しました", ["cannot_connect_server"]),
        ("iPhoneで「サーバーに接続できません」と出ます。昨日から。", ["cannot_connect_server"]),  # pasted with text around it
        ("IMAPアカウント“iCloud”のパスワードを入力してください", ["reenter_password"]),
        ("IMAPアカウント“仕事用メール”のパスワードを入力してください", ["reenter_password"]),  # another account name in quotes
        ('IMAPアカウント"Gmail"のパスワードを入力してください', ["reenter_password"]),
        ("IMAPアカウント「iCloud」のパスワードを入力してください", ["reenter_password"]),
        ("Your Apple Account or password is incorrect.", ["password_incorrect"]),  # Apple ID = Apple Account
        ("your apple id or password is incorrect", ["password_incorrect"]),
        ("Apple IDまたはパスワードが正しくありません", ["password_incorrect"]),
        ("パスワードを再入力", ["reenter_password"]),  # a search phrase
        ("まったく関係のない文章です", []),
        ("", []),
        ("。。。", []),
    ],
)
def test_messages(basic_kb, message, expected):
    assert matcher_for(basic_kb).match(message) == expected


def test_normalize_forms():
    normal = forms("IMAPアカウント“iCloud”のパスワード")
    assert normal["plain"] == "imapアカウントicloudのパスワド"
    assert normal["quoted"] == "imapアカウント\ue000のパスワド"
    assert forms("ユーザ名")["plain"] == forms("ユーザー名")["plain"]
    assert forms("Apple ID")["plain"] == forms("apple account")["plain"]


# Patterns written the way knowledge files write them: the placeholder stands where the real text varies.
PATTERNS = {
    "ios_prompt": ["“iCloud”のアカウント“{address}”のパスワードを入力", "Enter the password for “{address}” in account “iCloud”"],
    "user_unknown": ["550 5.1.1 <{address}>: user does not exist"],
    "dmarc_reject": ["550 5.7.1 Your message was rejected due to {domain} DMARC policy"],
    "proofpoint": ["550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip={ip}"],
    "timed_out": [
        "The connection to the server “{host}” on port {number} timed out.",
        "サーバ“{host}”のポート {number} への接続がタイムアウトしました。",
    ],
    "over_quota": ["552 5.2.2 <{address}>: user is over quota"],
    "openssl": ["ssl3_get_record:wrong version number"],
    "remote_mta": ["Remote-MTA: dns; {host}"],
}


@pytest.fixture(scope="module")
def typed() -> SymptomMatcher:
    matcher = SymptomMatcher()
    for ident, texts in PATTERNS.items():
        for text in texts:
            matcher.add(ident, text)
    matcher.build()
    return matcher


@pytest.mark.parametrize(
    ("message", "expected"),
    [
        # the iOS prompt with the person's own address, in both languages and with straight quotes
        ("“iCloud”のアカウント“taro@icloud.com”のパスワードを入力", ["ios_prompt"]),
        ('"iCloud"のアカウント"hanako.yamada+mail@me.com"のパスワードを入力してください', ["ios_prompt"]),
        ("Enter the password for “jiro_2024@icloud.com” in account “iCloud”.", ["ios_prompt"]),
        # bounce lines with a real address in <…> or a real domain
        ("550 5.1.1 <hanako.yamada@icloud.com>: user does not exist", ["user_unknown"]),
        ("Diagnostic-Code: smtp; 550 5.1.1 <Taro.Suzuki@ICLOUD.COM>: user does not exist.", ["user_unknown"]),
        ("550 5.1.1 user does not exist", []),  # no address where the pattern has one
        ("554 5.1.1 <a@icloud.com>: user does not exist", []),  # a literal code stays literal
        ("550 5.7.1 Your message was rejected due to shop-example.co.jp DMARC policy.", ["dmarc_reject"]),
        ("550 5.7.1 Your message was rejected due to DMARC policy", []),
        ("550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=203.0.113.7", ["proofpoint"]),
        ("550 5.7.0 Blocked - see https://support.proofpoint.com/dnsbl-lookup.cgi?ip=mail.example.net", []),  # a name is no IP
        ("552 5.2.2 <sato@me.com>: user is over quota", ["over_quota"]),
        ("Remote-MTA: dns; mx02.mail.icloud.com", ["remote_mta"]),
        ("Remote-MTA: dns; 17.57.155.23", []),  # {host} is a name; an IP literal is {ip}
        # numbers: any port where the pattern has {number}
        ("The connection to the server “imap.mail.me.com” on port 993 timed out.", ["timed_out"]),
        ("サーバ“smtp.mail.me.com”のポート 587 への接続がタイムアウトしました。", ["timed_out"]),
        ("サーバー“smtp.mail.me.com”のポート587への接続がタイムアウトしました", ["timed_out"]),
        # the raw OpenSSL error Android apps show, inside the whole line
        ("javax.mail.MessagingException: error:1408F10B:SSL routines:ssl3_get_record:wrong version number", ["openssl"]),
        # a pasted text cannot bring its own markers
        ("\ue001: user does not exist", []),
        ("550 5.1.1 <\ue001>: user does not exist", []),
    ],
)
def test_typed_placeholders(typed, message, expected):
    assert typed.match(message) == expected


def test_bundled_symptoms_match_their_own_messages(real_kb):
    """Every UI message of the bundled knowledge base finds its symptom, placeholders filled with real values."""
    matcher = matcher_for(real_kb)
    fill = {"{address}": "taro@icloud.com", "{domain}": "example.co.jp", "{host}": "imap.mail.me.com", "{ip}": "17.57.155.23"}
    fill |= {"{number}": "993", "{account}": "“仕事用”"}
    for ident, symptom in real_kb.symptoms.items():
        for message in symptom.get("messages") or ():
            for lang in ("ja", "en"):
                text = message["text"][lang]
                for placeholder, value in fill.items():
                    text = text.replace(placeholder, value)
                assert ident in matcher.match(text), (ident, text)


# ---------- bounded work ----------

PIECES = [
    "taro@icloud.com",
    "mx01.mail.icloud.com",
    "17.57.155.23",
    "993",
    "5.7.1",
    "“iCloud”",
    "「仕事」",
    '"',
    "“",
    "@",
    ".",
    "-",
    "a",
    "aa",
    "メール",
    "ー",
    "ﾒｰﾙ",
    " ",
    "\n",
    "\ue001",
    "㍿",
]


def _suffix_depth(keys: set[str]) -> int:
    """The most patterns that can end at one position: the longest chain of keys each a suffix of the next."""
    return max((sum(1 for other in keys if key.endswith(other)) for key in keys), default=0)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    parts=st.lists(st.sampled_from(PIECES + [t for ts in PATTERNS.values() for t in ts]), min_size=1, max_size=40),
    repeat=st.integers(1, 400),
)
def test_work_is_linear_in_the_message(typed, parts, repeat):
    """The automata read each form once and report at most `depth` patterns per character read, whatever the
    number of patterns: the work is bounded by a constant of the knowledge base times the message's length."""
    message = "".join(parts) * repeat
    work = MatchWork()
    typed.match(message, work)
    expanded = len(unicodedata.normalize("NFKC", message))  # every form is at most this long
    assert work.characters <= len(typed.automata) * expanded
    depth = max(_suffix_depth(set(keys)) for keys in typed.keys.values())
    assert work.occurrences <= depth * work.characters


def test_a_nested_dictionary_reports_at_most_its_depth_per_character():
    """Patterns that are suffixes of one another are the worst case: still a constant per character."""
    matcher = SymptomMatcher()
    for n in range(2, 12):
        matcher.add(f"s{n}", "x" * n)
    matcher.build()
    work = MatchWork()
    assert len(matcher.match("x" * 5000, work)) == 10
    assert work.occurrences <= 10 * work.characters


def test_a_mebibyte_is_matched(real_kb):
    """Up to the query's limit (1 MiB) a message is answered; the time per MB is printed by bench/matching_bench.py."""
    noise = "“iCloud” taro@icloud.com 550 5.1.1 <a@b.example> 993 ー ｱｲｳ "
    message = (noise * 40000)[: (1 << 20) - 40] + "メールを取得できません"
    assert "cannot_get_mail" in matcher_for(real_kb).match(message)
