"""Golden files for what users read: the JSON report and the plain-text card of each example.

A missing golden file is written and the test fails until it has been reviewed by eye;
NBCOACH_UPDATE_GOLDEN=1 rewrites them after an intended change (review the diff).
"""

from __future__ import annotations

import json

import pytest

from helpers import assert_golden
from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.cli.console import capture
from nbcoach.core.model import Report
from nbcoach.render.data import SCHEMA_VERSION, report_data
from nbcoach.render.markdown import render_markdown
from nbcoach.render.text import report_renderable
from support import EXAMPLES, ROOT

EXAMPLE_NAMES = ["newcomer", "clean", "r_kernel"]


def example_report(name: str, monkeypatch: pytest.MonkeyPatch) -> Report:
    monkeypatch.chdir(EXAMPLES)  # paths in the report stay as the user typed them
    return review([f"{name}.ipynb"], ReviewOptions(use_cache=False))


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_json_report_matches_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    data = report_data(example_report(name, monkeypatch))
    assert data["schema_version"] == SCHEMA_VERSION
    data["tool"]["version"] = "<version>"
    assert_golden(f"{name}.json", json.dumps(data, indent=2, ensure_ascii=False) + "\n")


@pytest.mark.parametrize("name", EXAMPLE_NAMES)
def test_plain_text_card_matches_golden(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    text = capture(report_renderable(example_report(name, monkeypatch), full=True, max_findings=0))
    assert "\x1b[" not in text  # no colour codes in plain text
    assert_golden(f"{name}.txt", text)


def test_markdown_report_matches_golden(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(EXAMPLES)
    report = review(
        ["newcomer.ipynb", "clean.ipynb", "r_kernel.ipynb"], ReviewOptions(use_cache=False)
    )
    assert_golden("examples.md", render_markdown(report))


def test_json_has_the_documented_keys(monkeypatch: pytest.MonkeyPatch) -> None:
    notebook = report_data(example_report("newcomer", monkeypatch))["notebooks"][0]
    assert {
        "path",
        "status",
        "reason",
        "score",
        "grade",
        "categories",
        "functions",
        "findings",
        "next_steps",
    } <= set(notebook)
    assert set(notebook["functions"][0]) >= {"name", "cell", "line", "length", "complexity"}
    assert set(notebook["findings"][0]) >= {"rule", "message", "cell", "line", "severity"}
    assert set(notebook["next_steps"][0]) >= {"action", "gain"}


def test_readme_shows_the_real_card(monkeypatch: pytest.MonkeyPatch) -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    card = capture(report_renderable(example_report("newcomer", monkeypatch), full=False))
    shown = readme.split("```text\n", 1)[1].split("```", 1)[0]
    assert [line.rstrip() for line in shown.splitlines()] == [
        line.rstrip() for line in card.splitlines() if line.strip()
    ]


def test_every_format_keeps_the_move_step_apart_from_the_scored_steps(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from nbcoach.integrations.jupyter import _card_text
    from nbcoach.render.github import render_github
    from nbcoach.render.html import render_html

    report = example_report("newcomer", monkeypatch)
    [card] = report.cards
    assert card.extraction is not None and all(step.gain > 0 for step in card.next_steps)
    command = "nbcoach extract newcomer.ipynb --function parse_date"
    texts = {
        "text": capture(report_renderable(report, full=False)),
        "markdown": render_markdown(report),
        "html": render_html(report),
        "github": render_github(report),
        "jupyter": _card_text(card, []),
    }
    for name, text in texts.items():
        assert "0.0 points" not in text, name  # a move earns no points and never claims any
        assert text.count(command) == 1, name
        last_scored = text.index(card.next_steps[-1].action.split("`")[0])
        assert text.index(command) > last_scored, name


def test_markdown_with_every_finding_lists_every_finding(monkeypatch: pytest.MonkeyPatch) -> None:
    report = example_report("newcomer", monkeypatch)
    [card] = report.cards
    everything = render_markdown(report, max_findings=0)
    rows = [line for line in everything.splitlines() if line.startswith("| `newcomer.ipynb:")]
    assert len(rows) == len(card.findings) > 20
    assert f"Findings ({len(card.findings)})" in everything
