"""sitemap.xml (with hreflang alternates) and robots.txt."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import quoteattr

from .config import SiteConfig
from .i18n import LANGS, PREFIX
from .pages import Page


def sitemap_xml(pages: list[Page], config: SiteConfig, updated: dict[str, str]) -> str:
    """Every page in both languages, each listing its alternates."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" xmlns:xhtml="http://www.w3.org/1999/xhtml">',
    ]
    for page in pages:
        if not page.in_sitemap:
            continue
        for lang in LANGS:
            lines.append("<url>")
            lines.append(f"<loc>{_esc(config.absolute(PREFIX[lang] + page.path))}</loc>")
            if page.ref and updated.get(page.ref):
                lines.append(f"<lastmod>{updated[page.ref]}</lastmod>")
            for alt in LANGS:
                lines.append(f'<xhtml:link rel="alternate" hreflang="{alt}" href={quoteattr(config.absolute(PREFIX[alt] + page.path))}/>')
            lines.append("</url>")
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def _esc(value: str) -> str:
    return value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_sitemap(out: Path, pages: list[Page], config: SiteConfig, updated: dict[str, str]) -> None:
    (out / "sitemap.xml").write_text(sitemap_xml(pages, config, updated), encoding="utf-8")
    (out / "robots.txt").write_text(f"User-agent: *\nAllow: /\nSitemap: {config.absolute('/sitemap.xml')}\n", encoding="utf-8")
