"""Sources and message badges as pages show them: the reader's language, public titles, exactly what was verified."""

from __future__ import annotations

from mailkb.sitebuild.citations import cite, is_internal, message_badge

APPLE_JA = {"url": "https://support.apple.com/ja-jp/102562", "title": "iCloud メールが機能しない場合", "kind": "official"}
APPLE_EN = {
    "url": "https://support.apple.com/en-ca/102198",
    "title": "Mailbox size and message sending limits in iCloud",
    "kind": "official",
}
FRAMEWORK = {
    "url": "https://github.com/example/restore",
    "title": "iOS 26.1 Message.framework (decompiled)",
    "kind": "third_party",
    "note": 'FAILED_FETCH_TITLE = "Cannot Get Mail"',
}


def _message(status: str, *sources: dict) -> dict:
    return {"text": {"ja": "メールを取得できません", "en": "Cannot Get Mail"}, "status": status, "sources": list(sources)}


def test_a_wording_is_confirmed_only_in_the_language_a_source_backs():
    english_only = _message("attested", FRAMEWORK)  # the framework's strings are English
    assert message_badge(english_only, "ja") == ("badge_confirmed_other", "partial")  # 「英語の表示を確認済み」
    assert message_badge(english_only, "en") == ("badge_confirmed", "attested")
    both = _message("attested", FRAMEWORK, APPLE_JA)
    assert message_badge(both, "ja") == ("badge_confirmed", "attested")
    declared = _message("attested", {**APPLE_JA, "lang": "en"})  # a declared language wins over the title's script
    assert message_badge(declared, "ja")[0] == "badge_confirmed_other"
    japanese_only = _message("attested", {**APPLE_JA, "lang": "ja"})
    assert message_badge(japanese_only, "en") == ("badge_confirmed_other", "partial")  # "Japanese wording confirmed"
    twin = _message("attested", {**APPLE_JA, "lang": "ja", "en": {"url": "https://support.apple.com/en-us/102562", "title": "x"}})
    assert message_badge(twin, "en") == ("badge_confirmed", "attested")  # the same document in English


def test_reported_and_translated_messages_say_so():
    assert message_badge(_message("reported", APPLE_JA), "ja") == ("badge_reported", "reported")
    assert message_badge(_message("reported", APPLE_JA), "en") == ("badge_reported", "reported")
    translated = _message("translation", APPLE_EN)  # the Japanese is a translation of an attested English string
    assert message_badge(translated, "ja") == ("badge_translation", "partial")
    assert message_badge(translated, "en") == ("badge_confirmed", "attested")


def test_english_pages_link_the_english_page_of_a_source_when_it_has_one():
    both = {**APPLE_JA, "lang": "ja", "en": {"url": "https://support.apple.com/en-us/102562", "title": "If iCloud Mail isn't working"}}
    english = cite(both, "en")
    assert (english.url, english.title, english.title_lang) == (
        "https://support.apple.com/en-us/102562",
        "If iCloud Mail isn't working",
        "en",
    )
    japanese = cite(both, "ja")
    assert (japanese.url, japanese.title_lang) == (APPLE_JA["url"], "ja")
    only_ja = cite(APPLE_JA, "en")  # no English page: the Japanese one, marked as Japanese
    assert (only_ja.url, only_ja.title, only_ja.title_lang) == (APPLE_JA["url"], APPLE_JA["title"], "ja")


def test_editors_names_for_artefacts_are_not_shown():
    shown = cite(FRAMEWORK, "ja")
    assert shown.title == "iOS の表示文字列\uff08英語\uff09" and "framework" not in shown.title.lower() and shown.note == ""
    seed = cite({"url": "https://example.test/a", "title": "解説記事の題名 (seed article)", "kind": "community"}, "ja")
    assert seed.title == "解説記事の題名"
    assert is_internal("英語の原文(キー FAILED_FETCH_TITLE)は iOS 26.1 の Message.framework で確認されています。")
    assert is_internal("元記事のキャリア別表")
    assert not is_internal("“iCloud”の部分にはアカウント名が入ります。")
