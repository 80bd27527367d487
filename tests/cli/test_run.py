"""`nbcoach run` and `nbcoach lock` as a user runs them: real processes, real kernels."""

from __future__ import annotations

import json
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

from nbcoach.execution.lock import read_lock
from nbcoach.execution.runs import read_records
from support import EXAMPLES, run_cli


@pytest.fixture
def examples(tmp_path: Path) -> Path:
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    return copy


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    return tmp_path


def test_the_shipped_examples_run_green(examples):
    messy = run_cli("run", "newcomer.ipynb", cwd=examples)
    assert messy.returncode == 0, messy.stdout + messy.stderr
    assert messy.stdout.startswith("newcomer.ipynb: ok in ")
    # clean.ipynb imports `churn` from src/: the project's src/ is importable by default.
    clean = run_cli("run", "examples/clean.ipynb", "--cwd", "examples", cwd=examples.parent)
    assert clean.returncode == 0, clean.stdout + clean.stderr
    assert clean.stdout.splitlines()[1:] == [
        "  executed notebook: examples/.nbcoach/runs/clean.ipynb",
        "  importable: src",
    ]
    executed = json.loads((examples / ".nbcoach" / "runs" / "clean.ipynb").read_text())
    report = "".join(executed["cells"][-1]["outputs"][0]["text"])
    assert "CHURN REPORT" in report and "customers analysed : 198" in report
    records = read_records(examples)
    assert [(r["notebook"], r["status"], r["environment"]) for r in records] == [
        ("newcomer.ipynb", "ok", "current"),
        ("clean.ipynb", "ok", "current"),
    ]
    assert (examples / "clean.ipynb").read_bytes() == (EXAMPLES / "clean.ipynb").read_bytes()


def test_a_failure_names_the_cell_exits_1_and_is_recorded(project, make_notebook):
    make_notebook(
        [("markdown", "# Check"), "rows = []", "if not rows:\n    raise ValueError('no rows')"],
        name="check.ipynb",
    )
    done = run_cli("run", "check.ipynb", cwd=project)
    assert done.returncode == 1
    lines = done.stdout.splitlines()
    assert lines[0] == "check.ipynb:cell 3: failed: ValueError: no rows"
    assert "  ----> 2     raise ValueError('no rows')" in lines
    assert "  ValueError: no rows" in lines
    assert "  executed notebook, for inspection: .nbcoach/runs/check.ipynb" in lines
    assert (project / ".nbcoach" / "runs" / "check.ipynb").is_file()
    [record] = read_records(project)
    assert record["status"] == "failed"
    assert record["failing_cell"] == 3
    assert record["error"] == "ValueError: no rows"


def test_parameters_from_the_command_line(project, make_notebook):
    make_notebook(
        [
            {"source": "alpha = 1.0\nlabel = 'x'", "metadata": {"tags": ["parameters"]}},
            "print(alpha, label, type(alpha).__name__)",
        ],
        name="params.ipynb",
    )
    done = run_cli(
        "run", "params.ipynb", "-p", "alpha", "-0.5", "--parameter", "label", "two words",
        "--output", "out/params.ipynb", cwd=project,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    executed = json.loads((project / "out" / "params.ipynb").read_text())
    assert "".join(executed["cells"][2]["outputs"][0]["text"]) == "-0.5 two words float\n"
    [record] = read_records(project)
    assert record["parameters"] == {"alpha": -0.5, "label": "two words"}
    assert record["output"] == "out/params.ipynb"


def test_a_timeout_exits_1(project, make_notebook):
    make_notebook(["import time\ntime.sleep(60)"], name="slow.ipynb")
    done = run_cli("run", "slow.ipynb", "--timeout", "1", cwd=project)
    assert done.returncode == 1
    assert done.stdout.startswith(
        "slow.ipynb:cell 1: timed out: CellTimeoutError: the cell ran longer than 1 s"
    )
    assert read_records(project)[0]["status"] == "timeout"


def test_a_drifted_environment_is_refused_with_the_list(project, make_notebook):
    make_notebook(["import rich\nprint('ran')"], name="report.ipynb")
    (project / "lock.txt").write_text(
        f"rich==0.0.1\ntyper=={version('typer')}\nsurely-not-installed-pkg==2.0\n"
    )
    refused = run_cli("run", "report.ipynb", "--lock", "lock.txt", cwd=project)
    assert refused.returncode == 2
    assert refused.stderr.splitlines() == [
        "nbcoach: error: lock.txt: this environment does not match the lock (2 mismatches); "
        "run with --isolated to use an environment built from the lock, "
        "or --allow-drift to run anyway",
        f"  rich: lock 0.0.1, installed {version('rich')}",
        "  surely-not-installed-pkg: lock 2.0, not installed",
    ]
    assert read_records(project) == []  # nothing ran
    allowed = run_cli("run", "report.ipynb", "--lock", "lock.txt", "--allow-drift", cwd=project)
    assert allowed.returncode == 0, allowed.stderr
    assert "  ran despite 2 mismatches with the lock:" in allowed.stdout
    [record] = read_records(project)
    assert record["drift"] == [
        f"rich: lock 0.0.1, installed {version('rich')}",
        "surely-not-installed-pkg: lock 2.0, not installed",
    ]
    assert record["packages"] == {
        "rich": version("rich"),
        "surely-not-installed-pkg": None,
        "typer": version("typer"),
    }


def test_a_matching_lock_runs_and_its_hash_is_recorded(project, make_notebook):
    make_notebook(["import rich\nprint(rich.__name__)"], name="report.ipynb")
    made = run_cli("lock", "report.ipynb", "--output", "requirements-lock.txt", cwd=project)
    assert made.returncode == 0, made.stderr
    done = run_cli("run", "report.ipynb", "--lock", "requirements-lock.txt", cwd=project)
    assert done.returncode == 0, done.stderr
    [record] = read_records(project)
    assert record["lock"] == "requirements-lock.txt"
    assert record["lock_hash"] == read_lock(project / "requirements-lock.txt").digest
    assert record["packages"]["rich"] == version("rich")
    assert record["drift"] == []


def test_without_a_lock_the_imported_packages_are_recorded(project, make_notebook):
    make_notebook(["import rich, json\nimport typer"], name="plain.ipynb")
    assert run_cli("run", "plain.ipynb", cwd=project).returncode == 0
    [record] = read_records(project)
    assert record["packages"] == {"rich": version("rich"), "typer": version("typer")}
    assert record["lock"] is None and record["lock_hash"] is None


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["run"], "nbcoach run takes one NOTEBOOK; got no notebook"),
        (["run", "a.ipynb", "b.ipynb"], "got 2 notebooks"),
        (["run", "a.ipynb", "-p", "alpha"], "-p needs a NAME and a VALUE"),
        (["run", "a.ipynb", "-p", "not-a-name", "1"], "must be a Python identifier"),
        (["run", "a.ipynb", "--bogus"], "no such option: --bogus"),
        (["run", "missing.ipynb"], "missing.ipynb: no such notebook"),
        (["run", "a.py"], "a.py: nbcoach runs .ipynb notebooks"),
        (["run", "a.ipynb", "--output", "a.ipynb"], "pass --inplace to overwrite it"),
        (["run", "a.ipynb", "--isolated"], "--isolated builds its environment from a lock"),
        (["run", "a.ipynb", "--cwd", "nowhere"], "nowhere: --cwd is not a folder"),
        (["run", "a.ipynb", "--lock", "nope.txt"], "nope.txt: cannot read the lock"),
        (["run", "a.ipynb", "--timeout", "soon"], "Invalid value for '--timeout'"),
    ],
)
def test_usage_errors_exit_2_with_one_clear_line(project, make_notebook, arguments, message):
    make_notebook(["1"], name="a.ipynb")
    (project / "a.py").write_text("x = 1\n")
    done = run_cli(*arguments, cwd=project)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_inplace_overwrites_the_source_with_its_outputs(project, make_notebook):
    source = make_notebook(["print('fresh')"], name="inplace.ipynb")
    done = run_cli("run", "inplace.ipynb", "--inplace", cwd=project)
    assert done.returncode == 0, done.stderr
    assert json.loads(source.read_text())["cells"][0]["outputs"][0]["text"] == ["fresh\n"]


def test_lock_prints_pins_and_names_unmapped_imports(project, make_notebook):
    make_notebook(["import rich\nimport numpy as np"], name="analysis.ipynb")
    done = run_cli("lock", ".", cwd=project)
    assert done.returncode == 1  # an import is not covered
    assert f"\nrich=={version('rich')}\n" in done.stdout
    assert (
        "unmapped import numpy: no installed distribution provides it (analysis.ipynb:cell 1:line 2)"
        in done.stderr
    )


def test_lock_on_the_examples_writes_an_empty_lock(examples):
    done = run_cli("lock", ".", "--output", "requirements-lock.txt", cwd=examples)
    assert done.returncode == 0, done.stderr
    assert done.stdout == ""
    assert done.stderr.startswith("wrote requirements-lock.txt: 0 pins")
    text = (examples / "requirements-lock.txt").read_text()
    assert [line for line in text.splitlines() if not line.startswith("#")] == []
    assert read_lock(examples / "requirements-lock.txt").entries == ()


def test_the_regenerate_line_keeps_the_interpreter_and_quotes_paths(project, make_notebook):
    # The kernel's environment is a bare venv: rich, installed beside nbcoach, is not in it.
    import shlex
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", ".venv"], cwd=project, check=True
    )
    kernel_python = ".venv/Scripts/python.exe" if sys.platform == "win32" else ".venv/bin/python"
    make_notebook(["import rich"], name="my notebooks/analysis.ipynb")
    arguments = ["my notebooks", "--python", kernel_python, "--output", "requirements-lock.txt"]
    made = run_cli("lock", *arguments, cwd=project)
    assert made.returncode == 1  # rich is not installed for that interpreter
    first = (project / "requirements-lock.txt").read_text()
    regenerate = next(line for line in first.splitlines() if line.startswith("# Regenerate: "))
    command = regenerate.removeprefix("# Regenerate: ")
    assert command == shlex.join(["nbcoach", "lock", *arguments])
    # Followed from nbcoach's own interpreter, it still pins for the kernel's.
    again = run_cli(*shlex.split(command)[1:], cwd=project)
    assert again.returncode == 1
    assert (project / "requirements-lock.txt").read_text() == first


def test_lock_reports_unreadable_inputs_and_goes_on(project, make_notebook):
    make_notebook(["import rich"], name="good.ipynb")
    done = run_cli("lock", "good.ipynb", "missing.ipynb", cwd=project)
    assert done.returncode == 2
    assert "nbcoach: error: missing.ipynb: no such file or directory" in done.stderr
    assert "\nrich==" in done.stdout


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("-0.5", -0.5),
        ("True", True),
        ("None", None),
        ("[1, 'a']", [1, "a"]),
        ("{'k': 1}", {"k": 1}),
        ("hello world", "hello world"),
        ("{1, 2}", "{1, 2}"),  # a set: JSON cannot hold it, so it stays text
        ("'quoted'", "quoted"),
    ],
)
def test_parameter_values_are_literals_when_they_can_be(text, value):
    from nbcoach.cli.run import parameter_value

    assert parameter_value(text) == value


def test_notebook_and_parameters_are_read_in_any_order():
    from nbcoach.cli.run import parse_arguments

    assert parse_arguments(["-p", "a", "1", "nb.ipynb", "--parameter", "b", "-2"]) == (
        Path("nb.ipynb"),
        {"a": 1, "b": -2},
    )


def test_an_interpreter_without_ipykernel_is_refused(project, make_notebook):
    import subprocess
    import sys

    make_notebook(["1"], name="a.ipynb")
    subprocess.run(
        [sys.executable, "-m", "venv", "--without-pip", str(project / "bare")], check=True
    )
    done = run_cli(
        "run", "a.ipynb", "--python", str(project / "bare" / "bin" / "python"), cwd=project
    )
    assert done.returncode == 2
    assert "has no ipykernel, so it cannot run a notebook" in done.stderr


def test_a_notebook_in_another_language_is_refused_and_nothing_is_recorded(project, make_notebook):
    """papermill would run R code in the Python kernel nbcoach binds ("failed: SyntaxError")
    and record a failed run: refused before anything runs."""
    make_notebook(["x <- c(1, 2)\nprint(mean(x))"], name="r_kernel.ipynb", language="R")
    done = run_cli("run", "r_kernel.ipynb", cwd=project)
    assert done.returncode == 2
    assert done.stderr == (
        "nbcoach: error: r_kernel.ipynb: kernel language is R; nbcoach run binds a Python "
        "kernel, so it runs Python notebooks only (nothing was run or recorded)\n"
    )
    assert read_records(project) == []
    assert not (project / ".nbcoach" / "runs").exists()
