"""Render pages with Jinja2 (autoescape on; Markdown only through mailkb.markdown) and write them."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from .. import __version__
from ..markdown import render, render_inline
from ..parallel import fork_map
from .citations import Citation, cite, is_internal, message_badge
from .config import SiteConfig
from .context import KIND_PATH, SiteData
from .i18n import LANGS, PREFIX, UI, label, text, ui, untranslated
from .mdtables import label_cells
from .pages import Page, entry_path
from .plaintext import first_paragraph, plain_text, shorten
from .searchkeys import search_keys
from .words import COLON, condition_words, value_words, when_conditions, when_words

_JAPANESE_RUN = re.compile(r"[\u3000-\u30ff\u4e00-\u9fff\uff01-\uff60]+")
_TAG = re.compile(r"(<[^>]*>)")
_BILINGUAL = re.compile(r"^(?P<ja>[^/]*[\u3040-\u30ff\u4e00-\u9fff][^/]*) / (?P<en>[^\u3040-\u30ff\u4e00-\u9fff]+)$")
DESCRIPTION_LENGTH = 150  # characters of a page's meta description (search engines show about this much)
TEMPLATE_INTRO = {  # index pages described by their introduction
    "table_messages.html": "message_table_intro",
    "table_isolation.html": "isolation_intro",
    "table_checksheet.html": "check_sheet_intro",
    "diagnose.html": "diagnose_intro",
    "404.html": "not_found_body",
    "home.html": "tagline",
}

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
        self._plans: dict[str, list[dict]] = {}
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
            cite=self._cite,
            badge=self._badge,
            first_checks=self._first_checks,
            internal=is_internal,
            colon=self._colon,
            value=self._value,
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
    def _t(self, value: Any) -> Markup:
        return self._marked(escape(text(value, self.lang)))

    def _marked(self, html: Markup) -> Markup:
        """On English pages, Japanese left in the data (a carrier's setting name, an untranslated phrase) is marked
        lang="ja", so that it is read as Japanese; text inside tags is left alone."""
        if self.lang == "ja" or not _JAPANESE_RUN.search(html):
            return Markup(html)
        parts = _TAG.split(str(html))
        for i in range(0, len(parts), 2):  # the text between tags
            parts[i] = _JAPANESE_RUN.sub(lambda m: f'<span lang="ja">{m.group()}</span>', parts[i])
        return Markup("".join(parts))

    def _value(self, value: Any) -> Markup:
        """A reference value, with a "日本語 / English" pair shown in the page's language."""
        found = _BILINGUAL.match(value) if isinstance(value, str) else None
        return self._marked(escape(found.group(self.lang) if found else value))

    def _md(self, value: Any) -> Markup:
        return self._marked(Markup(label_cells(render(text(value, self.lang)))))

    def _blurb(self, value: Any, length: int = 90) -> Markup:
        """The first paragraph of a Markdown text as plain text, cut at a sentence, clause or word boundary."""
        return self._marked(escape(shorten(first_paragraph(text(value, self.lang)), length)))

    def _colon(self) -> str:
        """The colon after a label: full-width in Japanese."""
        return COLON[self.lang]

    def _cite(self, source: dict) -> Citation:
        return cite(source, self.lang)

    def _badge(self, message: dict) -> tuple[str, str]:
        """(text, style) of a message's badge on this page."""
        key, style = message_badge(message, self.lang)
        return ui(key, self.lang), style

    def _first_checks(self, symptom: str, count: int = 3) -> list[dict]:
        """The first steps of the engine's plan for this symptom alone (the reference evaluator; cached per build)."""
        if symptom not in self._plans:
            from ..diagnosis import first_steps

            try:
                self._plans[symptom] = first_steps({"symptoms": [symptom]}, kb=self.kb)
            except Exception:  # a knowledge base built despite lint errors may not diagnose; the page then has no plan
                self._plans[symptom] = []
        return [step for step in self._plans[symptom] if step.get("remedy") in self.kb.remedies][:count]

    def _mdi(self, value: Any) -> Markup:
        return self._marked(Markup(render_inline(text(value, self.lang))))

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
            "description": self._description(page, lang),
            **page.vars,
        }

    def _search_keys(self, page: Page, lang: str) -> str:
        """The page's key phrases for search (see searchkeys.py): its title, and the phrases people search a symptom by."""
        if not page.searchable:
            return ""
        entry = page.vars.get("entry")
        phrases = entry.get("search_phrases") or () if isinstance(entry, dict) else ()
        return search_keys([text(page.title, lang)] + [text(phrase, lang) for phrase in phrases])

    def _description(self, page: Page, lang: str) -> str:
        """The page's meta description: plain text (no Markdown), cut at a boundary."""
        entry = page.vars.get("entry")
        for field in ("summary", "question", "filter_service"):
            value = entry.get(field) if isinstance(entry, dict) else None
            if value:
                return shorten(plain_text(text(value, lang)), DESCRIPTION_LENGTH)
        if page.template in TEMPLATE_INTRO:
            return shorten(ui(TEMPLATE_INTRO[page.template], lang), DESCRIPTION_LENGTH)
        return shorten(f"{text(page.title, lang)} — {ui('tagline', lang)}", DESCRIPTION_LENGTH)

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


def render_pages(renderer: Renderer, pages: list[Page], out: Path, jobs: int, min_parallel: int = 200) -> int:
    """Render and write `pages` in both languages; on `jobs` forked processes when there are at least `min_parallel`.

    Each process writes its pages and returns only how many files changed.
    """

    def render_chunk(chunk: list[Page]) -> int:
        return sum(write_if_changed(output_file(out, lang, page.path), renderer.render(page, lang)) for page in chunk for lang in LANGS)

    parallel = len(pages) >= min_parallel
    if parallel:
        renderer.env.get_template("base.html")  # compile shared templates once, before forking
    chunks = [pages[i :: jobs * 4] for i in range(jobs * 4)] if parallel else [pages]
    return sum(fork_map(render_chunk, chunks, jobs, parallel=parallel))
