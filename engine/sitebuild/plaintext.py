"""Markdown as plain text, and short summaries cut where a reader expects a cut (meta descriptions, lists, search)."""

from __future__ import annotations

import re
from functools import lru_cache

from ..markdown import converted, renderer

ELLIPSIS = "…"
_SPACES = re.compile(r"\s+")
_SENTENCE_END = "\u3002\uff01\uff1f!?"  # a Japanese text is cut after a sentence, or else after a clause (、)
_CLAUSE_END = "\u3001\uff0c,"


def plain_text(markdown: str) -> str:
    """The text a reader sees, without Markdown syntax: link text without the URL, code without backticks, one line."""
    return converted(markdown)[1]


@lru_cache(maxsize=65536)
def first_paragraph(markdown: str) -> str:
    """The first paragraph (or list item, or table cell) of a Markdown text, as plain text (memoised: list pages
    show the same summaries again and again)."""
    for block in renderer().parse(markdown):
        if block.type == "inline" and block.content.strip():
            return plain_text(block.content)
    return ""


def _is_japanese(text: str) -> bool:
    return any("\u3040" <= ch <= "\u30ff" or "\u4e00" <= ch <= "\u9fff" for ch in text)


def shorten(text: str, limit: int) -> str:
    """`text` cut to at most `limit` characters at a boundary: a sentence or clause (Japanese), a word (English).

    A text that fits is returned as it is; a cut text ends with "…" (inside the limit).
    """
    text = _SPACES.sub(" ", text).strip()
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    if _is_japanese(room):
        for ends in (_SENTENCE_END, _CLAUSE_END):
            cut = max(room.rfind(ch) for ch in ends)
            if cut >= limit // 3:  # a boundary too near the start would leave almost nothing
                kept = room[: cut + 1]
                return kept if kept[-1] in _SENTENCE_END else kept[:-1] + ELLIPSIS
    cut = room.rfind(" ")
    if cut >= limit // 3:
        return room[:cut].rstrip(" ,;:-(") + ELLIPSIS
    return room.rstrip() + ELLIPSIS
