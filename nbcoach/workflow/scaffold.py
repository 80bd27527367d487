"""`nbcoach init`: the notebook-to-Python workflow scaffolded into a team's repository.

Files come from the shipped `templates/` folder (resources.py). Nothing is ever overwritten
without `force`: an existing file is kept and reported, so running init twice changes nothing.
`[tool.nbcoach]` and `[tool.jupytext]` are merged into an existing pyproject.toml with tomlkit,
which keeps every other table, comment and blank line as it was.
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbcoach.core.errors import ConfigError, UsageError
from nbcoach.core.files import write_atomic
from nbcoach.core.project import identifier, importable, package_name
from nbcoach.core.resources import shipped

if TYPE_CHECKING:
    from importlib.abc import Traversable

TOOL_TABLES = ("nbcoach", "jupytext")


@dataclass(frozen=True, slots=True)
class InitOptions:
    package: str | None = None
    force: bool = False
    hooks_repo: str | None = None  # install nbcoach's hooks from this git repository
    hooks_rev: str | None = None


@dataclass(frozen=True, slots=True)
class Change:
    path: str  # relative to the project folder
    action: str  # created | merged | overwritten | kept | unchanged


def init(directory: Path, options: InitOptions = InitOptions()) -> tuple[str, list[Change]]:
    """Scaffold `directory`; returns the package name used and what happened to each file."""
    directory.mkdir(parents=True, exist_ok=True)
    pyproject = directory / "pyproject.toml"
    package = options.package or package_name(directory)
    if not importable(package):
        raise UsageError(_refused_package(package))
    fields = {
        "package": package,
        "project": package.replace("_", "-"),
        "ruff_version": _version("ruff"),
        "nbcoach_hooks": _hooks_block(options),
    }
    templates = shipped("templates")
    changes = [_merge_pyproject(pyproject, templates, fields, options.force)]
    fields["setup"] = setup_command(pyproject)
    for relative, entry in _walk(templates / "project"):
        target = directory / _render(relative, fields)
        content = _render(entry.read_text(encoding="utf-8"), fields)
        changes.append(_place(target, content, options.force, directory))
    return package, changes


def _refused_package(package: str) -> str:
    """Why `package` cannot be imported, and a name that can (`class` -> `class_`)."""
    why = (
        "a Python keyword"
        if keyword.iskeyword(package)
        else "only letters, digits and _, not starting with a digit"
    )
    return (
        f"'{package}' is not a valid Python package name ({why}); "
        f"try --package {identifier(package)}"
    )


DEV_TOOLS = ("nbcoach", "pre-commit", "pytest")  # what WORKFLOW.md has the team run


def setup_command(pyproject: Path) -> str:
    """How WORKFLOW.md tells the team to install the tools: from the project's `dev` extra when
    it holds them (the pyproject.toml `nbcoach init` creates has one), otherwise by name -- a
    pyproject init only merged its tables into may have no such extra, or no [project] at all."""
    import re

    import tomlkit

    try:
        data: dict[str, Any] = tomlkit.parse(pyproject.read_text(encoding="utf-8")).unwrap()
    except Exception:  # unreadable: name the tools (tomlkit's errors have no common base)
        data = {}
    project = data.get("project")
    extras = project.get("optional-dependencies", {}) if isinstance(project, dict) else {}
    dev = extras.get("dev", []) if isinstance(extras, dict) else []
    names = {
        re.split(r"[\s\[<>=!~;@(]", str(requirement).strip(), maxsplit=1)[0].lower()
        for requirement in dev
    }
    if all(tool in names for tool in DEV_TOOLS):
        return "pip install -e '.[dev]'"
    return "pip install " + " ".join(DEV_TOOLS)


def _hooks_block(options: InitOptions) -> str:
    templates = shipped("templates")
    if options.hooks_repo is None:
        return templates.joinpath("hooks-local.yaml").read_text(encoding="utf-8").rstrip("\n")
    rev = options.hooks_rev or f"v{_version('nbcoach')}"
    block = templates.joinpath("hooks-remote.yaml").read_text(encoding="utf-8").rstrip("\n")
    return _render(block, {"hooks_repo": options.hooks_repo, "hooks_rev": rev})


def _place(target: Path, content: str, force: bool, directory: Path) -> Change:
    shown = target.relative_to(directory).as_posix()
    if target.exists():
        if target.read_text(encoding="utf-8", errors="replace") == content:
            return Change(shown, "unchanged")
        if not force:
            return Change(shown, "kept")
        write_atomic(target, content)
        return Change(shown, "overwritten")
    write_atomic(target, content)
    return Change(shown, "created")


def _merge_pyproject(
    pyproject: Path, templates: Traversable, fields: dict[str, str], force: bool
) -> Change:
    import tomlkit

    tables = templates.joinpath("tool.toml").read_text(encoding="utf-8")
    if not pyproject.exists():
        base = _render(templates.joinpath("pyproject.toml").read_text(encoding="utf-8"), fields)
        write_atomic(pyproject, base.rstrip("\n") + "\n\n" + tables)
        return Change("pyproject.toml", "created")
    original = pyproject.read_text(encoding="utf-8")
    try:
        document = tomlkit.parse(original)
        wanted = tomlkit.parse(tables)
    except Exception as error:  # tomlkit's parse errors have no common base worth naming
        raise ConfigError(f"{pyproject}: invalid TOML, not changed: {error}") from error
    tool: Any = document.get("tool")
    if tool is None:
        tool = tomlkit.table(is_super_table=True)
        document.append("tool", tool)
    for name in TOOL_TABLES:
        if name not in tool or force:
            tool[name] = wanted["tool"][name]
    merged = tomlkit.dumps(document)
    if merged == original:
        return Change("pyproject.toml", "unchanged")
    write_atomic(pyproject, merged)
    return Change("pyproject.toml", "merged")


def _walk(folder: Traversable, prefix: str = "") -> Iterator[tuple[str, Traversable]]:
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if entry.name == "__pycache__":
            continue
        relative = f"{prefix}{entry.name}"
        if entry.is_dir():
            yield from _walk(entry, relative + "/")
        else:
            yield relative, entry


def _render(text: str, fields: dict[str, str]) -> str:
    for key, value in fields.items():
        text = text.replace("{{" + key + "}}", value)
    return text


def _version(distribution: str) -> str:
    try:
        return version(distribution)
    except PackageNotFoundError:  # pragma: no cover - both are installed with nbcoach
        return "0"
