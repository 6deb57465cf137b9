"""The fact store of one diagnosis: input facts (one value each) and derived facts (several values)."""

from __future__ import annotations

from typing import Any

from .rulelang import dnf, operator_of, same_value, test_value


class FactStore:
    """Known facts: `values[name]` lists the values of a fact (input facts have exactly one)."""

    __slots__ = ("given", "values")

    def __init__(self, inputs: dict[str, Any]):
        self.given = frozenset(inputs)
        self.values: dict[str, list[Any]] = {name: [value] for name, value in inputs.items()}

    def extended(self, name: str, value: Any) -> FactStore:
        """A copy with one more input fact (the copy's derived values can grow without touching this store)."""
        copy = FactStore.__new__(FactStore)
        copy.given = self.given | {name}
        copy.values = {fact: list(values) for fact, values in self.values.items()}
        copy.values[name] = [value]
        return copy

    def add(self, name: str, value: Any) -> bool:
        """Add a derived value; False if it was already known."""
        known = self.values.setdefault(name, [])
        if any(same_value(v, value) for v in known):
            return False
        known.append(value)
        return True

    def group_holds(self, fact: str, tests: tuple[tuple[str, Any], ...]) -> bool:
        """Whether one value of `fact` passes every test (answered: false tests the input instead)."""
        if tests and tests[0][0] == "answered":
            return (fact in self.given) is tests[0][1]
        return any(all(test_value(op, target, value) for op, target in tests) for value in self.values.get(fact, ()))

    def alternative_holds(self, alternative: Alternative) -> bool:
        return all(self.group_holds(fact, tests) for fact, tests in alternative)

    def rule_holds(self, alternatives: list[Alternative]) -> bool:
        return any(self.alternative_holds(alt) for alt in alternatives)


Alternative = tuple[tuple[str, tuple[tuple[str, Any], ...]], ...]


def alternatives(when: dict) -> list[Alternative]:
    """A when-tree as alternatives (dnf), each a tuple of (fact, tests) groups in first-mention order.

    Within one alternative, all conditions on the same fact must hold for the same value;
    `answered: false` forms its own group.
    """
    result: list[Alternative] = []
    for conjunction in dnf(when):
        groups: dict[tuple[str, bool], list[tuple[str, Any]]] = {}
        for condition in conjunction:
            op = operator_of(condition)
            key = (condition["fact"], op == "answered")
            test = (op, condition[op])
            if test not in groups.setdefault(key, []):
                groups[key].append(test)
        result.append(tuple((fact, tuple(tests)) for (fact, _), tests in groups.items()))
    return result
