"""The formats a team's other tools read, checked by those tools' own rules: GitLab's Code
Quality format (its documented schema), JUnit XML (read back with junitparser, as CI plugins
do), ruff's concise lines and `--statistics`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import jsonschema
import pytest
from junitparser import JUnitXml

from support import DATA, EXAMPLES, run_cli

GITLAB_SCHEMA = json.loads((DATA / "gitlab-codequality.schema.json").read_text(encoding="utf-8"))


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("newcomer.ipynb", "clean.ipynb"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    return tmp_path


def test_gitlab_code_quality_follows_the_documented_format(project: Path) -> None:
    done = run_cli("report", ".", "--output-format", "gitlab", cwd=project)
    issues = json.loads(done.stdout)
    jsonschema.validate(issues, GITLAB_SCHEMA)
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(fingerprints) == len(set(fingerprints))  # GitLab drops duplicates
    again = json.loads(run_cli("report", ".", "--output-format", "gitlab", cwd=project).stdout)
    assert [i["fingerprint"] for i in again] == fingerprints  # stable across runs
    unreadable = [i for i in issues if i["check_name"] == "nbcoach-unreadable"]
    assert unreadable and unreadable[0]["location"]["path"] == "broken.ipynb"
    long = next(i for i in issues if i["check_name"] == "long-function")
    assert long["location"]["path"] == "newcomer.ipynb" and long["location"]["lines"]["begin"] > 1


def test_junit_xml_reads_back_as_ci_systems_read_it(project: Path) -> None:
    done = run_cli("report", ".", "--output-format", "junit", "--fail-under", "50", cwd=project)
    assert done.returncode == 2  # the broken notebook
    xml = JUnitXml.fromstring(done.stdout)
    suites = {suite.name: suite for suite in xml}
    assert set(suites) == {"newcomer.ipynb", "clean.ipynb", "broken.ipynb"}
    newcomer = suites["newcomer.ipynb"]
    cards = json.loads(run_cli("report", "newcomer.ipynb", "--format", "json", cwd=project).stdout)
    assert newcomer.tests == 1 + len(cards["notebooks"][0]["findings"])
    grade = next(case for case in newcomer if case.name.startswith("grade F"))
    assert not grade.is_passed  # 7.9, under 50
    assert all(case.is_passed for case in suites["clean.ipynb"])
    assert suites["broken.ipynb"].errors == 1


def test_concise_prints_ruffs_place_form(project: Path) -> None:
    done = run_cli("report", "newcomer.ipynb", "--output-format", "concise", cwd=project)
    lines = done.stdout.splitlines()
    assert (
        "newcomer.ipynb:cell 19:1:1: long-function `analyse_customers` is 341 lines long (limit 50)"
        in lines
    )
    lint = next(line for line in lines if ": D103 " in line)
    assert lint.startswith("newcomer.ipynb:cell 4:1:5: D103")  # ruff's column: the name
    assert lines[-1].startswith("Found ") and lines[-1].endswith(" in 1 graded file.")
    places = [
        tuple(int(part) for part in re.findall(r"cell (\d+):(\d+):(\d+):", line)[0])
        for line in lines
        if line.startswith("newcomer.ipynb:cell ")
    ]
    assert places == sorted(places)  # as ruff lists them: by cell, line, then column


def test_statistics_count_findings_per_rule(project: Path) -> None:
    as_json = json.loads(
        run_cli("report", "newcomer.ipynb", "--statistics", "--format", "json", cwd=project).stdout
    )
    counts = {row["code"]: row["count"] for row in as_json}
    cards = json.loads(run_cli("report", "newcomer.ipynb", "--format", "json", cwd=project).stdout)
    findings = cards["notebooks"][0]["findings"]
    assert sum(counts.values()) == len(findings)
    assert counts["reassigned-variable"] == sum(
        f["rule"] == "reassigned-variable" for f in findings
    )
    text = run_cli("report", "newcomer.ipynb", "--statistics", cwd=project).stdout
    assert text.splitlines()[0].split("\t")[1].strip() == as_json[0]["code"]
