"""The real command line: exit codes, one stderr line per bad input, colour rules, rules help."""

from __future__ import annotations

import json
import os
import pty
import re
import shutil
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from support import EXAMPLES, build_notebook, run_cli


def valid_text(*cells: str, language: str = "python") -> str:
    return nbformat.writes(build_notebook(list(cells), language))


def v3_notebook() -> str:
    return json.dumps(
        {
            "nbformat": 3,
            "nbformat_minor": 0,
            "metadata": {},
            "worksheets": [
                {
                    "cells": [
                        {
                            "cell_type": "code",
                            "input": "x = 1",
                            "language": "python",
                            "outputs": [],
                            "metadata": {},
                        }
                    ]
                }
            ],
        }
    )


BAD_INPUTS = {
    # name: (file name, content, expected status, expected reason or note fragment)
    "invalid JSON": (
        "a.ipynb",
        '{"cells": [}, "nbformat": 4}',
        "error",
        "invalid JSON at line 1, column 12",
    ),
    "merge conflict": (
        "b.ipynb",
        valid_text("x = 1").replace('"x = 1"', '"x = 1"\n<<<<<<< HEAD\n=======\n>>>>>>> main', 1),
        "error",
        "unresolved merge-conflict markers at line",
    ),
    "truncated": (
        "c.ipynb",
        valid_text("x = 1", "y = 2")[:150],
        "error",
        "truncated: the JSON ends unexpectedly",
    ),
    "binary": ("d.ipynb", "\x00\x01PK\x03\x04", "error", "binary file, not a notebook"),
    "non-UTF-8 .py": ("e.py", None, "error", "not UTF-8 text (byte 0xe9 at offset 8)"),
    "nbformat v3": ("f.ipynb", v3_notebook(), "ok", "nbformat 3 upgraded to 4"),
    "missing nbformat key": (
        "g.ipynb",
        json.dumps({"cells": [{"cell_type": "code", "source": "x = 1", "outputs": []}]}),
        "ok",
        "no 'nbformat' key; read as nbformat 4",
    ),
    "empty notebook": ("h.ipynb", valid_text(), "skipped", "no code to analyse"),
    "non-Python kernel": (
        "i.ipynb",
        valid_text("x <- 1", language="R"),
        "skipped",
        "kernel language is R",
    ),
    "syntax-error cell": (
        "j.ipynb",
        valid_text("x = (", "def f():\n    return 1"),
        "ok",
        "syntax-error",
    ),
}


@pytest.mark.parametrize("kind", list(BAD_INPUTS))
def test_each_bad_input_kind_is_named_and_the_others_still_reported(
    kind: str, tmp_path: Path
) -> None:
    name, content, status, fragment = BAD_INPUTS[kind]
    bad = tmp_path / name
    if content is None:
        bad.write_bytes("x = 'caf\xe9'\n".encode("latin-1"))
    else:
        bad.write_text(content, encoding="utf-8", errors="surrogateescape")
    result = run_cli(
        "report", "--format", "json", str(EXAMPLES / "clean.ipynb"), str(bad), cwd=tmp_path
    )
    assert "Traceback" not in result.stderr
    report = json.loads(result.stdout)
    cards = {Path(card["path"]).name: card for card in report["notebooks"]}
    assert cards["clean.ipynb"]["status"] == "ok" and cards["clean.ipynb"]["grade"] == "A"
    card = cards[name]
    assert card["status"] == status
    evidence = (
        card["reason"] + " ".join(card["notes"]) + " ".join(f["rule"] for f in card["findings"])
    )
    assert fragment in evidence
    if status == "error":
        assert result.returncode == 2
        assert result.stderr.strip().splitlines() == [f"nbcoach: error: {bad}: {card['reason']}"]
    else:
        assert result.returncode == 0 and result.stderr == ""


def test_fail_under_exits_1_and_a_missing_path_exits_2(tmp_path: Path) -> None:
    ok = run_cli(
        "report", "--compact", str(EXAMPLES / "clean.ipynb"), "--fail-under", "90", cwd=tmp_path
    )
    assert ok.returncode == 0
    failed = run_cli(
        "report", "--compact", str(EXAMPLES / "newcomer.ipynb"), "--fail-under", "90", cwd=tmp_path
    )
    assert failed.returncode == 1 and "newcomer.ipynb" in failed.stdout
    missing = run_cli(
        "report", str(EXAMPLES / "clean.ipynb"), str(tmp_path / "nope.ipynb"), cwd=tmp_path
    )
    assert missing.returncode == 2
    assert (
        missing.stderr.strip()
        == f"nbcoach: error: {tmp_path / 'nope.ipynb'}: no such file or directory"
    )
    assert "clean.ipynb" in missing.stdout


def test_fail_under_comes_from_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nbcoach]\nfail-under = 50\n")
    (tmp_path / "nb.ipynb").write_text((EXAMPLES / "newcomer.ipynb").read_text())
    assert run_cli("report", "nb.ipynb", cwd=tmp_path).returncode == 1


def test_an_unknown_config_key_is_a_usage_error_naming_key_and_file(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nbcoach]\nfail_under = 3\n")
    (tmp_path / "nb.py").write_text("x = 1\n")
    result = run_cli("report", "nb.py", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith(
        f"nbcoach: error: {tmp_path / 'pyproject.toml'}: unknown key 'tool.nbcoach.fail_under'"
    )


def test_output_file_and_formats(tmp_path: Path) -> None:
    out = tmp_path / "reports" / "card.md"
    result = run_cli(
        "report", "-f", "markdown", "-o", str(out), str(EXAMPLES / "newcomer.ipynb"), cwd=tmp_path
    )
    assert result.returncode == 0 and result.stdout == ""
    assert out.read_text().startswith("## nbcoach report card")
    assert [p.name for p in out.parent.iterdir()] == ["card.md"]  # no temporary file left behind


def run_in_terminal(args: list[str], env: dict[str, str]) -> str:
    """Run the CLI attached to a pseudo-terminal, as a user at a terminal would."""
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "nbcoach", *args],
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        env=env,
        close_fds=True,
    )
    os.close(terminal)
    shown = read_terminal(controller)
    process.wait(timeout=120)
    return shown.decode(errors="replace")


def read_terminal(controller: int) -> bytes:
    """All a pseudo-terminal shows until the process on it ends; closes it."""
    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # EIO: the other side has closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks)


def test_colour_on_a_terminal_and_never_with_no_color_or_a_pipe() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {
        "TERM": "xterm-256color",
        "COLUMNS": "120",
    }
    args = ["report", "--compact", "--no-cache", str(EXAMPLES / "newcomer.ipynb")]
    assert "\x1b[" in run_in_terminal(args, env)
    assert "\x1b[" not in run_in_terminal(args, env | {"NO_COLOR": "1"})
    piped = subprocess.run(
        [sys.executable, "-m", "nbcoach", *args],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert piped.returncode == 0, piped.stderr
    assert "\x1b[" not in piped.stdout
    # the card's title line, whole: path, grade, score
    title = re.escape(str(EXAMPLES / "newcomer.ipynb")) + r" {3}F {3}\d{1,3}\.\d/100"
    assert re.search(f"^{title}$", piped.stdout, re.M), piped.stdout
    assert not [line for line in piped.stdout.splitlines() if line != line.rstrip()]


def test_rules_lists_and_explains(tmp_path: Path) -> None:
    listed = run_cli("rules", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr
    from nbcoach.core.rules import RULES

    listing = listed.stdout
    assert RULES and all(rule.id in listing for rule in RULES)
    explained = run_cli("rules", "reassigned-variable", cwd=tmp_path)
    assert explained.returncode == 0, explained.stderr
    assert "Why it matters:" in explained.stdout and "How to fix it:" in explained.stdout
    ruff_rule = run_cli("rules", "F401", cwd=tmp_path)
    assert ruff_rule.returncode == 0 and "unused-import" in ruff_rule.stdout
    unknown = run_cli("rules", "no-such-rule", cwd=tmp_path)
    assert unknown.returncode == 2 and "unknown rule 'no-such-rule'" in unknown.stderr
    typo = run_cli("rules", "long-functon", cwd=tmp_path)
    assert typo.returncode == 2 and "did you mean 'long-function'?" in typo.stderr
    lower = run_cli("rules", "f401", cwd=tmp_path)
    assert lower.returncode == 0 and lower.stdout.startswith("F401 is a ruff rule")


def test_all_lists_every_function_and_candidate_too() -> None:
    args = ["report", "--no-cache", str(EXAMPLES / "newcomer.ipynb")]
    some, every = run_cli(*args).stdout, run_cli(*args, "--all").stdout
    assert "2 more with --all" in some and "more with --all" not in every
    assert "  A     needs_call" in every and "  A     needs_call" not in some
    assert "`safe_float`, `pct`, `needs_call`" in every and " and 1 more" in some


def test_version_and_help() -> None:
    from nbcoach import __version__

    shown = run_cli("--version")
    assert shown.returncode == 0 and shown.stdout.strip() == f"nbcoach {__version__}"
    helped = run_cli("--help")
    assert helped.returncode == 0 and "report" in helped.stdout


def test_an_unknown_option_exits_2_with_a_usage_line() -> None:
    result = run_cli("report", "--no-such-option")
    assert result.returncode == 2
    assert "No such option" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_progress_bar_on_a_terminal_only(tmp_path: Path) -> None:
    """Many notebooks on a terminal: the bar is drawn on stderr (and cleared); the same run with
    stderr piped, as in CI, draws nothing there and gives the same JSON."""
    notebooks = tmp_path / "notebooks"
    notebooks.mkdir()
    for number in range(6):
        shutil.copy(EXAMPLES / "newcomer.ipynb", notebooks / f"nb{number}.ipynb")
    args = [sys.executable, "-m", "nbcoach", "report", "-f", "json", "--no-cache", str(notebooks)]
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm-256color"}
    controller, terminal = pty.openpty()
    stdout = tmp_path / "stdout.json"  # a file: a full pipe would block the run and this read
    with stdout.open("wb") as sink:
        process = subprocess.Popen(args, stdout=sink, stderr=terminal, env=env, close_fds=True)
    os.close(terminal)
    drawn = read_terminal(controller)
    process.wait(timeout=120)
    on_terminal = stdout.read_bytes()
    assert b"Analysing notebooks" in drawn and b"6/6" in drawn
    piped = subprocess.run(args, capture_output=True, env=env, check=False)
    assert piped.returncode == process.returncode == 0
    assert piped.stderr == b""
    assert _cards(piped.stdout) == _cards(on_terminal)


def _cards(output: bytes) -> list[object]:
    data = json.loads(output)
    return list(data["notebooks"])


def test_a_run_that_finds_nothing_says_why_and_a_named_ignored_folder_is_searched(
    tmp_path: Path,
) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / ".gitignore").write_text("data/\n")
    (tmp_path / "data").mkdir()
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "data" / "clean.ipynb")
    everything = run_cli("report", "--compact", ".", cwd=tmp_path)
    assert everything.returncode == 0 and everything.stdout == ""
    assert everything.stderr == (
        "nbcoach: no notebooks or Python files under .: 1 skipped because git ignores them; "
        "name them explicitly or use --no-respect-gitignore\n"
    )
    named = run_cli("report", "--compact", "data", cwd=tmp_path)  # as ruff: a folder you name
    assert "data/clean.ipynb   A" in named.stdout and named.stderr == ""
    unignored = run_cli("report", "--compact", "--no-respect-gitignore", ".", cwd=tmp_path)
    assert "data/clean.ipynb   A" in unignored.stdout


def test_a_folder_named_beside_other_inputs_that_holds_nothing_is_said(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    (tmp_path / "notebooks").mkdir()
    shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / "notebooks" / "clean.ipynb")
    run = run_cli("report", "--compact", "empty", "notebooks", cwd=tmp_path)
    assert run.returncode == 0 and "notebooks/clean.ipynb   A" in run.stdout
    assert run.stderr == "nbcoach: no notebooks or Python files under empty\n"


def test_a_missing_path_has_its_row_in_the_summary(tmp_path: Path) -> None:
    for name in ("a.ipynb", "b.ipynb"):
        shutil.copy(EXAMPLES / "clean.ipynb", tmp_path / name)
    run = run_cli("report", "a.ipynb", "b.ipynb", "gone.ipynb", "we: ird.ipynb", cwd=tmp_path)
    assert run.returncode == 2
    summary = run.stdout.split("Summary\n", 1)[1]
    assert re.search(r"^gone\.ipynb +- +- +error: no such file or directory$", summary, re.M)
    assert re.search(r"^we: ird\.ipynb +- +- +error: no such file or directory$", summary, re.M)
    assert "4 inputs · 2 graded" in summary


def test_the_summary_in_a_pipe_or_a_file_keeps_every_path_whole_on_its_row(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "team_notebooks_of_the_customer_churn_analysis_group"
    folder.mkdir()
    names = [f"quarterly_review_of_customer_churn_by_region_{r}.ipynb" for r in ("north", "south")]
    for name in names:
        (folder / name).write_text(valid_text("import pandas as pd", "pd.DataFrame().head()"))
    (folder / "quarterly_review_of_customer_churn_by_region_empty.ipynb").write_text(valid_text())
    out = tmp_path / "report.txt"
    piped = run_cli("report", folder.name, cwd=tmp_path).stdout
    run_cli("report", folder.name, "-o", str(out), cwd=tmp_path)
    for text in (piped, out.read_text()):
        summary = text.split("Summary\n", 1)[1]
        for name in names:  # one line: the whole path, then its grade and score
            assert re.search(rf"^{folder.name}/{name} +[A-F] +\d+\.\d +ok$", summary, re.M), summary
        assert re.search(r"empty\.ipynb +- +- +skipped: no code to analyse \(.*\)$", summary, re.M)


def test_a_summary_row_with_wide_characters_stays_on_one_line(tmp_path: Path) -> None:
    """Width is counted in display columns: a CJK character takes two."""
    folder = tmp_path / "机器学习课程资料" / "第三章_数据预处理与特征工程实践"
    folder.mkdir(parents=True)
    for name in ("客户流失分析_第一版_草稿.ipynb", "客户流失分析_第二版_定稿.ipynb"):
        (folder / name).write_text(valid_text("import pandas as pd", "pd.DataFrame().head()"))
    summary = run_cli("report", ".", cwd=tmp_path).stdout.split("Summary\n", 1)[1]
    for name in ("客户流失分析_第一版_草稿.ipynb", "客户流失分析_第二版_定稿.ipynb"):
        assert re.search(rf"{name} +[A-F] +\d+\.\d +ok$", summary, re.M), summary
