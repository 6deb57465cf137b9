"""Hypothesis strategies: random valid queries for a knowledge base."""

from __future__ import annotations

from hypothesis import strategies as st

from mailkb.facts import alternatives
from mailkb.kb import KnowledgeBase
from mailkb.query import WHOLE_UNITS, allowed_values


def _rule_constants(kb: KnowledgeBase, fact: str) -> list:
    """Every value the rules compare a fact with."""
    found = []
    for rule in kb.rules:
        for alt in alternatives(rule["when"]):
            for name, tests in alt:
                if name == fact:
                    for _, target in tests:
                        found.extend(target if isinstance(target, list) else [target])
    return found


def _rule_numbers(kb: KnowledgeBase, fact: str) -> list[float]:
    """Thresholds the rules use for a number observation (and their neighbours)."""
    found: set[float] = set()
    for value in _rule_constants(kb, fact):
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            found.update({value, value - 1, value + 1, value - 0.5, value + 0.5})
    return sorted(found)


def _messages(kb: KnowledgeBase) -> list[str]:
    texts = ["", "関係のない文章", "Error 535"]
    for symptom in kb.symptoms.values():
        for message in symptom.get("messages") or ():
            texts += [message["text"]["ja"], f"「{message['text']['ja']}」と出ます", message["text"]["en"].upper()]
    return texts


def value_strategy(kb: KnowledgeBase, ident: str) -> st.SearchStrategy:
    observation = kb.observations[ident]
    kind = observation["type"]
    if kind == "boolean":
        return st.booleans()
    if kind == "enum":
        return st.sampled_from(allowed_values(observation))
    if kind == "number":
        low, high = observation["minimum"], observation["maximum"]
        inside = [v for v in _rule_numbers(kb, ident) if low <= v <= high] + [low, high]
        if observation.get("unit") in WHOLE_UNITS:  # ports, counts, codes and bits are whole numbers
            return st.one_of(st.sampled_from(sorted({int(v) for v in inside if float(v).is_integer()})), st.integers(int(low), int(high)))
        return st.one_of(
            st.sampled_from(sorted(set(inside))),
            st.integers(int(low), int(high)),
            st.floats(low, high, allow_nan=False, allow_infinity=False),
        )
    if kind == "symptom_list":
        return st.lists(st.sampled_from(sorted(kb.symptoms)), unique=True, max_size=4)
    constants = sorted({v for v in _rule_constants(kb, ident) if isinstance(v, str)})
    if observation.get("pattern"):
        pattern = st.from_regex(observation["pattern"])
        return st.one_of(st.sampled_from(constants), pattern) if constants else pattern
    return st.one_of(st.sampled_from(_messages(kb) + constants), st.text(max_size=30))


def queries(kb: KnowledgeBase) -> st.SearchStrategy[dict]:
    """Any valid query: a random subset of the input observations with valid values."""
    inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived"))
    return st.fixed_dictionaries({}, optional={ident: value_strategy(kb, ident) for ident in inputs})
