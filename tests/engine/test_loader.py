"""`load_kb()` caches a validated knowledge base, and never serves it once the schemas or the code that judged it change."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import mailkb

PACKAGE = Path(mailkb.__file__).resolve().parent
LOAD = """
import json, mailkb
try:
    kb = mailkb.load_kb()
    print(json.dumps({"ok": True, "from": str(kb.root)}))
except mailkb.KnowledgeBaseError as err:
    print(json.dumps({"ok": False, "problems": len(err.problems), "first": err.problems[0].code}))
"""


def _installed_copy(tmp_path: Path) -> Path:
    """A copy of the package laid out as the wheel installs it (data folders inside), importable as `mailkb`."""
    root = tmp_path / "site-packages"
    target = root / "mailkb"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("knowledge", "schemas"):
        shutil.copytree(PACKAGE.parent / name, target / name)
    return root


def _load(root: Path, cache: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(root), "MAILKB_CACHE_DIR": str(cache)}
    done = subprocess.run([sys.executable, "-c", LOAD], capture_output=True, text=True, env=env, cwd=root, timeout=120)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def test_a_stricter_schema_invalidates_the_cached_knowledge_base(tmp_path: Path):
    root, cache = _installed_copy(tmp_path), tmp_path / "cache"
    first = _load(root, cache)
    assert first["ok"] and first["from"].startswith(str(root)), first
    schema_file = root / "mailkb" / "schemas" / "cause.schema.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    schema["properties"]["reviewed_by"] = {"type": "string"}
    schema["required"] = [*schema["required"], "reviewed_by"]  # a new field every cause must now have
    schema_file.write_text(json.dumps(schema), encoding="utf-8")
    second = _load(root, cache)
    assert second == {"ok": False, "problems": len(list((root / "mailkb" / "knowledge" / "causes").glob("*.yaml"))), "first": "MK201"}


def test_changed_engine_code_validates_again_instead_of_reading_the_old_cache(tmp_path: Path):
    root, cache = _installed_copy(tmp_path), tmp_path / "cache"
    assert _load(root, cache)["ok"]
    assert _load(root, cache)["ok"]
    assert len(list(cache.glob("kb-*.pickle"))) == 1, "an unchanged tree reuses its cache file"
    checks = root / "mailkb" / "lint" / "kbchecks.py"
    checks.write_text(checks.read_text(encoding="utf-8") + "\n# a new check would go here\n", encoding="utf-8")
    assert _load(root, cache)["ok"]
    assert len(list(cache.glob("kb-*.pickle"))) == 2, "the edited linter must judge the knowledge base afresh"
