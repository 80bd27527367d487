"""`%load_ext nbcoach` and `%nbcoach` in a real kernel, run by papermill."""

from __future__ import annotations

import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import nbformat
import pytest

from nbcoach.analysis.notebook import read
from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.integrations.jupyter import notebook_card, ran_here, unsaved_inputs
from nbcoach.integrations.kernel_notebook import Found, find_notebook
from support import EXAMPLES, build_notebook


def test_importing_nbcoach_imports_nothing_else() -> None:
    """`%load_ext nbcoach` needs `load_ipython_extension` at the top, but `nbcoach --version`
    must stay fast: the package's __init__ may import nothing."""
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, nbcoach; print(callable(nbcoach.load_ipython_extension)); "
            "print(sorted(m for m in sys.modules if m.startswith(('nbcoach', 'IPython'))))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert done.stdout.split("\n")[:2] == ["True", "['nbcoach']"]


def outputs(cell: Any) -> tuple[str, str]:
    html = "".join(o.get("data", {}).get("text/html", "") for o in cell.outputs)
    text = "".join(o.get("data", {}).get("text/plain", "") for o in cell.outputs)
    return html, text


@pytest.mark.slow
def test_the_magic_shows_the_card_in_a_real_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill

    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    notebook = nbformat.read(EXAMPLES / "newcomer.ipynb", as_version=4)
    magics = [
        "%load_ext nbcoach",
        "%nbcoach",
        "%nbcoach cell",
        f"%nbcoach {EXAMPLES / 'clean.ipynb'}",
        "%nbcoach no/such/notebook.ipynb",
        "%nbcoach --help",
        "%unload_ext nbcoach\nprint('nbcoach' in get_ipython().magics_manager.magics['line'])",
    ]
    notebook.cells += [nbformat.v4.new_code_cell(source) for source in magics]
    path = tmp_path / "newcomer.ipynb"
    nbformat.write(notebook, path)
    # jupyter_server starts kernels with this variable; papermill sets none, so the test does.
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    out = tmp_path / "out.ipynb"
    papermill.execute_notebook(
        str(path), str(out), kernel_name="python3", cwd=str(tmp_path), progress_bar=False
    )
    cells = nbformat.read(out, as_version=4).cells[-7:]

    html, text = outputs(cells[1])
    assert text.startswith(f"{path}: grade F (")
    assert '<span class="grade g-F">F</span>' in html
    assert "Next steps (worth the most points)" in html and "Split <code>analyse_customers" in html
    # the step's gain is the one the report gives the same notebook, from the kernel's folder
    # (ruff falls back to the configuration of the folder it runs in)
    monkeypatch.chdir(tmp_path)
    report = review([str(path)], ReviewOptions(use_cache=False, jobs=1))
    assert f"+{report.cards[0].next_steps[0].gain:.1f} points" in html
    assert "(from the Jupyter session)" in text
    assert "not in the saved file" not in text  # every cell that ran is saved

    html, text = outputs(cells[2])
    assert text.startswith("Functions defined in this kernel session (8):")
    assert "  F  analyse_customers  In [17]:line 1  341 lines, complexity 93" in text
    assert "clean_row" in text and text.count("clean_row") == 1  # only the live definition
    assert "<table class='functions'>" in html
    assert '<span class="loc">In [17]:line 1</span><span class="rule">long-function</span>' in html

    html, text = outputs(cells[3])
    assert "clean.ipynb: grade A (100.0/100)" in text
    assert "This is not the notebook this kernel runs: graded as a file" in text
    assert "not in the saved file" not in text  # another notebook's inputs say nothing of it

    _, text = outputs(cells[4])
    assert "no/such/notebook.ipynb: no such notebook (as given)" in text

    _, text = outputs(cells[5])
    assert text.startswith("%nbcoach: the nbcoach report card") and "%nbcoach cell" in text

    printed = "".join(o.get("text", "") for o in cells[6].outputs)
    assert printed.strip() == "False"  # %unload_ext removed the magic


@pytest.mark.slow
def test_under_papermill_the_magic_grades_the_input_not_the_output_being_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """papermill tells the kernel nothing, and writes its output beside the input as cells run:
    the newest notebook of the folder is that half-written output. Its metadata names the
    input, which is what the magic grades."""
    import papermill

    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    notebook = nbformat.read(EXAMPLES / "newcomer.ipynb", as_version=4)
    notebook.cells = [
        *notebook.cells[:5],
        nbformat.v4.new_code_cell("%load_ext nbcoach"),
        nbformat.v4.new_code_cell("%nbcoach"),
    ]
    shutil.copytree(EXAMPLES / "data", tmp_path / "data")
    source = tmp_path / "analysis.ipynb"
    nbformat.write(notebook, source)
    out = tmp_path / "analysis-out.ipynb"
    papermill.execute_notebook(
        str(source), str(out), kernel_name="python3", cwd=str(tmp_path), progress_bar=False
    )
    _, text = outputs(nbformat.read(out, as_version=4).cells[-1])
    assert text.startswith(f"{source}: grade "), text
    assert "the input of papermill's output analysis-out.ipynb" in text
    assert "not in the saved file" not in text


def test_the_notebook_is_found_from_vscode_then_the_session_then_the_folder(
    make_notebook: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make_notebook(["x = 1"], name="first.ipynb")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    vscode = make_notebook(["x = 1"], name="vscode.ipynb")
    assert find_notebook({"__vsc_ipynb_file__": str(vscode)}, None).path == vscode
    monkeypatch.setenv("JPY_SESSION_NAME", str(first))
    found = find_notebook({}, None)
    assert found.path == first and found.how == "from the Jupyter session"
    monkeypatch.setenv("JPY_SESSION_NAME", str(tmp_path / "renamed-since.ipynb"))  # stale
    guessed = find_notebook({}, None)
    newest = max([first, vscode], key=lambda p: p.stat().st_mtime)
    assert guessed.path == newest and "of the 2 notebooks" in guessed.how
    assert "%nbcoach path/to/notebook.ipynb" in guessed.how


def test_a_folder_with_one_notebook_is_a_guess_and_an_empty_one_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    found = find_notebook({}, None)
    assert found.path is None and "holds no notebook" in found.how
    only = tmp_path / "only.ipynb"
    nbformat.write(build_notebook(["x = 1"]), only)
    found = find_notebook({}, None)
    assert found.path == only and found.how.startswith("guessed: ") and "only notebook" in found.how


def test_a_papermill_output_in_the_folder_stands_for_its_input(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("JPY_SESSION_NAME", raising=False)
    monkeypatch.chdir(tmp_path)
    source = tmp_path / "input.ipynb"
    nbformat.write(build_notebook(["x = 1"]), source)
    output = build_notebook(["x = 1"])
    output.metadata["papermill"] = {"input_path": "input.ipynb", "output_path": "out.ipynb"}
    time.sleep(0.01)
    nbformat.write(output, tmp_path / "out.ipynb")
    found = find_notebook({}, None)
    assert found.path is not None and found.path.resolve() == source.resolve()
    assert "the input of papermill's output out.ipynb" in found.how
    injected = find_notebook({"PAPERMILL_INPUT_PATH": str(source)}, None)
    assert injected.path == source and injected.how == "from papermill's input path"
    assert injected.source == "papermill"
    mine = tmp_path / "mine.ipynb"
    nbformat.write(build_notebook(["y = 2"]), mine)
    both = {"PAPERMILL_INPUT_PATH": str(source), "__vsc_ipynb_file__": str(mine)}
    assert find_notebook(both, None).path == mine  # a papermill output re-opened in VS Code


def test_an_edited_cell_still_counts_as_this_notebooks_and_papermill_warns_of_nothing(
    make_notebook: Callable[..., Path],
) -> None:
    path = make_notebook(["x = 1", "print(x * 10)", "def f(a):\n    return a + 1"])
    saved = read(path)
    edited = ["x = 2  # edited", "print(x * 10)  # edited"]
    assert ran_here(edited, saved)  # edited since the save: still this notebook
    assert not ran_here(["import pandas as pd", "df = pd.DataFrame()", "df.plot()"], saved)
    card = notebook_card(Found(path, "guessed: ...", "guess"), edited, own=None)
    assert "not in the saved file" in card.text  # the unsaved edits are what it warns about
    parameters = ["# Parameters\nalpha = 3", "x = 1"]  # papermill's injected cell
    quiet = notebook_card(
        Found(path, "from papermill's input path", "papermill"), parameters, own=True
    )
    assert "not in the saved file" not in quiet.text


def test_unsaved_inputs_are_counted_and_magic_lines_ignored(
    make_notebook: Callable[..., Path],
) -> None:
    saved = read(make_notebook(["import os", "x = 1\ny = 2", "%load_ext nbcoach"]))
    assert unsaved_inputs(["import os", "x = 1\ny = 2\n", "%load_ext nbcoach"], saved) == 0
    assert unsaved_inputs(["%nbcoach", "%reload_ext nbcoach\n%nbcoach"], saved) == 0
    assert unsaved_inputs(["import os", "x = 2", "z = 3\n%nbcoach"], saved) == 2


@pytest.mark.slow
def test_the_running_servers_sessions_api_names_the_notebook(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The lookup for servers that do not set JPY_SESSION_NAME, against a real jupyter_server."""
    from jupyter_server.serverapp import list_running_servers

    from nbcoach.integrations.kernel_notebook import from_server_sessions

    nbformat.write(build_notebook(["x = 1"]), tmp_path / "served.ipynb")
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    server = subprocess.Popen(
        [
            *(sys.executable, "-m", "jupyter_server", "--no-browser", "--port=0"),
            *("--IdentityProvider.token=t0k", "--ServerApp.ip=127.0.0.1", "--allow-root"),
            f"--ServerApp.root_dir={tmp_path}",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        servers: list[dict[str, Any]] = []
        for _ in range(100):
            servers = list(list_running_servers(str(tmp_path / "runtime")))
            if servers:
                break
            time.sleep(0.2)
        assert servers, "jupyter_server did not start"
        import json
        import urllib.request

        request = urllib.request.Request(
            servers[0]["url"] + "api/sessions",
            data=json.dumps(
                {"path": "served.ipynb", "type": "notebook", "kernel": {"name": "python3"}}
            ).encode(),
            headers={"Authorization": "token t0k", "Content-Type": "application/json"},
            method="POST",
        )
        with urllib.request.urlopen(request, timeout=30) as response:
            kernel_id = json.load(response)["kernel"]["id"]
        assert from_server_sessions(kernel_id) == tmp_path / "served.ipynb"
        assert from_server_sessions("not-a-kernel") is None
    finally:
        server.terminate()
        server.wait(timeout=30)
