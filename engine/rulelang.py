"""The rule language of DESIGN.md: conditions, their meaning, and their disjunctive normal form.

One definition shared by the linter, the durable-rules compiler, the reference
evaluator and (mirrored in JavaScript) the site's wizard.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

OPERATORS = ("is", "is_not", "in", "not_in", "gt", "gte", "lt", "lte", "has", "answered")
NUMERIC_OPERATORS = ("gt", "gte", "lt", "lte")
Condition = dict[str, Any]


def operator_of(condition: Condition) -> str:
    """The one operator key of a condition (besides `fact`)."""
    for key in condition:
        if key != "fact":
            return key
    raise ValueError("condition has no operator")


def iter_conditions(node: dict, path: tuple = ()) -> Iterator[tuple[tuple, Condition]]:
    """Every leaf condition of a when-tree with its path inside the tree."""
    if "fact" in node:
        yield path, node
        return
    for group in ("all", "any"):
        for index, child in enumerate(node.get(group, ())):
            yield from iter_conditions(child, path + (group, index))


def dnf(node: dict) -> list[list[Condition]]:
    """The when-tree as alternatives of conjunctions (`any` becomes separate alternatives)."""
    if "fact" in node:
        return [[node]]
    if "any" in node:
        return [conj for child in node["any"] for conj in dnf(child)]
    parts = [dnf(child) for child in node.get("all", ())]
    return [list(itertools.chain.from_iterable(combo)) for combo in itertools.product(*parts)]


def _same_type(a: Any, b: Any) -> bool:
    # bool is a subclass of int in Python; True must never equal 1 here.
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool)
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return True
    return type(a) is type(b)


def _equal(a: Any, b: Any) -> bool:
    return _same_type(a, b) and a == b


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def holds(condition: Condition, facts: dict[str, Any]) -> bool:
    """Whether one condition holds over the known facts (absent facts never hold, except answered: false)."""
    fact = condition["fact"]
    op = operator_of(condition)
    if op == "answered":
        return (fact in facts) is condition[op]
    if fact not in facts:
        return False
    value, target = facts[fact], condition[op]
    if op == "is":
        return _equal(value, target)
    if op == "is_not":
        return not _equal(value, target)
    if op == "in":
        return any(_equal(value, t) for t in target)
    if op == "not_in":
        return not any(_equal(value, t) for t in target)
    if op == "has":
        return isinstance(value, list) and target in value
    if not _is_number(value):
        return False
    return {"gt": value > target, "gte": value >= target, "lt": value < target, "lte": value <= target}[op]


def when_holds(node: dict, facts: dict[str, Any]) -> bool:
    """Whether a when-tree holds."""
    if "fact" in node:
        return holds(node, facts)
    if "any" in node:
        return any(when_holds(child, facts) for child in node["any"])
    return all(when_holds(child, facts) for child in node.get("all", ()))


def conclusion(rule: dict) -> tuple[str, Any]:
    """('derive', (fact, value)) | ('suspect', (cause, weight)) | ('rule_out', cause)."""
    then = rule["then"]
    if "derive" in then:
        ((fact, value),) = then["derive"].items()
        return "derive", (fact, value)
    if "suspect" in then:
        return "suspect", (then["suspect"]["cause"], then["suspect"]["weight"])
    return "rule_out", then["rule_out"]
