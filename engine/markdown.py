"""Markdown from the knowledge base: one safe renderer (raw HTML off, only safe links) and a linting parser."""

from __future__ import annotations

from functools import cache, lru_cache
from urllib.parse import urlsplit

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http", "https", "mailto")


def link_is_safe(href: str) -> bool:
    """http(s), mailto and relative links only (no javascript:, data:, vbscript:, file: …)."""
    target = "".join(ch for ch in href if ch > " ").lower()  # browsers ignore control characters and spaces
    scheme = urlsplit(target).scheme
    return scheme in SAFE_SCHEMES if scheme else not target.startswith("//")


@cache
def renderer() -> MarkdownIt:
    """CommonMark with raw HTML off; unsafe links are left as plain text."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")
    md.validateLink = link_is_safe
    return md


@cache
def lint_parser() -> MarkdownIt:
    """A parser that sees raw HTML and every link, so the linter can name them."""
    md = MarkdownIt("commonmark", {"html": True}).enable("table")
    md.validateLink = lambda href: True
    return md


@cache
def block_parser() -> MarkdownIt:
    """Block structure only (lists, headings, code): enough for texts that hold no HTML or links, and much faster."""
    return MarkdownIt("commonmark", {"html": True}).enable("table").disable("inline")


def may_hold_markup(text: str) -> bool:
    """Whether a text could hold raw HTML, a link or an entity — only then does it need a full parse."""
    return "<" in text or "](" in text or "]:" in text or "&" in text or "[" in text


@lru_cache(maxsize=65536)
def converted(text: str) -> tuple[str, str]:
    """(safe HTML, plain text) of a Markdown text, from one parse (memoised: a site shows the same text on many pages,
    and a page's summary is both rendered and described)."""
    md = renderer()
    tokens = md.parse(text)
    return md.renderer.render(tokens, md.options, {}), plain_words(tokens)


def plain_words(tokens: list) -> str:
    """The text a reader sees in parsed Markdown: link text without the URL, code without backticks, one line."""
    parts: list[str] = []
    for block in tokens:
        if block.type == "inline":
            for token in block.children or ():
                if token.type in ("text", "code_inline"):
                    parts.append(token.content)
                elif token.type in ("softbreak", "hardbreak"):
                    parts.append(" ")
            parts.append(" ")
        elif block.type in ("code_block", "fence"):
            parts.append(block.content + " ")
    return " ".join("".join(parts).split())


def render(text: str) -> str:
    """Markdown to safe HTML."""
    return converted(text)[0]


@lru_cache(maxsize=65536)
def render_inline(text: str) -> str:
    """Markdown to safe inline HTML (no surrounding paragraph)."""
    return renderer().renderInline(text)
