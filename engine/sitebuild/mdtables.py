"""Tables written in the knowledge base's Markdown, made to work on a phone like the site's own tables: each body
cell is labelled with its column's heading (`data-label`), and the table gets the `cards` class, so that below
~640 px each row becomes a card (site.css). The HTML is markdown-it's, which writes tables in one regular shape."""

from __future__ import annotations

import html
import re

_TABLE = re.compile(r"<table>(.*?)</table>", re.S)
_HEAD = re.compile(r"<thead>(.*?)</thead>", re.S)
_HEADING = re.compile(r"<th(?: [^>]*)?>(.*?)</th>", re.S)
_ROW = re.compile(r"<tr>(.*?)</tr>", re.S)
_CELL = re.compile(r"<td(?P<attrs>(?: [^>]*)?)>")
_TAGS = re.compile(r"<[^>]+>")


def _plain(fragment: str) -> str:
    return html.unescape(_TAGS.sub("", fragment)).strip()


def _label_row(row: re.Match, headings: list[str]) -> str:
    cells = iter(headings)
    labelled = _CELL.sub(lambda cell: f'<td{cell.group("attrs")} data-label="{html.escape(next(cells, ""))}">', row.group(1))
    return f"<tr>{labelled}</tr>"


def _label_table(table: re.Match) -> str:
    inner = table.group(1)
    head = _HEAD.search(inner)
    headings = [_plain(h) for h in _HEADING.findall(head.group(1))] if head else []
    body = inner[head.end() :] if head else inner
    labelled = _ROW.sub(lambda row: _label_row(row, headings), body)
    return f'<table class="cards">{inner[: head.end()] if head else ""}{labelled}</table>'


def label_cells(rendered: str) -> str:
    """Rendered Markdown with its tables turned into labelled card tables (unchanged when it has none)."""
    return _TABLE.sub(_label_table, rendered) if "<table>" in rendered else rendered
