"""The house in wings: imports run one way only, and no module imports itself in a circle.

Reads every module's imports with `ast` (function-level imports included: a lazy import is
still a dependency), maps each to its wing, and checks the table below. The root package holds
only `__version__` and IPython's entry point; reading `nbcoach.__version__` is no dependency.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from support import ROOT

PACKAGE = ROOT / "nbcoach"
LOWER = ("core", "analysis", "workflow", "execution", "extract", "history")

# What each wing may import besides itself. `render` formats what it is given: it never calls
# the analysis. `cli` and `integrations` are the clients: only they import `render` and the
# other wings together, and nothing imports them.
ALLOWED: dict[str, frozenset[str]] = {
    "core": frozenset(),
    "analysis": frozenset({"core"}),
    "workflow": frozenset({"core", "analysis"}),
    "execution": frozenset({"core", "analysis"}),
    "extract": frozenset({"core", "analysis", "workflow", "execution"}),
    "history": frozenset({"core", "analysis", "workflow", "execution"}),
    "render": frozenset({"core", "workflow", "execution", "extract", "history"}),
    "integrations": frozenset({*LOWER, "render"}),
    "cli": frozenset({*LOWER, "render", "integrations"}),
}
ROOT_MODULES = {"nbcoach", "nbcoach.__main__"}  # entry points: `python -m`, `%load_ext`


def module_name(path: Path, package: Path) -> str:
    parts = path.relative_to(package.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, package: Path, modules: set[str]) -> set[str]:
    """The package's modules that `path` imports, at any depth of its code."""
    name = module_name(path, package)
    is_package = path.name == "__init__.py"
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = name.split(".")
                base = base[: len(base) - node.level + (1 if is_package else 0)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            for alias in node.names:
                submodule = f"{target}.{alias.name}"
                if submodule in modules:
                    found.add(submodule)
                elif not (target == package.name and alias.name == "__version__"):
                    found.add(target)
    return {m for m in found if m in modules and m != name}


def import_graph(package: Path) -> dict[str, set[str]]:
    files = {module_name(p, package): p for p in package.rglob("*.py")}
    return {name: imports_of(path, package, set(files)) for name, path in files.items()}


def wing_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else module


def forbidden_imports(graph: dict[str, set[str]]) -> list[str]:
    problems = []
    for module, targets in sorted(graph.items()):
        if module in ROOT_MODULES:
            continue
        wing = wing_of(module)
        if wing not in ALLOWED:
            problems.append(f"{module} is outside every wing")
            continue
        for target in sorted(targets):
            other = wing_of(target)
            if other != wing and other not in ALLOWED[wing]:
                problems.append(f"{module} imports {target}: {wing} may not import {other}")
    return problems


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    for start in sorted(graph):
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph[child]))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(sorted(component))
    return found


def test_no_import_runs_upward_or_sideways_against_the_table() -> None:
    assert forbidden_imports(import_graph(PACKAGE)) == []


def test_no_import_cycle() -> None:
    assert cycles(import_graph(PACKAGE)) == []


def test_the_top_level_holds_the_wings_and_at_most_six_modules() -> None:
    modules = sorted(p.name for p in PACKAGE.glob("*.py"))
    wings = sorted(p.name for p in PACKAGE.iterdir() if (p / "__init__.py").is_file())
    assert len(modules) <= 6, modules
    assert set(wings) == set(ALLOWED)
    assert not [p for p in PACKAGE.rglob("extract_*.py")]


def write_package(root: Path, files: dict[str, str]) -> Path:
    package = root / "nbcoach"
    for name, text in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return package


BASE = {
    "__init__.py": "__version__ = '1'\n",
    "core/__init__.py": "",
    "core/model.py": "from nbcoach import __version__\n",
    "analysis/__init__.py": "",
    "analysis/parse.py": "from nbcoach.core import model\n",
    "workflow/__init__.py": "",
    "workflow/sync.py": "from nbcoach.analysis.parse import x\n",
    "render/__init__.py": "",
    "render/text.py": "from nbcoach.core.model import Card\n",
}


def test_the_checks_accept_a_package_that_follows_the_table(tmp_path: Path) -> None:
    graph = import_graph(write_package(tmp_path, BASE))
    assert graph["nbcoach.workflow.sync"] == {"nbcoach.analysis.parse"}
    assert graph["nbcoach.core.model"] == set()  # reading __version__ is no dependency
    assert forbidden_imports(graph) == []
    assert cycles(graph) == []


@pytest.mark.parametrize(
    ("extra", "problem"),
    [
        (
            {"core/files.py": "def f():\n    from nbcoach.analysis import parse\n"},
            "nbcoach.core.files imports nbcoach.analysis.parse: core may not import analysis",
        ),
        (
            {"render/html.py": "from ..analysis.parse import x\n"},
            "nbcoach.render.html imports nbcoach.analysis.parse: render may not import analysis",
        ),
        (
            {"analysis/card.py": "from nbcoach.workflow import sync\n"},
            "nbcoach.analysis.card imports nbcoach.workflow.sync: analysis may not import workflow",
        ),
    ],
)
def test_one_bad_import_fails_the_direction_check(
    tmp_path: Path, extra: dict[str, str], problem: str
) -> None:
    graph = import_graph(write_package(tmp_path, {**BASE, **extra}))
    assert forbidden_imports(graph) == [problem]


def test_one_lazy_import_back_makes_a_cycle(tmp_path: Path) -> None:
    files = {**BASE, "analysis/lint.py": "def f():\n    from nbcoach.analysis import parse\n"}
    files["analysis/parse.py"] = "from nbcoach.analysis.lint import f\n"
    graph = import_graph(write_package(tmp_path, files))
    assert cycles(graph) == [["nbcoach.analysis.lint", "nbcoach.analysis.parse"]]
