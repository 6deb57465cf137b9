"""Checks on what the knowledge says: message patterns, public wording, source languages, contradicted evidence."""

from __future__ import annotations

import re
from collections.abc import Iterator

from ..rulelang import conclusion, dnf, operator_of
from ..textforms import PLACEHOLDERS
from .check import check
from .context import LintContext, is_text, walk
from .problem import Problem

_BRACED = re.compile(r"\{([^{}\s]{1,30})\}")
_ADDRESS = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
_IPV4 = re.compile(r"(?<![\d.])\d{1,3}(?:\.\d{1,3}){3}(?![\d.])")
_EXAMPLE_DOMAIN = re.compile(
    r"(?<![A-Za-z0-9-])(?:[A-Za-z0-9-]+\.)*(?:example\.(?:com|net|org)|[A-Za-z0-9-]+\.(?:example|test|invalid))(?![A-Za-z0-9-])"
)
_INTERNAL = re.compile(r"元記事|(?<![A-Za-z_])[Ss]eed(?![A-Za-z_])")
# editor-only keys: a field name is not text (seed_correction, seed_only are names, not words shown to people)
_NOT_SHOWN = {"url", "id", "sources"}


def _patterns(ctx: LintContext) -> Iterator[tuple[str, tuple, str, str]]:
    """(symptom id, path, language, text) of every message and search phrase."""
    for ident, symptom in ctx.kb.symptoms.items():
        for index, message in enumerate(symptom.get("messages") or ()):
            text = message.get("text") if isinstance(message, dict) else None
            for lang in ("ja", "en"):
                if isinstance(text, dict) and isinstance(text.get(lang), str):
                    yield ident, ("messages", index, "text", lang), lang, text[lang]
        for index, phrase in enumerate(symptom.get("search_phrases") or ()):
            for lang in ("ja", "en"):
                if isinstance(phrase, dict) and isinstance(phrase.get(lang), str):
                    yield ident, ("search_phrases", index, lang), lang, phrase[lang]


@check("pattern-placeholders", "MK320 MK321")
def check_patterns(ctx: LintContext) -> Iterator[Problem]:
    """MK320, MK321: placeholders are known ones; real addresses, IPs and example domains are written as placeholders."""
    for ident, path, _lang, text in _patterns(ctx):
        for name in _BRACED.findall(text):
            if name not in PLACEHOLDERS:
                yield ctx.entity_problem(
                    "symptom",
                    ident,
                    path,
                    "MK320",
                    f"unknown placeholder {{{name}}}; use one of {', '.join('{' + p + '}' for p in PLACEHOLDERS)}",
                )
        literal = _BRACED.sub("", text)
        for pattern, kind, placeholder in ((_ADDRESS, "e-mail address", "{address}"), (_IPV4, "IP address", "{ip}")):
            found = pattern.search(literal)
            if found:
                yield ctx.entity_problem(
                    "symptom", ident, path, "MK321", f"literal {kind} '{found.group(0)}': write {placeholder} where it varies"
                )
                literal = pattern.sub("", literal)
        found = _EXAMPLE_DOMAIN.search(literal)
        if found:
            yield ctx.entity_problem(
                "symptom", ident, path, "MK321", f"example domain '{found.group(0)}': write {{domain}} where it varies"
            )


@check("public-wording", "MK322")
def check_wording(ctx: LintContext) -> Iterator[Problem]:
    """MK322: text shown to people never names the source article as 「元記事」 or "seed"."""
    for source in ctx.files:
        if source.folder is None or source.doc.data is None:
            continue
        for path, value in walk(source.doc.data):
            if not is_text(value) or (path and path[0] in _NOT_SHOWN):
                continue
            for lang in ("ja", "en"):
                found = _INTERNAL.search(value.get(lang) or "") if isinstance(value.get(lang), str) else None
                if found:
                    yield ctx.problem(
                        source.rel,
                        path + (lang,),
                        "MK322",
                        f'{lang} text says {found.group(0)!r}; call it 「よく見かける解説」 / "widely circulated guide"',
                    )


_LOCALE = re.compile(r"^https?://support\.apple\.com/([a-z]{2})-[a-z]{2,4}/|[?&]locale=([a-z]{2})_[A-Z]{2}(?:&|$)")


def _url_language(url: str) -> str | None:
    found = _LOCALE.search(url)
    if not found:
        return None
    lang = found.group(1) or found.group(2)
    return lang if lang in ("ja", "en") else "other"


@check("source-language", "MK324")
def check_source_languages(ctx: LintContext) -> Iterator[Problem]:
    """MK324: a source's `lang` matches its URL's locale; `en` names an English page of a Japanese one."""
    for source in ctx.files:
        if source.doc.data is None:
            continue
        for path, value in walk(source.doc.data):
            if len(path) < 2 or path[-2] != "sources" or not isinstance(value, dict) or not isinstance(value.get("url"), str):
                continue
            declared, actual = value.get("lang"), _url_language(value["url"])
            if declared and actual and declared != actual:
                yield ctx.problem(source.rel, path + ("lang",), "MK324", f"lang is {declared} but {value['url']} is a {actual} page")
            english = value.get("en")
            if isinstance(english, dict):
                if declared != "ja":
                    yield ctx.problem(source.rel, path + ("en",), "MK324", "an English alternate belongs to a Japanese page (lang: ja)")
                if isinstance(english.get("url"), str) and _url_language(english["url"]) not in (None, "en"):
                    yield ctx.problem(source.rel, path + ("en", "url"), "MK324", f"{english['url']} is not an English page")


def _condition_key(condition: dict) -> tuple:
    op = operator_of(condition)
    target = condition.get(op)
    return condition.get("fact"), op, tuple(target) if isinstance(target, list) else target


@check("contradicted-evidence", "MK323")
def check_contradicted(ctx: LintContext) -> Iterator[Problem]:
    """MK323: no rule suspects a cause on nothing but evidence the cause itself says does not indicate it."""
    for rule in ctx.kb.rules:
        rid = rule.get("id")
        if rid not in ctx.rule_at or not isinstance(rule.get("when"), dict) or not isinstance(rule.get("then"), dict):
            continue
        what, detail = conclusion(rule)
        if what != "suspect":
            continue
        cause = ctx.kb.causes.get(detail[0]) or {}
        listed = {_condition_key(c) for c in cause.get("not_indicated_by") or () if isinstance(c, dict) and "fact" in c}
        if not listed:
            continue
        for alternative in dnf(rule["when"]):
            evidence = [c for c in alternative if operator_of(c) != "answered"]
            if evidence and all(_condition_key(c) in listed for c in evidence):
                yield ctx.rule_problem(
                    rid, ("then", "suspect", "cause"), "MK323",
                    f"suspects '{detail[0]}' only on evidence its cause file lists under not_indicated_by",
                )  # fmt: skip
                break


CONTENT_CHECKS = (check_patterns, check_wording, check_source_languages, check_contradicted)
