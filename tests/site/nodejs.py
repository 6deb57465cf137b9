"""Run the wizard's JavaScript evaluator in Node from Python tests (one long-lived process)."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

RUNNER = Path(__file__).with_name("node_engine.js")


class NodeEngine:
    """A Node process answering one diagnosis per line."""

    def __init__(self, rules_doc: Path | None = None):
        node = shutil.which("node")
        if node is None:
            raise RuntimeError("node is required for the wizard equivalence tests (install nodejs)")
        args = [node, str(RUNNER)] + ([str(rules_doc)] if rules_doc else [])
        self.proc = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, encoding="utf-8")

    def diagnose(
        self,
        query: dict[str, Any],
        order: str = "value",
        doc: dict | None = None,
        consult: bool | list[str] = False,
        patterns: dict | None = None,
    ) -> dict[str, Any]:
        """The wizard engine's diagnosis (with `consult`, also the consultation texts: answer["consult"][lang]; a list
        of languages asks for those only). `patterns` (api/patterns.json, with `doc`) lets it read the error message's
        evidence as the wizard does."""
        message = {"query": query, "order": order, "consult": consult}
        if doc is not None:
            message["doc"] = doc
            if patterns is not None:
                message["patterns"] = patterns
        assert self.proc.stdin and self.proc.stdout
        self.proc.stdin.write(json.dumps(message, ensure_ascii=False) + "\n")
        self.proc.stdin.flush()
        answer = json.loads(self.proc.stdout.readline())
        if "error" in answer:
            raise AssertionError("JavaScript evaluator failed: " + answer["error"])
        return answer

    def close(self) -> None:
        if self.proc.stdin:
            self.proc.stdin.close()
        self.proc.wait(timeout=10)
        if self.proc.stdout:
            self.proc.stdout.close()
