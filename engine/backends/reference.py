"""The reference evaluator: the rule language in pure Python (the test oracle and fallback).

It fires, again and again, the lowest-index rule that holds and has not fired
(docs/engine-semantics.md §4). An index from facts to the rules that test them
keeps it from rescanning every rule: a rule can only start to hold when one of
its facts gains a value, and once it holds it keeps holding. Rules that test a
list only with `has` are indexed by the item, so a query names the few rules
its symptoms can start.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from typing import Any

from ..facts import Alternative, FactStore, alternatives
from ..kb import KnowledgeBase
from ..rulelang import conclusion


@dataclass
class Frontier:
    """The rules one or two new input facts can start (ReferenceBackend.frontier)."""

    # fact -> (rule, alternative position, its groups on the fact, facts it needs unanswered)
    near: dict[str, list[tuple[int, int, tuple, frozenset[str]]]] = field(default_factory=dict)
    near_item: dict[tuple[str, Any], list[tuple[int, frozenset[str]]]] = field(default_factory=dict)  # (list fact, item) -> rules
    # (fact, fact) sorted -> (rule, alternative position, groups on the first, groups on the second, needs unanswered)
    pairs: dict[tuple[str, str], list[tuple[int, int, tuple, tuple, frozenset[str]]]] = field(default_factory=dict)

    def facts(self) -> set[str]:
        """The input facts some frontier rule waits for."""
        return set(self.near) | {fact for fact, _ in self.near_item} | {fact for pair in self.pairs for fact in pair}


class ReferenceBackend:
    name = "reference"

    def __init__(self, kb: KnowledgeBase):
        self.alternatives: list[list[Alternative]] = [alternatives(rule["when"]) for rule in kb.rules]
        self.derives: list[tuple[str, Any] | None] = []
        self.testing: dict[str, list[int]] = {}  # fact -> rules with a value test on it
        self.having: dict[tuple[str, Any], list[int]] = {}  # (list fact, item) -> rules whose only test on it is `has item`
        self.absent: dict[str, list[int]] = {}  # fact -> rules with `answered: false` on it
        self.derived_facts = {conclusion(rule)[1][0] for rule in kb.rules if conclusion(rule)[0] == "derive"}
        self.unanswered: list[frozenset[str]] = []  # per rule, the facts it tests with `answered: false`
        for index, (rule, alts) in enumerate(zip(kb.rules, self.alternatives, strict=True)):
            what, detail = conclusion(rule)
            self.derives.append(detail if what == "derive" else None)
            keys: set[tuple[str, str, Any]] = set()
            self.unanswered.append(frozenset(fact for alt in alts for fact, tests in alt if tests[0][0] == "answered"))
            for alt in alts:
                for fact, tests in alt:
                    if tests[0][0] == "answered":
                        keys.add(("absent", fact, None))
                    elif all(op == "has" for op, _ in tests):
                        keys.add(("has", fact, tests[0][1]))  # can only hold once the list holds that item
                    else:
                        keys.add(("test", fact, None))
            for how, fact, item in keys:
                if how == "absent":
                    self.absent.setdefault(fact, []).append(index)
                elif how == "has":
                    self.having.setdefault((fact, item), []).append(index)
                else:
                    self.testing.setdefault(fact, []).append(index)

    def evaluate(self, inputs: dict[str, Any]) -> tuple[list[int], FactStore]:
        """Fire rules to the fixpoint: (rule indexes in firing order, the final facts)."""
        store = FactStore(inputs)
        alts = self.alternatives
        candidates: set[int] = set()
        for name, value in inputs.items():
            candidates.update(self.testing.get(name, ()))
            if isinstance(value, list):
                for item in value:
                    candidates.update(self.having.get((name, item), ()))
        for name, indexes in self.absent.items():
            if name not in store.given:
                candidates.update(indexes)
        heap = [i for i in candidates if store.rule_holds(alts[i])]
        heapq.heapify(heap)
        fired: set[int] = set()
        trace: list[int] = []
        while heap:
            index = heapq.heappop(heap)
            if index in fired:
                continue
            fired.add(index)
            trace.append(index)
            derived = self.derives[index]
            if derived is not None and store.add(*derived):
                for other in self.testing.get(derived[0], ()):
                    if other not in fired and store.rule_holds(alts[other]):
                        heapq.heappush(heap, other)
        return trace, store

    def run(self, inputs: dict[str, Any]) -> list[int]:
        return self.evaluate(inputs)[0]

    def frontier(self, store: FactStore, fired: set[int]) -> Frontier:
        """For a fixpoint, the rules that did not fire but can start to hold when one or two input facts (not given)
        are added: an alternative whose groups all hold except those on that fact (or on exactly those two facts).
        Others need more new facts, or a derived one (fire_found follows those). Each entry keeps the alternative's
        groups on the new fact(s) and the facts it needs unanswered; groups of `has` tests alone naming one item are
        filed under (fact, item), so a one-item list answer looks at its own rules only."""
        found = Frontier()
        values = store.values
        holds: dict[tuple[str, int], bool] = {}
        for index, alts in enumerate(self.alternatives):
            if index in fired:
                continue
            for position, alt in enumerate(alts):
                failing: set[str] = set()
                for fact, tests in alt:
                    if fact not in values and tests[0][0] != "answered":
                        failing.add(fact)
                        continue
                    key = (fact, id(tests))  # groups are kept for the life of the backend
                    if key not in holds:
                        holds[key] = store.group_holds(fact, tests)
                    if not holds[key]:
                        failing.add(fact)
                if not 1 <= len(failing) <= 2 or any(f in store.given or f in self.derived_facts for f in failing):
                    continue
                groups = {f: tuple(tests for name, tests in alt if name == f) for f in failing}
                if any(tests[0][0] == "answered" for g in groups.values() for tests in g):
                    continue  # needs the fact unanswered: giving it cannot make this alternative hold
                unanswered = frozenset(fact for fact, tests in alt if tests[0][0] == "answered")
                if len(failing) == 2:
                    first, second = sorted(failing)
                    found.pairs.setdefault((first, second), []).append((index, position, groups[first], groups[second], unanswered))
                    continue
                ((fact, fact_groups),) = groups.items()
                items = {t for tests in fact_groups for op, t in tests if op == "has"}
                if len(items) == 1 and all(op == "has" for tests in fact_groups for op, _ in tests):
                    found.near_item.setdefault((fact, items.pop()), []).append((index, unanswered))
                else:
                    found.near.setdefault(fact, []).append((index, position, fact_groups, unanswered))
        return found

    def needs_restart(self, fired: set[int], names: tuple[str, ...]) -> bool:
        """Whether a rule that fired tests one of `names` with `answered: false` (giving it can stop that rule)."""
        return any(rule in fired for name in names for rule in self.absent.get(name, ()))

    def fire_found(self, store: FactStore, fired: set[int], found: set[int], facts: dict[str, Any]) -> set[int]:
        """`fired` plus `found` (rules that hold once `facts` are added) and whatever their derived facts start."""
        if not found:
            return fired
        if all(self.derives[i] is None for i in found):
            return fired | found
        extended = store
        for name, value in facts.items():
            extended = extended.extended(name, value)
        return self._chain(extended, fired, sorted(found))

    def _chain(self, extended: FactStore, fired: set[int], heap: list[int]) -> set[int]:
        """Fire `heap` and whatever their derived facts start, on top of `fired` (a fixpoint of `extended` before)."""
        if not heap:
            return fired
        heapq.heapify(heap)
        result = set(fired)
        while heap:
            index = heapq.heappop(heap)
            if index in result:
                continue
            result.add(index)
            derived = self.derives[index]
            if derived is not None and extended.add(*derived):
                for other in self.testing.get(derived[0], ()):
                    if other not in result and extended.rule_holds(self.alternatives[other]):
                        heapq.heappush(heap, other)
        return result
