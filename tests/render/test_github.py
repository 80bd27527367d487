"""`--format github`: workflow commands GitHub turns into annotations at the right line."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from nbcoach.core.model import Finding, Location, Report, ReportCard, SourceFile
from nbcoach.render.github import escape_data, escape_property, render_github
from support import EXAMPLES, pair, run_cli

COMMAND = re.compile(r"^::(error|warning|notice)(?: (?P<props>[^:]*))?::(?P<message>.*)$")


def unescape(text: str) -> str:
    return (
        text.replace("%0D", "\r")
        .replace("%0A", "\n")
        .replace("%3A", ":")
        .replace("%2C", ",")
        .replace("%25", "%")
    )


def parse(line: str) -> tuple[str, dict[str, str], str]:
    """Read a workflow command back the way the runner does."""
    match = COMMAND.match(line)
    assert match, line
    props = {}
    for item in (match["props"] or "").split(","):
        if item:
            key, value = item.split("=", 1)
            props[key] = unescape(value)
    return match[1], props, unescape(match["message"])


def test_escaping_follows_githubs_rules() -> None:
    assert escape_data("50% done\r\nnext") == "50%25 done%0D%0Anext"
    assert escape_property("a:b,c%\n") == "a%3Ab%2Cc%25%0A"
    assert escape_data("a:b,c") == "a:b,c"  # only properties escape `:` and `,`


def test_a_hostile_message_stays_one_command_and_reads_back_intact() -> None:
    message = "50% of `x`, then:\n::error::injected\r\nmore"
    finding = Finding(
        "star-import", message, Location("we,ird:name.py", None, 3), "hygiene", "error"
    )
    card = ReportCard("we,ird:name.py", "ok", format="script", score=50.0, grade="F")
    out = render_github(Report((card,), cross_findings=(finding,)))
    lines = out.splitlines()
    assert len(lines) == 2  # the card's notice and the finding: no injected command
    kind, props, text = parse(lines[1])
    assert kind == "error" and props["file"] == "we,ird:name.py" and props["line"] == "3"
    assert text.startswith(message)


@pytest.fixture
def paired(tmp_path: Path) -> Path:
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    pair(tmp_path / "examples" / "newcomer.ipynb")
    return tmp_path


def test_annotations_of_a_paired_notebook_land_on_its_code_in_the_py(paired: Path) -> None:
    done = run_cli("report", "--format", "github", "examples/newcomer.ipynb", cwd=paired)
    assert done.returncode == 0, done.stderr
    commands = [parse(line) for line in done.stdout.splitlines()]
    notice_kind, notice, summary = commands[0]
    assert notice_kind == "notice" and "scores F" in notice["title"]
    assert "1. Split `analyse_customers`" in summary
    py_lines = (paired / "examples" / "newcomer.py").read_text(encoding="utf-8").split("\n")
    kinds = set()
    for kind, props, text in commands[1:]:
        kinds.add(kind)
        assert props["file"] == "examples/newcomer.py"
        assert props["title"].startswith("nbcoach ")
        assert "[examples/newcomer.ipynb:cell " in text  # the notebook place is kept
    assert kinds == {"error", "warning", "notice"}
    star = next(c for c in commands if c[1].get("title") == "nbcoach star-import")
    assert py_lines[int(star[1]["line"]) - 1] == "from math import *"
    copy = next(c for c in commands if c[1].get("title") == "nbcoach copy-paste")
    report = json.loads(
        run_cli("report", "--format", "json", "examples/newcomer.ipynb", cwd=paired).stdout
    )
    block = next(f for f in report["notebooks"][0]["findings"] if f["rule"] == "copy-paste")
    assert int(copy[1]["endLine"]) - int(copy[1]["line"]) == block["end_line"] - block["line"] > 0


def test_annotations_stay_in_an_unpaired_notebook_at_its_json_line(paired: Path) -> None:
    (paired / "examples" / "newcomer.py").unlink()
    done = run_cli("report", "--format", "github", "newcomer.ipynb", cwd=paired / "examples")
    assert done.returncode == 0, done.stderr
    commands = [parse(line) for line in done.stdout.splitlines()]
    star = next(c for c in commands if c[1].get("title") == "nbcoach star-import")
    assert star[1]["file"] == "examples/newcomer.ipynb"
    json_lines = (paired / "examples" / "newcomer.ipynb").read_text(encoding="utf-8").split("\n")
    assert json_lines[int(star[1]["line"]) - 1].strip() == '"from math import *\\n",'


def test_a_finding_without_a_line_annotates_the_file() -> None:
    source = SourceFile("nb.ipynb")
    finding = Finding("little-markdown", "no story", Location("nb.ipynb"), "hygiene")
    card = ReportCard("nb.ipynb", "ok", score=90.0, grade="A", findings=(finding,), source=source)
    kind, props, _ = parse(render_github(Report((card,))).splitlines()[1])
    assert kind == "warning" and props == {"file": "nb.ipynb", "title": "nbcoach little-markdown"}
