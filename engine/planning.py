"""What to do (docs/engine-semantics.md §5–§6): remedy shares, steps already tried, the plan, and the general checks."""

from __future__ import annotations

import math
from typing import Any

from .errors import PlanError
from .kb import KnowledgeBase
from .schemas import enum_of

STAGES = enum_of("stage")  # the seed's order, kept in schemas/common.schema.json
ORDERS = ("value", "stages")
TRIED_FIX = 0.9  # P(a step fixes its cause | the cause, the step listed with share s) = TRIED_FIX × s
GENERAL_GUIDE = "general_checks"  # the guide whose items are the plan when no cause is suspected
HELP_SECTION = "get_help"  # its section of where to get help: kept even when tried or moot


def round4(value: float) -> float:
    """Half-up rounding to 4 decimals, the same in Python and JavaScript."""
    return math.floor(value * 10000 + 0.5) / 10000


def stage_rank(stage: str) -> int:
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


def shares(count: int) -> list[float]:
    """The share of each position of a list of `count` remedies: 2^−i / Σ_{j<count} 2^−j."""
    norm = 0.0
    for j in range(count):
        norm += 2.0**-j
    return [2.0**-i / norm for i in range(count)]


def tried_factor(kb: KnowledgeBase, cause_id: str, platform: str | None, tried: tuple[str, ...] | frozenset[str]) -> float:
    """Π (1 − TRIED_FIX × s) over the tried steps on the cause's list: how much steps done without success lower it."""
    if not tried:
        return 1.0
    remedies = remedies_for(kb, cause_id, platform)
    factor = 1.0
    for remedy, share in zip(remedies, shares(len(remedies)), strict=True):
        if remedy in tried:
            factor *= 1.0 - TRIED_FIX * share
    return factor


def open_remedies(kb: KnowledgeBase, cause_id: str, platform: str | None, tried: tuple[str, ...] | frozenset[str]) -> list[str]:
    """The cause's remedies for the platform that were not tried yet, in order."""
    return [r for r in remedies_for(kb, cause_id, platform) if r not in tried]


def plan(
    kb: KnowledgeBase,
    causes: list[tuple[str, float]],
    order: str = "value",
    platform: str | None = None,
    tried: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Remedies for the ranked causes [(id, confidence)], ordered by P(fix)/minutes or by stage; steps already tried left out."""
    if order not in ORDERS:
        raise PlanError(f"unknown order {order!r}; choose one of {', '.join(ORDERS)}")
    total = 0.0
    for _, conf in causes:
        total += conf
    p_fix: dict[str, float] = {}
    for_causes: dict[str, list[str]] = {}
    for cause_id, conf in causes:
        remedies = open_remedies(kb, cause_id, platform, tried)
        if not remedies or total <= 0:
            continue
        for remedy, share in zip(remedies, shares(len(remedies)), strict=True):
            p_fix[remedy] = p_fix.get(remedy, 0.0) + (conf / total) * share
            for_causes.setdefault(remedy, []).append(cause_id)
    steps = []
    for remedy, probability in p_fix.items():
        data = kb.remedies[remedy]
        steps.append(
            {
                "remedy": remedy,
                "stage": data["stage"],
                "minutes": data["minutes"],
                "p_fix": round4(probability),
                "score": round4(probability / data["minutes"]),
                "for": for_causes[remedy],
            }
        )
    if order == "value":
        steps.sort(key=lambda s: (-s["score"], stage_rank(s["stage"]), s["remedy"]))
    else:
        steps.sort(key=lambda s: (stage_rank(s["stage"]), -s["score"], s["remedy"]))
    return steps


def general_plan(
    kb: KnowledgeBase,
    platform: str | None,
    tried: tuple[str, ...],
    ruled_out: set[str],
    *,
    only: str | None = None,
    planned: frozenset[str] = frozenset(),
) -> list[dict[str, Any]]:
    """The general checks (guide `general_checks`) when no suspected cause leaves a step: one remedy per item, in order.

    An item gives its first referenced remedy that fits the platform, is not already in the plan (`planned`, or an
    earlier item), was not tried and is not moot (every cause listing it ruled out); the last two do not apply to
    the help section. `only`: that section alone (the help section closes every plan, §6).
    """
    guide = kb.entities.get("guide", {}).get(GENERAL_GUIDE)
    if not guide:
        return []
    listed_by: dict[str, list[str]] = {}
    for cause_id in sorted(kb.causes):
        for remedy in kb.causes[cause_id].get("remedies") or ():
            listed_by.setdefault(remedy, []).append(cause_id)
    steps: list[dict[str, Any]] = []
    taken: set[str] = set(planned)
    for section in guide.get("sections") or ():
        if only is not None and section.get("id") != only:
            continue
        for item in section.get("items") or ():
            for ref in item.get("refs") or ():
                kind, _, remedy = ref.partition(":")
                if kind != "remedy" or remedy not in kb.remedies or remedy in taken:
                    continue
                if not fits_platform(kb.remedies[remedy], platform):
                    continue
                helping = section.get("id") == HELP_SECTION  # where to get help is never done with or moot
                if remedy in tried and not helping:
                    continue
                causes = listed_by.get(remedy, [])
                if causes and all(c in ruled_out for c in causes) and not helping:
                    continue
                data = kb.remedies[remedy]
                steps.append(
                    {
                        "remedy": remedy,
                        "stage": data["stage"],
                        "minutes": data["minutes"],
                        "p_fix": 0.0,
                        "score": 0.0,
                        "for": [],
                        "general": section["id"],
                    }
                )
                taken.add(remedy)
                break
    return steps
