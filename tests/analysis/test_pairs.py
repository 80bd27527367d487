"""Finding a notebook's pair without importing jupytext where nothing needs it: the two fast
paths agree with jupytext's own answers, and a hook with nothing to do imports neither jupytext
nor the analysis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbcoach.analysis import pairs
from support import EXAMPLES


def test_the_configuration_names_are_jupytexts() -> None:
    from jupytext.config import JUPYTEXT_CONFIG_FILES

    assert tuple(JUPYTEXT_CONFIG_FILES) == pairs.CONFIG_NAMES


@pytest.mark.parametrize(
    "formats",
    ["ipynb,py:percent", "py:percent,ipynb", "ipynb,py:light", "ipynb,py:hydrogen",
     "ipynb,scripts//py:percent", "ipynb,py:percent,md", "ipynb,md:myst", "ipynb,_test.py:percent"],
)  # fmt: skip
def test_side_by_side_formats_read_as_jupytext_reads_them(tmp_path: Path, formats: str) -> None:
    notebook = tmp_path / "analysis.ipynb"
    fast = pairs._side_by_side(notebook, formats)
    pairs_side = pairs._side_by_side  # what jupytext says, with the fast path switched off
    try:
        pairs._side_by_side = lambda path, found: None  # type: ignore[assignment]
        slow = pairs._pair_from_formats(notebook, formats, "test", None)
    finally:
        pairs._side_by_side = pairs_side  # type: ignore[assignment]
    if fast is None:
        return  # jupytext's to read; nothing to compare
    assert slow is not None
    assert (slow.notebook, slow.text, slow.format) == fast


def _finds(directory: Path, environment: dict[str, str]) -> tuple[bool, bool]:
    """(nbcoach's cheap look says maybe, jupytext's finder finds one), in a clean process."""
    code = (
        "import sys; from pathlib import Path; from nbcoach.analysis import pairs; "
        "from jupytext.config import find_jupytext_configuration_file as f; "
        f"d = Path({str(directory)!r}); print(pairs._may_have_config(d), bool(f(str(d))))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        env=environment,
        capture_output=True,
        text=True,
        check=True,
        cwd=directory,
    )
    maybe, found = done.stdout.split()
    return maybe == "True", found == "True"


@pytest.mark.parametrize(
    "where",
    ["jupytext.toml here", "pyproject here", ".jupytext.yml in a parent", "global", "none"],
)
def test_the_cheap_look_never_misses_a_configuration_jupytext_would_use(
    tmp_path: Path, where: str
) -> None:
    home = tmp_path / "home"
    project = tmp_path / "work" / "project" / "notebooks"
    project.mkdir(parents=True)
    (home / ".config").mkdir(parents=True)
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith(("XDG_", "USERPROFILE", "ALLUSERS"))
    }
    environment.update({"HOME": str(home), "XDG_CONFIG_DIRS": str(tmp_path / "etc")})
    if where == "jupytext.toml here":
        (project / "jupytext.toml").write_text('formats = "ipynb,py:percent"\n')
    elif where == "pyproject here":
        (project / "pyproject.toml").write_text('[tool.jupytext]\nformats = "ipynb,py:percent"\n')
    elif where == ".jupytext.yml in a parent":
        (tmp_path / "work" / ".jupytext.yml").write_text("formats: ipynb,py:percent\n")
    elif where == "global":
        (home / ".config" / "jupytext").mkdir()
        (home / ".config" / "jupytext" / "jupytext.toml").write_text('formats = "ipynb,md"\n')
    maybe, found = _finds(project, environment)
    assert maybe or not found  # never "no" where jupytext finds one
    assert found == (where != "none")
    assert maybe == found  # and no needless imports in these plain cases


def test_a_hook_with_nothing_to_do_imports_no_analysis_and_no_jupytext(tmp_path: Path) -> None:
    import shutil

    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "clean.ipynb")
    git = ["git", "-C", str(tmp_path)]
    environment = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
    subprocess.run([*git, "init", "-q"], check=True, env=environment)
    (tmp_path / "README.md").write_text("# x\n")
    subprocess.run([*git, "add", "README.md"], check=True, env=environment)
    for command in ("sync", "gate"):
        code = (
            "import sys, atexit; sys.argv = ['nbcoach', COMMAND, '--staged']; "
            "atexit.register(lambda: print(sorted(m for m in ('jupytext', 'nbcoach.analysis.review',"
            " 'radon', 'libcst') if m in sys.modules), file=sys.stderr)); "
            "from nbcoach.cli import main; main()"
        ).replace("COMMAND", repr(command))
        done = subprocess.run(
            [sys.executable, "-c", code],
            cwd=tmp_path,
            env=environment,
            capture_output=True,
            text=True,
        )
        assert done.stderr.strip().splitlines()[-1] == "[]", (command, done.stderr)
