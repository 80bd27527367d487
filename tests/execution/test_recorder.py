"""The call recorder (a sitecustomize for the verification run) and the tests it writes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from nbcoach.core.model import ExtractionPlan, Location, MovedDefinition
from nbcoach.execution.recorder import Recorder

MODULE = """
def add(a, b):
    return a + b

def grow(items):
    items.append(1)
    return len(items)

def size(items):
    return len(items)

def roll():
    import random
    return random.random()

def note(text):
    return None

def positive(x):
    return x > 0
"""


def plan_for(tmp_path: Path) -> ExtractionPlan:
    module = tmp_path / "src" / "pkg" / "calc.py"
    module.parent.mkdir(parents=True)
    (module.parent / "__init__.py").write_text("")
    module.write_text(MODULE)
    moved = tuple(
        MovedDefinition(name, "function", Location("nb.ipynb", 1, 1))
        for name in ("add", "grow", "size", "roll", "note", "positive")
    )
    return ExtractionPlan(
        notebook=str(tmp_path / "nb.ipynb"),
        module=str(module),
        module_name="pkg.calc",
        source_root=str(tmp_path / "src"),
        moved=moved,
    )


def run_with_recorder(recorder: Recorder, tmp_path: Path, code: str) -> None:
    environment = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(recorder.folder), str(tmp_path / "src")]),
    }
    subprocess.run([sys.executable, "-c", code], env=environment, check=True, cwd=tmp_path)


def test_only_small_plain_calls_that_leave_their_arguments_alone_are_recorded(
    tmp_path: Path,
) -> None:
    plan = plan_for(tmp_path)
    recorder = Recorder(plan, tmp_path / "run")
    run_with_recorder(
        recorder,
        tmp_path,
        "from pkg.calc import add, grow, size, roll\n"
        "for i in range(10):\n    add(i, 1)\n"
        "add(1, 1)\n"
        "grow([1, 2])\n"  # mutates its argument: not a replayable call
        "size(list(range(10**6)))\n"  # too big to record (and never printed)
        "size([1, 2, 3])\n"
        "roll()\n",
    )
    calls = recorder.recorded()
    assert [c["args"] for c in calls["add"]] == [["0", "1"], ["1", "1"], ["2", "1"]]
    assert "grow" not in calls
    assert [c["args"] for c in calls["size"]] == [["[1, 2, 3]"]]
    assert len(calls["roll"]) == 1


def test_written_tests_replay_and_the_flaky_ones_are_dropped(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    recorder = Recorder(plan, tmp_path / "run")
    run_with_recorder(
        recorder, tmp_path, "from pkg.calc import add, roll\nadd(2, 3)\nadd('a', 'b')\nroll()"
    )
    path, notes = recorder.write_tests(sys.executable)
    text = Path(path).read_text()
    assert path == str(tmp_path / "tests" / "test_calc_characterization.py")
    assert "assert add(2, 3) == 5" in text and "assert add('a', 'b') == 'ab'" in text.replace(
        '"', "'"
    )
    assert "roll" not in text  # random: it did not give the recorded result when replayed
    assert any("no test for `roll`" in note for note in notes)
    environment = {**os.environ, "PYTHONPATH": str(tmp_path / "src")}
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", path],
        env=environment,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout


def test_a_test_file_nbcoach_did_not_write_is_left_alone(tmp_path: Path) -> None:
    plan = plan_for(tmp_path)
    recorder = Recorder(plan, tmp_path / "run")
    run_with_recorder(recorder, tmp_path, "from pkg.calc import add\nadd(2, 3)")
    mine = tmp_path / "tests" / "test_calc_characterization.py"
    mine.parent.mkdir()
    mine.write_text("def test_mine():\n    pass\n")
    path, notes = recorder.write_tests(sys.executable)
    assert path == "" and "was not written by nbcoach" in notes[0]
    assert mine.read_text() == "def test_mine():\n    pass\n"


def test_written_tests_compare_none_true_and_false_by_identity(tmp_path: Path) -> None:
    """`assert f() == None` is what the report flags (E711): the tests nbcoach writes must
    not teach it."""
    plan = plan_for(tmp_path)
    recorder = Recorder(plan, tmp_path / "run")
    run_with_recorder(
        recorder,
        tmp_path,
        "from pkg.calc import note, positive\nnote('x')\npositive(2)\npositive(-2)",
    )
    path, _ = recorder.write_tests(sys.executable)
    text = Path(path).read_text()
    assert "assert positive(2) is True" in text and "assert positive(-2) is False" in text
    assert "assert note('x') is None" in text.replace('"', "'")
    lint = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--select", "E711,E712", "--no-cache", path],
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout
