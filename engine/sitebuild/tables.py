"""The seed's tables, regenerated from the data: message interpretation, isolation matrix, check sheet."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..rulelang import conclusion, iter_conditions
from .context import AREA_ORDER, SiteData

ISOLATION_GROUP = "isolation"


@dataclass
class MessageRow:
    """One symptom with its messages, likely causes and the first remedy of each."""

    symptom: str
    messages: list[dict]
    causes: list[tuple[str, float, str | None]]  # cause, weight, first remedy


def message_rows(data: SiteData, limit: int = 3) -> list[MessageRow]:
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
    rows: list[dict] = field(default_factory=list)  # {rule, cells: {fact: [alternative conditions]}, extra: [when-nodes], kind, what}
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
        cells, extra = _cells(rule["when"], used)
        try:
            kind, what = conclusion(rule)
        except (KeyError, ValueError, TypeError):
            continue
        row = {"rule": rule, "cells": cells, "extra": extra, "kind": kind, "what": what}
        (matrix.rows if direct else matrix.follow).append(row)
    return matrix


def _cells(when: dict, columns: list[str]) -> tuple[dict[str, list[dict]], list[dict]]:
    """A rule's conditions as matrix cells and the rest. A column's cell holds the conditions on its fact, as
    alternatives when the rule accepts any of them ("yes, or not checked"); every other part of the rule goes to
    `extra` as a when-node (to be put in words)."""
    parts = when.get("all") if "all" in when else [when]
    cells: dict[str, list[dict]] = {}
    extra: list[dict] = []
    for part in parts or ():
        options = [part] if "fact" in part else part.get("any") or []
        facts = {o.get("fact") for o in options if "fact" in o}
        same_fact = len(facts) == 1 and all("fact" in o for o in options) and ("fact" in part or "any" in part)
        fact = next(iter(facts)) if same_fact else None
        if fact in columns and fact not in cells:
            cells[fact] = options
        else:
            extra.append(part)
    return cells, extra


def checklists(data: SiteData) -> list[dict]:
    """Guides that are checklists (the check sheets): the final check sheet first, then by id."""
    guides = [g for _, g in sorted(data.kb.entities.get("guide", {}).items()) if g.get("kind") == "checklist"]
    return sorted(guides, key=lambda g: ("final" not in str(g.get("id")), str(g.get("id"))))
