"""Render pages with Jinja2 (autoescape on; Markdown only through mailkb.markdown) and write them."""

from __future__ import annotations

import multiprocessing
import os
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from .. import __version__
from ..markdown import render, render_inline
from .config import SiteConfig
from .context import KIND_PATH, SiteData
from .i18n import LANGS, PREFIX, UI, label, text, ui, untranslated
from .pages import Page, entry_path
from .searchkeys import search_keys
from .words import condition_words, value_words, when_conditions, when_words

_MD_LINK = re.compile(r"\[([^\]]*)\]\([^)]*\)")
_MD_SYNTAX = re.compile(r"[*_`#>]+|^\s*(?:[-+]|\d+\.)\s+")

CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'"
)


def output_file(out: Path, lang: str, path: str) -> Path:
    """Where a page's HTML goes: /x/ -> x/index.html, /404.html -> 404.html (under en/ for English)."""
    rel = PREFIX[lang].lstrip("/") + path
    rel = rel.lstrip("/")
    return out / (rel + "index.html" if rel.endswith("/") or not rel else rel)


class Renderer:
    """Turns a Page into HTML in one language."""

    def __init__(self, data: SiteData, config: SiteConfig, templates: Path):
        self.data = data
        self.kb = data.kb
        self.config = config
        self.lang = "ja"  # the language of the page being rendered; the helpers below read it
        self._md_cache: dict[str, Markup] = {}
        self._md_inline_cache: dict[str, Markup] = {}
        self._ui_cache: dict[str, dict[str, str]] = {}
        env = Environment(
            loader=FileSystemLoader(str(templates)),
            bytecode_cache=_bytecode_cache(),
            autoescape=select_autoescape(["html", "xml"], default_for_string=True, default=True),
            undefined=StrictUndefined if os.environ.get("MAILKB_STRICT_TEMPLATES") else _lenient_undefined(),
            trim_blocks=True,
            lstrip_blocks=True,
        )
        env.globals.update(
            t=self._t,
            md=self._md,
            blurb=self._blurb,
            mdi=self._mdi,
            ui=self._ui,
            lbl=self._lbl,
            href=self._href,
            ref_href=self._ref_href,
            ref_title=self._ref_title,
            exists=self.data.exists,
            words=self._words,
            conds=self._conds,
            cond_words=self._cond_words,
            value_words=self._value_words,
            untranslated=self._untranslated,
            entry_href=self._entry_href,
            entry_title=self._entry_title,
            data=data,
            kb=self.kb,
            config=config,
            version=__version__,
            kind_path=KIND_PATH,
        )
        self.env = env

    # --- helpers (each reads the language of the page being rendered from self.lang) ---
    def _t(self, value: Any) -> str:
        return text(value, self.lang)

    def _md(self, value: Any) -> Markup:
        return Markup(render(text(value, self.lang)))

    def _blurb(self, value: Any, length: int = 90) -> str:
        """The start of a Markdown text as plain text (for lists), without rendering it."""
        source = text(value, self.lang)
        line = _MD_SYNTAX.sub("", _MD_LINK.sub(r"\1", source.strip().split("\n", 1)[0])).strip()
        return line if len(line) <= length else line[: length - 1].rstrip() + "…"

    def _mdi(self, value: Any) -> Markup:
        return Markup(render_inline(text(value, self.lang)))

    def _ui(self, key: str) -> str:
        return ui(key, self.lang)

    def _lbl(self, table: str, key: Any) -> str:
        return label(table, key, self.lang)

    def _href(self, path: str, lang: str | None = None) -> str:
        return self.config.base_path.rstrip("/") + PREFIX[lang or self.lang] + path

    def _ref_href(self, ref: str) -> str:
        kind, _, ident = ref.partition(":")
        return self._href(entry_path(kind, ident))

    def _entry_href(self, kind: str, ident: str) -> str:
        return self._href(entry_path(kind, ident))

    def _ref_title(self, ref: str) -> str:
        entry = self.kb.get(ref)
        return text(entry.get("title"), self.lang) if entry else ref

    def _entry_title(self, kind: str, ident: str) -> str:
        return self._ref_title(f"{kind}:{ident}")

    def _words(self, node: Any) -> str:
        return when_words(self.kb, node, self.lang)

    def _conds(self, node: Any) -> list[str]:
        return when_conditions(self.kb, node, self.lang)

    def _cond_words(self, cond: dict) -> str:
        return condition_words(self.kb, cond, self.lang)

    def _value_words(self, fact: str, value: Any) -> str:
        return value_words(self.kb, fact, value, self.lang)

    def _untranslated(self, value: Any) -> bool:
        return untranslated(value, self.lang)

    # --- pages ---
    def page_vars(self, page: Page, lang: str) -> dict[str, Any]:
        """The template variables every page gets."""
        cfg = self.config
        home = (ui("site_name", lang), "/")
        crumbs = [home] + [(text(t, lang), p) for t, p in page.crumbs] + ([(text(page.title, lang), page.path)] if page.path != "/" else [])
        other = "en" if lang == "ja" else "ja"
        rel = self.kb.paths.get(page.ref or "")
        updated = self.data.updated.get(page.ref or "")
        title = text(page.title, lang)
        jsonld: list[dict] = [
            {
                "@context": "https://schema.org",
                "@type": "BreadcrumbList",
                "itemListElement": [
                    {"@type": "ListItem", "position": i + 1, "name": name, "item": cfg.absolute(PREFIX[lang] + path)}
                    for i, (name, path) in enumerate(crumbs)
                ],
            }
        ]
        if page.ref:
            article = {"@context": "https://schema.org", "@type": "Article", "headline": title, "inLanguage": lang}
            if updated:
                article["dateModified"] = updated
            jsonld.append(article)
        elif page.path == "/":
            jsonld.append(
                {
                    "@context": "https://schema.org",
                    "@type": "WebSite",
                    "name": ui("site_name", lang),
                    "url": cfg.absolute(PREFIX[lang] + "/"),
                    "inLanguage": lang,
                }
            )
        return {
            "lang": lang,
            "U": self._ui_strings(lang),
            "P": cfg.base_path.rstrip("/") + PREFIX[lang],
            "OP": cfg.base_path.rstrip("/") + PREFIX[other],
            "other_lang": other,
            "page": page,
            "title": title,
            "crumbs": crumbs,
            "canonical": cfg.absolute(PREFIX[lang] + page.path),
            "alternates": {code: cfg.absolute(PREFIX[code] + page.path) for code in LANGS},
            "edit_url": cfg.edit_url(rel) if rel else None,
            "updated": updated,
            "jsonld": jsonld,
            "csp": CSP,
            "base": cfg.base_path,
            "search_keys": self._search_keys(page, lang),
            **page.vars,
        }

    def _search_keys(self, page: Page, lang: str) -> str:
        """The page's key phrases for search (see searchkeys.py): its title, and the phrases people search a symptom by."""
        if not page.searchable:
            return ""
        entry = page.vars.get("entry")
        phrases = entry.get("search_phrases") or () if isinstance(entry, dict) else ()
        return search_keys([text(page.title, lang)] + [text(phrase, lang) for phrase in phrases])

    def _ui_strings(self, lang: str) -> dict[str, str]:
        """Every interface string in `lang` (templates read U.key instead of calling ui())."""
        cached = self._ui_cache.get(lang)
        if cached is None:
            cached = self._ui_cache[lang] = {key: ui(key, lang) for key in UI}
        return cached

    def render(self, page: Page, lang: str) -> str:
        self.lang = lang
        return self.env.get_template(page.template).render(self.page_vars(page, lang))


def _bytecode_cache():
    """Compiled templates cached on disk (in the mailkb cache folder), so a small rebuild does not recompile them."""
    from jinja2 import FileSystemBytecodeCache

    base = os.environ.get("MAILKB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "mailkb"
    )
    folder = os.path.join(base, "jinja")
    try:
        os.makedirs(folder, exist_ok=True)
    except OSError:
        return None
    return FileSystemBytecodeCache(folder)


def _lenient_undefined():
    from jinja2 import ChainableUndefined

    return ChainableUndefined


def write_if_changed(path: Path | str, content: str) -> bool:
    """Write `content` unless the file already holds it (keeps mtimes stable for incremental deploys)."""
    encoded = content.encode("utf-8")
    name = os.fspath(path)
    try:
        with open(name, "rb") as handle:
            if handle.read() == encoded:
                return False
    except FileNotFoundError:
        pass
    try:
        handle = open(name, "wb")  # noqa: SIM115 - closed below
    except FileNotFoundError:
        os.makedirs(os.path.dirname(name), exist_ok=True)
        handle = open(name, "wb")  # noqa: SIM115
    with handle:
        handle.write(encoded)
    return True


# ---- parallel rendering: workers inherit the renderer through fork ----
_WORKER: dict = {}


def _render_chunk(indices: list[int]) -> int:
    renderer: Renderer = _WORKER["renderer"]
    pages: list[Page] = _WORKER["pages"]
    out: Path = _WORKER["out"]
    written = 0
    for index in indices:
        page = pages[index]
        for lang in LANGS:
            written += write_if_changed(output_file(out, lang, page.path), renderer.render(page, lang))
    return written


def render_pages(renderer: Renderer, pages: list[Page], out: Path, jobs: int, min_parallel: int = 200) -> int:
    """Render and write `pages`; uses `jobs` processes where fork is available and there are enough pages."""
    _WORKER.update(renderer=renderer, pages=pages, out=out)
    indices = list(range(len(pages)))
    if jobs <= 1 or len(pages) < min_parallel or "fork" not in multiprocessing.get_all_start_methods():
        return _render_chunk(indices)
    renderer.env.get_template("base.html")  # compile shared templates once, before forking
    chunks = [indices[i :: jobs * 4] for i in range(jobs * 4)]
    with multiprocessing.get_context("fork").Pool(jobs) as pool:
        return sum(pool.map(_render_chunk, chunks))
