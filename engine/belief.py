"""The belief over causes behind the next questions, and the expected cost of repair (docs/engine-semantics.md §7.1–§7.2).

The rules give each cause a suspicion (1 − Π(1 − w)); the causes' priors give the distribution with nothing known.
The belief mixes the two: with probability β = Π(1 − a(c)) none of the suspicions is right, and then the cause is
distributed by prior, where a cause that neither a rule nor the symptoms' `related` lists connect to the reported
symptoms keeps only LEAK of its prior (a symptom the cause does not produce is evidence against it). The expected cost of repair (Heckerman, Breese and
Rommelse 1995) follows the plan in the order P(fix)/minutes and may hand what is left to support at any point.

Beliefs and costs are computed for many hypothetical answers at once, one row each, with numpy. Every sum and
product runs in the order the semantics document gives (elementwise, or `cumsum`/`cumprod` along a row, which
add one element after the other), so the results equal the JavaScript port's loops bit for bit.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .facts import alternatives
from .kb import KnowledgeBase
from .planning import open_remedies, shares, stage_rank, tried_factor

DEFAULT_PRIOR = 0.01  # a cause without `prior`
LEAK = 0.1  # the prior weight kept by a cause that nothing connects to the reported symptoms
SERVICE_MINUTES = 60.0  # handing what is left to Apple Support or the carrier: the contact (30 min) and its follow-up


class PlanShape:
    """The open remedies of every cause for one platform and set of tried steps, as arrays over the remedies.

    Columns are the remedies in tie order (stage, then id). For each j, `slots[j]` holds the remedies listed by more
    than j causes, with their j-th cause (in cause-id order) and its share: P(fix) is summed slot after slot.
    """

    def __init__(self, model: CauseModel, platform: str | None, tried: frozenset[str]):
        listed: dict[str, list[tuple[int, float]]] = {}
        for i, cause in enumerate(model.ids):
            remedies = open_remedies(model.kb, cause, platform, tried)
            for remedy, share in zip(remedies, shares(len(remedies)), strict=True):
                listed.setdefault(remedy, []).append((i, share))
        width = max((len(v) for v in listed.values()), default=0)
        # slot j: the remedies with more than j causes, their j-th cause and share (adding slot by slot keeps cause order)
        self.slots: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        for j in range(width):
            columns = [c for c, r in enumerate(model.remedies) if len(listed.get(r, ())) > j]
            causes = [listed[model.remedies[c]][j][0] for c in columns]
            cause_shares = [listed[model.remedies[c]][j][1] for c in columns]
            self.slots.append((np.array(columns, dtype=np.intp), np.array(causes, dtype=np.intp), np.array(cause_shares)))


class CauseModel:
    """Per knowledge base: the causes (in id order) with priors, suspecting rules and symptom links; the remedies."""

    def __init__(self, kb: KnowledgeBase, conclusions: list[tuple[str, Any]]):
        self.kb = kb
        self.ids = sorted(kb.causes)
        self.index = {c: i for i, c in enumerate(self.ids)}
        self.prior = np.array([float(kb.causes[c].get("prior") or DEFAULT_PRIOR) for c in self.ids])
        self.rank_prior = [kb.causes[c].get("prior") or 0 for c in self.ids]  # §5's tie-break (missing = 0)
        self.suspects: list[list[tuple[int, float]]] = [[] for _ in self.ids]  # (rule index, weight) in rule order
        self.rule_cause: dict[int, int] = {}  # suspect and rule_out rules -> their cause's index
        self.rule_outs: set[int] = set()
        for rule, (what, detail) in enumerate(conclusions):
            cause = detail[0] if what == "suspect" else detail if what == "rule_out" else None
            if cause not in self.index:
                continue
            self.rule_cause[rule] = self.index[cause]
            if what == "suspect":
                self.suspects[self.index[cause]].append((rule, detail[1]))
            else:
                self.rule_outs.add(rule)
        self.links = symptom_links(kb, conclusions)
        self.remedies = sorted(kb.remedies, key=lambda r: (stage_rank(kb.remedies[r]["stage"]), r))  # tie order
        self.minutes = np.array([float(kb.remedies[r]["minutes"]) for r in self.remedies])
        self._plans: dict[tuple[str | None, frozenset[str]], PlanShape] = {}
        self._factors: dict[tuple[str | None, frozenset[str]], np.ndarray] = {}
        self._weak: dict[tuple[str, ...], np.ndarray] = {}

    def remaining(self, cause: int, fired: set[int]) -> float:
        """Π (1 − w) over the fired rules suspecting the cause, in rule-index order (1.0 when none fired)."""
        value = 1.0
        for rule, weight in self.suspects[cause]:
            if rule in fired:
                value *= 1.0 - weight
        return value

    def factors(self, platform: str | None, tried: frozenset[str]) -> np.ndarray:
        """Each cause's tried factor (§5)."""
        key = (platform, tried)
        if key not in self._factors:
            self._factors[key] = np.array([tried_factor(self.kb, c, platform, tried) for c in self.ids])
        return self._factors[key]

    def plan(self, platform: str | None, tried: frozenset[str]) -> PlanShape:
        key = (platform, tried)
        if key not in self._plans:
            if len(self._plans) > 64:
                self._plans.clear()
            self._plans[key] = PlanShape(self, platform, tried)
        return self._plans[key]

    def weak(self, symptoms: tuple[str, ...]) -> np.ndarray:
        """A mask of the causes nothing connects to any of the reported symptoms (none when no symptom is reported)."""
        if symptoms not in self._weak:
            linked: set[str] = set()
            for symptom in symptoms:
                linked |= self.links.get(symptom, set())
            self._weak[symptoms] = np.array([bool(symptoms) and c not in linked for c in self.ids])
        return self._weak[symptoms]


def symptom_links(kb: KnowledgeBase, conclusions: list[tuple[str, Any]]) -> dict[str, set[str]]:
    """symptom -> the causes connected to it (§7.1): a rule about the cause tests `symptoms has` it, or a fact derived
    from it; or the symptom's `related` names the cause, or names a symptom whose `related` names it."""
    alts = [alternatives(rule["when"]) for rule in kb.rules]

    def mentioned(alt: Any, derived_from: dict[str, set[str]]) -> set[str]:
        found: set[str] = set()
        for fact, tests in alt:
            if fact == "symptoms":
                found |= {target for op, target in tests if op == "has"}
            found |= derived_from.get(fact, set())
        return found

    derived_from: dict[str, set[str]] = {}  # derived fact -> the symptoms it can be derived from
    changed = True
    while changed:
        changed = False
        for rule, (what, detail) in enumerate(conclusions):
            if what == "derive":
                found = set().union(*(mentioned(alt, derived_from) for alt in alts[rule]))
                if not found <= derived_from.setdefault(detail[0], set()):
                    derived_from[detail[0]] |= found
                    changed = True
    links: dict[str, set[str]] = {}
    for rule, (what, detail) in enumerate(conclusions):
        if what != "derive":
            cause = detail[0] if what == "suspect" else detail
            for alt in alts[rule]:
                for symptom in mentioned(alt, derived_from):
                    links.setdefault(symptom, set()).add(cause)
    for symptom in kb.symptoms:
        for cause in related(kb, symptom, "cause"):
            links.setdefault(symptom, set()).add(cause)
        for other in related(kb, symptom, "symptom"):
            for cause in related(kb, other, "cause"):
                links.setdefault(symptom, set()).add(cause)
    return links


def related(kb: KnowledgeBase, symptom: str, kind: str) -> list[str]:
    """The ids of a kind (cause, symptom) a symptom's `related` list names."""
    data = kb.symptoms.get(symptom) or {}
    return [ref.partition(":")[2] for ref in data.get("related") or () if isinstance(ref, str) and ref.partition(":")[0] == kind]


def beliefs(model: CauseModel, remaining: np.ndarray, ruled: np.ndarray, factors: np.ndarray, weak: np.ndarray) -> np.ndarray:
    """P(c) per row (rows × causes; 0 where ruled out), §7.1.

    a(c) = (1 − remaining(c)) × tried factor; π'(c) = prior × tried factor (× LEAK when weak); β = Π (1 − a(c)) over
    a > 0; P(c) = (1 − β) × (a(c) / Σa) + β × (π'(c) / Σπ'), or π'(c) / Σπ' when Σa = 0.
    """
    a = np.where(ruled, 0.0, (1.0 - remaining) * factors)
    p = np.where(ruled, 0.0, (model.prior * factors) * np.where(weak, LEAK, 1.0))
    total_a = np.cumsum(a, axis=1)[:, -1:]
    total_p = np.cumsum(p, axis=1)[:, -1:]
    beta = np.cumprod(np.where(a > 0, 1.0 - a, 1.0), axis=1)[:, -1:]
    with np.errstate(divide="ignore", invalid="ignore"):
        prior_part = p / total_p
        mixed = (1.0 - beta) * (a / total_a) + beta * prior_part
        result = np.where(total_a > 0, mixed, prior_part)
    return np.where(total_p > 0, result, 0.0)


def expected_costs(model: CauseModel, probabilities: np.ndarray, plan: PlanShape) -> np.ndarray:
    """The expected minutes of the best plan per row, §7.2: min(S, min_k Σ_{i≤k} m_i (1 − Σ_{j<i} p_j) + S (1 − Σ_{j≤k} p_j)),
    the steps with p > 0 in the order p/minutes descending (then tie order)."""
    rows = probabilities.shape[0]
    p_fix = np.zeros((rows, len(model.remedies)))
    for columns, causes, shares_j in plan.slots:
        p_fix[:, columns] += probabilities[:, causes] * shares_j
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(p_fix > 0, p_fix / model.minutes, -np.inf)
    order = np.argsort(-ratio, axis=1, kind="stable")
    p_sorted = np.take_along_axis(p_fix, order, axis=1)
    minutes = np.where(p_sorted > 0, model.minutes[order], 0.0)
    done = np.cumsum(p_sorted, axis=1)
    before = np.concatenate([np.zeros((rows, 1)), done[:, :-1]], axis=1)
    cost = np.cumsum(minutes * (1.0 - before), axis=1)
    total = cost + SERVICE_MINUTES * (1.0 - done)
    return np.minimum(SERVICE_MINUTES, total.min(axis=1, initial=SERVICE_MINUTES))
