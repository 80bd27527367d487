"""`--format html`: the report card as a standalone page, checked in real headless Chromium."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from browser import is_blank, visit
from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.render.html import render_html
from support import ROOT, run_cli, run_cli_ok

PAGE_FACTS = """() => ({
  text: document.body.innerText,
  cards: [...document.querySelectorAll('section.card h2')].map(h => h.textContent),
  grades: [...document.querySelectorAll('section.card .head .grade')].map(g => g.textContent),
  steps: [...document.querySelectorAll('ol.steps li')].map(li => li.textContent),
  summary: [...document.querySelectorAll('table.summary tbody tr')].map(r => r.cells[0].textContent),
  scripts: document.querySelectorAll('script').length,
  resources: performance.getEntriesByType('resource').map(r => r.name),
  width: document.documentElement.scrollWidth,
})"""


def page(tmp_path: Path, *args: str) -> tuple[Path, dict[str, Any]]:
    out = tmp_path / "card.html"
    done = run_cli("report", "--format", "html", "--output", str(out), *args, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    data = json.loads(run_cli_ok("report", "--format", "json", *args, cwd=ROOT).stdout)
    return out, data


@pytest.mark.slow
def test_the_examples_page_shows_every_card_and_the_summary_in_chromium(tmp_path: Path) -> None:
    html, data = page(tmp_path, "--full", "examples")
    source = html.read_text(encoding="utf-8")
    assert not re.search(r"""(?:src|href)=["']?(?:https?:)?//""", source)  # nothing to fetch
    visit_ = visit(html, tmp_path / "card.png", script=PAGE_FACTS)
    assert visit_.console_errors == [] and visit_.page_errors == []
    assert visit_.failed_requests == []
    facts = visit_.evaluated
    assert facts["resources"] == [] and facts["scripts"] == 0
    assert facts["width"] <= 1280  # no horizontal scrolling at a laptop's width
    assert not is_blank(tmp_path / "card.png")
    notebooks = data["notebooks"]
    assert facts["cards"] == [n["path"] for n in notebooks]
    assert facts["grades"] == [n["grade"] for n in notebooks if n["grade"]]
    assert sorted(facts["summary"]) == sorted(n["path"] for n in notebooks)
    newcomer = next(n for n in notebooks if n["path"] == "examples/newcomer.ipynb")
    for step in newcomer["next_steps"]:
        assert any(item.startswith(step["action"].replace("`", "")) for item in facts["steps"])
        assert f"+{step['gain']:.1f} points" in facts["text"]
    for line in ("kernel language is R", "Functions (worst first)", "Ready to move into a module"):
        assert line in facts["text"]
    assert "examples/newcomer.ipynb:cell 19:line 1" in facts["text"]
    assert "mean score" in facts["text"]


def test_the_page_holds_what_the_terminal_card_holds(tmp_path: Path) -> None:
    html, data = page(tmp_path, "--all", "examples/newcomer.ipynb")
    text = re.sub(r"<[^>]+>", "", html.read_text(encoding="utf-8"))
    import html as html_module

    text = html_module.unescape(text)
    terminal = run_cli_ok("report", "--all", "examples/newcomer.ipynb", cwd=ROOT).stdout
    card = data["notebooks"][0]
    assert f"{card['score']:.1f}/100" in text
    for finding in card["findings"]:
        assert finding["location"] in text, finding
        assert finding["message"].replace("`", "") in text, finding  # `code` is set as <code>
        assert finding["help"].replace("`", "") in text
    for strength in card["strengths"]:
        assert strength in text and strength in terminal
    for category, values in card["categories"].items():
        assert re.search(rf"{category}\s*{values['score']:.1f}", text)
    heading = f"Findings ({len(card['findings'])})"
    assert len(card["findings"]) > 20 and heading in text and heading in terminal


def test_values_are_escaped(make_notebook: Callable[..., Path], tmp_path: Path) -> None:
    notebook = make_notebook(
        [
            "DATA = '/home/<script>alert(1)</script>/x.csv'\n",
            "def f(a, b, c, d, e, f, g):\n    pass",
        ],
        name="a&b.ipynb",
    )
    page_html = render_html(review([str(notebook)], ReviewOptions(use_cache=False, jobs=1)))
    assert "<script>" not in page_html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page_html
    assert "a&amp;b.ipynb" in page_html


@pytest.mark.slow
def test_a_hostile_notebook_runs_no_script_in_the_browser(
    make_notebook: Callable[..., Path], tmp_path: Path
) -> None:
    notebook = make_notebook(["DATA = '/home/<img src=x onerror=alert(1)>/x.csv'\n"])
    out = tmp_path / "hostile.html"
    out.write_text(
        render_html(review([str(notebook)], ReviewOptions(use_cache=False, jobs=1))),
        encoding="utf-8",
    )
    seen = visit(out, tmp_path / "hostile.png", script="document.images.length")
    assert seen.evaluated == 0 and seen.failed_requests == [] and seen.page_errors == []
