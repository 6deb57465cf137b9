"""Next questions by expected value of information (docs/engine-semantics.md §7).

For each question that may be asked, every possible answer is tried: the inference is run with it, and the belief
over causes it leads to says how strongly the answer speaks for each cause. Bayes' rule turns that into each
answer's probability and the belief after it. A question's value is how much it lowers, on average, the expected
minutes of the repair plan; its score is that value per minute the question takes.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections import OrderedDict
from dataclasses import dataclass
from itertools import repeat
from operator import add, mul, truediv
from typing import Any

from .backends import get_backend
from .backends.reference import Frontier, ReferenceBackend
from .belief import Base, CauseModel, answer_weights, belief, expected_cost, total
from .facts import FactStore, alternatives
from .kb import KnowledgeBase
from .memo import persisted
from .planning import round4
from .rulelang import conclusion, test_value

MAX_QUESTIONS = 5
MIN_COST = 0.5
PAIR_ANSWERS = 12
REMEMBERED = 64  # states whose scored questions are kept  # two questions a rule needs together are also scored as a pair when they have ≤ 12 joint answers
NEVER_ASKED = ("error_message",)  # asked as itself when a dialogue starts, never as a next question
LEAD_CONFIDENCE = 0.8
LEAD_MARGIN = 0.3
# answer rows × causes above which _value uses numpy (voi_numpy.py): the bundled knowledge base scores ~20,000 cells in
# plain Python faster than numpy imports; its 10× synthetic copy (~2,000,000) is ~10× faster with numpy
NUMPY_CELLS = 200_000
_long_running = False  # see use_numpy()


def use_numpy() -> None:
    """Score questions with numpy from now on, at any size: for a process that answers many queries (the HTTP API, a
    benchmark), where numpy's import is paid once and its scoring is about 3× faster. The results are the same bits
    (tests/engine/test_voi_numpy.py); a one-shot `mailkb diagnose` stays in plain Python and never imports numpy."""
    global _long_running
    _long_running = True


# answer rows × causes above which only the questions nearest the likely causes are scored (§7.6): the bundled
# knowledge base stays below ~30,000 cells and is never bounded; a 100× synthetic one would need ~10⁸ (gigabytes)
BOUNDED_CELLS = 2_000_000


def clearly_leads(causes: list[dict[str, Any]]) -> bool:
    """§8: the first cause has confidence ≥ 0.8 and leads the second by ≥ 0.3 (or stands alone)."""
    if not causes or causes[0]["confidence"] < LEAD_CONFIDENCE:
        return False
    return len(causes) == 1 or round4(causes[0]["confidence"] - causes[1]["confidence"]) >= LEAD_MARGIN


class QuestionModel:
    """Per knowledge base: each askable observation's answers with their prior probabilities (§7.3), and the causes."""

    def __init__(self, kb: KnowledgeBase, backend: ReferenceBackend, conclusions: list[tuple[str, Any]]):
        self.kb = kb
        self.backend = backend
        self.model = CauseModel(kb, conclusions)
        self.tests: dict[str, list[tuple[str, Any]]] = {}  # fact -> its distinct value tests, in rule order
        for rule in kb.rules:
            for alt in alternatives(rule["when"]):
                for fact, tests in alt:
                    known = self.tests.setdefault(fact, [])
                    for test in tests:
                        if test[0] != "answered" and test not in known:
                            known.append(test)
        inputs = sorted(k for k, o in kb.observations.items() if not o.get("derived"))
        self.answers = {o: self._answers(o) for o in inputs if o not in NEVER_ASKED and o in self.tests}
        self._options: OrderedDict[str, list[Option]] = OrderedDict()  # a "don't know" leaves the state as it was
        self._lock = threading.Lock()
        self._passing: dict[tuple[int, int, str], tuple[int, ...]] = {}

    def __getstate__(self) -> dict[str, Any]:
        """Pickled with the knowledge base (memo.persisted): without the lock and the remembered states."""
        state = dict(self.__dict__)
        del state["_lock"]
        state["_options"] = OrderedDict()
        return state

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._lock = threading.Lock()

    def passing(self, rule: int, position: int, fact: str, groups: tuple) -> tuple[int, ...]:
        """The indexes of the answers of question `fact` that pass a rule alternative's groups on it (fixed per KB)."""
        key = (rule, position, fact)
        found = self._passing.get(key)
        if found is None:
            found = tuple(k for k, (value, _) in enumerate(self.answers[fact]) if _passes(groups, value))
            self._passing[key] = found
        return found

    def newly_holding(self, near: Frontier, names: tuple[str, ...]) -> list[set[int]]:
        """Per answer (joint answer for two questions, the first's answers outer), the frontier rules it makes hold."""
        per_name = []
        for name in names:
            other = next((n for n in names if n != name), None)
            sets: list[set[int]] = [set() for _ in self.answers[name]]
            for rule, position, groups, unanswered in near.near.get(name, ()):
                if other not in unanswered:
                    for k in self.passing(rule, position, name, groups):
                        sets[k].add(rule)
            for k, (value, _) in enumerate(self.answers[name]):
                for item in value if isinstance(value, list) else ():
                    sets[k].update(rule for rule, unanswered in near.near_item.get((name, item), ()) if other not in unanswered)
            per_name.append(sets)
        if len(names) == 1:
            return per_name[0]
        first, second = names
        both: dict[tuple[int, int], set[int]] = {}
        for rule, position, groups1, groups2, _ in near.pairs.get((first, second), ()):
            for k1 in self.passing(rule, position, first, groups1):
                for k2 in self.passing(rule, -1 - position, second, groups2):
                    both.setdefault((k1, k2), set()).add(rule)
        return [
            per_name[0][k1] | per_name[1][k2] | both.get((k1, k2), set())
            for k1 in range(len(self.answers[first]))
            for k2 in range(len(self.answers[second]))
        ]

    def options(self, inputs: dict[str, Any], store: FactStore, fired: set[int], tried: tuple[str, ...]) -> list[Option]:
        """options() for a state, remembered for the last few states (they do not depend on `unknown`)."""
        key = json.dumps([sorted(inputs.items()), sorted(tried)], ensure_ascii=False)
        with self._lock:
            found = self._options.get(key)
            if found is not None:
                self._options.move_to_end(key)
                return found
        found = options(self, inputs, store, fired, tried)
        with self._lock:
            self._options[key] = found
            while len(self._options) > REMEMBERED:
                self._options.popitem(last=False)
        return found

    def _answers(self, ident: str) -> list[tuple[Any, float]]:
        observation = self.kb.observations[ident]
        kind = observation["type"]
        if kind == "boolean":
            p_true = float(observation.get("prior_true", 0.5))
            return [(True, p_true), (False, 1.0 - p_true)]
        if kind == "enum":
            values = observation["values"]
            return _normalized([(v["value"], float(v.get("prior", 1.0 / len(values)))) for v in values])
        if kind == "symptom_list":
            return _normalized([([s], 1.0) for s in sorted(self.kb.symptoms)])
        if kind == "number":
            low, high = observation["minimum"], observation["maximum"]
            marks = sorted({low, high, *(t for t in self._constants(ident) if _is_number(t) and low <= t <= high)})
            points = sorted({*marks, *((a + b) / 2 for a, b in itertools.pairwise(marks))})
            return _normalized([(x, 1.0) for x in self._classes(ident, points)])
        constants = sorted({t for t in self._constants(ident) if isinstance(t, str)})
        other = "" if "" not in constants else "\u0000"  # a text no rule names
        return _normalized([(x, 1.0) for x in self._classes(ident, [*constants, other])])

    def _constants(self, ident: str) -> list[Any]:
        return [t for _, target in self.tests.get(ident, ()) for t in (target if isinstance(target, list) else [target])]

    def _classes(self, ident: str, candidates: list[Any]) -> list[Any]:
        """The first candidate of each class of values that pass exactly the same tests."""
        tests = self.tests.get(ident, [])
        seen: set[tuple[bool, ...]] = set()
        kept = []
        for value in candidates:
            signature = tuple(test_value(op, target, value) for op, target in tests)
            if signature not in seen:
                seen.add(signature)
                kept.append(value)
        return kept


def question_model(kb: KnowledgeBase) -> QuestionModel:
    """The knowledge base's question model, made once and kept in its cache (memo.persisted)."""
    return persisted(kb, "questions", lambda: QuestionModel(kb, get_backend(kb, "reference"), [conclusion(rule) for rule in kb.rules]))


def _passes(groups: tuple, value: Any) -> bool:
    return all(all(test_value(op, target, value) for op, target in tests) for tests in groups)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _normalized(weights: list[tuple[Any, float]]) -> list[tuple[Any, float]]:
    total = 0.0
    for _, w in weights:
        total += w
    return [(value, w / total) for value, w in weights] if total > 0 else []


class _State:
    """The current diagnosis as the scorer sees it (§7.1–§7.2)."""

    def __init__(self, qm: QuestionModel, inputs: dict[str, Any], store: FactStore, fired: set[int], tried: frozenset[str]):
        model = qm.model
        n = len(model.ids)
        self.inputs, self.store, self.fired = inputs, store, fired
        self.near = qm.backend.frontier(store, fired)
        platform = inputs.get("platform")
        self.remaining = [model.remaining(i, fired) for i in range(n)]
        self.ruled = {model.rule_cause[r] for r in fired if r in model.rule_outs}
        self.factors = model.factors(platform, tried)
        self.weak = model.weak(tuple(inputs.get("symptoms") or ()))
        self.plan = model.plan(platform, tried)
        self.base = Base(model, self.factors, self.ruled, self.weak)
        self.belief = belief(self.remaining, self.base)
        self.cost = expected_cost(self.plan, self.belief)
        confidence = [round4((1.0 - float(self.remaining[i])) * float(self.factors[i])) for i in range(n)]
        self.ranking = sorted((-c, -model.rank_prior[i], i) for i, c in enumerate(confidence) if c > 0 and i not in self.ruled)  # §5
        self.leader = self.ranking[0][2] if self.ranking else None

    def leader_after(self, model: CauseModel, remaining: list[float], ruled: set[int], touched: set[int]) -> int | None:
        """The cause §5 ranks first once `touched` causes have new products and `ruled` causes are out."""
        best = next(((c, p, i) for c, p, i in self.ranking if i not in ruled and i not in touched), None)
        for i in touched:
            if i in ruled:
                continue
            confidence = round4((1.0 - float(remaining[i])) * float(self.factors[i]))
            key = (-confidence, -model.rank_prior[i], i)
            if confidence > 0 and (best is None or key < best):
                best = key
        return None if best is None else best[2]


def next_questions(
    qm: QuestionModel,
    inputs: dict[str, Any],
    store: FactStore,
    fired: set[int],
    unknown: tuple[str, ...],
    tried: tuple[str, ...],
    settled: bool,
) -> list[dict[str, Any]]:
    """The best questions, each {observation, score, value, cost_minutes, rules, why, changes_leader[, with]} (§7.5).

    `settled`: the leading cause is clear (§8), so only questions whose answer could change the leader are kept.
    """
    best: dict[str, Option] = {}  # question -> its best option (alone, or with another question)
    leader_change: set[str] = set()
    found = qm.options(inputs, store, fired, tried)
    alone = {option.names[0]: round4(option.value) for option in found if len(option.names) == 1}
    for option in found:
        if any(name in unknown for name in option.names):
            continue
        for ident in option.names:
            if len(option.names) == 2 and not round4(option.value) > alone.get(_partner(option, ident), 0.0):
                continue  # §7.4: the pair is worth no more than its partner alone, so this question adds nothing to it
            if option.changes_leader:
                leader_change.add(ident)
            known = best.get(ident)
            if known is None or option.score > known.score or (option.score == known.score and len(option.names) < len(known.names)):
                best[ident] = option
    scored = []
    for ident, option in best.items():
        if option.score > 0 and (ident in leader_change or not settled):
            scored.append(option.question(qm, ident, ident in leader_change))
    scored.sort(key=lambda q: (-q["score"], q["cost_minutes"], q["observation"]))
    return scored[:MAX_QUESTIONS]


def _partner(option: Option, ident: str) -> str:
    """The other question of a pair."""
    return next(name for name in option.names if name != ident)


@dataclass(frozen=True)
class Option:
    """A question, or two asked together, with its value (§7.4)."""

    names: tuple[str, ...]
    score: float
    value: float
    rules: tuple[str, ...]
    changes_leader: bool

    def question(self, qm: QuestionModel, ident: str, changes_leader: bool) -> dict[str, Any]:
        observation = qm.kb.observations[ident]
        question = {
            "observation": ident,
            "score": self.score,
            "value": round4(self.value),
            "cost_minutes": observation.get("cost_minutes", 1),
            "rules": list(self.rules),
            "why": observation.get("why") or observation["title"],
            "changes_leader": changes_leader,
        }
        if len(self.names) == 2:
            question["with"] = _partner(self, ident)
        return question


def options(qm: QuestionModel, inputs: dict[str, Any], store: FactStore, fired: set[int], tried: tuple[str, ...]) -> list[Option]:
    """Every question not given, alone and in pairs, with its value: what `unknown` then filters (§7.3–§7.4)."""
    state = _State(qm, inputs, store, fired, frozenset(tried))
    if not any(p > 0 for p in state.belief):
        return []
    asked = {ident: answers for ident, answers in qm.answers.items() if ident not in inputs and answers}
    reach = state.near.facts() | {name for rule in fired for name in qm.backend.unanswered[rule]} | {"symptoms"}
    # a question no frontier rule, fired `answered: false` rule or symptom leak involves changes nothing
    scored = [ident for ident in asked if ident in reach]
    if sum(len(asked[ident]) for ident in scored) * len(qm.model.ids) > BOUNDED_CELLS:
        scored = nearest(qm, state, {ident: len(asked[ident]) for ident in scored})
    candidates = [_Candidate(qm, state, (ident,), [((value,), p) for value, p in asked[ident]]) for ident in scored]
    kept = set(scored)
    for first, second in sorted(state.near.pairs):  # §7.4: questions a rule needs together
        if first in kept and second in kept and len(asked[first]) * len(asked[second]) <= PAIR_ANSWERS:
            joint = [((v1, v2), p1 * p2) for v1, p1 in asked[first] for v2, p2 in asked[second]]
            candidates.append(_Candidate(qm, state, (first, second), joint))
    candidates = [c for c in candidates if c.changed]
    _value(qm, state, candidates)
    return [
        Option(
            c.names,
            round4(c.value * c.answerable(qm) / max(c.cost(qm), MIN_COST)),
            c.value,
            tuple(qm.kb.rules[r]["id"] for r in sorted(c.changed_rules)),
            c.changes_leader,
        )
        for c in candidates
    ]


def nearest(qm: QuestionModel, state: _State, answers: dict[str, int]) -> list[str]:
    """§7.6: the questions whose rules conclude on the most likely causes, as many as BOUNDED_CELLS allows.

    A question's weight is the belief of the causes its waiting rules (and the fired rules that need it unanswered)
    suspect or rule out; `symptoms` always comes first. Ties go by id, so the choice is deterministic.
    """
    model = qm.model
    waiting_unanswered: dict[str, set[int]] = {}  # fact -> the fired rules that need it unanswered
    for rule in state.fired:
        for fact in qm.backend.unanswered[rule]:
            waiting_unanswered.setdefault(fact, set()).add(rule)
    weight: dict[str, float] = {}
    for ident in answers:
        rules = {rule for rule, *_ in state.near.near.get(ident, ())} | waiting_unanswered.get(ident, set())
        causes = {model.rule_cause[rule] for rule in rules if rule in model.rule_cause}
        weight[ident] = total(state.belief[i] for i in sorted(causes))
    order = sorted(answers, key=lambda ident: (ident != "symptoms", -weight[ident], ident))
    kept, cells = set(), 0
    for ident in order:
        cells += answers[ident] * len(model.ids)
        if kept and cells > BOUNDED_CELLS:
            break
        kept.add(ident)
    return [ident for ident in answers if ident in kept]  # the order of the unbounded list, for the same sums


class _Candidate:
    """One question, or two asked together: each answer's hypothetical inference (§7.4, steps 1–2)."""

    def __init__(self, qm: QuestionModel, state: _State, names: tuple[str, ...], answers: list[tuple[tuple, float]]):
        model, backend = qm.model, qm.backend
        self.names = names
        self.priors = [p for _, p in answers]
        self.rows: list[tuple[list[float], set[int], tuple[bool, ...]] | None] = []  # per answer, None when nothing changes
        self.changed_rules: set[int] = set()
        self.changes_leader = False
        self.value = 0.0
        restart = backend.needs_restart(state.fired, names)
        found = None if restart else qm.newly_holding(state.near, names)
        for k, (values, _) in enumerate(answers):
            facts = dict(zip(names, values, strict=True))
            if restart:
                fired = set(backend.evaluate({**state.inputs, **facts})[0])
            else:
                fired = backend.fire_found(state.store, state.fired, found[k], facts)
            weak = model.weak(tuple(values[0])) if names == ("symptoms",) else state.weak
            if (fired is state.fired or fired == state.fired) and (weak is state.weak or weak == state.weak):
                self.rows.append(None)
                continue
            delta = fired ^ state.fired
            self.changed_rules |= delta
            remaining, ruled = state.remaining, state.ruled
            touched = {model.rule_cause[r] for r in delta if r in model.rule_cause}
            if touched:
                remaining = list(remaining)
                for i in touched:
                    remaining[i] = model.remaining(i, fired)
                if any(r in model.rule_outs for r in delta):
                    ruled = {model.rule_cause[r] for r in fired if r in model.rule_outs}
                if state.leader_after(model, remaining, ruled, touched) != state.leader:
                    self.changes_leader = True
            self.rows.append((remaining, ruled, weak))
        self.changed = any(row is not None for row in self.rows)

    def answerable(self, qm: QuestionModel) -> float:
        """The share of people who can answer every question of the candidate (a "don't know" settles nothing)."""
        share = 1.0
        for ident in self.names:
            share *= qm.kb.observations[ident].get("answerable", 1)
        return share

    def cost(self, qm: QuestionModel) -> float:
        total = 0.0
        for ident in self.names:
            total += qm.kb.observations[ident].get("cost_minutes", 1)
        return total


def _value(qm: QuestionModel, state: _State, candidates: list[_Candidate]) -> None:
    """Each candidate's expected value of information (§7.4, steps 3–6): every answer of every candidate is a row.

    Only the causes with P(c) > 0 now ("live") are computed: elsewhere the joint probabilities are 0, and adding
    those zeros would change no sum.
    """
    model = qm.model
    rows = [row for c in candidates for row in c.rows]
    if all(row is None for row in rows):
        return
    if _long_running or len(rows) * len(model.ids) > NUMPY_CELLS:
        from .voi_numpy import value

        value(model, state, candidates)
        return
    prior = state.belief
    live = [i for i, p in enumerate(prior) if p > 0]
    every = len(live) == len(prior)
    prior_live = prior if every else [prior[i] for i in live]
    bases_of: dict[tuple[frozenset[int], tuple[bool, ...]], Base] = {
        (frozenset(state.ruled), state.weak): state.base
    }  # rows share their ruled-out and weak causes
    ratios: list[list[float] | None] = []  # m(a, c) = P_a(c) / P(c) over the live causes; None: 1 for every cause
    tops: list[float] = []
    for row in rows:
        if row is None:
            ratios.append(None)
            tops.append(1.0)
            continue
        remaining, ruled, weak = row
        key = (frozenset(ruled), weak)
        base = bases_of.get(key)
        if base is None:
            base = bases_of[key] = Base(model, state.factors, ruled, weak)
        after = belief(remaining, base)
        ratio = list(map(truediv, after if every else [after[i] for i in live], prior_live))
        ratios.append(ratio)
        # Bayes' rule bounds an answer's probability by 1 / m(a, c) for every cause: b(a) = min(prior(a), 1 / max_c m(a, c))
        tops.append(max(1.0, max(ratio)))
    bases = answer_weights([c.priors for c in candidates], tops)
    width = len(live)
    first = 0
    for candidate in candidates:
        size = len(candidate.rows)
        # b(a) m(a, c), and N_c = Σ_a b(a) m(a, c) over the question's answers in order
        weighted = [
            [bases[k]] * width if ratios[k] is None else list(map(mul, repeat(bases[k]), ratios[k])) for k in range(first, first + size)
        ]
        norms = weighted[0]
        for more in weighted[1:]:
            norms = list(map(add, norms, more))
        positive = all(n > 0 for n in norms)
        expected = 0.0
        for k, products in zip(range(first, first + size), weighted, strict=True):
            if positive:
                likelihood = list(map(truediv, products, norms))
            else:
                likelihood = [w / n if n > 0 else bases[k] for w, n in zip(products, norms, strict=True)]
            joint = list(map(mul, prior_live, likelihood))
            p_answer = total(joint)
            if not p_answer > 0:
                continue  # the answer cannot happen: it adds nothing to the expected cost
            posterior = list(map(truediv, joint, repeat(p_answer)))
            if not every:
                spread = [0.0] * len(prior)
                for i, p in zip(live, posterior, strict=True):
                    spread[i] = p
                posterior = spread
            expected += p_answer * expected_cost(state.plan, posterior)
        candidate.value = state.cost - expected
        first += size
