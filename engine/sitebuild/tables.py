"""The seed's tables, regenerated from the data: message interpretation, isolation matrix, check sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rulelang import conclusion, iter_conditions, operator_of
from .context import AREA_ORDER, SiteData

ISOLATION_GROUP = "isolation"


@dataclass
class MessageRow:
    """One symptom with its messages, likely causes and the first remedy of each."""

    symptom: str
    messages: list[dict]
    causes: list[tuple[str, float, str | None]]  # cause, weight, first remedy


def message_rows(data: SiteData, limit: int = 4) -> list[MessageRow]:
    """Rows of the message interpretation table, by area then id."""
    kb = data.kb
    rows = []
    order = {area: i for i, area in enumerate(AREA_ORDER)}
    for ident in sorted(kb.symptoms, key=lambda s: (order.get(kb.symptoms[s].get("area"), 99), s)):
        causes = []
        for link in data.symptom_causes.get(ident, [])[:limit]:
            cause = kb.causes.get(link.cause) or {}
            remedies = [r for r in cause.get("remedies") or () if r in kb.remedies]
            causes.append((link.cause, link.weight, remedies[0] if remedies else None))
        rows.append(MessageRow(ident, list(kb.symptoms[ident].get("messages") or ()), causes))
    return rows


@dataclass
class Matrix:
    """The isolation matrix: one column per isolation observation, one row per rule."""

    facts: list[str]
    rows: list[dict] = field(default_factory=list)  # {rule, cells: {fact: condition}, extra: [conditions], conclusion}
    follow: list[dict] = field(default_factory=list)  # rules that build on a finding of the matrix


def isolation_matrix(data: SiteData) -> Matrix:
    """Rules whose conditions are isolation observations (or facts derived from them)."""
    kb = data.kb
    base = {ident for ident, obs in kb.observations.items() if obs.get("group") == ISOLATION_GROUP}
    derived: set[str] = set()
    chosen: list[dict] = []
    taken: set[int] = set()
    changed = True
    while changed:
        changed = False
        for rule in kb.rules:
            if id(rule) in taken or not isinstance(rule.get("when"), dict):
                continue
            facts = {cond.get("fact") for _, cond in iter_conditions(rule["when"])}
            if facts & (base | derived):
                chosen.append(rule)
                taken.add(id(rule))
                changed = True
                try:
                    kind, what = conclusion(rule)
                except (KeyError, ValueError, TypeError):
                    continue
                if kind == "derive":
                    derived.add(what[0])
    used = [f for f in sorted(base) if any(c.get("fact") == f for r in chosen for _, c in iter_conditions(r["when"]))]
    matrix = Matrix(facts=used)
    for rule in chosen:
        direct = any(c.get("fact") in base for _, c in iter_conditions(rule["when"]))
        cells: dict[str, dict] = {}
        extra: list[dict] = []
        for path, cond in iter_conditions(rule["when"]):
            fact = cond.get("fact")
            if fact in used and fact not in cells and "any" not in path:
                cells[fact] = cond
            else:
                extra.append(cond)
        try:
            kind, what = conclusion(rule)
        except (KeyError, ValueError, TypeError):
            continue
        row = {"rule": rule, "cells": cells, "extra": extra, "kind": kind, "what": what}
        (matrix.rows if direct else matrix.follow).append(row)
    return matrix


def cell_value(cond: dict) -> tuple[str, object]:
    """(operator, value) of a matrix cell."""
    op = operator_of(cond)
    return op, cond.get(op)


def checklists(data: SiteData) -> list[dict]:
    """Guides that are checklists (the check sheets): the final check sheet first, then by id."""
    guides = [g for _, g in sorted(data.kb.entities.get("guide", {}).items()) if g.get("kind") == "checklist"]
    return sorted(guides, key=lambda g: ("final" not in str(g.get("id")), str(g.get("id"))))
