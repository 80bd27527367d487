"""Bad timing (issue 17): a write killed half way, a save from Jupyter while nbcoach works, two
runs at once, outputs pointed at inputs, symlinks, and a project nbcoach may not write to.
Kills are real processes and real signals."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import nbformat
import pytest

from nbcoach.analysis.pairs import find_pair
from nbcoach.core.errors import NbcoachError
from nbcoach.core.files import write_atomic
from nbcoach.workflow import sync as sync_module
from nbcoach.workflow.sync import SyncOptions, sync_pair
from support import EXAMPLES, build_notebook, run_cli

# A child that writes a large file slowly through write_atomic, so it can be killed mid-write.
SLOW_WRITER = """
import sys, time
from pathlib import Path
from nbcoach.core.files import write_atomic

def pieces():
    for _ in range(400):
        yield "x" * 65536
        time.sleep(0.005)

write_atomic(Path(sys.argv[1]), pieces())
"""


def _paired(notebook: Path) -> Path:
    """Paired by `nbcoach pair`, which records the pair as in sync."""
    done = run_cli("pair", str(notebook), cwd=notebook.parent)
    assert done.returncode == 0, done.stderr
    return notebook.with_suffix(".py")


def _temporaries(target: Path) -> list[Path]:
    return sorted(target.parent.glob(f".{target.name}.*.tmp"))


def test_a_write_killed_half_way_leaves_the_old_file_whole(tmp_path: Path) -> None:
    target = tmp_path / "notebook.ipynb"
    original = (EXAMPLES / "clean.ipynb").read_bytes()
    target.write_bytes(original)
    child = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)])
    deadline = time.monotonic() + 30
    while not _temporaries(target) and time.monotonic() < deadline:
        time.sleep(0.01)
    time.sleep(0.2)  # well into the 25 MB it writes
    child.send_signal(signal.SIGKILL)
    child.wait(timeout=30)
    assert target.read_bytes() == original
    leftovers = _temporaries(target)
    assert len(leftovers) == 1 and leftovers[0].stat().st_size > 0

    # The next write of the same file removes a leftover older than an hour, and only that:
    # a younger one may belong to a write still running.
    write_atomic(target, original)
    assert _temporaries(target) == leftovers
    old = time.time() - 2 * 3600
    os.utime(leftovers[0], (old, old))
    write_atomic(target, original)
    assert _temporaries(target) == []


def test_a_killed_sync_leaves_each_side_old_or_new_never_half(tmp_path: Path) -> None:
    notebook = tmp_path / "big.ipynb"
    cells = [f"def f{i}(x):\n    return x + {i}" for i in range(400)]
    nbformat.write(build_notebook(cells), notebook)
    text = _paired(notebook)
    before = {path: path.read_bytes() for path in (notebook, text)}
    text.write_text(text.read_text(encoding="utf-8") + "\n# %%\nadded = 1\n", encoding="utf-8")
    for delay in (0.05, 0.15, 0.3, 0.6, 1.0):
        child = subprocess.Popen(
            [sys.executable, "-m", "nbcoach", "sync", str(notebook)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        time.sleep(delay)
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        data = notebook.read_bytes()
        assert data == before[notebook] or b"added = 1" in data
        nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))
    done = run_cli("sync", str(notebook), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "added = 1" in notebook.read_text(encoding="utf-8")


def test_a_notebook_saved_while_sync_works_is_never_overwritten(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbcoach.core.files import ChangedMeanwhileError

    # The user saves in Jupyter between sync reading the pair and writing the notebook. The
    # save is real (a write to the file); only its moment is arranged.
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(build_notebook(["x = 1"]), notebook)
    text = _paired(notebook)
    text.write_text(text.read_text(encoding="utf-8") + "\n# %%\ny = 2\n", encoding="utf-8")
    saved = build_notebook(["x = 1", "from_jupyter = 3"])
    read_sides = sync_module.read_sides

    def read_then_user_saves(*args: object, **kwargs: object) -> object:
        sides = read_sides(*args, **kwargs)  # type: ignore[arg-type]
        time.sleep(0.01)  # a later modification time, as a real save has
        nbformat.write(saved, notebook)
        return sides

    monkeypatch.setattr(sync_module, "read_sides", read_then_user_saves)
    found = find_pair(notebook)
    assert found is not None
    with pytest.raises(ChangedMeanwhileError, match="changed while nbcoach was working"):
        sync_pair(found, SyncOptions())
    assert "from_jupyter = 3" in notebook.read_text(encoding="utf-8")


def test_the_writer_refuses_a_target_that_changed_since_its_stamp(tmp_path: Path) -> None:
    from nbcoach.core.files import ChangedMeanwhileError, stamp_of

    target = tmp_path / "module.py"
    target.write_text("a = 1\n", encoding="utf-8")
    stamp = stamp_of(target)
    time.sleep(0.01)
    target.write_text("a = 1  # edited\n", encoding="utf-8")
    with pytest.raises(ChangedMeanwhileError, match="nothing written"):
        write_atomic(target, "b = 2\n", unchanged_since=stamp)
    assert target.read_text(encoding="utf-8") == "a = 1  # edited\n"
    new = tmp_path / "new.py"
    nothing = stamp_of(new)
    assert nothing is None
    new.write_text("c = 3\n", encoding="utf-8")  # created meanwhile, where nothing was
    with pytest.raises(ChangedMeanwhileError):
        write_atomic(new, "d = 4\n", unchanged_since=nothing)
    assert new.read_text(encoding="utf-8") == "c = 3\n"
    write_atomic(new, "d = 4\n", unchanged_since=stamp_of(new))
    assert new.read_text(encoding="utf-8") == "d = 4\n"


def test_two_syncs_at_once_end_in_sync(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.ipynb"
    nbformat.write(build_notebook([f"v{i} = {i}" for i in range(50)]), notebook)
    text = _paired(notebook)
    text.write_text(text.read_text(encoding="utf-8") + "\n# %%\nlast = 1\n", encoding="utf-8")
    command = [sys.executable, "-m", "nbcoach", "sync", str(notebook)]
    runs = [subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in "ab"]
    outputs = [run.communicate(timeout=120) for run in runs]
    for _, err in outputs:
        assert b"Traceback" not in err
    done = run_cli("sync", str(notebook), cwd=tmp_path)
    assert done.returncode == 0 and "in sync" in done.stdout
    assert "last = 1" in notebook.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("args", "victim"),
    [
        (["report", "nb.ipynb", "-o", "nb.ipynb"], "nb.ipynb"),
        (["report", ".", "-o", "other.ipynb"], "other.ipynb"),
        (["lock", ".", "--output", "module.py"], "module.py"),
        (["dashboard", "-o", "nb.ipynb"], "nb.ipynb"),
    ],
)
def test_an_output_never_replaces_an_input_or_a_notebook(
    tmp_path: Path, args: list[str], victim: str
) -> None:
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "nb.ipynb")
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "other.ipynb")
    (tmp_path / "module.py").write_text("import json\n", encoding="utf-8")
    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    before = (tmp_path / victim).read_bytes()
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 2
    assert f"{victim}: " in done.stderr and "Nothing written" in done.stderr
    assert (tmp_path / victim).read_bytes() == before


@pytest.mark.parametrize("command", ["pair", "sync"])
def test_a_symlinked_notebook_stays_a_symlink(tmp_path: Path, command: str) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    real = shared / "real.ipynb"
    nbformat.write(build_notebook(["x = 1"]), real)
    link = tmp_path / "work" / "nb.ipynb"
    link.parent.mkdir()
    link.symlink_to(real)
    if command == "sync":
        text = _paired(link)
        text.write_text(text.read_text(encoding="utf-8") + "\n# %%\ny = 2\n", encoding="utf-8")
        args = ["sync", str(link)]
    else:
        args = ["pair", str(link), "--format", "py:percent"]
    done = run_cli(*args, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert link.is_symlink() and link.resolve() == real.resolve()
    if command == "sync":
        assert "y = 2" in real.read_text(encoding="utf-8")


def _read_only(command: list[str]) -> list[str]:
    """Run as a user who cannot write the project: root ignores permission bits, so it gives up
    the capabilities that let it (util-linux `setpriv`)."""
    if os.geteuid() != 0:
        return command
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("running as root without setpriv: cannot make a folder read-only to us")
    drop = "-dac_override,-fowner"
    return [setpriv, f"--inh-caps={drop}", f"--bounding-set={drop}", *command]


@pytest.mark.parametrize(
    ("command", "code"),
    [
        (["report", "."], 0),
        (["gate", "."], 0),
        (["baseline"], 2),
        (["pair", "nb.ipynb"], 2),
        (["history"], 2),
        (["trend"], 2),
        (["dashboard"], 2),
        (["extract", "nb.ipynb", "--function", "double", "--apply"], 2),
        (["init"], 2),
        (["lock", ".", "-o", "pins.txt"], 2),
    ],
)
def test_a_read_only_project_gets_one_line_not_a_traceback(
    tmp_path: Path, command: list[str], code: int
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    nbformat.write(
        build_notebook(["def double(x):\n    return x * 2", "y = double(2)"]), project / "nb.ipynb"
    )
    if command[0] == "gate":  # a baseline to judge against, written while it was writable
        assert run_cli("baseline", cwd=project).returncode == 0
    subprocess.run(["chmod", "-R", "a-w", str(project)], check=True)
    environment = {**os.environ, "NO_COLOR": "1"}
    environment.pop("NBCOACH_CACHE_DIR", None)  # the cache too would go into the project
    try:
        done = subprocess.run(
            _read_only([sys.executable, "-m", "nbcoach", *command]),
            cwd=project,
            env=environment,
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
    finally:
        subprocess.run(["chmod", "-R", "u+w", str(project)], check=True)
    assert "Traceback" not in done.stderr, done.stderr
    assert done.returncode == code, done.stderr
    if code == 2:
        errors = [line for line in done.stderr.splitlines() if line.startswith("nbcoach: error:")]
        assert len(errors) == 1 and "permission denied" in errors[0], done.stderr


def test_a_write_to_a_read_only_folder_is_one_line_naming_the_file(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    code = (
        "import sys\nfrom pathlib import Path\nfrom nbcoach.core.files import write_atomic\n"
        "from nbcoach.core.errors import NbcoachError\n"
        "try:\n    write_atomic(Path(sys.argv[1]), 'x')\n"
        "except NbcoachError as error:\n    print(error)\n"
    )
    folder.chmod(0o555)
    try:
        done = subprocess.run(
            _read_only([sys.executable, "-c", code, str(folder / "out.txt")]),
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    finally:
        folder.chmod(0o755)
    assert (
        done.stdout.strip()
        == f"{folder / 'out.txt'}: cannot write: permission denied; nothing written"
    )
    assert isinstance(NbcoachError("x"), Exception)


def test_a_foreign_history_store_is_kept_aside_and_rebuilt(tmp_path: Path) -> None:
    import sqlite3

    project = tmp_path / "project"
    project.mkdir()
    subprocess.run(["git", "init", "-q"], cwd=project, check=True)
    shutil.copy(EXAMPLES / "clean.ipynb", project / "nb.ipynb")
    subprocess.run(["git", "add", "-A"], cwd=project, check=True)
    subprocess.run(["git", "commit", "-qm", "one"], cwd=project, check=True)
    store = project / ".nbcoach" / "history.sqlite"
    store.parent.mkdir()
    with sqlite3.connect(store) as db:  # someone's own database, under our file name
        db.execute("CREATE TABLE commits (id INTEGER, note TEXT)")
        db.execute("INSERT INTO commits VALUES (1, 'keep me')")
    for args in (["history", "--rebuild"], ["trend"]):
        done = run_cli(*args, cwd=project)
        assert "Traceback" not in done.stderr, done.stderr
        assert done.returncode == 0, done.stderr
    aside = list(store.parent.glob("history.sqlite.not-nbcoach-*"))
    assert len(aside) == 1
    with sqlite3.connect(aside[0]) as db:
        assert db.execute("SELECT note FROM commits").fetchall() == [("keep me",)]


def test_json_output_of_the_report_is_still_json_next_to_errors(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "nb.ipynb")
    (tmp_path / "bad.ipynb").write_text("{", encoding="utf-8")
    done = run_cli("report", ".", "--format", "json", cwd=tmp_path)
    assert done.returncode == 2
    json.loads(done.stdout)


def test_an_output_that_is_no_regular_file_is_written_into_not_replaced(tmp_path: Path) -> None:
    # `report -o /dev/null` renamed a file over /dev/null: the device became a file that every
    # later `> /dev/null` filled. A named pipe stands in for the device here.
    pipe = tmp_path / "pipe"
    os.mkfifo(pipe)
    reader = subprocess.Popen(["cat", str(pipe)], stdout=subprocess.PIPE)
    try:
        run = run_cli("report", str(EXAMPLES / "clean.ipynb"), "-f", "json", "-o", str(pipe))
        assert run.returncode == 0, run.stderr
        received, _ = reader.communicate(timeout=20)
    finally:
        reader.kill()
    assert json.loads(received)["notebooks"][0]["grade"] == "A"
    assert pipe.is_fifo()
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]  # no temporary left beside it
