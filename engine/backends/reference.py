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
from typing import Any

from ..facts import Alternative, FactStore, alternatives
from ..kb import KnowledgeBase
from ..rulelang import conclusion


class ReferenceBackend:
    name = "reference"

    def __init__(self, kb: KnowledgeBase):
        self.alternatives: list[list[Alternative]] = [alternatives(rule["when"]) for rule in kb.rules]
        self.derives: list[tuple[str, Any] | None] = []
        self.testing: dict[str, list[int]] = {}  # fact -> rules with a value test on it
        self.having: dict[tuple[str, Any], list[int]] = {}  # (list fact, item) -> rules whose only test on it is `has item`
        self.absent: dict[str, list[int]] = {}  # fact -> rules with `answered: false` on it
        for index, (rule, alts) in enumerate(zip(kb.rules, self.alternatives, strict=True)):
            what, detail = conclusion(rule)
            self.derives.append(detail if what == "derive" else None)
            keys: set[tuple[str, str, Any]] = set()
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
