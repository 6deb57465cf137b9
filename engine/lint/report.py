"""Lint findings as text (file:line:col: CODE message + hint), GitHub annotations or JSON."""

from __future__ import annotations

import json

from .runner import LintResult


def as_text(result: LintResult, *, hints: bool = True) -> str:
    lines = []
    for p in result.problems:
        lines.append(f"{p.path}:{p.line}:{p.col}: {p.code} {p.message}" + (" [warning]" if p.severity == "warning" else ""))
        if hints:
            lines.append(f"    hint: {p.hint}")
    errors, warnings = len(result.errors), len(result.warnings)
    lines.append(f"{result.files} files checked in {result.seconds:.2f}s: {errors} error(s), {warnings} warning(s)")
    return "\n".join(lines)


def _escape(value: str, *, prop: bool = False) -> str:
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    return value.replace(":", "%3A").replace(",", "%2C") if prop else value


def as_github(result: LintResult) -> str:
    lines = []
    for p in result.problems:
        props = f"file={_escape(p.path, prop=True)},line={p.line},col={p.col},title={_escape(p.code + ' ' + p.name, prop=True)}"
        lines.append(f"::{p.severity} {props}::{_escape(p.message + ' — ' + p.hint)}")
    return "\n".join(lines)


def as_json(result: LintResult) -> str:
    return json.dumps(
        {
            "files": result.files,
            "errors": len(result.errors),
            "warnings": len(result.warnings),
            "problems": [p.to_dict() for p in result.problems],
        },
        ensure_ascii=False,
        indent=2,
    )


FORMATS = {"text": as_text, "github": as_github, "json": as_json}
