"""The belief over causes behind the next questions, and the expected cost of repair (docs/engine-semantics.md §7.1–§7.2).

The rules give each cause a suspicion (1 − Π(1 − w)); the causes' priors give the distribution with nothing known.
The belief mixes the two: with probability β = Π(1 − a(c)) none of the suspicions is right, and then the cause is
distributed by prior, where a cause that neither a rule nor the symptoms' `related` lists connect to the reported
symptoms keeps only LEAK of its prior (a symptom the cause does not produce is evidence against it). The expected cost of repair (Heckerman, Breese and
Rommelse 1995) follows the plan in the order P(fix)/minutes and may hand what is left to support at any point.

Beliefs and costs are computed for many hypothetical answers, one row each, in plain Python: a few hundred rows of a
few dozen causes cost less than importing numpy would. Every sum and product runs in the order the semantics document
gives (one element after the other, never `sum()`, which compensates its rounding from Python 3.12 on), so the results
equal the JavaScript port's loops bit for bit. The elementwise steps use `map` over `operator` functions, which run
the same IEEE operations as a Python loop without its interpreter overhead.
"""

from __future__ import annotations

from functools import reduce
from itertools import accumulate, repeat
from operator import add, mul, sub, truediv
from typing import Any

from .facts import alternatives
from .kb import KnowledgeBase
from .planning import open_remedies, shares, stage_rank, tried_factor

DEFAULT_PRIOR = 0.01  # a cause without `prior`
LEAK = 0.1  # the prior weight kept by a cause that nothing connects to the reported symptoms
SERVICE_MINUTES = 60.0  # handing what is left to Apple Support or the carrier: the contact (30 min) and its follow-up


class PlanShape:
    """The open remedies of every cause for one platform and set of tried steps, laid out for `expected_cost`.

    The remedies some cause lists are kept in an internal order, most listed first, so that the remedies listed by
    more than j causes are a prefix: `causes[j]` and `shares[j]` are their j-th cause (in cause-id order) and its
    share. P(fix) is summed slot after slot, so each remedy adds its causes' parts in cause order. `minutes` follows
    the internal order; `tie` lists the internal positions in tie order (stage, then id).
    """

    def __init__(self, model: CauseModel, platform: str | None, tried: frozenset[str]):
        listed: dict[str, list[tuple[int, float]]] = {}
        for i, cause in enumerate(model.ids):
            remedies = open_remedies(model.kb, cause, platform, tried)
            for remedy, share in zip(remedies, shares(len(remedies)), strict=True):
                listed.setdefault(remedy, []).append((i, share))
        columns = [c for c, r in enumerate(model.remedies) if r in listed]  # tie order
        inner = sorted(range(len(columns)), key=lambda k: -len(listed[model.remedies[columns[k]]]))  # stable
        parts = [listed[model.remedies[columns[k]]] for k in inner]
        self.minutes = [model.minutes[columns[k]] for k in inner]
        self.tie = sorted(range(len(inner)), key=inner.__getitem__)
        width = len(parts[0]) if parts else 0
        self.causes = [[v[j][0] for v in parts if len(v) > j] for j in range(width)]
        self.shares = [[v[j][1] for v in parts if len(v) > j] for j in range(width)]


class CauseModel:
    """Per knowledge base: the causes (in id order) with priors, suspecting rules and symptom links; the remedies."""

    def __init__(self, kb: KnowledgeBase, conclusions: list[tuple[str, Any]]):
        self.kb = kb
        self.ids = sorted(kb.causes)
        self.index = {c: i for i, c in enumerate(self.ids)}
        self.prior = [float(kb.causes[c].get("prior") or DEFAULT_PRIOR) for c in self.ids]
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
        self.minutes = [float(kb.remedies[r]["minutes"]) for r in self.remedies]
        self._plans: dict[tuple[str | None, frozenset[str]], PlanShape] = {}
        self._factors: dict[tuple[str | None, frozenset[str]], list[float]] = {}
        self._weak: dict[tuple[str, ...], tuple[bool, ...]] = {}

    def remaining(self, cause: int, fired: set[int]) -> float:
        """Π (1 − w) over the fired rules suspecting the cause, in rule-index order (1.0 when none fired)."""
        value = 1.0
        for rule, weight in self.suspects[cause]:
            if rule in fired:
                value *= 1.0 - weight
        return value

    def factors(self, platform: str | None, tried: frozenset[str]) -> list[float]:
        """Each cause's tried factor (§5)."""
        key = (platform, tried)
        if key not in self._factors:
            self._factors[key] = [float(tried_factor(self.kb, c, platform, tried)) for c in self.ids]
        return self._factors[key]

    def plan(self, platform: str | None, tried: frozenset[str]) -> PlanShape:
        key = (platform, tried)
        if key not in self._plans:
            if len(self._plans) > 64:
                self._plans.clear()
            self._plans[key] = PlanShape(self, platform, tried)
        return self._plans[key]

    def weak(self, symptoms: tuple[str, ...]) -> tuple[bool, ...]:
        """A mask of the causes nothing connects to any of the reported symptoms (none when no symptom is reported)."""
        if symptoms not in self._weak:
            linked: set[str] = set()
            for symptom in symptoms:
                linked |= self.links.get(symptom, set())
            self._weak[symptoms] = tuple(bool(symptoms) and c not in linked for c in self.ids)
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


def total(values) -> float:
    """Σ values, added one after the other from the first (the order §7 fixes)."""
    return reduce(add, values, 0.0)


def answer_weights(priors: list[list[float]], tops) -> list[float]:
    """§7.4 step 3 for each question in turn (`priors`: its answers' b(a)): b'(a) = min(b(a), 1 / top(a)), normalized
    within the question; `tops` holds max(1, max_c m(a, c)) for every answer of every question, in the same order."""
    weights: list[float] = []
    first = 0
    for question in priors:
        capped = [min(p, 1.0 / float(t)) for p, t in zip(question, tops[first : first + len(question)], strict=True)]
        weight = 0.0
        for w in capped:
            weight += w
        weights += [w / weight for w in capped]
        first += len(question)
    return weights


class Base:
    """What every belief row with the same ruled-out causes, tried factors and weak causes shares (§7.1): the factor
    of a(c) (0 where ruled out) and the prior part π'(c) / Σπ' (None when Σπ' = 0: then every P(c) is 0)."""

    __slots__ = ("factors", "prior_part")

    def __init__(self, model: CauseModel, factors: list[float], ruled: set[int] | frozenset[int], weak: tuple[bool, ...]):
        self.factors = [0.0 if i in ruled else f for i, f in enumerate(factors)]
        p = [
            0.0 if i in ruled else (prior * f) * (LEAK if w else 1.0)
            for i, (prior, f, w) in enumerate(zip(model.prior, factors, weak, strict=True))
        ]
        total_p = total(p)
        self.prior_part = [x / total_p for x in p] if total_p > 0 else None


def belief(remaining: list[float], base: Base) -> list[float]:
    """P(c) for one row (0 where ruled out), §7.1.

    a(c) = (1 − remaining(c)) × tried factor; π'(c) = prior × tried factor (× LEAK when weak); β = Π (1 − a(c)) over
    a > 0; P(c) = (1 − β) × (a(c) / Σa) + β × (π'(c) / Σπ'), or π'(c) / Σπ' when Σa = 0. The list may be shared:
    do not change it.
    """
    if base.prior_part is None:
        return [0.0] * len(remaining)
    a = list(map(mul, map(sub, repeat(1.0), remaining), base.factors))
    total_a = total(a)
    if not total_a > 0:
        return base.prior_part
    beta = reduce(mul, [1.0 - x for x in a if x > 0], 1.0)
    return list(map(add, map(mul, repeat(1.0 - beta), map(truediv, a, repeat(total_a))), map(mul, repeat(beta), base.prior_part)))


def expected_cost(plan: PlanShape, probabilities: list[float]) -> float:
    """The expected minutes of the best plan, §7.2: min(S, min_k Σ_{i≤k} m_i (1 − Σ_{j<i} p_j) + S (1 − Σ_{j≤k} p_j)),
    the steps with p > 0 in the order p/minutes descending (then tie order).

    A step with p = 0 sorts after every step with p > 0 (or among those whose p/minutes underflows to 0, in tie
    order), and its minutes count as 0: it adds exactly nothing, so it may stay in the sums.
    """
    if not plan.causes:
        return SERVICE_MINUTES
    get = probabilities.__getitem__
    p_fix = list(map(mul, map(get, plan.causes[0]), plan.shares[0]))
    for causes, parts in zip(plan.causes[1:], plan.shares[1:], strict=True):
        p_fix[: len(causes)] = map(add, p_fix, map(mul, map(get, causes), parts))
    ratio = list(map(truediv, p_fix, plan.minutes))
    order = sorted(plan.tie, key=ratio.__getitem__, reverse=True)  # stable: ties stay in tie order
    p_sorted = list(map(p_fix.__getitem__, order))
    minutes = map(plan.minutes.__getitem__, order)
    if 0.0 in p_fix:
        minutes = map(mul, minutes, map(bool, p_sorted))  # 0 minutes where p = 0
    left = list(map(sub, repeat(1.0), accumulate(p_sorted)))  # 1 − Σ_{j≤k} p_j
    cost = accumulate(map(mul, minutes, [1.0, *left[:-1]]))
    totals = map(add, cost, map(mul, repeat(SERVICE_MINUTES), left))
    return min(SERVICE_MINUTES, min(totals))
