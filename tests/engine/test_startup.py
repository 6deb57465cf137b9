"""A warm `mailkb diagnose` loads only what the answer needs: no YAML parser, no linter, no schema validator, no site builder."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

NOT_ON_THE_WARM_PATH = ("yaml", "mailkb.yamlsource", "mailkb.lint", "jsonschema", "fastjsonschema", "jinja2", "mailkb.sitebuild.build")
PROBE = f"""
import io, json, sys, contextlib
from mailkb.cli import main
with contextlib.redirect_stdout(io.StringIO()) as out:
    code = main(["diagnose", "--json", "-o", "platform=iphone", "-o", "fails_on_other_device=false"])
loaded = sorted(m for m in {NOT_ON_THE_WARM_PATH!r} if m in sys.modules)
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
