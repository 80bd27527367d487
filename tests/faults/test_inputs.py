"""Hostile inputs (issue 17): files that are not files, files too large, JSON broken in every
way. Each runs the real command line in its own process, with a timeout: a hang is a failure,
and no traceback may reach the user."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import nbformat
import pytest

from nbcoach.core.errors import InputError
from support import EXAMPLES, build_notebook, run_cli

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs POSIX named pipes")

# report and lock read every file a folder search finds; baseline and sync search the same way.
SEARCHING = [
    ("report", "."),
    ("baseline", "."),
    ("lock", "."),
    ("sync", "."),
]


def _project(tmp_path: Path) -> Path:
    project = tmp_path / "project"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "p"\n', encoding="utf-8")
    shutil.copy(EXAMPLES / "clean.ipynb", project / "good.ipynb")
    return project


def _no_traceback(done: object) -> None:
    text = getattr(done, "stdout", "") + getattr(done, "stderr", "")
    assert "Traceback" not in text, text


@pytest.mark.parametrize(("command", "target"), SEARCHING)
def test_a_fifo_in_a_searched_folder_is_named_not_read(
    tmp_path: Path, command: str, target: str
) -> None:
    project = _project(tmp_path)
    os.mkfifo(project / "x.ipynb")  # before the fix: every command blocked here forever
    done = run_cli(command, target, cwd=project, timeout=120)
    _no_traceback(done)
    assert "x.ipynb: not a regular file (a named pipe (FIFO)); skipped" in done.stderr
    assert done.returncode == 2  # an input that cannot be read; the others are still covered
    if command == "report":
        assert "good.ipynb" in done.stdout


@pytest.mark.parametrize(("command", "target"), SEARCHING)
def test_a_committed_symlink_to_a_device_is_not_followed(
    tmp_path: Path, command: str, target: str
) -> None:
    project = _project(tmp_path)
    (project / "zero.ipynb").symlink_to("/dev/zero")  # before the fix: MemoryError
    done = run_cli(command, target, cwd=project, timeout=120)
    _no_traceback(done)
    assert "zero.ipynb: not a regular file (a character device); skipped" in done.stderr
    assert done.returncode == 2


def test_a_device_named_on_the_command_line_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "zero.ipynb"
    link.symlink_to("/dev/zero")
    done = run_cli("report", str(link), cwd=tmp_path, timeout=60)
    _no_traceback(done)
    assert "not a regular file (a character device)" in done.stderr
    assert done.returncode == 2


def test_a_file_larger_than_the_cap_is_refused_before_it_is_read(tmp_path: Path) -> None:
    # sparse: 300 MB on paper, nothing on disk; refused from its size, never read
    huge = tmp_path / "huge.ipynb"
    with huge.open("wb") as stream:
        stream.truncate(300 * 1024 * 1024)
    done = run_cli("report", str(huge), cwd=tmp_path, timeout=60)
    _no_traceback(done)
    assert "300 MB is larger than nbcoach reads (256 MB)" in done.stderr
    assert done.returncode == 2


def test_the_cap_holds_for_a_file_that_grows_while_it_is_read(tmp_path: Path) -> None:
    from nbcoach.core.files import read_user_file

    path = tmp_path / "small.ipynb"
    path.write_bytes(b"{" + b" " * 2000 + b"}")
    with pytest.raises(InputError, match="larger than nbcoach reads"):
        read_user_file(path, limit=1000)
    assert read_user_file(path, limit=5000).startswith(b"{")


def test_fifty_megabytes_of_outputs_are_graded(tmp_path: Path) -> None:
    notebook = build_notebook(["x = 1"])
    notebook.cells[0].outputs = [
        nbformat.v4.new_output("stream", name="stdout", text="y" * (50 * 1024 * 1024))
    ]
    path = tmp_path / "big.ipynb"
    nbformat.write(notebook, path)
    done = run_cli("report", str(path), "--format", "json", cwd=tmp_path, timeout=300)
    _no_traceback(done)
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["notebooks"][0]["status"] == "ok"


def test_an_expression_of_a_hundred_thousand_terms_is_said_not_crashed(tmp_path: Path) -> None:
    path = tmp_path / "deep.ipynb"
    nbformat.write(build_notebook(["x = " + " + ".join(["1"] * 100_000)]), path)
    done = run_cli("report", str(path), "--format", "json", cwd=tmp_path, timeout=300)
    _no_traceback(done)
    assert done.returncode in (0, 2), done.stderr


BROKEN = {
    # name: (bytes, what the one line must say)
    "not json": (b"{not json", "invalid JSON at line 1, column 2"),
    "trailing data": (
        b'{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5} {"cells": []}',
        "more after the notebook's JSON ends (line 1, column 67)",
    ),
    "cut off": (b'{"cells": [{"cell_type": "code", "source": "x = ', "truncated"),
    "cut off between values": (b'{"cells": [', "truncated"),
    "UTF-16 with a byte order mark": (
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'.encode("utf-16"),
        "UTF-16 text, not UTF-8",
    ),
    "UTF-16 without a byte order mark": (
        '{"cells": [], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}'.encode("utf-16-le"),
        "UTF-16 text, not UTF-8",
    ),
    "a zip archive": (b"PK\x03\x04\x00\x00binary", "binary file, not a notebook"),
    "empty": (b"", "empty file, not a notebook"),
    "a list": (b"[1, 2]", "the JSON top level is a list"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN))
def test_each_broken_notebook_is_named_for_what_it_is(tmp_path: Path, kind: str) -> None:
    data, said = BROKEN[kind]
    (tmp_path / "broken.ipynb").write_bytes(data)
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "good.ipynb")
    done = run_cli("report", ".", "--no-cache", cwd=tmp_path, timeout=120)
    _no_traceback(done)
    line = next(line for line in done.stderr.splitlines() if "broken.ipynb" in line)
    assert said in line
    if kind != "not json":
        assert "truncated" not in line or said == "truncated"
    assert done.returncode == 2
    assert "good.ipynb" in done.stdout  # the other input is still reported
