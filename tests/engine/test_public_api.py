"""The public Python API: `import mailkb`, the names in `mailkb.__all__`, one error base, no import circles."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

import mailkb

PACKAGE = Path(mailkb.__file__).resolve().parent
PUBLIC = {
    "__version__",
    "diagnose",
    "Diagnosis",
    "load_kb",
    "KnowledgeBase",
    "MailkbError",
    "QueryError",
    "KnowledgeBaseError",
    "PlanError",
    "BackendError",
    "RuleCompileError",
    "BuildError",
    "UsageError",
}


def test_all_lists_the_documented_names_and_each_imports_from_the_top():
    assert set(mailkb.__all__) == PUBLIC == {"__version__", *mailkb._EXPORTS}
    for name in mailkb.__all__:
        assert getattr(mailkb, name) is not None
    readme = (PACKAGE.parent / "README.md").read_text(encoding="utf-8")
    for name in PUBLIC - {"__version__"}:
        assert f"`{name}" in readme, f"README's Python section must document mailkb.{name}"


def test_diagnose_is_a_function_and_diagnosis_its_module(basic_kb):
    import mailkb.diagnosis as module  # importing the module must not rebind mailkb.diagnose

    assert mailkb.diagnose is module.diagnose
    result = mailkb.diagnose({"fails_on_other_device": False}, kb=basic_kb)
    assert isinstance(result, mailkb.Diagnosis)
    assert result.to_dict()["engine"] == "durable"


def test_every_error_is_a_mailkb_error_with_its_exit_code():
    for name in ("QueryError", "PlanError", "BackendError", "RuleCompileError", "BuildError", "UsageError"):
        error = getattr(mailkb, name)
        assert issubclass(error, mailkb.MailkbError)
        assert error.exit_code == 2, name
    assert mailkb.KnowledgeBaseError.exit_code == 1
    with pytest.raises(mailkb.QueryError) as caught:
        mailkb.diagnose({"no_such_observation": True})
    assert caught.value.field == "no_such_observation"


def test_import_mailkb_is_cheap():
    code = (
        "import sys, mailkb; "
        "print(sorted(m for m in ('durable', 'jsonschema', 'yaml', 'mailkb.diagnosis', 'mailkb.lint') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_python_dash_m_mailkb_runs_the_cli(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "mailkb", "--version"], capture_output=True, text=True, cwd=tmp_path, check=True)
    assert done.stdout.strip() == f"mailkb {mailkb.__version__}"


def _imports(path: Path) -> set[str]:
    """Modules of the package that `path` imports anywhere (functions included), leaving out TYPE_CHECKING blocks."""
    package_parts = list(path.relative_to(PACKAGE).parent.parts)  # the package a relative import starts from
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {
        id(child)
        for node in ast.walk(tree)
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)
        for child in ast.walk(node)
    }
    found: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skipped or not isinstance(node, ast.ImportFrom) or not node.level:
            continue
        base = package_parts[: len(package_parts) - (node.level - 1)] if node.level > 1 else package_parts
        target = ".".join([*base, *(node.module.split(".") if node.module else [])])
        for alias in node.names:
            candidate = f"{target}.{alias.name}" if target else alias.name
            found.add(candidate if _module_file(candidate) else target)
    return {name for name in found if name and _module_file(name)}


def _module_file(name: str) -> Path | None:
    parts = name.split(".")
    for candidate in (PACKAGE.joinpath(*parts).with_suffix(".py"), PACKAGE.joinpath(*parts, "__init__.py")):
        if candidate.is_file():
            return candidate
    return None


def test_no_import_circles_in_the_package():
    graph: dict[str, set[str]] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        name = ".".join(path.relative_to(PACKAGE).with_suffix("").parts).removesuffix(".__init__")
        graph[name] = _imports(path) - {name}
    assert "verbs" in graph and "sitebuild.commands" in graph["verbs"], "the graph must see real imports"

    # Tarjan's strongly connected components: a circle is a component of more than one module.
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    circles: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                item = stack.pop()
                on_stack.discard(item)
                component.append(item)
                if item == node:
                    break
            if len(component) > 1:
                circles.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    assert circles == []
