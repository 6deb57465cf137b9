"""Search as people use it, in Chromium: the regression of typed and pasted queries, the message matcher in front of
Pagefind, no particle marked as a match, and only the pages that answer questions in the index."""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

import pytest

from .browser import Watch
from .searchcases import CASES, SCOREBOARD

PARTICLES = {"を", "が", "は", "に", "へ", "の", "で", "と", "も", "や", "か", "ます", "ません", "せん", "ない", "た", "です"}


@pytest.fixture(scope="module")
def search_page(browser, server):
    page = browser.new_page()
    watch = Watch(page, server)
    yield page, watch
    page.close()


def _search(page, server: str, lang: str, query: str) -> list[str]:
    """Run a query on the search page of `lang`; the result paths in order (without the /en prefix)."""
    page.goto(f"{server}{'/en' if lang == 'en' else ''}/search/?{urlencode({'q': query})}")
    page.wait_for_selector("body[data-search-done]", timeout=30_000)
    paths = [urlsplit(href).path for href in page.eval_on_selector_all("#search-results > li > a", "els => els.map(e => e.href)")]
    return [path[3:] if path.startswith("/en/") else path for path in paths]


def test_the_regression_has_every_form_of_typing():
    assert len(CASES) >= 40
    forms = {case.form.split()[-1] for case in CASES}
    assert {"alert", "sentence", "compound", "katakana", "variant", "letters"} <= forms
    assert {case.lang for case in CASES} == {"ja", "en"}
    assert sum("\n" in case.query for case in CASES) >= 3  # two-line alerts pasted whole


@pytest.mark.parametrize("case", CASES, ids=[f"{c.lang}:{c.query}" for c in CASES])
def test_query_finds_its_page_in_the_top_3(search_page, server, case):
    page, watch = search_page
    results = _search(page, server, case.lang, case.query)
    top = results[:3]
    SCOREBOARD[f"{case.lang}:{case.query}"] = bool({case.page, *case.also} & set(top))
    assert {case.page, *case.also} & set(top), f"{case.query!r} ({case.form}): {case.page} not in the top 3 {top}"
    assert watch.errors == [] and watch.foreign == []


@pytest.mark.parametrize(
    ("lang", "query", "first", "label"),
    [
        ("ja", "メールを取得できません\nサーバへの接続に失敗しました。", "/symptoms/cannot_connect_server/", "表示されたメッセージの意味"),
        ("ja", "“iCloud”のユーザ名またはパスワードが正しくありません。", "/symptoms/password_incorrect/", "表示されたメッセージの意味"),
        ("en", "Cannot Get Mail", "/symptoms/cannot_get_mail/", "What this message means"),
    ],
)
def test_a_pasted_alert_is_recognised_and_explained_first(search_page, server, lang, query, first, label):
    """The engine's matcher runs before Pagefind: the alert's symptom comes first, labelled, with what it means."""
    page, _ = search_page
    results = _search(page, server, lang, query)
    assert results[0] == first
    item = page.locator("#search-results > li").first
    assert item.locator(".search-label").inner_text() == label
    meaning = item.locator("p").inner_text()
    assert len(meaning) > 20 and "**" not in meaning and "](" not in meaning  # plain text, not Markdown


@pytest.mark.parametrize(
    "query", ["メールを取得できません", "パスワードを何度も聞かれる", "必要なメールが迷惑メールフォルダに入ってしまう"]
)
def test_particles_are_never_marked_as_matches(search_page, server, query):
    page, _ = search_page
    _search(page, server, "ja", query)
    marks = page.eval_on_selector_all("#search-results mark", "els => els.map(e => e.textContent.trim())")
    assert marks, "the excerpts mark the words that matched"
    assert not [m for m in marks if m in PARTICLES], marks


def test_internal_pages_are_not_searched(search_page, server):
    """Observation pages (the engine's vocabulary) and the lists that name every page are not in the index."""
    page, _ = search_page
    for query in ("種類 boolean", "確認項目", "メール"):
        results = _search(page, server, "ja", query)
        assert not [r for r in results if r.startswith("/observations/") or r in ("/", "/symptoms/", "/areas/receive/")], results


def test_a_query_with_nothing_to_find_says_so(search_page, server):
    page, watch = search_page
    assert _search(page, server, "ja", "qqqzzzxxx") == []
    assert "見つかりませんでした" in page.inner_text("#search-status")
    assert watch.errors == []


@pytest.mark.parametrize(
    ("lang", "query", "label"), [("en", "keeps asking for password", "Matching symptom"), ("ja", "パスワードを再入力", "当てはまる症状")]
)
def test_a_search_phrase_is_not_called_a_message(search_page, server, lang, query, label):
    """Only a symptom whose message is in the query is labelled as that message's meaning."""
    page, _ = search_page
    _search(page, server, lang, query)
    labels = page.eval_on_selector_all("#search-results .search-label", "els => els.map(e => e.textContent)")
    assert labels and set(labels) == {label}
