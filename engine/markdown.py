"""Markdown from the knowledge base: one safe renderer (raw HTML off, only safe links) and a linting parser."""

from __future__ import annotations

from functools import cache
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


def render(text: str) -> str:
    """Markdown to safe HTML."""
    return renderer().render(text)


def render_inline(text: str) -> str:
    """Markdown to safe inline HTML (no surrounding paragraph)."""
    return renderer().renderInline(text)
