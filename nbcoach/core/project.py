"""Where nbcoach keeps its state in a project: the `.nbcoach/` folder at the project root.

Only `baseline.json` is meant to be committed (the team's ratchet); the cache, history database,
run records and backups are local, so the folder carries a `.gitignore` that says exactly that.
"""

from __future__ import annotations

import keyword
import re
import sys
import unicodedata
from pathlib import Path

from nbcoach.core.errors import NbcoachError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

STATE_DIR = ".nbcoach"
# Ignores itself too, as .pytest_cache and .ruff_cache do: trying `nbcoach report` on a clone
# leaves `git status` clean. A teammate's nbcoach writes it again on first use.
_GITIGNORE = """# written by nbcoach: only the baseline is shared with the team
*
!baseline.json
"""


def project_root(start: Path) -> Path:
    """The nearest folder holding `.git` or `pyproject.toml`, else `start` itself."""
    start = start.resolve()
    if start.is_file():
        start = start.parent
    for directory in (start, *start.parents):
        if (directory / ".git").exists() or (directory / "pyproject.toml").is_file():
            return directory
    return start


def src_packages(root: Path) -> tuple[str, ...]:
    """The project's own top-level packages and modules under `src/` (where `extract` puts the
    code it lifts out of notebooks), sorted."""
    try:
        entries = list((root / "src").iterdir())
    except OSError:
        return ()
    names = {
        entry.stem if entry.suffix == ".py" else entry.name
        for entry in entries
        if (entry.is_dir() or entry.suffix == ".py")
        and (entry.stem if entry.suffix == ".py" else entry.name).isidentifier()
    }
    return tuple(sorted(names))


def state_dir(root: Path, create: bool = True) -> Path:
    """`<root>/.nbcoach`, created with its `.gitignore` on first use."""
    directory = root / STATE_DIR
    if create and not (directory / ".gitignore").exists():
        try:
            directory.mkdir(parents=True, exist_ok=True)
            (directory / ".gitignore").write_text(_GITIGNORE, encoding="utf-8")
        except OSError as error:  # a read-only checkout: say so, on one line
            raise NbcoachError(
                f"{directory}: cannot create nbcoach's folder there "
                f"({(error.strerror or str(error)).lower()}); is the project read-only?"
            ) from error
    return directory


def package_name(root: Path) -> str:
    """The package a project's code goes in, `src/<package>`: its `[project].name`, else its
    folder's name, made importable by `identifier`. `nbcoach init` and `nbcoach extract` both
    name it here, so the package init scaffolds is the one extract later fills."""
    try:
        document = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
        name = document.get("project", {}).get("name")
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
        name = None
    return identifier(str(name) if name else root.resolve().name, fallback="notebooks")


def identifier(text: str, fallback: str = "notebook") -> str:
    """An importable, PEP 8 (lowercase ASCII) module or package name made from a file or project
    name: `My Notebook-2.v1` -> `my_notebook_2_v1`, `Café` -> `cafe`; a leading digit gets `nb_`
    (`2048-game` -> `nb_2048_game`; a leading `_` would read as private), a keyword a trailing
    `_` (`class` -> `class_`), and a name with no letter or digit left is `fallback`."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    name = re.sub(r"[^0-9a-zA-Z]+", "_", ascii_text).strip("_").lower()
    if not name:
        return fallback
    if name[0].isdigit():
        name = f"nb_{name}"
    return f"{name}_" if keyword.iskeyword(name) else name


def importable(name: str) -> bool:
    """Whether `name` can be written in an import statement as one module or package name."""
    return name.isidentifier() and not keyword.iskeyword(name)
