"""`nbcoach init`: the notebook-to-Python workflow scaffolded into a team's repository.

Files come from the shipped `templates/` folder (resources.py). Nothing is ever overwritten
without `force`: an existing file is kept and reported, so running init twice changes nothing.
`[tool.nbcoach]` and `[tool.jupytext]` are merged into an existing pyproject.toml with tomlkit,
and nbcoach's hooks into an existing `.pre-commit-config.yaml` with ruamel.yaml
(precommitconfig.py): both keep every other table or hook, comment and blank line as they were.
The hooks and WORKFLOW.md install nbcoach from where this one came from (origin.py).
"""

from __future__ import annotations

import keyword
from collections.abc import Iterator
from dataclasses import dataclass, replace
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nbcoach.core.errors import ConfigError, UsageError
from nbcoach.core.files import write_atomic
from nbcoach.core.project import identifier, importable, package_name
from nbcoach.core.resources import shipped
from nbcoach.workflow.origin import Origin, nbcoach_origin

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
    detail: str = ""  # one line for the user, e.g. which hooks were added


def init(directory: Path, options: InitOptions = InitOptions()) -> tuple[str, list[Change]]:
    """Scaffold `directory`; returns the package name used and what happened to each file."""
    directory.mkdir(parents=True, exist_ok=True)
    pyproject = directory / "pyproject.toml"
    package = options.package or package_name(directory)
    if not importable(package):
        raise UsageError(_refused_package(package))
    origin = (
        Origin(
            "git",
            f"nbcoach @ git+{options.hooks_repo}@{options.hooks_rev or 'HEAD'}",
            options.hooks_repo,
            options.hooks_rev or "",
        )
        if options.hooks_repo
        else nbcoach_origin()
    )
    fields = {
        "package": package,
        "project": package.replace("_", "-"),
        "ruff_version": _version("ruff"),
        "nbcoach_hooks": hooks_block(options, origin),
        "dev_requirements": ", ".join(
            f'"{r}"' for r in ((origin.requirement,) if origin.shared else ()) + DEV_TOOLS[1:]
        ),
    }
    templates = shipped("templates")
    changes = [_merge_pyproject(pyproject, templates, fields, options.force)]
    fields["setup"] = setup_command(pyproject, origin)
    hooks = _merge_hooks(
        directory / ".pre-commit-config.yaml",
        _render(templates.joinpath("pre-commit-config.yaml").read_text("utf-8"), fields),
        options.force,
    )
    if not origin.shared and options.hooks_repo is None and hooks.action != "unchanged":
        local = (
            f"nbcoach's hooks install it from {origin.requirement}, a folder on this machine; "
            "for the team: nbcoach init --hooks-repo URL --hooks-rev TAG --force"
        )
        hooks = replace(hooks, detail="; ".join(filter(None, (hooks.detail, local))))
    changes.append(hooks)
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


def setup_command(pyproject: Path, origin: Origin | None = None) -> str:
    """How WORKFLOW.md tells the team to install the tools: from the project's `dev` extra when
    it holds them (the pyproject.toml `nbcoach init` creates has one), otherwise by name -- a
    pyproject init only merged its tables into may have no such extra, or no [project] at all.
    nbcoach is named as this one was installed (a git URL, a folder), never by a bare name an
    index may not carry."""
    import re
    import shlex

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
    origin = origin or nbcoach_origin()
    if all(tool in names for tool in DEV_TOOLS):
        return "pip install -e '.[dev]'"
    if all(tool in names for tool in DEV_TOOLS[1:]):
        return f"pip install -e '.[dev]' {shlex.quote(origin.requirement)}"
    return "pip install " + " ".join((shlex.quote(origin.requirement), *DEV_TOOLS[1:]))


def hooks_block(options: InitOptions, origin: Origin) -> str:
    """nbcoach's block of the configuration: its repository at a revision when it has one
    (`--hooks-repo`, or the git repository this nbcoach was installed from), else local hooks
    that pip-install nbcoach as this one was installed (`language: python` either way: the
    hooks never depend on what happens to be on PATH)."""
    templates = shipped("templates")
    repo, rev = options.hooks_repo, options.hooks_rev
    if repo is None and origin.repo:
        repo, rev = origin.repo, rev or origin.rev
    if repo is not None:
        block = templates.joinpath("hooks-remote.yaml").read_text(encoding="utf-8").rstrip("\n")
        rev = rev or f"v{_version('nbcoach')}"
        return _render(block, {"hooks_repo": repo, "hooks_rev": rev})
    block = templates.joinpath("hooks-python.yaml").read_text(encoding="utf-8").rstrip("\n")
    note = "the package index" if origin.kind == "index" else "the folder it was installed from"
    return _render(block, {"requirement": origin.requirement, "requirement_note": note})


def _merge_hooks(config: Path, wanted: str, force: bool) -> Change:
    from nbcoach.workflow.precommitconfig import merge_config

    shown = config.name
    if not config.exists() or force:
        action = "overwritten" if config.exists() else "created"
        if config.exists() and config.read_text(encoding="utf-8", errors="replace") == wanted:
            return Change(shown, "unchanged")
        write_atomic(config, wanted)
        return Change(shown, action)
    existing = config.read_text(encoding="utf-8")
    merged = merge_config(existing, wanted, str(config))
    if not merged.added:
        return Change(shown, "unchanged", "has nbcoach's hooks already")
    write_atomic(config, merged.text)
    kept = f"; kept the file's {', '.join(merged.kept)}" if merged.kept else ""
    return Change(shown, "merged", f"added {', '.join(merged.added)}{kept}")


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
        base = _render(templates.joinpath("pyproject.toml.in").read_text(encoding="utf-8"), fields)
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
