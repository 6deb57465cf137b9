"""The wheel installs one top-level name, `mailkb`, carrying the knowledge base and schemas: `pip install .`, then use it anywhere."""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _clean_source(target: Path) -> Path:
    """The files a clean clone has (setuptools reuses a checkout's build/ folder, which may hold stale modules)."""
    import shutil

    for name in ("pyproject.toml", "README.md"):
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / name, target / name)
    for name in ("engine", "knowledge", "schemas", "site"):
        shutil.copytree(ROOT / name, target / name, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    return target


def test_installed_wheel_lints_its_bundled_knowledge_base(tmp_path: Path):
    wheels = tmp_path / "wheels"
    source = _clean_source(tmp_path / "source")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", str(wheels), str(source)], check=True, timeout=600)
    (wheel,) = wheels.glob("mailkb-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        top = {name.split("/", 1)[0] for name in names if not name.split("/", 1)[0].endswith(".dist-info")}
        assert top == {"mailkb"}, f"the wheel must install only `mailkb`, not {sorted(top - {'mailkb'})}"
        (toplevel,) = [n for n in names if n.endswith(".dist-info/top_level.txt")] or [None]
        if toplevel:
            assert archive.read(toplevel).decode().split() == ["mailkb"]
        assert "mailkb/knowledge/causes/storage_full.yaml" in names and "mailkb/schemas/query.schema.json" in names
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site = Path(subprocess.check_output([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], text=True).strip())
    # dependencies come from the test environment; the package itself only from the wheel
    (site / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n" + sysconfig.get_paths()["platlib"] + "\n")
    subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--quiet", str(wheel)], check=True, timeout=300
    )
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = subprocess.run([env_dir / "bin" / "mailkb", "lint", "--no-hints"], cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "files checked" in done.stdout and " 0 error(s)" in done.stdout
    located = subprocess.check_output([python, "-c", "import mailkb.paths as p; print(p.knowledge_dir())"], cwd=elsewhere, text=True)
    assert str(site) in located, "the knowledge base must come from the installed package, not the checkout"
    code = "import mailkb; print(mailkb.__file__); print(mailkb.diagnose({'symptoms': ['cannot_get_mail']}).to_dict()['causes'][0]['id'])"
    where, leading = subprocess.check_output([python, "-c", code], cwd=elsewhere, text=True).split()
    assert where.startswith(str(site)) and leading
    engine = subprocess.run([python, "-c", "import engine"], cwd=elsewhere, capture_output=True, text=True)
    assert engine.returncode != 0, "no top-level `engine` module may be installed"
    module = subprocess.run([python, "-m", "mailkb", "--version"], cwd=elsewhere, capture_output=True, text=True, check=True)
    assert module.stdout.startswith("mailkb ")


def test_every_package_under_engine_is_declared_for_the_wheel():
    import tomllib

    declared = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    engine = ROOT / "engine"
    found = {".".join(("mailkb", *p.parent.relative_to(engine).parts)) for p in engine.rglob("__init__.py")}
    assert found <= declared, f"add {sorted(found - declared)} to [tool.setuptools] packages in pyproject.toml"
