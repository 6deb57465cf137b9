"""The CI workflows parse and do what the project promises: `make test` on pull requests, build and deploy Pages on main."""

from __future__ import annotations

from pathlib import Path

import yaml

WORKFLOWS = Path(__file__).resolve().parents[2] / ".github" / "workflows"


def _load(name: str) -> dict:
    data = yaml.safe_load((WORKFLOWS / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict) and "jobs" in data
    data["on"] = data.pop(True, data.get("on"))  # YAML 1.1 reads the key `on` as true
    return data


def _commands(workflow: dict) -> list[str]:
    return [step.get("run", "") for job in workflow["jobs"].values() for step in job["steps"]]


def test_every_workflow_parses():
    names = sorted(p.name for p in WORKFLOWS.glob("*.y*ml"))
    assert {"test.yml", "pages.yml"} <= set(names)
    for name in names:
        workflow = _load(name)
        for job in workflow["jobs"].values():
            assert job.get("runs-on") and job.get("steps")
            for step in job["steps"]:
                assert ("uses" in step) != ("run" in step), step


def test_pull_requests_run_make_test():
    workflow = _load("test.yml")
    assert "pull_request" in workflow["on"]
    assert any(cmd.startswith("make test") for cmd in _commands(workflow))


def test_main_builds_and_deploys_pages():
    workflow = _load("pages.yml")
    assert workflow["on"]["push"]["branches"] == ["main"]
    assert workflow["permissions"]["pages"] == "write" and workflow["permissions"]["id-token"] == "write"
    assert any("mailkb build" in cmd for cmd in _commands(workflow))
    uses = [step.get("uses", "") for job in workflow["jobs"].values() for step in job["steps"]]
    assert any(u.startswith("actions/upload-pages-artifact") for u in uses)
    assert any(u.startswith("actions/deploy-pages") for u in uses)
