"""`--format sarif`: valid SARIF 2.1.0 (the OASIS schema), placed where GitHub shows the code."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from nbcoach.core.rules import RULES
from support import EXAMPLES, ROOT, pair, run_cli, run_cli_ok, validate


def sarif(*args: str, cwd: Path) -> dict[str, Any]:
    done = run_cli("report", "--format", "sarif", "--no-cache", *args, cwd=cwd)
    assert done.returncode == 0, done.stderr
    log: dict[str, Any] = json.loads(done.stdout)
    return log


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository holding a copy of the examples, the newcomer notebook paired."""
    shutil.copytree(EXAMPLES, tmp_path / "examples")
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    pair(tmp_path / "examples" / "newcomer.ipynb")
    return tmp_path


def results_for(log: dict[str, Any], rule: str) -> list[dict[str, Any]]:
    return [r for r in log["runs"][0]["results"] if r["ruleId"] == rule]


def test_the_examples_give_schema_valid_sarif_with_every_finding() -> None:
    log = sarif("examples", cwd=ROOT)
    validate(log)
    report = json.loads(
        run_cli_ok("report", "--format", "json", "--no-cache", "examples", cwd=ROOT).stdout
    )
    findings = sum(len(n["findings"]) for n in report["notebooks"]) + len(report["cross_findings"])
    run = log["runs"][0]
    assert len(run["results"]) == findings > 20
    statuses = {n["path"]: n["status"] for n in run["properties"]["notebooks"]}
    assert statuses["examples/r_kernel.ipynb"] == "skipped"


def test_one_rule_entry_per_nbcoach_rule_with_its_help_and_every_result_indexes_its_rule() -> None:
    run = sarif("examples/newcomer.ipynb", cwd=ROOT)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    ids = [rule["id"] for rule in rules]
    assert len(ids) == len(set(ids))
    by_id = {rule["id"]: rule for rule in rules}
    for rule in RULES:
        entry = by_id[rule.id]
        assert entry["shortDescription"]["text"] == rule.summary
        assert rule.fix in entry["help"]["text"] and rule.why in entry["help"]["text"]
        assert entry["properties"]["category"] == rule.category
    assert "N816" in by_id  # ruff codes that occur get an entry too
    for result in run["results"]:
        assert rules[result["ruleIndex"]]["id"] == result["ruleId"]


def test_findings_of_a_paired_notebook_point_into_the_py_at_the_right_line(repo: Path) -> None:
    log = sarif("examples/newcomer.ipynb", cwd=repo)
    validate(log)
    run = log["runs"][0]
    assert run["originalUriBaseIds"]["%SRCROOT%"]["uri"] == repo.resolve().as_uri() + "/"
    py_lines = (repo / "examples" / "newcomer.py").read_text(encoding="utf-8").split("\n")
    star = results_for(log, "star-import")[0]
    physical = star["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"] == {
        "uri": "examples/newcomer.py",
        "uriBaseId": "%SRCROOT%",
    }
    assert py_lines[physical["region"]["startLine"] - 1] == "from math import *"
    assert star["properties"]["notebookLocation"] == "examples/newcomer.ipynb:cell 2:line 5"
    assert all(
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == "examples/newcomer.py"
        for r in run["results"]
    )


def test_an_unpaired_notebook_records_the_cell_in_the_region(repo: Path) -> None:
    (repo / "examples" / "newcomer.py").unlink()
    log = sarif("newcomer.ipynb", cwd=repo / "examples")  # run from a subfolder
    validate(log)
    star = results_for(log, "star-import")[0]
    physical = star["locations"][0]["physicalLocation"]
    assert physical["artifactLocation"]["uri"] == "examples/newcomer.ipynb"  # repository path
    assert physical["region"]["properties"] == {"cell": 2, "lineInCell": 5}
    json_lines = (repo / "examples" / "newcomer.ipynb").read_text(encoding="utf-8").split("\n")
    assert json_lines[physical["region"]["startLine"] - 1].strip() == '"from math import *\\n",'
    assert "(cell 2, line 5)" in star["message"]["text"]


def test_related_places_become_related_locations(repo: Path) -> None:
    log = sarif("examples/newcomer.ipynb", cwd=repo)
    py_lines = (repo / "examples" / "newcomer.py").read_text(encoding="utf-8").split("\n")
    redefined = next(
        r for r in results_for(log, "redefined-function") if "clean_row" in r["message"]["text"]
    )
    related = redefined["relatedLocations"]
    assert [place["message"]["text"] for place in related] == [
        "examples/newcomer.ipynb:cell 5:line 1"
    ]
    region = related[0]["physicalLocation"]["region"]
    assert py_lines[region["startLine"] - 1].startswith("def clean_row(")
    main = redefined["locations"][0]["physicalLocation"]["region"]
    assert py_lines[main["startLine"] - 1].startswith("def clean_row(") and main != region


def test_levels_follow_severity_and_spans_keep_their_end(repo: Path) -> None:
    log = sarif("examples/newcomer.ipynb", cwd=repo)
    data = json.loads(
        run_cli_ok("report", "--format", "json", "examples/newcomer.ipynb", cwd=repo).stdout
    )
    severities = [(f["rule"], f["severity"]) for f in data["notebooks"][0]["findings"]]
    levels = [(r["ruleId"], r["level"]) for r in log["runs"][0]["results"]]
    expected = {"error": "error", "warning": "warning", "info": "note"}
    assert levels == [(rule, expected[severity]) for rule, severity in severities]
    assert {level for _, level in levels} == {"error", "warning", "note"}
    copy = results_for(log, "copy-paste")[0]["locations"][0]["physicalLocation"]["region"]
    block = next(f for f in data["notebooks"][0]["findings"] if f["rule"] == "copy-paste")
    assert copy["endLine"] - copy["startLine"] == block["end_line"] - block["line"] > 0


def test_a_clean_notebook_gives_a_valid_log_without_results() -> None:
    log = sarif("examples/clean.ipynb", cwd=ROOT)
    validate(log)
    assert log["runs"][0]["results"] == []


def test_a_path_that_is_no_notebook_is_a_notification_of_the_run(repo: Path) -> None:
    done = run_cli(
        "report", "--format", "sarif", "--no-cache", "examples/clean.ipynb", "gone.ipynb", cwd=repo
    )
    assert done.returncode == 2  # an input error, and the log still written
    log = json.loads(done.stdout)
    validate(log)
    [invocation] = log["runs"][0]["invocations"]
    assert invocation["executionSuccessful"] is False
    [note] = invocation["toolExecutionNotifications"]
    assert note == {"level": "error", "message": {"text": "gone.ipynb: no such file or directory"}}
    assert [n["path"] for n in log["runs"][0]["properties"]["notebooks"]] == [
        "examples/clean.ipynb"
    ]


def test_the_tool_and_every_rule_link_to_their_documentation(repo: Path) -> None:
    run = sarif("examples/newcomer.ipynb", cwd=repo)["runs"][0]
    validate({"version": "2.1.0", "runs": [run]})
    driver = run["tool"]["driver"]
    assert driver["informationUri"].startswith("https://")
    by_id = {rule["id"]: rule for rule in driver["rules"]}
    docs = (ROOT / "docs" / "rules.md").read_text(encoding="utf-8")
    for rule in RULES:
        uri = by_id[rule.id]["helpUri"]
        assert uri.endswith(f"/docs/rules.md#{rule.id}")
        assert f"\n### {rule.id}\n" in docs  # the anchor the link points to
    assert (
        by_id["N816"]["helpUri"]
        == "https://docs.astral.sh/ruff/rules/mixed-case-variable-in-global-scope/"
    )


def test_lint_results_in_a_python_file_carry_ruffs_column(repo: Path) -> None:
    run = sarif("examples/newcomer.ipynb", cwd=repo)["runs"][0]  # paired: points into the .py
    docstring = next(r for r in run["results"] if r["ruleId"] == "D103")
    region = docstring["locations"][0]["physicalLocation"]["region"]
    assert region["startColumn"] == 5  # `def parse_date`: the name, as ruff reports it
