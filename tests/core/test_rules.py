from __future__ import annotations

import json
from pathlib import Path

import pytest


def test_docs_rules_md_is_the_catalogue_as_it_is() -> None:
    """docs/rules.md is what SARIF's helpUri links to; regenerate it with
    `python -c "from nbcoach.core.rules import rules_markdown; print(rules_markdown(), end='')" > docs/rules.md`."""
    from nbcoach.core.rules import rules_markdown
    from support import ROOT

    assert (ROOT / "docs" / "rules.md").read_text(encoding="utf-8") == rules_markdown()


def test_a_ruff_finding_says_why_in_ruffs_words_and_whether_ruff_fixes_it() -> None:
    from nbcoach.core.rules import _first_reason, rule_help

    unused = rule_help("F401")  # in ruff's words: "Unused imports add a performance overhead"
    assert unused.startswith("Unused imports ") and unused.count(". ") >= 1
    assert unused.endswith(". `ruff rule F401` says more.")
    # whether `ruff check --fix` fixes it depends on the finding (E712's fix is unsafe)
    assert "--fix" not in rule_help("E712") and rule_help("E712").endswith("says more.")
    assert rule_help("RUF015").startswith("Calling ") and "e.g. " in rule_help("RUF015")
    assert rule_help("ZZZ999") == "see `ruff rule ZZZ999`"  # a code this ruff does not know
    explained = (
        "## What it does\nChecks for `== True`.\n\n## Why is this bad?\n"
        "[PEP 8] recommends against it. Another sentence.\n\n## Example\n..."
    )
    assert _first_reason(explained) == "PEP 8 recommends against it."
    assert _first_reason("## What it does\nChecks for things.\n") == "Checks for things."
    assert _first_reason("no headings") == ""
    assert _first_reason("## What it does\nCalls e.g. `f()`. Then more.\n") == "Calls e.g. `f()`."


def test_a_run_with_a_cache_keeps_ruffs_explanations_there(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from nbcoach.core import rules
    from nbcoach.core.tools import ruff_identity

    monkeypatch.setattr(rules, "_RUFF_HELP", [])
    monkeypatch.setattr(rules, "_KEPT_IN", [])
    rules.keep_ruff_help_in(tmp_path)
    asked = rules.rule_help("F401")  # asked of ruff, then kept
    kept = tmp_path / f"ruff-help-{ruff_identity()}.json"
    assert json.loads(kept.read_text())["F401"] in asked
    kept.write_text(json.dumps({"F401": "Kept here."}))
    monkeypatch.setattr(rules, "_RUFF_HELP", [])  # a later process: read back, ruff not asked
    assert rules.rule_help("F401") == "Kept here. `ruff rule F401` says more."
