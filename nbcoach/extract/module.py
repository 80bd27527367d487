"""The module side of an extraction: where it goes, what it already holds, what it becomes.

A new module gets a docstring naming the notebook, its imports, the copied constants and the
definitions, sorted and formatted by ruff. An existing module is appended to: its own text is
left as it is (never re-formatted), new imports go after its last top-level import, and the new
code after its end. A name the module already binds is skipped when it is the same code and
refused when it is not: the plan never overwrites a different definition.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

from nbcoach.analysis.lint import format_python
from nbcoach.core.errors import UsageError
from nbcoach.core.project import identifier, importable, package_name, project_root


@dataclass(frozen=True, slots=True)
class ModuleTarget:
    path: Path
    name: str  # dotted, as the notebook imports it
    source_root: Path  # the folder that must be on sys.path
    inits: tuple[Path, ...] = ()  # package `__init__.py` files that do not exist yet


def module_target(notebook: Path, module: Path | None = None) -> ModuleTarget:
    """Where the module goes: `module` if given, else `<project>/src/<package>/<notebook>.py`
    with the project's one package under `src/` (or one named after the project)."""
    if module is None:
        root = project_root(notebook)
        source_root = root / "src"
        package = _default_package(root, source_root)
        module = source_root / package / f"{identifier(notebook.stem)}.py"
        packages = [package]  # known: not read back from the path (a package may be `src`)
    else:
        module = Path(module).absolute()
        if module.suffix != ".py":
            raise UsageError(f"{module}: --module must name a .py file (src/<package>/<module>.py)")
        _refuse_foreign_target(notebook, module)
        source_root, packages = _source_root(module)
    names = [*packages, module.stem]
    bad = [name for name in names if not importable(name)]
    if bad:
        raise UsageError(
            f"{module}: `{bad[0]}` cannot be imported in Python; use letters, digits and _"
        )
    inits = []
    folder = source_root
    for package in packages:
        folder = folder / package
        if not (folder / "__init__.py").exists():
            inits.append(folder / "__init__.py")
    return ModuleTarget(module, ".".join(names), source_root, tuple(inits))


def _refuse_foreign_target(notebook: Path, module: Path) -> None:
    """A module is never the notebook's own text side (moving code "into" it would delete it
    from both), and never outside the project the notebook belongs to."""
    from nbcoach.analysis.pairs import paired_path

    real = module.resolve()
    pair = paired_path(notebook)
    if real == notebook.resolve() or (pair is not None and real == pair.resolve()):
        raise UsageError(
            f"{module}: is {notebook.name}'s own paired text file, not a module; name a module "
            "under src/ (or leave --module out)"
        )
    root = project_root(notebook)
    if not real.is_relative_to(root):
        raise UsageError(
            f"{module}: outside the project ({root}); nbcoach writes modules only inside it"
        )


def _source_root(module: Path) -> tuple[Path, list[str]]:
    """The folder a given module is imported from, and its packages: below the last `src/`, or
    as far up as `__init__.py` files go."""
    parts = module.parts
    if "src" in parts[:-1]:
        at = len(parts) - 2 - list(reversed(parts[:-1])).index("src")
        return Path(*parts[: at + 1]), list(parts[at + 1 : -1])
    source_root = module.parent
    packages: list[str] = []
    while (source_root / "__init__.py").is_file():
        packages.insert(0, source_root.name)
        source_root = source_root.parent
    return source_root, packages


def _default_package(root: Path, source_root: Path) -> str:
    """The one package already under `src/`, else the project's own (as `nbcoach init` names it)."""
    if source_root.is_dir():
        packages = sorted(
            child.name
            for child in source_root.iterdir()
            if (child / "__init__.py").is_file() and importable(child.name)
        )
        if len(packages) == 1:
            return packages[0]
    return package_name(root)


# --- what the module holds -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Bound:
    kind: str  # "definition" | "assignment" | "import"
    dump: str  # the statement's syntax tree, to tell "the same code" from "different code"
    line: int


def module_bindings(text: str) -> dict[str, Bound]:
    """Top-level names of an existing module and what binds them (the last binding wins)."""
    tree = ast.parse(text)
    found: dict[str, Bound] = {}
    for statement in tree.body:
        for name, kind, node in _bindings(statement):
            found[name] = Bound(kind, same_code_key(node), statement.lineno)
    return found


def _bindings(statement: ast.stmt) -> list[tuple[str, str, ast.AST]]:
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return [(statement.name, "definition", statement)]
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        found: list[tuple[str, str, ast.AST]] = []
        for alias in statement.names:
            if alias.name == "*":
                continue
            bound = alias.asname or alias.name.split(".")[0]
            single = (
                ast.Import(names=[alias])
                if isinstance(statement, ast.Import)
                else ast.ImportFrom(module=statement.module, names=[alias], level=statement.level)
            )
            found.append((bound, "import", single))
        return found
    if isinstance(statement, ast.Assign):
        return [
            (target.id, "assignment", statement.value)
            for target in statement.targets
            if isinstance(target, ast.Name)
        ]
    if isinstance(statement, ast.AnnAssign) and isinstance(statement.target, ast.Name):
        value = statement.value if statement.value is not None else statement
        return [(statement.target.id, "assignment", value)]
    return []


def same_code_key(node: ast.AST) -> str:
    return ast.dump(node, annotate_fields=False, include_attributes=False)


def code_key(code: str) -> str:
    """The key of a definition or statement written as code (first statement)."""
    return same_code_key(ast.parse(code).body[0])


def constant_key(assignment: str) -> str:
    statement = ast.parse(assignment).body[0]
    assert isinstance(statement, (ast.Assign, ast.AnnAssign)) and statement.value is not None
    return same_code_key(statement.value)


def import_key(statement: str) -> str:
    node = ast.parse(statement).body[0]
    assert isinstance(node, (ast.Import, ast.ImportFrom))
    return same_code_key(node)


# --- writing it ----------------------------------------------------------------------------


def render_module(
    target: ModuleTarget,
    existing: str | None,
    origin: str,
    imports: list[str],
    constants: list[str],
    definitions: list[str],
) -> str:
    """The module's full new text."""
    if existing is None:
        docstring = f'"""Code moved out of `{origin}` by `nbcoach extract`."""'
        parts = [docstring, "\n".join(imports), "\n".join(constants), "\n\n\n".join(definitions)]
        text = "\n\n".join(part for part in parts if part) + "\n"
        # every safe fix the project's ruff would make, made here: shown in the plan's diff,
        # never made by a `ruff check --fix` hook behind the user's back after the move
        return format_python(text, str(target.path), fix=True)
    filename = str(target.path)
    text = existing
    future = [i for i in imports if i.startswith("from __future__ ")]
    if future:
        text = _insert_imports(text, format_python("\n".join(future) + "\n", filename), True)
    imports = [i for i in imports if i not in future]
    block = "\n".join(constants) + ("\n\n\n" if constants else "") + "\n\n\n".join(definitions)
    code = f"# Moved out of `{origin}` by `nbcoach extract`.\n{block}\n" if block.strip() else ""
    formatted_imports, formatted_code = _format_apart(imports, code, filename)
    if imports:
        text = _insert_imports(text, formatted_imports)
    if code:
        text = text.rstrip("\n") + ("\n\n\n" if text.strip() else "") + formatted_code
    return text


def ruff_notes(target: ModuleTarget, existing: str | None, text: str) -> list[str]:
    """What the project's ruff still says of the module after the move and not before: the
    plan names each, so it can be fixed before the commit a ruff hook would stop."""
    from nbcoach.analysis.lint import check_text

    old_lines = set(existing.splitlines()) if existing else set()
    lines = text.splitlines()
    notes = []
    for finding in check_text(text, str(target.path)):
        if 0 < finding.row <= len(lines) and lines[finding.row - 1] in old_lines:
            continue  # on a line the module had before: not what the move brought
        notes.append(
            f"{target.path.name} line {finding.row}: {finding.code} {finding.message}: the "
            "project's ruff reports it (its pre-commit hook would stop the commit); fix it "
            "before committing"
        )
    return notes


def _format_apart(imports: list[str], code: str, filename: str) -> tuple[str, str]:
    """New import lines and new code formatted as two files would be, in one ruff run: the code
    follows the imports and is cut off again at its first line, the `# Moved out of` comment
    (the imports hold no comment)."""
    imports_text = "\n".join(imports) + "\n" if imports else ""
    if not imports_text or not code:
        return (
            format_python(imports_text, filename) if imports_text else "",
            format_python(code, filename) if code else "",
        )
    formatted = format_python(imports_text + "\n\n" + code, filename)
    marker = code.split("\n", 1)[0]
    at = formatted.find(f"\n{marker}\n")
    if at < 0:  # not expected; format them one by one
        return format_python(imports_text, filename), format_python(code, filename)
    return formatted[: at + 1].rstrip("\n") + "\n", formatted[at + 1 :]


def _insert_imports(text: str, formatted: str, before_others: bool = False) -> str:
    """New import lines (formatted) after the module's last top-level import (or its docstring);
    with `before_others`, right after the docstring (where `from __future__` must stand)."""
    tree = ast.parse(text)
    after = 0
    if tree.body and _is_docstring(tree.body[0]):
        after = tree.body[0].end_lineno or tree.body[0].lineno
    if not before_others:
        for statement in tree.body:
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                after = statement.end_lineno or statement.lineno
    lines = text.split("\n")
    block = formatted.rstrip("\n").split("\n")
    if after and (
        before_others or not any(isinstance(s, (ast.Import, ast.ImportFrom)) for s in tree.body)
    ):  # right after a docstring: keep a blank line between
        block = ["", *block]
    return "\n".join([*lines[:after], *block, *lines[after:]])


def _is_docstring(statement: ast.stmt) -> bool:
    return (
        isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
