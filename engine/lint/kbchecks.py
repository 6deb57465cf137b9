"""Checks across files: ids, references, rules against the vocabulary, reachability, texts."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterator
from typing import Any

from ..markdown import block_parser, link_is_safe, lint_parser, may_hold_markup
from ..rulelang import NUMERIC_OPERATORS, conclusion, dnf, iter_conditions, operator_of
from ..schemas import markdown_fields
from .check import check
from .contentchecks import CONTENT_CHECKS
from .context import LintContext, is_text, walk
from .problem import Problem

ENGINE_MAX_CONDITIONS = 16
ENGINE_MAX_ALTERNATIVES = 200


@check("ids", "MK301 MK302")
def check_ids(ctx: LintContext) -> Iterator[Problem]:
    """MK301, MK302: ids unique per kind, rule ids unique everywhere, files named after ids."""
    seen: dict[tuple[str, str], str] = {}
    rule_seen: dict[str, str] = {}
    for source in ctx.files:
        data = source.doc.data
        if source.folder is None or not isinstance(data, dict) or not isinstance(data.get("id"), str):
            continue
        ident = data["id"]
        stem = source.rel.rsplit("/", 1)[-1].removesuffix(".yaml")
        if ident != stem:
            yield ctx.problem(source.rel, ("id",), "MK302", f"id '{ident}' does not match the file name '{stem}.yaml'")
        key = (source.folder, ident)
        if key in seen:
            yield ctx.problem(source.rel, ("id",), "MK301", f"id '{ident}' is already used by {ctx.display(seen[key])}")
        else:
            seen[key] = source.rel
        if source.folder == "rules" and isinstance(data.get("rules"), list):
            for index, rule in enumerate(data["rules"]):
                rid = rule.get("id") if isinstance(rule, dict) else None
                if not isinstance(rid, str):
                    continue
                if rid in rule_seen:
                    yield ctx.problem(
                        source.rel, ("rules", index, "id"), "MK301", f"rule id '{rid}' is already used in {ctx.display(rule_seen[rid])}"
                    )
                else:
                    rule_seen[rid] = source.rel


_REF_KEYS = {"refs", "related"}


@check("references", "MK303")
def check_references(ctx: LintContext) -> Iterator[Problem]:
    """MK303: cause → remedies and every `kind:id` reference resolve."""
    kb = ctx.kb
    for ident, cause in kb.causes.items():
        for index, remedy in enumerate(cause.get("remedies") or ()):
            if isinstance(remedy, str) and remedy not in kb.remedies:
                yield ctx.entity_problem("cause", ident, ("remedies", index), "MK303", f"remedy '{remedy}' does not exist", ref=remedy)
    for kind, ident, data in ctx.iter_entities():
        for path, value in walk(data):
            if path and path[-1] in _REF_KEYS and isinstance(value, list):
                for index, ref in enumerate(value):
                    if isinstance(ref, str) and ":" in ref and kb.get(ref) is None:
                        yield ctx.entity_problem(kind, ident, path + (index,), "MK303", f"'{ref}' does not exist", ref=ref)


def _allowed_values(observation: dict) -> list | None:
    values = observation.get("values")
    return [v.get("value") for v in values if isinstance(v, dict)] if isinstance(values, list) else None


def _value_problem(observation: dict, value: Any, kb_symptoms: dict) -> str | None:
    """Why `value` cannot be a value of this observation, or None."""
    kind = observation.get("type")
    if kind == "boolean" and not isinstance(value, bool):
        return f"expects true or false, not {value!r}"
    if kind == "enum":
        allowed = _allowed_values(observation) or []
        if value not in allowed:
            return f"expects one of {', '.join(map(str, allowed))}, not {value!r}"
    if kind == "number":
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return f"expects a number, not {value!r}"
        low, high = observation.get("minimum"), observation.get("maximum")
        if (low is not None and value < low) or (high is not None and value > high):
            return f"expects a number from {low} to {high}, not {value}"
    if kind == "text" and not isinstance(value, str):
        return f"expects text, not {value!r}"
    if kind == "symptom_list" and value not in kb_symptoms:
        return f"'{value}' is not a symptom id"
    return None


_OPERATORS_FOR = {
    "boolean": {"is", "is_not", "answered"},
    "enum": {"is", "is_not", "in", "not_in", "answered"},
    "number": {"is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte", "answered"},
    "text": {"is", "is_not", "in", "not_in", "answered"},
    "symptom_list": {"has", "answered"},
}


def _rules(ctx: LintContext) -> Iterator[tuple[str, dict]]:
    for rule in ctx.kb.rules:
        if rule["id"] in ctx.rule_at and isinstance(rule.get("when"), dict) and isinstance(rule.get("then"), dict):
            yield rule["id"], rule


@check("rules", "MK303 MK304 MK310 MK311")
def check_rules(ctx: LintContext) -> Iterator[Problem]:
    """MK303, MK304, MK310, MK311: every rule speaks the vocabulary, with values it allows."""
    kb = ctx.kb
    derived_by_rules = {conclusion(rule)[1][0] for _, rule in _rules(ctx) if "derive" in rule["then"]}
    for rid, rule in _rules(ctx):
        for path, condition in iter_conditions(rule["when"], ("when",)):
            fact = condition.get("fact")
            observation = kb.observations.get(fact)
            if observation is None:
                yield ctx.rule_problem(rid, path + ("fact",), "MK303", f"observation '{fact}' does not exist", ref=fact)
                continue
            op = operator_of(condition)
            kind = observation.get("type")
            if op not in _OPERATORS_FOR.get(kind, set()):
                yield ctx.rule_problem(rid, path + (op,), "MK304", f"'{op}' cannot test {kind} observation '{fact}'", key=True)
                continue
            if op == "answered":
                if observation.get("derived"):
                    yield ctx.rule_problem(rid, path, "MK311", f"'answered' cannot test derived fact '{fact}'")
                continue
            if observation.get("derived") and fact not in derived_by_rules:
                yield ctx.rule_problem(rid, path + ("fact",), "MK310", f"no rule derives '{fact}'")
            targets = condition[op] if op in ("in", "not_in") else [condition[op]]
            for index, target in enumerate(targets):
                where = path + (op, index) if op in ("in", "not_in") else path + (op,)
                if op in NUMERIC_OPERATORS:
                    low, high = observation.get("minimum"), observation.get("maximum")
                    if (low is not None and target < low) or (high is not None and target > high):
                        yield ctx.rule_problem(rid, where, "MK304", f"'{fact}' ranges {low}–{high}; {op} {target} is outside it")
                    continue
                reason = _value_problem(observation, target, kb.symptoms)
                if reason:
                    code = "MK303" if kind == "symptom_list" else "MK304"
                    yield ctx.rule_problem(rid, where, code, f"'{fact}' {reason}", ref=target if code == "MK303" else None)
        yield from _check_conclusion(ctx, rid, rule)


def _check_conclusion(ctx: LintContext, rid: str, rule: dict) -> Iterator[Problem]:
    kb = ctx.kb
    what, detail = conclusion(rule)
    if what == "derive":
        fact, value = detail
        observation = kb.observations.get(fact)
        if observation is None:
            yield ctx.rule_problem(
                rid, ("then", "derive", fact), "MK303", f"derived fact '{fact}' is not declared in observations/", key=True, ref=fact
            )
        elif not observation.get("derived"):
            yield ctx.rule_problem(
                rid, ("then", "derive", fact), "MK311", f"'{fact}' is an input observation, not a derived fact", key=True
            )
        else:
            reason = _value_problem(observation, value, kb.symptoms)
            if reason:
                yield ctx.rule_problem(rid, ("then", "derive", fact), "MK304", f"'{fact}' {reason}")
    else:
        cause = detail[0] if what == "suspect" else detail
        if cause not in kb.causes:
            where = ("then", "suspect", "cause") if what == "suspect" else ("then", "rule_out")
            yield ctx.rule_problem(rid, where, "MK303", f"cause '{cause}' does not exist", ref=cause)


def _engine_number_ok(value: Any) -> bool:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return True
    return value == 0 or 1e-4 <= abs(value) < 1e15


@check("engine-limits", "MK312")
def check_engine_limits(ctx: LintContext) -> Iterator[Problem]:
    """MK312: what durable-rules cannot run correctly (too many patterns, numbers it cannot parse)."""
    for rid, rule in _rules(ctx):
        longest = max((len(conj) for conj in dnf(rule["when"])), default=0)
        if longest > ENGINE_MAX_CONDITIONS:
            yield ctx.rule_problem(
                rid, ("when",), "MK312", f"{longest} conditions in one alternative; the engine allows {ENGINE_MAX_CONDITIONS}"
            )
        for path, condition in iter_conditions(rule["when"], ("when",)):
            op = operator_of(condition)
            values = condition[op] if isinstance(condition[op], list) else [condition[op]]
            if len(values) > ENGINE_MAX_ALTERNATIVES:
                yield ctx.rule_problem(rid, path + (op,), "MK312", f"{len(values)} values; the engine allows {ENGINE_MAX_ALTERNATIVES}")
            for value in values:
                if not _engine_number_ok(value):
                    yield ctx.rule_problem(rid, path + (op,), "MK312", f"the engine cannot compare {value!r} exactly")


@check("reachability", "MK305 MK306 MK314", needs_complete=True)
def check_reachability(ctx: LintContext) -> Iterator[Problem]:
    """MK305, MK306, MK314: every cause suspected, every remedy used, every observation asked for a reason."""
    kb = ctx.kb
    suspected = {conclusion(rule)[1][0] for _, rule in _rules(ctx) if "suspect" in rule["then"]}
    for ident in kb.causes:
        if ident not in suspected:
            yield ctx.entity_problem("cause", ident, ("id",), "MK305", f"no rule suspects cause '{ident}'")
    used = {r for cause in kb.causes.values() for r in (cause.get("remedies") or ()) if isinstance(r, str)}
    for ident in kb.remedies:
        if ident not in used:
            yield ctx.entity_problem("remedy", ident, ("id",), "MK306", f"no cause lists remedy '{ident}'")
    tested = {c.get("fact") for _, rule in _rules(ctx) for _, c in iter_conditions(rule["when"])}
    for ident, observation in kb.observations.items():
        if not observation.get("derived") and ident not in tested and ident != "error_message":
            yield ctx.entity_problem("observation", ident, ("id",), "MK314", f"no rule tests observation '{ident}'")


_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")


def _texts(ctx: LintContext) -> Iterator[tuple[str, tuple, dict]]:
    """(file, path, {ja, en}) for every localized text in every file."""
    for source in ctx.files:
        if source.folder is None or source.doc.data is None:
            continue
        for path, value in walk(source.doc.data):
            if is_text(value):
                yield source.rel, path, value


@check("texts", "MK307 MK309 MK313")
def check_texts(ctx: LintContext) -> Iterator[Problem]:
    """MK307, MK309, MK313: both languages written, safe Markdown, the same structure."""
    parser, blocks = lint_parser(), block_parser()
    markdown = markdown_fields()
    for rel, path, text in _texts(ctx):
        ja, en = text.get("ja"), text.get("en")
        for lang, value in (("ja", ja), ("en", en)):
            if isinstance(value, str) and value and not value.strip():
                yield ctx.problem(rel, path + (lang,), "MK307", f"{'/'.join(map(str, path))}: {lang} text is blank")
        if isinstance(ja, str) and isinstance(en, str) and ja.strip() and ja.strip() == en.strip() and _JAPANESE.search(ja):
            yield ctx.problem(rel, path + ("en",), "MK307", f"{'/'.join(map(str, path))}: en is a copy of the Japanese text")
        if not (path and path[-1] in markdown):
            continue  # plain text: rendered escaped, never as Markdown
        shapes = {}
        for lang, value in (("ja", ja), ("en", en)):
            if not isinstance(value, str) or not _may_be_markdown(value):
                shapes[lang] = (0, 0, 0)
                continue
            tokens = (parser if may_hold_markup(value) else blocks).parse(value)
            for problem in _markdown_problems(tokens):
                line_offset, message = problem
                line, col = ctx.by_rel[rel].doc.text_start(path + (lang,))
                yield Problem(ctx.display(rel), line + line_offset, col, "MK309", f"{lang}: {message}")
            shapes[lang] = _shape(tokens)
        if shapes.get("ja") != shapes.get("en") and isinstance(ja, str) and isinstance(en, str):
            yield ctx.problem(
                rel,
                path,
                "MK313",
                f"{'/'.join(map(str, path))}: ja and en differ in structure (items, headings, links): {shapes['ja']} vs {shapes['en']}",
            )


def _may_be_markdown(value: str) -> bool:
    return any(mark in value for mark in ("\n", "<", "[", "`", "#", "- ", "* ", "1. ", ":"))


def _markdown_problems(tokens: list) -> Iterator[tuple[int, str]]:
    for token in tokens:
        line = token.map[0] if token.map else 0
        if token.type in ("html_block", "html_inline"):
            yield line, f"raw HTML is not rendered: {token.content.strip()[:60]!r}"
        for child in token.children or ():
            if child.type == "html_inline":
                yield line, f"raw HTML is not rendered: {child.content.strip()[:60]!r}"
            if child.type == "link_open" and not link_is_safe(child.attrs.get("href", "")):
                yield line, f"link target not allowed: {child.attrs.get('href')!r}"


def _shape(tokens: list) -> tuple[int, int, int]:
    counts = Counter(t.type for t in tokens)
    links = sum(1 for t in tokens for c in (t.children or ()) if c.type == "link_open")
    return counts["list_item_open"], counts["heading_open"], links


@check("sources", "MK315")
def check_sources(ctx: LintContext) -> Iterator[Problem]:
    """MK315: one URL, one title and kind, wherever it is cited."""
    first: dict[str, tuple[str, str, str]] = {}  # url -> (title, kind, where)
    for source in ctx.files:
        for path, value in walk(source.doc.data):
            if len(path) < 2 or path[-2] != "sources" or not isinstance(value, dict) or not isinstance(value.get("url"), str):
                continue
            seen = first.setdefault(value["url"], (value.get("title"), value.get("kind"), ctx.display(source.rel)))
            if (value.get("title"), value.get("kind")) != seen[:2]:
                yield ctx.problem(
                    source.rel, path, "MK315",
                    f"{value['url']} is cited as {value.get('title')!r} ({value.get('kind')}) here but {seen[0]!r} ({seen[1]}) in {seen[2]}",
                )  # fmt: skip


@check("patterns", "MK330")
def check_patterns(ctx: LintContext) -> Iterator[Problem]:
    """MK330: every evidence pattern compiles, matches its own example, and yields values its observations accept."""
    from ..evidence.patterns import RECIPIENT, PatternError, build_book, compile_match, convert, logical_lines

    book = build_book(ctx.kb)
    for set_id, data in ctx.kb.entities.get("pattern", {}).items():
        for index, entry in enumerate(data.get("patterns") or ()):
            if not isinstance(entry, dict) or not isinstance(entry.get("match"), str):
                continue
            path = ("patterns", index)
            try:
                source, _, groups = compile_match(entry["match"])
            except PatternError as err:
                yield ctx.entity_problem("pattern", set_id, (*path, "match"), "MK330", f"pattern '{entry.get('id')}': {err}")
                continue
            example = entry.get("example")
            if isinstance(example, str) and not any(re.search(source, line.text) for line in logical_lines(example)):
                yield ctx.entity_problem(
                    "pattern", set_id, (*path, "example"), "MK330", f"pattern '{entry.get('id')}' does not match its example"
                )
            yield from _yield_problems(ctx, book, set_id, (*path, "yields"), entry.get("yields"), set(groups), RECIPIENT, convert)
        for index, entry in enumerate(data.get("domains") or ()):
            if isinstance(entry, dict):
                yield from _yield_problems(ctx, book, set_id, ("domains", index, "yields"), entry.get("yields"), set(), RECIPIENT, convert)


def _yield_problems(ctx, book, set_id, path, yields, groups, recipient, convert) -> Iterator[Problem]:
    for observation, value in (yields or {}).items() if isinstance(yields, dict) else ():
        where = (*path, observation)
        named = set(re.findall(r"\{([a-z]+)\}", value)) if isinstance(value, str) else set()
        obs = ctx.kb.observations.get(observation)
        if observation != recipient and (obs is None or obs.get("derived")):
            yield ctx.entity_problem("pattern", set_id, where, "MK330", f"'{observation}' is not an input observation", key=True)
        elif named - groups:
            yield ctx.entity_problem("pattern", set_id, where, "MK330", f"'{value}' names a placeholder the match does not have")
        elif not named and convert(book, observation, value, {}) is None:
            yield ctx.entity_problem("pattern", set_id, where, "MK330", f"{observation} cannot take the value {value!r}")


KB_CHECKS = (
    check_ids,
    check_references,
    check_rules,
    check_engine_limits,
    check_reachability,
    check_texts,
    check_sources,
    check_patterns,
    *CONTENT_CHECKS,
)
