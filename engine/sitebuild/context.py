"""Gather what each page needs from the knowledge base: the links between entries, computed once."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from ..kb import KnowledgeBase
from ..rulelang import conclusion, iter_conditions
from ..schemas import enum_of

PLATFORM_IDS = ("iphone", "ipad", "mac", "android", "windows", "web")
STAGE_ORDER = enum_of("stage")  # the seed's order, kept in schemas/common.schema.json
AREA_ORDER = enum_of("area")

# kind -> URL folder (stable, guessable: /causes/storage_full/)
KIND_PATH = {
    "symptom": "symptoms",
    "cause": "causes",
    "remedy": "remedies",
    "observation": "observations",
    "platform": "platforms",
    "carrier": "carriers",
    "guide": "guides",
    "reference": "reference",
}
KIND_ORDER = tuple(KIND_PATH)


@dataclass
class CauseLink:
    """A rule that suspects a cause, seen from a symptom or a cause page."""

    cause: str
    weight: float
    rule: dict
    topic: str
    alone: float = 0.0  # the engine's confidence when only this symptom is known


@dataclass
class SiteData:
    """The knowledge base plus every cross-link the pages show."""

    kb: KnowledgeBase
    symptom_causes: dict[str, list[CauseLink]] = field(default_factory=dict)
    cause_symptoms: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    suspect_rules: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    rule_out_rules: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    remedy_causes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    fact_rules: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    platform_remedies: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    platform_messages: dict[str, list[tuple[str, dict]]] = field(default_factory=lambda: defaultdict(list))
    backlinks: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    updated: dict[str, str] = field(default_factory=dict)
    by_area: dict[str, dict[str, list[str]]] = field(default_factory=dict)  # kind -> area -> ids
    by_stage: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # stage -> remedy ids
    by_group: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))  # group -> observation ids

    def exists(self, ref: str) -> bool:
        """Whether a `kind:id` reference names an entry that has a page."""
        return self.kb.get(ref) is not None

    def sorted_ids(self, kind: str) -> list[str]:
        return sorted(self.kb.entities.get(kind, {}))


def _refs_of(data: object) -> list[str]:
    """Every `kind:id` reference in an entry (related, refs, items' refs …)."""
    found: list[str] = []
    if isinstance(data, dict):
        for key, value in data.items():
            if key in ("related", "refs") and isinstance(value, list):
                found.extend(v for v in value if isinstance(v, str))
            else:
                found.extend(_refs_of(value))
    elif isinstance(data, list):
        for value in data:
            found.extend(_refs_of(value))
    return found


def _trigger_index(rules: list[dict]) -> dict[tuple[str, object], list[int]]:
    """(fact, value) -> indexes of rules with a condition `symptoms has value` or `fact is value`."""
    index: dict[tuple[str, object], list[int]] = defaultdict(list)
    for i, rule in enumerate(rules):
        keys = set()
        for _, cond in iter_conditions(rule.get("when") or {}):
            if cond.get("fact") == "symptoms" and "has" in cond:
                keys.add(("symptoms", cond["has"]))
            elif "is" in cond and not isinstance(cond["is"], (list, dict)):
                keys.add((cond.get("fact"), cond["is"]))
        for key in keys:
            index[key].append(i)
    return index


def _relevant_rules(rules: list[dict], index: dict[tuple[str, object], list[int]], symptom: str) -> list[dict]:
    """Rules that can fire because of `symptom`: directly (`symptoms has it`) or through facts derived from it."""
    chosen: set[int] = set()
    queue = [("symptoms", symptom)]
    seen = set(queue)
    while queue:
        key = queue.pop()
        for i in index.get(key, ()):
            if i in chosen:
                continue
            chosen.add(i)
            kind, what = conclusion(rules[i])
            if kind == "derive" and what not in seen:
                seen.add(what)
                queue.append(what)
    return [rules[i] for i in sorted(chosen)]


def _confidence_alone(kb: KnowledgeBase, symptom: str) -> dict[str, float]:
    """Cause -> confidence when the symptom is the only thing known (the reference engine's answer)."""
    from ..diagnosis import rank_causes

    try:
        return dict(rank_causes({"symptoms": [symptom]}, kb=kb))
    except Exception:  # a knowledge base built despite lint errors may not diagnose; the page then ranks by weight
        return {}


def _file_date(kb: KnowledgeBase, ref: str) -> str:
    rel = kb.paths.get(ref)
    try:
        stamp = (kb.root / rel).stat().st_mtime if rel else None
    except OSError:
        stamp = None
    return dt.date.fromtimestamp(stamp).isoformat() if stamp else dt.date.today().isoformat()


def gather(kb: KnowledgeBase) -> SiteData:
    """Compute every cross-link once."""
    data = SiteData(kb=kb)
    valid_rules = [r for r in kb.rules if isinstance(r.get("then"), dict) and isinstance(r.get("when"), dict)]
    triggers = _trigger_index(valid_rules)
    for rule in valid_rules:
        try:
            kind, what = conclusion(rule)
        except (KeyError, ValueError, TypeError):
            continue
        if kind == "suspect":
            data.suspect_rules[what[0]].append(rule)
        elif kind == "rule_out":
            data.rule_out_rules[what].append(rule)
        for fact in dict.fromkeys(cond.get("fact") for _, cond in iter_conditions(rule["when"])):
            if fact:
                data.fact_rules[fact].append(rule)
    for symptom in kb.symptoms:
        links: dict[str, CauseLink] = {}
        for rule in _relevant_rules(valid_rules, triggers, symptom):
            kind, what = conclusion(rule)
            if kind != "suspect":
                continue
            cause, weight = what
            if cause not in links or weight > links[cause].weight:
                links[cause] = CauseLink(cause, weight, rule, kb.rule_topic.get(rule.get("id", ""), ""))
        for ref in kb.symptoms[symptom].get("related") or ():
            kind, _, ident = ref.partition(":")
            if kind == "cause" and ident not in links:
                links[ident] = CauseLink(ident, 0.0, {}, "")
        alone = _confidence_alone(kb, symptom)
        for link in links.values():
            link.alone = alone.get(link.cause, 0.0)
        # what the symptom alone points at comes first (as the engine ranks it), then what needs more conditions
        data.symptom_causes[symptom] = sorted(links.values(), key=lambda link: (-link.alone, -link.weight, link.cause))
        for link in data.symptom_causes[symptom]:
            data.cause_symptoms[link.cause].append(symptom)
    for cause_id, cause in kb.causes.items():
        for remedy in cause.get("remedies") or ():
            data.remedy_causes[remedy].append(cause_id)
    for remedy_id, remedy in sorted(kb.remedies.items()):
        for platform in remedy.get("steps") or {}:
            if platform in PLATFORM_IDS:
                data.platform_remedies[platform].append(remedy_id)
    for symptom_id, symptom in sorted(kb.symptoms.items()):
        for message in symptom.get("messages") or ():
            for platform in message.get("platforms") or ():
                data.platform_messages[platform].append((symptom_id, message))
    for kind, items in kb.entities.items():
        for ident, entry in items.items():
            ref = f"{kind}:{ident}"
            for target in dict.fromkeys(_refs_of(entry)):
                if target != ref:
                    data.backlinks[target].append(ref)
            updated = entry.get("updated")
            data.updated[ref] = updated if isinstance(updated, str) else _file_date(kb, ref)
    for kind in ("symptom", "cause"):
        data.by_area[kind] = defaultdict(list)
        for ident in data.sorted_ids(kind):
            data.by_area[kind][kb.entities[kind][ident].get("area")].append(ident)
    for ident in data.sorted_ids("remedy"):
        data.by_stage[kb.remedies[ident].get("stage")].append(ident)
    for ident in data.sorted_ids("observation"):
        data.by_group[kb.observations[ident].get("group")].append(ident)
    return data
