"""A diagnosis: `diagnose()` takes observations and returns a `Diagnosis` (ranked causes with evidence, a plan, next questions)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from .backends import get_backend
from .errors import PlanError
from .facts import FactStore
from .kb import KnowledgeBase
from .loader import load_kb
from .memo import memoized
from .planning import HELP_SECTION, ORDERS, general_plan, plan, round4, tried_factor
from .query import parse_json, split, validate
from .questions import QuestionModel, clearly_leads, next_questions, question_model
from .rulelang import conclusion

if TYPE_CHECKING:
    from .evidence_merge import Evidence, Merged


@dataclass
class Diagnosis:
    """The engine's answer (docs/engine-semantics.md §9); `to_dict()` is the JSON contract."""

    symptoms: list[dict[str, Any]]
    derived: list[dict[str, Any]]
    causes: list[dict[str, Any]]
    ruled_out: list[dict[str, Any]]
    plan: list[dict[str, Any]]
    next_questions: list[dict[str, Any]]
    trace: list[str]
    engine: str
    kb: str
    # Set only when evidence (the message's, --evidence, --probe) was merged into the query (evidence_merge.py, §12);
    # left out of to_dict() otherwise.
    from_evidence: list[dict[str, Any]] | None = None
    evidence_conflicts: list[dict[str, Any]] | None = None

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract as a dict. Its lists are the diagnosis's own (no deep copy, which would cost as much as
        the inference): copy before changing them."""
        data = {field.name: getattr(self, field.name) for field in fields(self)}
        for key in ("from_evidence", "evidence_conflicts"):
            if data[key] is None:
                del data[key]
        return data

    def leading(self, n: int = 3) -> list[str]:
        """Ids of the first `n` causes."""
        return [c["id"] for c in self.causes[:n]]


class _Prepared:
    """What diagnose() needs from one knowledge base, computed once."""

    def __init__(self, kb: KnowledgeBase):
        self.kb = kb
        self.conclusions = [conclusion(rule) for rule in kb.rules]

    @property
    def questions(self) -> QuestionModel:
        """The value-of-information model, built on first use (a plan alone, as on the site's pages, needs none)."""
        return question_model(self.kb)

    @property
    def matcher(self):
        """The message matcher, built on first use (only a query with `error_message` needs it, or imports it)."""
        from .matching import matcher_for

        return matcher_for(self.kb)


def _prepared(kb: KnowledgeBase) -> _Prepared:
    return memoized(kb, "diagnosis", lambda: _Prepared(kb))


def effective_inputs(kb: KnowledgeBase, query: dict[str, Any]) -> tuple[dict[str, Any], list[dict[str, str]]]:
    """The input facts (symptoms matched from error_message added) and the output's symptom list."""
    inputs = dict(query)
    given = list(query.get("symptoms", ()))
    symptoms = [{"id": s, "from": "input"} for s in given]
    message = query.get("error_message")
    if isinstance(message, str):
        for ident in _prepared(kb).matcher.match(message):
            if ident not in given:
                given.append(ident)
                symptoms.append({"id": ident, "from": "error_message"})
    if given or "symptoms" in query:
        inputs["symptoms"] = given
    return inputs, symptoms


@dataclass
class QueryFacts:
    """A query as the inference sees it: the input facts (§2's symptoms and §12's evidence in), the output's symptom
    list, `unknown`, `tried`, and the evidence merge (None when there was no evidence)."""

    inputs: dict[str, Any]
    symptoms: list[dict[str, str]]
    unknown: tuple[str, ...]
    tried: tuple[str, ...]
    merged: Merged | None


def query_facts(kb: KnowledgeBase, query: dict[str, Any], evidence: Sequence[Evidence] = ()) -> QueryFacts:
    """Check a query (QueryError if it is bad), merge the evidence its error message holds and the `evidence`
    documents (§12), and match the message to symptoms (§2)."""
    checked = validate(kb, query)
    merged = None
    if evidence or "error_message" in checked:
        from .evidence_merge import merge_all  # only a query with a message or evidence loads the readers

        merged = merge_all(kb, checked, list(evidence))
    observations, unknown, tried = split(merged.query if merged is not None else checked)
    inputs, symptoms = effective_inputs(kb, observations)
    return QueryFacts(inputs, symptoms, unknown, tried, merged)


def diagnose(
    observations: dict[str, Any] | str,
    *,
    kb: KnowledgeBase | None = None,
    backend: str = "durable",
    order: str = "value",
    evidence: Sequence[Evidence] = (),
) -> Diagnosis:
    """Diagnose one query (a dict, or JSON text), with what the evidence patterns read in its `error_message` and the
    `evidence` documents (`--evidence`, `--probe`) merged in (docs/engine-semantics.md §12).

    Raises QueryError on bad input, PlanError on an unknown order, BackendError on an unknown or failing backend,
    KnowledgeBaseError when the bundled knowledge base does not lint clean.
    """
    if order not in ORDERS:
        raise PlanError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
    kb = kb if kb is not None else load_kb()
    facts = query_facts(kb, parse_json(observations) if isinstance(observations, str) else observations, evidence)
    fired = get_backend(kb, backend).run(facts.inputs)
    result = _explain(_prepared(kb), facts.inputs, facts.symptoms, fired, backend, order, facts.unknown, facts.tried)
    if facts.merged is not None:
        result.from_evidence, result.evidence_conflicts = facts.merged.from_evidence, facts.merged.conflicts
    return result


def rank_causes(observations: dict[str, Any], *, kb: KnowledgeBase, backend: str = "reference") -> list[tuple[str, float]]:
    """The ranked causes [(id, confidence)] of a query: inference only, no plan or questions (for pages that list causes)."""
    fired = get_backend(kb, backend).run(query_facts(kb, observations).inputs)
    return [(cause, round4(conf)) for cause, conf, _ in _rank(_prepared(kb), fired)[0]]


def first_steps(observations: dict[str, Any], *, kb: KnowledgeBase, backend: str = "reference") -> list[dict[str, Any]]:
    """`diagnose(observations).plan`, without computing the next questions (for pages that show the first steps)."""
    prep = _prepared(kb)
    facts = query_facts(kb, observations)
    fired = get_backend(kb, backend).run(facts.inputs)
    platform = facts.inputs.get("platform")
    ranked, ruled_out = _rank(prep, fired, platform, facts.tried)
    return _steps(prep, ranked, ruled_out, "value", platform, facts.tried)


def _steps(prep: _Prepared, ranked: list, ruled_out: dict[str, str], order: str, platform: str | None, tried: tuple[str, ...]) -> list:
    """The plan for the ranked causes, then where to get help; or the general checks when they leave nothing to do (§6)."""
    steps = plan(prep.kb, [(cause, conf) for cause, conf, _ in ranked], order, platform, tried)
    if not steps:
        return general_plan(prep.kb, platform, tried, set(ruled_out))
    return steps + general_plan(prep.kb, platform, tried, set(ruled_out), only=HELP_SECTION, planned=frozenset(s["remedy"] for s in steps))


def _rank(
    prep: _Prepared, fired: list[int], platform: str | None = None, tried: tuple[str, ...] = ()
) -> tuple[list[tuple[str, float, list[dict[str, Any]]]], dict[str, str]]:
    """Causes with their confidence (1 − Π(1 − wᵢ)) × tried factor and evidence, best first; and what was ruled out by which rule."""
    kb = prep.kb
    ruled_out: dict[str, str] = {}
    evidence: dict[str, list[dict[str, Any]]] = {}
    for index in fired:
        rule = kb.rules[index]
        what, detail = prep.conclusions[index]
        if what == "suspect":
            evidence.setdefault(detail[0], []).append({"rule": rule["id"], "weight": detail[1], "because": rule["because"]})
        elif what == "rule_out":
            ruled_out.setdefault(detail, rule["id"])
    ranked = []
    for cause, items in evidence.items():
        if cause in ruled_out:
            continue
        remaining = 1.0
        for item in items:
            remaining *= 1.0 - item["weight"]
        confidence = (1.0 - remaining) * tried_factor(kb, cause, platform, tried)
        if round4(confidence) > 0:
            ranked.append((cause, confidence, items))
    ranked.sort(key=lambda c: (-round4(c[1]), -(kb.causes[c[0]].get("prior") or 0), c[0]))
    return ranked, ruled_out


def _explain(
    prep: _Prepared,
    inputs: dict[str, Any],
    symptoms: list,
    fired: list[int],
    backend: str,
    order: str,
    unknown: tuple[str, ...] = (),
    tried: tuple[str, ...] = (),
) -> Diagnosis:
    kb = prep.kb
    store = FactStore(inputs)
    derived: list[dict[str, Any]] = []
    for index in fired:
        what, detail = prep.conclusions[index]
        if what == "derive" and store.add(*detail):
            derived.append({"fact": detail[0], "value": detail[1], "rule": kb.rules[index]["id"]})
    platform = inputs.get("platform")
    ranked, ruled_out = _rank(prep, fired, platform, tried)
    causes = []
    for cause, conf, items in ranked:
        entry: dict[str, Any] = {"id": cause, "confidence": round4(conf), "evidence": items}
        lowered = [r for r in tried if tried_factor(kb, cause, platform, (r,)) < 1.0]
        if lowered:
            entry["tried"] = lowered
        causes.append(entry)
    steps = _steps(prep, ranked, ruled_out, order, platform, tried)
    questions = next_questions(prep.questions, inputs, store, set(fired), unknown, tried, clearly_leads(causes))
    return Diagnosis(
        symptoms=symptoms,
        derived=derived,
        causes=causes,
        ruled_out=[{"id": cause, "rule": ruled_out[cause]} for cause in sorted(ruled_out)],
        plan=steps,
        next_questions=questions,
        trace=[kb.rules[i]["id"] for i in fired],
        engine=backend,
        kb=kb.digest,
    )
