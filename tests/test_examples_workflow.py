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


def steps() -> list[dict[str, Any]]:
    job = load()["jobs"]["report-card"]
    result: list[dict[str, Any]] = job["steps"]
    return result


def test_the_workflow_parses_and_wires_report_sarif_upload_and_summary() -> None:
    document = load()
    triggers = document[True]  # YAML 1.1 reads the key `on` as True, as PyYAML does
    assert set(triggers) == {"push", "pull_request"}
    assert document["permissions"]["security-events"] == "write"
    by_use = {s["uses"].split("@")[0]: s for s in steps() if "uses" in s}
    assert set(by_use) == {
        "actions/checkout",
        "actions/setup-python",
        "github/codeql-action/upload-sarif",
    }
    runs = [s["run"] for s in steps() if "run" in s]
    sarif_step = next(r for r in runs if "--format sarif" in r)
    output = sarif_step.split("--output ")[1].split()[0]
    assert by_use["github/codeql-action/upload-sarif"]["with"]["sarif_file"] == output
    assert any("--format markdown" in r and '>> "$GITHUB_STEP_SUMMARY"' in r for r in runs)
    assert any(r.startswith("nbcoach report --format github") for r in runs)


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
        **load()["jobs"]["report-card"]["env"],
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
        if "--format github" in step["run"]:
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
