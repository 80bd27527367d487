"""Nothing but `run` and `extract --verify` executes a line of the user's project (issue 17).

A project is planted with modules that leave a marker file when imported: a `json.py` and
`_csv.py` shadowing the standard library (the interpreter probe of `lock` used to run them),
`sitecustomize.py`, `usercustomize.py`, a pytest `conftest.py`, a `.pth` file, the project's own
package, and a notebook cell. Every command that must not execute is run as users run it, by
the console script and by `python -m nbcoach`, from the project folder."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gitrepo import GIT_ENV, Repo
from support import build_notebook

SHADOWS = ["json.py", "_csv.py", "sqlite3.py", "tomllib.py", "sitecustomize.py",
           "usercustomize.py", "conftest.py"]  # fmt: skip

COMMANDS = [
    ["report", "."],
    ["report", "nb.ipynb", "--format", "json", "--no-cache"],
    ["baseline"],
    ["gate", "."],
    ["pair", "nb.ipynb"],
    ["sync", "."],
    ["history"],
    ["trend"],
    ["dashboard", "-o", "{out}/dashboard.html"],
    ["lock", "."],
    ["commit-size"],
    ["extract", "nb.ipynb", "--function", "double"],
    ["extract", "nb.ipynb", "--function", "double", "--apply"],
]


def _plant(project: Path, markers: Path) -> None:
    def marker(name: str) -> str:
        return f"open({str(markers / name)!r}, 'w').write('imported')\n"

    for name in SHADOWS:
        (project / name).write_text(marker(name), encoding="utf-8")
    (project / "zz_marker.pth").write_text("import os; " + marker(".pth"), encoding="utf-8")
    package = project / "src" / "p"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text(marker("src-package"), encoding="utf-8")
    notebook = build_notebook(
        [
            "import json\nimport p",
            "def double(x):\n    return x * 2",
            marker("notebook-cell").rstrip(),
            "print(double(21))",
        ]
    )
    nbformat.write(notebook, project / "nb.ipynb")


def _entry_points() -> dict[str, list[str]]:
    found = {"python -m nbcoach": [sys.executable, "-m", "nbcoach"]}
    script = Path(sys.executable).parent / "nbcoach"
    if script.exists():
        found["nbcoach"] = [str(script)]
    return found


def _run_everything(tmp_path: Path, entry: list[str], commands: list[list[str]]) -> list[str]:
    project, markers, out = tmp_path / "project", tmp_path / "markers", tmp_path / "out"
    markers.mkdir()
    out.mkdir()
    repo = Repo(project)
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n', encoding="utf-8")
    _plant(project, markers)
    repo.git("add", "-A")
    repo.commit("planted")
    environment = {**os.environ, **GIT_ENV, "NO_COLOR": "1"}
    problems = []
    for command in commands:
        args = [part.replace("{out}", str(out)) for part in command]
        done = subprocess.run(
            [*entry, *args],
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if "Traceback" in done.stdout + done.stderr:
            problems.append(f"{' '.join(args)}: a traceback\n{done.stderr[-2000:]}")
        ran = sorted(path.name for path in markers.iterdir())
        if ran:
            problems.append(f"{' '.join(args)} executed the project's {', '.join(ran)}")
            shutil.rmtree(markers)
            markers.mkdir()
    return problems


def test_lock_and_report_import_nothing_from_the_project(tmp_path: Path) -> None:
    # before the fix: `lock` ran the planted json.py through its `python -c` probe
    problems = _run_everything(
        tmp_path, [sys.executable, "-m", "nbcoach"], [["lock", "."], ["report", "."]]
    )
    assert not problems, "\n".join(problems)


@pytest.mark.slow
@pytest.mark.parametrize("entry", sorted(_entry_points()))
def test_no_command_but_run_executes_the_project(tmp_path: Path, entry: str) -> None:
    problems = _run_everything(tmp_path, _entry_points()[entry], COMMANDS)
    assert not problems, "\n".join(problems)
