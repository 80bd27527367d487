"""The JSON report's published schema (nbcoach/schemas/report.schema.json) describes what the
report writes: every report validates, and the schema knows every key docs/report-json.md
documents."""

from __future__ import annotations

import json
import re
import shutil
from importlib import resources
from pathlib import Path

import jsonschema

from support import EXAMPLES, ROOT, run_cli

SCHEMA = json.loads(
    resources.files("nbcoach").joinpath("schemas/report.schema.json").read_text(encoding="utf-8")
)


def test_the_schema_is_valid_and_shipped_in_the_package() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)


def test_reports_of_every_kind_of_input_validate(tmp_path: Path) -> None:
    for name in ("newcomer.ipynb", "clean.ipynb", "r_kernel.ipynb"):
        shutil.copy(EXAMPLES / name, tmp_path / name)
    (tmp_path / "broken.ipynb").write_text("{", encoding="utf-8")
    (tmp_path / "script.py").write_text("def f(x):\n    return x\n", encoding="utf-8")
    done = run_cli("report", ".", "missing.ipynb", "--format", "json", cwd=tmp_path)
    report = json.loads(done.stdout)
    assert {c["status"] for c in report["notebooks"]} == {"ok", "skipped", "error"}
    assert report["input_errors"]
    jsonschema.validate(report, SCHEMA, cls=jsonschema.Draft202012Validator)


def test_a_report_that_breaks_the_contract_is_caught() -> None:
    report = json.loads(
        run_cli("report", str(EXAMPLES / "newcomer.ipynb"), "--format", "json").stdout
    )
    report["notebooks"][0]["grade"] = "E"
    errors = list(jsonschema.Draft202012Validator(SCHEMA).iter_errors(report))
    assert errors


def test_every_documented_key_is_in_the_schema() -> None:
    text = (ROOT / "docs" / "report-json.md").read_text(encoding="utf-8")
    notebook_keys = set(SCHEMA["$defs"]["notebook"]["properties"])
    finding_keys = set(SCHEMA["$defs"]["finding"]["properties"])
    sections = text.split("## Findings")
    documented_notebook = set(re.findall(r"^\| `([a-z_]+)` \|", sections[0], re.M))
    documented_finding = set(re.findall(r"`([a-z_]+)`", "\n".join(
        line.split("|")[1] for line in sections[1].splitlines() if line.startswith("| `")
    )))  # fmt: skip
    assert documented_notebook <= notebook_keys
    assert documented_finding <= finding_keys
