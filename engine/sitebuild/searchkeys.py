"""What search matches a page by, besides its text: its key phrases as Pagefind metadata, in a form any query segmentation finds.

Pagefind segments Japanese pages with Lindera when it indexes them, but the browser segments the query with
`Intl.Segmenter`, and the two disagree on compounds, katakana and verb endings (docs/site.md, "Search"). Metadata is
not segmented: Pagefind splits it at spaces and matches each query word as a prefix of a metadata word. So a page's key
phrases (its title and the phrases people search it by) are written as *windows*: the phrase is cut into units (a
kanji run with the hiragana that follows it, as in 聞かれる; a katakana run; a hiragana run; a Latin word), and every
kanji or katakana position starts a window that reaches to the unit's end. A query word cut out of a phrase starts at
a script change or inside such a unit, so it is the start of one window, and the page matches the way a substring
search would. Windows stop at the unit's end so that a word repeated across phrases gives the same window again
(counted once), not many. (A symptom's messages are in its text; pasted messages are recognised by the matcher.)
"""

from __future__ import annotations

import re
import unicodedata

WIDTH = 10  # longer than any word Intl.Segmenter cuts out of the phrases people type (katakana compounds reach 8-9)
_RUNS = re.compile(
    r"(?P<kanji>[\u3005\u4e00-\u9fff]+[\u3041-\u3096]*)|(?P<katakana>[\u30a1-\u30fa\u30fc]+)|(?P<hiragana>[\u3041-\u3096\u30fc]+)"
    r"|(?P<latin>[0-9a-z](?:[0-9a-z.@_+-]*[0-9a-z])?)"
)


def windows(text: str, width: int = WIDTH) -> list[str]:
    """The metadata words of one phrase, in order: windows of its kanji and katakana runs, hiragana runs and Latin words whole."""
    words: list[str] = []
    for run in _RUNS.finditer(unicodedata.normalize("NFKC", text).lower()):
        word = run.group()
        if run.lastgroup in ("kanji", "katakana"):  # windows start at kanji and katakana, not in the okurigana
            words.extend(word[i : i + width] for i, ch in enumerate(word) if not ("\u3041" <= ch <= "\u3096" or ch == "ー"))
        elif run.lastgroup == "latin":
            words.append(word)
        elif len(word) > 1:  # a lone particle is never a query word
            words.append(word[:width])
    return words


def search_keys(phrases: list[str], width: int = WIDTH) -> str:
    """One metadata value for all of a page's key phrases: distinct words, space-separated, no commas (Pagefind's separator)."""
    seen: dict[str, None] = {}
    for phrase in phrases:
        for word in windows(phrase, width):
            seen.setdefault(word, None)
    return " ".join(seen)
