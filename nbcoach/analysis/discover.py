"""Which files a run covers: paths given, and the notebooks and Python files inside directories.

Walking a directory skips hidden folders (and so `.ipynb_checkpoints`, `.git`, `.venv`),
virtual environments under any name, caches, and whatever git ignores there -- unless the folder
named is itself ignored: a folder you name is searched, as ruff does. `[tool.nbcoach] exclude`
applies to every path, named or found (as ruff's `--force-exclude`): a hook handed an excluded
notebook leaves it alone. Patterns match the path relative to the project (the folder of the
configuration), or relative to the folder searched, or the file name. What was skipped, and why,
is counted, so a run that finds nothing can say so. A `.py` file that is the jupytext pair of a
notebook in the same run is reported with the notebook, not twice.
"""

from __future__ import annotations

import fnmatch
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from nbcoach.core import gitindex
from nbcoach.core.errors import NO_SUCH_FILE, NOT_A_NOTEBOOK, NOT_REGULAR, InputError, UsageError
from nbcoach.core.files import irregular_kind, read_user_file

SUFFIXES = (".ipynb", ".py")
_SKIP_DIRS = {"__pycache__", "node_modules", "site-packages", "build", "dist", "__pypackages__"}


@dataclass(frozen=True, slots=True)
class Target:
    path: Path
    display: str  # as the user will see it in locations
    # Resolved once, here: every use of it would cost a system call per folder. (A symlinked
    # file's config is still that of the folder it is listed in: `ConfigLoader.for_file`.)
    real: Path
    paired_with: str | None = None  # a .py reported with this notebook instead


@dataclass(frozen=True, slots=True)
class Discovery:
    targets: tuple[Target, ...]
    errors: tuple[str, ...]  # one line per path that does not exist or cannot be read
    excluded: tuple[tuple[str, str], ...] = ()  # (path, pattern) for each file `exclude` left out
    ignored: int = 0  # files a folder walk left out because git ignores them


@dataclass(frozen=True, slots=True)
class Scope:
    """What to leave out, and where patterns are relative to."""

    exclude: tuple[str, ...] = ()
    root: Path | None = None  # the project (configuration) folder
    respect_gitignore: bool = True
    include: tuple[str, ...] = ()  # when set, a folder search keeps only files matching one


def project_scope(paths: Sequence[str], respect_gitignore: bool = True) -> Scope:
    """The scope `[tool.nbcoach]` sets for a run over `paths` (the first one's configuration,
    as the report's)."""
    from nbcoach.core.config import ConfigLoader

    config = ConfigLoader().for_path(Path(paths[0]) if paths else Path.cwd())
    root = Path(config.root) if config.path else None
    return Scope(config.excluded, root, respect_gitignore, config.include)


def discover(paths: Sequence[str], scope: Scope | None = None) -> Discovery:
    """The files to cover. Without a scope, the one the inputs' configuration sets."""
    scope = scope if scope is not None else project_scope(paths)
    found: dict[Path, Target] = {}
    errors: list[str] = []
    excluded: list[tuple[str, str]] = []
    ignored = 0
    for given in paths:
        path = Path(given)
        if path.is_dir():
            walked, left_out, dropped = _walk(path, scope)
            excluded += left_out
            ignored += dropped
            for file, real in walked:
                kind = irregular_kind(file)
                if kind is not None:  # a FIFO would hang the read, a device never end
                    errors.append(f"{file}: {NOT_REGULAR} ({kind}); skipped")
                    continue
                found.setdefault(real, Target(file, str(file), real))
        elif path.is_file():
            if path.suffix not in SUFFIXES:
                errors.append(f"{given}: {NOT_A_NOTEBOOK} (nbcoach reads .ipynb and .py)")
                continue
            pattern = excluded_by(path, scope)
            if pattern is not None:
                excluded.append((given, pattern))
                continue
            real = path.resolve()
            found.setdefault(real, Target(path, given, real))
        elif path.exists():
            errors.append(f"{given}: {NOT_REGULAR} ({irregular_kind(path)}); skipped")
        else:
            errors.append(f"{given}: {NO_SUCH_FILE}")
    targets = _mark_pairs(list(found.values()))
    targets.sort(key=lambda t: t.display)
    return Discovery(tuple(targets), tuple(errors), tuple(excluded), ignored)


def nothing_found(paths: Sequence[str], excluded: Sequence[tuple[str, str]], ignored: int) -> str:
    """Why a run found no file to cover, in one line: a run that finds nothing must say so."""
    where = ", ".join(paths) if paths else "."
    reasons = []
    if ignored:
        reasons.append(f"{ignored} skipped because git ignores them")
    if excluded:
        reasons.append(f"{len(excluded)} excluded by [tool.nbcoach] exclude")
    why = f": {'; '.join(reasons)}" if reasons else ""
    hint = ""
    if ignored:
        hint = "; name them explicitly or use --no-respect-gitignore"
    elif excluded:
        hint = "; see `exclude` in [tool.nbcoach]"
    return f"no notebooks or Python files under {where}{why}{hint}"


def excluded_note(excluded: Sequence[tuple[str, str]], limit: int = 3) -> str:
    """'2 files excluded by [tool.nbcoach] exclude: a.ipynb (scratch/*), ...'"""
    listed = ", ".join(f"{path} ({pattern})" for path, pattern in excluded[:limit])
    more = f" and {len(excluded) - limit} more" if len(excluded) > limit else ""
    shown = listed + more
    noun = "file" if len(excluded) == 1 else "files"
    return f"{len(excluded)} {noun} excluded by [tool.nbcoach] exclude: {shown}"


def excluded_by(path: Path, scope: Scope, walked_from: Path | None = None) -> str | None:
    """The `exclude` pattern that leaves `path` out, if one does."""
    if not scope.exclude:
        return None
    candidates = [path.name]
    for base in (scope.root, walked_from, Path.cwd()):
        if base is None:
            continue
        try:
            candidates.append(path.resolve().relative_to(base.resolve()).as_posix())
        except ValueError:
            continue
    for pattern in scope.exclude:
        if any(fnmatch.fnmatch(candidate, pattern) for candidate in candidates):
            return pattern
    return None


def in_scope(relative: str, exclude: Sequence[str] = ()) -> bool:
    """Whether a file a folder walk would report, judged from its repository path alone.

    For files that are not on disk (versions in git history, see `history`): the same suffixes,
    skipped folders and exclude patterns as a walk of the checkout. Tracked files are never
    git-ignored, and a committed virtual environment cannot be recognised without its tree.
    """
    *folders, name = relative.split("/")
    if not _wanted_file(name) or any(_skipped_name(folder) for folder in folders):
        return False
    return not _excluded(relative, name, exclude)


def _walk(root: Path, scope: Scope) -> tuple[list[tuple[Path, Path]], list[tuple[str, str]], int]:
    """The files to report under `root`, each with its resolved path; the files `exclude`
    left out; how many git ignores."""
    files: list[Path] = []
    excluded: list[tuple[str, str]] = []
    for directory, subdirs, names in os.walk(root):
        here = Path(directory)
        subdirs[:] = sorted(d for d in subdirs if not _skip_dir(here / d, d))
        for name in sorted(names):
            if _wanted_file(name) and _included(here / name, root, scope.include):
                file = here / name
                pattern = excluded_by(file, scope, root)
                if pattern is None:
                    files.append(file)
                else:
                    excluded.append((str(file), pattern))
    if not scope.respect_gitignore or _ignored_folder(root):
        return [(file, file.resolve()) for file in files], excluded, 0
    kept = _without_ignored(root, files)
    return kept, excluded, len(files) - len(kept)


def _ignored_folder(folder: Path) -> bool:
    """Whether git ignores the folder itself: then naming it is asking for it (as ruff does)."""
    try:
        completed = gitindex.completed(folder, "check-ignore", "-q", str(folder.resolve()))
    except (UsageError, subprocess.TimeoutExpired):
        return False
    return completed.returncode == 0


def _included(file: Path, walked_from: Path, include: Sequence[str]) -> bool:
    """`include` (as ruff's): the globs a folder search keeps, matched against the path
    relative to the folder searched, or the name. Files named on the command line are always
    read."""
    if not include:
        return True
    relative = file.relative_to(walked_from).as_posix()
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(file.name, p) for p in include)


def _wanted_file(name: str) -> bool:
    return name.endswith(SUFFIXES) and not name.startswith(".")


def _skipped_name(folder: str) -> bool:
    """A folder skipped by its name alone: hidden, a cache, a build or packaging folder."""
    return folder.startswith(".") or folder in _SKIP_DIRS or folder.endswith(".egg-info")


def _skip_dir(path: Path, name: str) -> bool:
    if _skipped_name(name):
        return True
    return (path / "pyvenv.cfg").exists() or (path / "conda-meta").is_dir()


def _excluded(relative: str, name: str, patterns: Sequence[str]) -> bool:
    """An exclude pattern matches the path relative to the folder searched, or the name."""
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(name, p) for p in patterns)


def _without_ignored(root: Path, files: list[Path]) -> list[tuple[Path, Path]]:
    """Drop what git ignores (all of .gitignore's rules, nested files, global excludes)."""
    resolved = [(file, file.resolve()) for file in files]
    if not resolved:
        return resolved
    try:
        completed = gitindex.completed(
            root,
            "check-ignore",
            "--stdin",
            "-z",
            data=b"\0".join(str(real).encode() for _, real in resolved),
        )
    except (UsageError, subprocess.TimeoutExpired):  # no git, or a stuck one: keep every file
        return resolved
    if completed.returncode not in (0, 1):  # 128: not a git repository
        return resolved
    ignored = {Path(p.decode()) for p in completed.stdout.split(b"\0") if p}
    return [(file, real) for file, real in resolved if real not in ignored]


def _mark_pairs(targets: list[Target]) -> list[Target]:
    """A `x.py` beside `x.ipynb` that is a text notebook is its jupytext pair."""
    notebooks = {t.real.with_suffix(""): t for t in targets if t.path.suffix == ".ipynb"}
    marked = []
    for target in targets:
        twin = notebooks.get(target.real.with_suffix("")) if target.path.suffix == ".py" else None
        if twin is not None and _is_text_notebook(target.path):
            marked.append(Target(target.path, target.display, target.real, twin.display))
        else:
            marked.append(target)
    return marked


def _is_text_notebook(path: Path) -> bool:
    try:
        head = read_user_file(path).decode("utf-8", errors="replace")[:4096]
    except InputError:
        return False
    return "jupytext:" in head or "\n# %%" in "\n" + head
