"""A whole run: parallel equals serial, bad inputs do not stop the others, nothing is executed."""

from __future__ import annotations

import shutil
from pathlib import Path

from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.render.data import render_json
from support import EXAMPLES


def test_parallel_and_serial_runs_give_identical_json(tmp_path: Path) -> None:
    for copy in range(6):
        shutil.copy(EXAMPLES / "newcomer.ipynb", tmp_path / f"newcomer_{copy}.ipynb")
        shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / f"clean_{copy}.ipynb")
    serial = review([str(tmp_path)], ReviewOptions(jobs=1, use_cache=False))
    parallel = review([str(tmp_path)], ReviewOptions(jobs=2, use_cache=False))
    assert len(serial.cards) == 12
    assert render_json(serial) == render_json(parallel)
    # The copies are also found across notebooks, reported without changing any score.
    assert serial.cross_findings and all(not f.scored for f in serial.cross_findings)


def test_unreadable_inputs_are_reported_and_the_rest_still_graded(tmp_path: Path) -> None:
    broken = tmp_path / "broken.ipynb"
    broken.write_text('{"cells": [')
    report = review(
        [str(EXAMPLES / "clean.ipynb"), str(broken), str(tmp_path / "missing.ipynb")],
        ReviewOptions(use_cache=False),
    )
    statuses = {Path(c.path).name: (c.status, c.reason) for c in report.cards}
    assert statuses["clean.ipynb"][0] == "ok"
    assert statuses["broken.ipynb"] == ("error", "truncated: the JSON ends unexpectedly at line 1")
    assert report.input_errors == (f"{tmp_path / 'missing.ipynb'}: no such file or directory",)


def test_a_paired_percent_file_is_not_graded_twice(tmp_path: Path) -> None:
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "clean.ipynb")
    (tmp_path / "clean.py").write_text("# %%\nx = 1\n")
    cards = {
        Path(c.path).name: c for c in review([str(tmp_path)], ReviewOptions(use_cache=False)).cards
    }
    assert cards["clean.ipynb"].status == "ok"
    assert cards["clean.py"].status == "skipped"
    assert cards["clean.py"].reason == f"paired with {tmp_path / 'clean.ipynb'}; reported there"


def test_a_file_edited_after_hashing_is_analysed_but_not_cached(tmp_path: Path) -> None:
    from nbcoach.analysis.review import _analyse_task
    from nbcoach.core.config import Config

    notebook = tmp_path / "nb.py"
    notebook.write_text("x = 1\n")
    analysis, unchanged = _analyse_task((str(notebook), "nb.py", Config(), "digest of older bytes"))
    assert analysis.status == "ok" and not unchanged
    import hashlib

    current = hashlib.sha256(notebook.read_bytes()).hexdigest()
    assert _analyse_task((str(notebook), "nb.py", Config(), current))[1]


def test_a_symlinked_file_takes_the_config_of_the_folder_it_is_listed_in(tmp_path: Path) -> None:
    """The project's pyproject applies to a file linked into it from elsewhere, as it did
    before discovery resolved each file once."""
    project, shared = tmp_path / "project", tmp_path / "shared"
    project.mkdir()
    shared.mkdir()
    (project / "pyproject.toml").write_text(
        '[tool.nbcoach]\nignore = ["too-many-parameters"]\nlint = false\n'
    )
    (shared / "nb.py").write_text(
        'def f(a, b, c, d, e, g, h):\n    """Doc."""\n    return a\n\n\nf(1, 2, 3, 4, 5, 6, 7)\n'
    )
    (project / "nb.py").symlink_to("../shared/nb.py")
    linked = review([str(project / "nb.py")], ReviewOptions(use_cache=False)).cards[0]
    direct = review([str(shared / "nb.py")], ReviewOptions(use_cache=False)).cards[0]
    assert [f.rule for f in direct.findings] == ["too-many-parameters"]
    assert linked.findings == () and linked.score == 100.0
