"""Checks on one file at a time: its text, its modeline and its schema."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING

from ..kb import SourceFile
from ..schemas import KIND_SCHEMAS, schema_valid, validator
from .check import check
from .context import LintContext
from .problem import Problem

if TYPE_CHECKING:  # jsonschema is imported only when a file fails the compiled check
    from jsonschema import ValidationError

_TEXT_KEYS = {"ja", "en"}


@check("yaml", "MK101 MK102 MK103 MK104 MK105 MK106 MK107 MK110", scope="file")
def check_text(ctx: LintContext, source: SourceFile) -> Iterator[Problem]:
    """MK101–MK107, MK110: what the strict YAML loader found."""
    for found in source.doc.problems:
        yield Problem(ctx.display(source.rel), found.line, found.col, found.code, found.message)


@check("stray", "MK109", scope="file")
def check_stray(ctx: LintContext, source: SourceFile) -> Iterator[Problem]:
    """MK109: files that belong to no kind folder."""
    if source.folder is None:
        yield Problem(ctx.display(source.rel), 1, 1, "MK109", "not a knowledge file (expected <kind>/<id>.yaml)")


@check("modeline", "MK108", scope="file")
def check_modeline(ctx: LintContext, source: SourceFile) -> Iterator[Problem]:
    """MK108: the editor modeline that points at the kind's schema."""
    if source.folder is None or not source.doc.text:
        return
    expected = f"# yaml-language-server: $schema=../../schemas/{KIND_SCHEMAS[source.folder]}.schema.json"
    first = source.doc.text.split("\n", 1)[0].rstrip()
    if first != expected:
        yield Problem(ctx.display(source.rel), 1, 1, "MK108", f"first line should be '{expected}'")


@check("schema", "MK201 MK202 MK203 MK204 MK307 MK308", scope="file")
def check_schema(ctx: LintContext, source: SourceFile) -> Iterator[Problem]:
    """MK201–MK204, MK307, MK308: the file against its kind's JSON Schema."""
    if source.folder is None or source.doc.data is None:
        return
    if not isinstance(source.doc.data, dict):
        yield ctx.problem(source.rel, (), "MK203", f"expected a mapping of fields, found {_type_name(source.doc.data)}")
        return
    if schema_valid(KIND_SCHEMAS[source.folder], source.doc.data):
        return  # the common case, decided by the compiled check
    for error in validator(KIND_SCHEMAS[source.folder]).iter_errors(source.doc.data):
        yield _schema_problem(ctx, source, _deepest(error))


def _deepest(error: ValidationError) -> ValidationError:
    # oneOf/anyOf say "not valid under any of the given schemas"; the best sub-error is what an editor needs.
    while error.validator in ("oneOf", "anyOf") and error.context:
        from jsonschema.exceptions import best_match

        error = best_match(error.context)
    return error


def _schema_problem(ctx: LintContext, source: SourceFile, error: ValidationError) -> Problem:
    path = tuple(error.absolute_path)
    where = "/".join(str(p) for p in path) or "(top level)"
    keyword = error.validator
    if keyword == "required":
        missing = _missing_property(error)
        if missing in _TEXT_KEYS:
            return ctx.problem(source.rel, path, "MK307", f"{where}: {_lang(missing)} text is missing")
        if missing == "sources":
            return ctx.problem(source.rel, path, "MK308", f"{where}: `sources` is missing")
        return ctx.problem(source.rel, path, "MK201", f"{where}: required field '{missing}' is missing")
    if keyword == "additionalProperties":
        allowed = set(error.schema.get("properties", {}))
        extra = [k for k in error.instance if k not in allowed]
        name = extra[0] if extra else "?"
        hint = f"; allowed: {', '.join(sorted(allowed))}" if allowed else ""
        return ctx.problem(source.rel, path + (name,), "MK202", f"{where}: unknown field '{name}'{hint}", key=True)
    if keyword == "minLength" and path and path[-1] in _TEXT_KEYS:
        return ctx.problem(source.rel, path, "MK307", f"{where}: {_lang(path[-1])} text is empty")
    if keyword == "minItems" and path and path[-1] == "sources":
        return ctx.problem(source.rel, path, "MK308", f"{where}: `sources` is empty")
    if keyword == "type":
        expected = error.validator_value
        return ctx.problem(source.rel, path, "MK203", f"{where}: expected {expected}, found {_type_name(error.instance)}")
    return ctx.problem(source.rel, path, "MK204", f"{where}: {_short(error.message)}")


def _missing_property(error: ValidationError) -> str:
    # jsonschema yields one error per missing property: "'text' is a required property"
    match = re.match(r"^'([^']*)' is a required property", error.message)
    return match.group(1) if match else "?"


def _lang(key: str) -> str:
    return {"ja": "Japanese (ja)", "en": "English (en)"}.get(key, key)


def _type_name(value: object) -> str:
    return {dict: "a mapping", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number",
            type(None): "nothing (null)"}.get(type(value), type(value).__name__)  # fmt: skip


def _short(message: str, limit: int = 200) -> str:
    return message if len(message) <= limit else message[: limit - 1] + "…"


FILE_CHECKS = (check_text, check_stray, check_modeline, check_schema)
