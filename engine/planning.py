"""What to do and what to ask next (docs/engine-semantics.md §6 and §7)."""

from __future__ import annotations

import math
from typing import Any

from .errors import PlanError
from .facts import FactStore, alternatives
from .kb import KnowledgeBase
from .rulelang import conclusion
from .schemas import enum_of

STAGES = enum_of("stage")  # the seed's order, kept in schemas/common.schema.json
ORDERS = ("value", "stages")
TARGETS = 3
MAX_QUESTIONS = 5
MIN_COST = 0.5


def round4(value: float) -> float:
    """Half-up rounding to 4 decimals, the same in Python and JavaScript."""
    return math.floor(value * 10000 + 0.5) / 10000


def _stage_rank(stage: str) -> int:
    return STAGES.index(stage) if stage in STAGES else len(STAGES)


# Steps written for these also serve the platform: iCloud.com works from any browser, and iPhone and iPad share one UI.
_ALSO_FITS = {"iphone": ("ipad",), "ipad": ("iphone",)}


def fits_platform(remedy: dict, platform: str | None) -> bool:
    """Whether a remedy has steps someone on `platform` can follow (any remedy fits when the platform is unknown)."""
    if platform is None:
        return True
    written = set(remedy.get("steps") or ())
    return bool(written & {platform, "any", "web", *_ALSO_FITS.get(platform, ())})


def remedies_for(kb: KnowledgeBase, cause_id: str, platform: str | None = None) -> list[str]:
    """A cause's remedies in order, keeping those that fit the platform (all of them if none fits)."""
    remedies = [r for r in kb.causes[cause_id].get("remedies") or () if r in kb.remedies]
    fitting = [r for r in remedies if fits_platform(kb.remedies[r], platform)]
    return fitting or remedies


def plan(kb: KnowledgeBase, causes: list[tuple[str, float]], order: str = "value", platform: str | None = None) -> list[dict[str, Any]]:
    """Remedies for the ranked causes [(id, confidence)], ordered by P(fix)/minutes or by stage."""
    if order not in ORDERS:
        raise PlanError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
    total = sum(conf for _, conf in causes)
    p_fix: dict[str, float] = {}
    for_causes: dict[str, list[str]] = {}
    for cause_id, conf in causes:
        remedies = remedies_for(kb, cause_id, platform)
        if not remedies or total <= 0:
            continue
        norm = sum(2.0**-j for j in range(len(remedies)))
        for position, remedy in enumerate(remedies):
            share = (conf / total) * (2.0**-position / norm)
            p_fix[remedy] = p_fix.get(remedy, 0.0) + share
            for_causes.setdefault(remedy, []).append(cause_id)
    steps = []
    for remedy, probability in p_fix.items():
        data = kb.remedies[remedy]
        score = probability / data["minutes"]
        steps.append(
            {
                "remedy": remedy,
                "stage": data["stage"],
                "minutes": data["minutes"],
                "p_fix": round4(probability),
                "score": round4(score),
                "for": for_causes[remedy],
            }
        )
    if order == "value":
        steps.sort(key=lambda s: (-s["score"], _stage_rank(s["stage"]), s["remedy"]))
    else:
        steps.sort(key=lambda s: (_stage_rank(s["stage"]), -s["score"], s["remedy"]))
    return steps


class QuestionIndex:
    """Per knowledge base: each rule's alternatives, what it concludes, and who tests which fact."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.alternatives = [alternatives(rule["when"]) for rule in kb.rules]
        self.conclusions = [conclusion(rule) for rule in kb.rules]
        self.testers: dict[str, list[int]] = {}
        self.tested: list[list[str]] = []  # per rule, the facts it tests
        self.feeders: dict[str, list[int]] = {}  # derived fact -> rules deriving it
        self.by_cause: dict[str, list[int]] = {}  # cause -> rules suspecting or ruling it out
        for index, alts in enumerate(self.alternatives):
            facts = sorted({fact for alt in alts for fact, _ in alt})
            self.tested.append(facts)
            for fact in facts:
                self.testers.setdefault(fact, []).append(index)
            what, detail = self.conclusions[index]
            if what == "derive":
                self.feeders.setdefault(detail[0], []).append(index)
            else:
                self.by_cause.setdefault(detail[0] if what == "suspect" else detail, []).append(index)
        self.inputs = {k for k, o in kb.observations.items() if not o.get("derived")}


def next_questions(index: QuestionIndex, store: FactStore, fired: set[int], ranked: list[str], ruled_out: set[str]) -> list[dict[str, Any]]:
    """Unanswered observations that could still fire or block a rule for a leading cause, best first."""
    kb = index.kb
    targets = set(ranked[:TARGETS]) if ranked else {c for c in kb.causes if c not in ruled_out}
    targets -= ruled_out
    relevant: set[int] = set()
    queue: list[int] = []
    for cause in sorted(targets):
        queue.extend(i for i in index.by_cause.get(cause, ()) if i not in fired)
    while queue:
        i = queue.pop()
        if i in relevant:
            continue
        relevant.add(i)
        for fact in index.tested[i]:
            queue.extend(j for j in index.feeders.get(fact, ()) if j not in fired and j not in relevant)
    # value: suspect → weight, rule_out → 1, derive → the best value among relevant rules testing its fact
    fixed = {
        i: (index.conclusions[i][1][1] if index.conclusions[i][0] == "suspect" else 1.0)
        for i in relevant
        if index.conclusions[i][0] != "derive"
    }
    derived_facts = sorted({index.conclusions[i][1][0] for i in relevant if i not in fixed})
    fact_value = dict.fromkeys(derived_facts, 0.0)
    testers = {fact: [j for j in index.testers.get(fact, ()) if j in relevant] for fact in derived_facts}

    def value_of(rule: int) -> float:
        return fixed[rule] if rule in fixed else fact_value[index.conclusions[rule][1][0]]

    changed = bool(derived_facts)
    while changed:
        changed = False
        for fact in derived_facts:
            best = max((value_of(j) for j in testers[fact]), default=0.0)
            if best > fact_value[fact]:
                fact_value[fact] = best
                changed = True
    gain: dict[str, float] = {}
    reasons: dict[str, set[int]] = {}
    for i in sorted(relevant):
        for alt in index.alternatives[i]:
            candidates: list[str] = []
            dead = False
            for fact, tests in alt:
                if fact in index.inputs and fact not in store.given:
                    if fact != "error_message" and fact not in candidates:
                        candidates.append(fact)
                elif store.group_holds(fact, tests):
                    continue
                elif fact in index.inputs:
                    dead = True
                    break
            if dead or not candidates:
                continue
            share = value_of(i) / len(candidates)
            for fact in candidates:
                gain[fact] = gain.get(fact, 0.0) + share
                reasons.setdefault(fact, set()).add(i)
    questions = []
    for fact, amount in gain.items():
        if amount <= 0:
            continue
        cost = kb.observations[fact].get("cost_minutes", 1)
        rules = sorted(reasons[fact])
        questions.append(
            {
                "observation": fact,
                "score": round4(amount / max(cost, MIN_COST)),
                "cost_minutes": cost,
                "rules": [kb.rules[i]["id"] for i in rules],
                "why": kb.rules[rules[0]]["because"],
            }
        )
    questions.sort(key=lambda q: (-q["score"], q["cost_minutes"], q["observation"]))
    return questions[:MAX_QUESTIONS]
