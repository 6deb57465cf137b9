"""How sources and message statuses are shown: the reader's language, public titles, and badges that say exactly
what was verified.

The knowledge base cites some artefacts by names meant for editors (a decompiled framework, "the seed article",
string keys). Pages show a public title for those and leave out notes that only name such internals; the fields
are listed in docs/site.md ("Sources on the site") so that the knowledge can be reworded at the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .i18n import LANGS

_JAPANESE = re.compile(r"[\u3040-\u30ff\u4e00-\u9fff]")
# an editor's name for an artefact: a decompiled framework, an OS string key, the seed article (by that name)
_INTERNAL = re.compile(r"\.framework\b|decompiled|\b[A-Z][A-Z0-9]+(?:_[A-Z0-9]+)+\b|\bseed\b|元記事", re.IGNORECASE)
_SEED_SUFFIX = re.compile(r"\s*\((?:seed article|the seed)\)\s*$", re.IGNORECASE)
PUBLIC_TITLES = {  # an internal title -> what the page says instead
    "decompiled": {"ja": "iOS の表示文字列\uff08英語\uff09", "en": "iOS interface strings (English)"},
}


def text_lang(text: str) -> str:
    """ "ja" when a text has Japanese script in it, else "en"."""
    return "ja" if _JAPANESE.search(text or "") else "en"


def is_internal(text: str) -> bool:
    """Whether a text names an artefact the way only editors do (it is then not shown to readers)."""
    return bool(_INTERNAL.search(text or ""))


@dataclass(frozen=True)
class Citation:
    """A source as one page shows it."""

    url: str
    title: str
    title_lang: str  # the language of the title (and of the cited page)
    kind: str
    note: str  # "" when there is none or it only names internals
    note_lang: str


def cite(source: dict, lang: str) -> Citation:
    """A source for a page in `lang`: its page in that language when the source names one (`en: {url, title}`)."""
    url, title = source.get("url", ""), source.get("title", "")
    other = source.get(lang)
    if lang != "ja" and isinstance(other, dict) and other.get("url"):
        url, title = other["url"], other.get("title") or title
    if "decompiled" in title.lower():
        title = PUBLIC_TITLES["decompiled"][lang]
        title_lang = lang
    else:
        title = _SEED_SUFFIX.sub("", title)
        title_lang = source_lang(source) if url == source.get("url") else lang
    note = source.get("note") or ""
    note = "" if is_internal(note) else note
    return Citation(url, title, title_lang, source.get("kind", ""), note, text_lang(note))


def source_lang(source: dict) -> str:
    """The language of a cited document: its `lang` when given, else the language of its title."""
    declared = source.get("lang")
    return declared if declared in LANGS else text_lang(source.get("title", ""))


def verified_langs(message: dict) -> set[str]:
    """The languages in which an attested message's wording is backed by its sources (a source's English twin,
    `en: {url, title}`, is the same document in English and backs the English wording)."""
    if message.get("status") != "attested":
        return set()
    sources = [s for s in message.get("sources") or () if isinstance(s, dict)]
    return {source_lang(s) for s in sources} | {"en" for s in sources if isinstance(s.get("en"), dict)}


BADGE_STYLE = {
    "badge_confirmed": "attested",
    "badge_confirmed_other": "partial",
    "badge_translation": "partial",
    "badge_reported": "reported",
}


def message_badge(message: dict, lang: str) -> tuple[str, str]:
    """The badge a message gets on a page in `lang`: (key of its interface string in i18n.UI, style).

    "Confirmed" only when a source backs the wording in the page's language; an attested English string shown on
    the Japanese page says that only the English was checked. `translation` (a Japanese text translated from an
    attested English string) is confirmed on the English page and a translation on the Japanese one.
    """
    status = message.get("status")
    if status == "attested":
        langs = verified_langs(message)
        key = "badge_confirmed" if lang in langs or not langs else "badge_confirmed_other"
    elif status == "translation":
        key = "badge_confirmed" if lang == "en" else "badge_translation"
    else:
        key = "badge_reported"
    return key, BADGE_STYLE[key]
