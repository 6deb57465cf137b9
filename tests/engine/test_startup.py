"""A warm `mailkb diagnose` loads only what the answer needs: no YAML parser, no linter, no schema validator, no site builder,
and nothing of the other verbs (HTTP API, evidence readers, probe, site) whose options the command line registers."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

# packages: neither the package nor any of its modules
NOT_ON_THE_WARM_PATH = (
    "yaml",
    "mailkb.yamlsource",
    "mailkb.lint",
    "jsonschema",
    "fastjsonschema",
    "jinja2",
    "mailkb.sitebuild",
    "mailkb.api",
    "mailkb.evidence",
    "mailkb.probe",
    "mailkb.evidence_merge",
    "email",
    "fastapi",
    # the value of information is computed in plain Python, the compiled rules and question model come from the cache,
    # and the message matcher (with `regex`) loads only for a query with an error message
    "numpy",
    "mailkb.matching",
    "regex",
)
PROBE = f"""
import io, json, sys, contextlib
from mailkb.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["diagnose", "--json", "-o", "platform=iphone", "-o", "fails_on_other_device=false"])
names = {NOT_ON_THE_WARM_PATH!r}
loaded = sorted({{n for m in sys.modules for n in names if m == n or m.startswith(n + ".")}})
print(json.dumps(dict(code=code, loaded=loaded, causes=len(json.loads(out.getvalue())["causes"]))))
"""


def _run(cache: Path) -> dict:
    env = {**os.environ, "MAILKB_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, env=env, timeout=120, check=True)
    return json.loads(done.stdout)


def test_a_warm_diagnose_imports_nothing_it_does_not_need(tmp_path: Path):
    cold = _run(tmp_path)
    assert cold["code"] == 0 and "mailkb.lint" in cold["loaded"], "the first run validates the knowledge base"
    warm = _run(tmp_path)
    assert warm == {"code": 0, "loaded": [], "causes": cold["causes"]}
