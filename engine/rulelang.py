"""The rule language (docs/engine-semantics.md §3): conditions, the meaning of one test, and disjunctive normal form.

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


def same_value(a: Any, b: Any) -> bool:
    """Equality of fact values: booleans never equal numbers (True is not 1); 3 equals 3.0; otherwise same type."""
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    return type(a) is type(b) and a == b


def test_value(op: str, target: Any, value: Any) -> bool:
    """Whether one value of a fact passes one test (`answered` is decided by the fact store, not here)."""
    if op == "is":
        return same_value(value, target)
    if op == "is_not":
        return not same_value(value, target)
    if op == "in":
        return any(same_value(value, t) for t in target)
    if op == "not_in":
        return not any(same_value(value, t) for t in target)
    if op == "has":
        return isinstance(value, list) and target in value
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return False
    return {"gt": value > target, "gte": value >= target, "lt": value < target, "lte": value <= target}[op]


def conclusion(rule: dict) -> tuple[str, Any]:
    """('derive', (fact, value)) | ('suspect', (cause, weight)) | ('rule_out', cause)."""
    then = rule["then"]
    if "derive" in then:
        ((fact, value),) = then["derive"].items()
        return "derive", (fact, value)
    if "suspect" in then:
        return "suspect", (then["suspect"]["cause"], then["suspect"]["weight"])
    return "rule_out", then["rule_out"]
