"""A run whose inputs, configuration and options are all as in a run before prints what that
run printed, from `.nbcoach/cache/runs/`; any change to any of them runs the report again."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from subprocess import CompletedProcess

from nbcoach.analysis.cache import RUNS_KEPT
from support import EXAMPLES, run_cli


def _project(tmp_path: Path) -> Path:
    for name in ("newcomer.ipynb", "clean.ipynb"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tmp_path


def _runs(project: Path) -> list[Path]:
    return sorted((project / "cache" / "runs").glob("*.json"))


def run(project: Path, *args: str, **env: str) -> CompletedProcess[str]:
    """The command in the project, with the project's own cache (the suite shares one)."""
    return run_cli(*args, cwd=project, env={"NBCOACH_CACHE_DIR": str(project / "cache"), **env})


def test_the_same_run_again_is_replayed_byte_for_byte_with_its_exit_code(tmp_path: Path) -> None:
    project = _project(tmp_path)
    args = ("report", "--format", "json", "--fail-under", "50", ".")
    first = run(project, *args)
    assert first.returncode == 1 and "below fail-under 50" in first.stderr
    (stored,) = _runs(project)
    second = run(project, *args)
    assert (second.stdout, second.stderr, second.returncode) == (
        first.stdout,
        first.stderr,
        first.returncode,
    )
    # the second run was the replay: what is stored is what is printed
    entry = json.loads(stored.read_text())
    for chunk in entry["chunks"]:
        chunk[1] = chunk[1].replace('"schema_version": 1', '"schema_version": 1 ')
    stored.write_text(json.dumps(entry))
    assert '"schema_version": 1 ' in run(project, *args).stdout
    # and it equals a run without any cache
    fresh = run(project, *args, "--no-cache")
    assert (fresh.stdout, fresh.stderr, fresh.returncode) == (
        first.stdout,
        first.stderr,
        first.returncode,
    )


def test_any_change_to_the_inputs_the_config_or_the_options_runs_again(tmp_path: Path) -> None:
    project = _project(tmp_path)
    base = run(project, "report", ".")
    assert len(_runs(project)) == 1
    # an edited notebook: the same command as before the edit grades the new cell
    before = run(project, "report", "clean.ipynb", "--format", "json")
    assert not any(
        f["rule"] == "F401" for f in json.loads(before.stdout)["notebooks"][0]["findings"]
    )
    clean = project / "clean.ipynb"
    document = json.loads(clean.read_text())
    document["cells"].append(
        {
            "cell_type": "code",
            "metadata": {},
            "execution_count": None,
            "outputs": [],
            "source": "import os\n",
        }
    )
    clean.write_text(json.dumps(document))
    edited = run(project, "report", "clean.ipynb", "--format", "json")
    card = json.loads(edited.stdout)["notebooks"][0]
    assert any(f["rule"] == "F401" for f in card["findings"])  # the new cell is graded
    # a new configuration, another option: each its own run
    (project / "pyproject.toml").write_text("[tool.nbcoach]\nfail-under = 99\n")
    reconfigured = run(project, "report", ".")
    assert reconfigured.returncode == 1 and base.returncode == 0
    (project / "pyproject.toml").write_text(
        "[tool.nbcoach]\nfail-under = 99\n[tool.nbcoach.weights]\nduplication = 0\n"
    )
    reweighted = run(project, "report", ".")  # weights change scores, not the analysis
    assert reweighted.stdout != reconfigured.stdout
    every = run(project, "report", ".", "--all")
    assert len(every.stdout) > len(reconfigured.stdout)
    assert len(_runs(project)) == 6


def test_only_the_last_runs_are_kept_and_no_cache_writes_none(tmp_path: Path) -> None:
    project = _project(tmp_path)
    run(project, "report", ".", "--no-cache")
    assert _runs(project) == []
    for bar in range(RUNS_KEPT + 2):
        run(project, "report", ".", "--fail-under", str(bar))
    assert len(_runs(project)) == RUNS_KEPT


def test_the_replay_keeps_the_order_of_stdout_and_stderr(tmp_path: Path) -> None:
    """`2>&1` into one log: a replay prints errors and cards where the run printed them."""
    project = _project(tmp_path)
    cache = str(project / "cache")
    command = (
        f"{sys.executable} -m nbcoach report -f concise --fail-under 90 nope.ipynb clean.ipynb"
        " > log.txt 2>&1"
    )
    logs = []
    for _ in range(2):
        subprocess.run(
            command,
            shell=True,
            cwd=project,
            env={**os.environ, "NO_COLOR": "1", "NBCOACH_CACHE_DIR": cache},
            check=False,
        )
        logs.append((project / "log.txt").read_text())
    assert len(_runs(project)) == 1  # the second was the replay
    assert logs[0] == logs[1] and logs[0].startswith("nbcoach: error: nope.ipynb")
