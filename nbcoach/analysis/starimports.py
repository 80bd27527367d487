"""Which names `from module import *` brings in, found without running the notebook.

A function that calls `sqrt` in a notebook that did `from math import *` needs
`from math import sqrt` in its module. Modules with Python source are read, not imported: their
`__all__`, else their public top-level names (following their own star imports). Only modules
of the standard library without source (`math`, `itertools`: built into the interpreter) are
imported to list their names, which runs no third-party code.
"""

from __future__ import annotations

import ast
import importlib
import importlib.machinery
import os
import sys
from functools import lru_cache
from pathlib import Path

MAX_DEPTH = 4
# Standard modules whose import does something visible (prints, opens a window or a browser).
SIDE_EFFECTS = frozenset({"this", "antigravity", "turtle", "turtledemo", "tkinter", "idlelib"})


@lru_cache(maxsize=256)
def star_exports(module: str, depth: int = 0) -> frozenset[str] | None:
    """The names `from module import *` binds, or None when that cannot be told."""
    if not module or module.startswith(".") or depth > MAX_DEPTH:
        return None
    spec = _find_spec(module)
    origin = spec.origin if spec is not None else None
    if origin and origin.endswith(".py"):
        found = _from_source(Path(origin), module, depth)
        if found is not None:
            return found
    top = module.split(".")[0]
    if top in sys.stdlib_module_names and top not in SIDE_EFFECTS and _standard(_find_spec(top)):
        return _from_import(module)
    return None


_STDLIB = Path(os.__file__).resolve().parent  # lib/python3.X, lib-dynload below it


def _standard(spec: importlib.machinery.ModuleSpec | None) -> bool:
    """Whether the module found is the interpreter's own (built in, or in its standard library
    folders): a project's `_csv.py` shadowing the standard one is never imported."""
    if spec is None or spec.origin is None:
        return False
    if spec.origin in ("built-in", "frozen"):
        return True
    origin = Path(spec.origin).resolve()
    installed = {"site-packages", "dist-packages"}
    return origin.is_relative_to(_STDLIB) and not installed & set(origin.parts)


def _find_spec(module: str) -> importlib.machinery.ModuleSpec | None:
    """The module's spec, found by path search only: no parent package is imported."""
    parts = module.split(".")
    try:
        if parts[0] in sys.builtin_module_names:
            return importlib.machinery.BuiltinImporter.find_spec(parts[0])
        spec = importlib.machinery.PathFinder.find_spec(parts[0])
        for index in range(1, len(parts)):
            if spec is None or not spec.submodule_search_locations:
                return None
            spec = importlib.machinery.PathFinder.find_spec(
                ".".join(parts[: index + 1]), list(spec.submodule_search_locations)
            )
    except (ImportError, ValueError, OSError):
        return None
    return spec


def _from_import(module: str) -> frozenset[str] | None:
    try:
        loaded = importlib.import_module(module)
    except Exception:  # a standard module this interpreter lacks (a platform-specific one)
        return None
    names = getattr(loaded, "__all__", None)
    if names is None:
        names = [name for name in dir(loaded) if not name.startswith("_")]
    return frozenset(str(name) for name in names)


def _from_source(path: Path, module: str, depth: int) -> frozenset[str] | None:
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    try:
        tree = ast.parse(path.read_bytes())
    except (OSError, SyntaxError, ValueError):
        return None
    if _all_changed_by_code(tree):
        return None
    declared = _declared_all(tree)
    if declared is not None:
        return declared
    names: set[str] = set()
    for statement in tree.body:
        for name in _bound(statement, package, depth):
            if name is None:
                return None
            if not name.startswith("_"):
                names.add(name)
    return frozenset(names)


def _all_changed_by_code(tree: ast.Module) -> bool:
    """`__all__.extend(...)` and the like: only running the module would tell."""
    return any(
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id == "__all__"
        for node in ast.walk(tree)
    )


def _declared_all(tree: ast.Module) -> frozenset[str] | None:
    """`__all__` when it is written as literals (assigned, then maybe extended with +=)."""
    found: list[str] | None = None
    for statement in tree.body:
        target = value = None
        if isinstance(statement, ast.Assign) and len(statement.targets) == 1:
            target, value = statement.targets[0], statement.value
        elif isinstance(statement, (ast.AugAssign, ast.AnnAssign)):
            target, value = statement.target, statement.value
        if not (isinstance(target, ast.Name) and target.id == "__all__") or value is None:
            continue
        try:
            items = ast.literal_eval(value)
        except (ValueError, TypeError, SyntaxError):
            return None
        listed = [str(item) for item in items]
        found = (found or []) + listed if isinstance(statement, ast.AugAssign) else listed
    return frozenset(found) if found is not None else None


def _bound(statement: ast.stmt, package: str, depth: int) -> list[str | None]:
    """Names a top-level statement binds; None stands for "cannot tell"."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [statement.name]
    if isinstance(statement, ast.Import):
        return [(a.asname or a.name).split(".")[0] for a in statement.names]
    if isinstance(statement, ast.ImportFrom):
        names: list[str | None] = []
        for alias in statement.names:
            if alias.name != "*":
                names.append(alias.asname or alias.name)
                continue
            target = _absolute(statement, package)
            inner = star_exports(target, depth + 1) if target else None
            if inner is None:
                return [None]
            names += sorted(inner)
        return names
    if isinstance(statement, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
        targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
        return [n.id for t in targets for n in ast.walk(t) if isinstance(n, ast.Name)]
    if isinstance(statement, (ast.If, ast.Try)):
        inner_statements = [*statement.body, *statement.orelse]
        if isinstance(statement, ast.Try):
            inner_statements += [s for h in statement.handlers for s in h.body]
        return [n for s in inner_statements for n in _bound(s, package, depth)]
    return []


def _absolute(statement: ast.ImportFrom, package: str) -> str:
    """The absolute name of a relative import made inside `package`."""
    if not statement.level:
        return statement.module or ""
    parts = package.split(".") if package else []
    if statement.level - 1 > len(parts):
        return ""
    base = parts[: len(parts) - (statement.level - 1)]
    return ".".join([*base, *([statement.module] if statement.module else [])])
