"""Scenario files (tests/engine/scenarios/*.yaml): input → expected leading causes, on both backends."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from mailkb.diagnosis import diagnose
from mailkb.schemas import validator

from .conftest import SCENARIOS

CASES = [
    pytest.param(path.stem, data["kb"], case, id=f"{path.stem}:{case['name']}")
    for path in sorted(Path(SCENARIOS).glob("*.yaml"))
    for data in [yaml.safe_load(path.read_text(encoding="utf-8"))]
    for case in data["cases"]
]


def _missing_ids(kb, case) -> list[str]:
    ids = [k for k in case["input"]] + list(case["input"].get("symptoms", ()))
    causes = case.get("leading", []) + case.get("absent", []) + case.get("ruled_out", []) + ([case["top"]] if "top" in case else [])
    missing = [i for i in ids if i not in kb.observations and i not in kb.symptoms]
    if case.get("leading_any") and not set(case["leading_any"]) & set(kb.causes):
        missing += case["leading_any"]
    return missing + [c for c in causes if c not in kb.causes]


@pytest.mark.parametrize("backend", ["durable", "reference"])
@pytest.mark.parametrize(("file", "kb_name", "case"), CASES)
def test_scenario(request, file, kb_name, case, backend):
    kb = request.getfixturevalue("basic_kb" if kb_name == "basic" else "real_kb")
    missing = _missing_ids(kb, case)
    if missing:
        pytest.skip(f"knowledge base lacks {', '.join(missing)} (still being written)")
    result = diagnose(case["input"], kb=kb, backend=backend)
    assert not list(validator("diagnosis").iter_errors(result.to_dict()))
    ranked = [c["id"] for c in result.causes]
    why = f"{case['source']}: causes {ranked}"
    if "top" in case:
        assert ranked[:1] == [case["top"]], why
    for cause in case.get("leading", []):
        assert cause in ranked[: max(3, len(case["leading"]))], why
    if "leading_any" in case:
        assert set(case["leading_any"]) & set(ranked[:3]), why
    for cause in case.get("absent", []):
        assert cause not in ranked, why
    for cause in case.get("ruled_out", []):
        assert cause in [r["id"] for r in result.ruled_out], why
    if "symptoms" in case:
        assert set(case["symptoms"]) <= {s["id"] for s in result.symptoms}, why
    plan = [step["remedy"] for step in result.plan]
    for remedy in case.get("plan_includes", []):
        assert remedy in plan, f"{why}; plan {plan}"
    if "first_step" in case:
        assert plan[:1] == [case["first_step"]], f"{why}; plan {plan}"
    taken = {e["observation"]: e["value"] for e in result.from_evidence or ()}
    for observation, value in case.get("evidence", {}).items():
        assert taken.get(observation) == value, f"{why}; read from the message: {taken}"
    for fact, value in case.get("derived", {}).items():
        assert {"fact": fact, "value": value} in [{"fact": d["fact"], "value": d["value"]} for d in result.derived], why
