"""Plain text for people and for search: Markdown without syntax, summaries cut where a reader expects, search keys."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from mailkb.sitebuild.plaintext import plain_text, shorten
from mailkb.sitebuild.searchkeys import WIDTH, search_keys, windows


def test_plain_text_keeps_what_a_reader_sees():
    assert plain_text("**太字** と [リンク](https://x.test/a) と `code`") == "太字 と リンク と code"
    assert plain_text("- one\n- two\n\n| a | b |\n| - | - |\n| c | d |") == "one two a b c d"


def test_english_is_cut_at_a_word_boundary():
    text = "iCloud Mail has a limit of 20 MB per message and more text after it"
    assert shorten(text, 30) == "iCloud Mail has a limit of…"
    assert shorten("short enough", 30) == "short enough"


def test_japanese_is_cut_after_a_sentence_or_else_a_clause():
    assert shorten("最初の文はここで終わります。次の文はとても長く、まだ続きます。", 24) == "最初の文はここで終わります。"
    # the only sentence end is too near the start: cut at the clause instead, marked with an ellipsis
    assert shorten("短い。二番目の文はとても長い文章で、続きがあります。", 20) == "短い。二番目の文はとても長い文章で…"


@given(st.lists(st.sampled_from(["mail", "iCloud", "storage", "is", "full", "a", "message"]), min_size=1, max_size=30), st.integers(12, 60))
def test_a_cut_english_text_never_ends_inside_a_word(words, limit):
    text = " ".join(words)
    cut = shorten(text, limit)
    assert len(cut) <= limit
    if cut != text:
        kept = cut.removesuffix("…")
        assert text.startswith(kept) and text[len(kept)] == " "


def test_windows_of_a_phrase():
    # メール: katakana run, a window at each position (none starts at the long-vowel mark); を: a lone particle;
    # 取得できません: a kanji run with its okurigana, windows start at the kanji only
    assert windows("メールを取得できません") == ["メール", "ル", "取得できません", "得できません"]
    assert windows("iCloud メール パスワード 何度も聞かれる") == [
        "icloud", "メール", "ル", "パスワード", "スワード", "ワード", "ド", "何度も", "度も", "聞かれる",
    ]  # fmt: skip
    assert windows("ＳＭＴＰ認証 smtp.mail.me.com") == ["smtp", "認証", "証", "smtp.mail.me.com"]  # NFKC, lower case


def test_search_keys_are_distinct_words_without_commas():
    assert search_keys(["サーバ", "送信サーバ, 受信"]) == "サーバ バ 送信 信 受信"


KATAKANA = st.text(alphabet="サーバパスワードメールエラアカウント", min_size=1, max_size=12).filter(lambda t: t[0] != "ー")
KANJI = st.text(alphabet="送信受認証設定取得迷惑届不足容量", min_size=1, max_size=6)
OKURIGANA = st.text(alphabet="かないれるきませんでし", max_size=5)
PARTICLE = st.sampled_from(["を", "が", "の", "は", ""])


@st.composite
def phrases_with_a_word(draw):
    """A phrase made of units (katakana runs; kanji runs with okurigana; particles) and a word cut out of one unit
    the way Intl.Segmenter can cut it: starting at a kanji or katakana character, within the unit."""
    units = draw(st.lists(st.one_of(KATAKANA, st.tuples(KANJI, OKURIGANA).map("".join)), min_size=1, max_size=4))
    glue = [draw(PARTICLE) for _ in units]
    phrase = "".join(u + g for u, g in zip(units, glue, strict=True))
    unit = draw(st.sampled_from(units))
    heads = [i for i, ch in enumerate(unit) if not ("\u3041" <= ch <= "\u3096" or ch == "ー")]
    start = draw(st.sampled_from(heads))
    end = draw(st.integers(start + 1, min(len(unit), start + WIDTH)))
    return phrase, unit[start:end]


@given(phrases_with_a_word())
def test_every_word_cut_out_of_a_phrase_starts_a_window(case):
    """Whatever word the query side cuts out of a phrase is the start of one of its windows, so Pagefind's prefix
    match finds the page whatever the segmentation."""
    phrase, word = case
    assert any(window.startswith(word) for window in windows(phrase)), (phrase, word, windows(phrase))
