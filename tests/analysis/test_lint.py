"""ruff, once per run: findings land in the right cell, the user's config is honoured."""

from __future__ import annotations

import json
from pathlib import Path

from nbcoach.analysis import lint
from nbcoach.analysis.notebook import read


def run(files: list[Path], extend: tuple[str, ...] = ("N8",)) -> dict[str, list[lint.RuffFinding]]:
    return lint.collect(lint.start([str(f) for f in files], extend)).results


def test_notebook_findings_carry_the_ui_cell_number(make_notebook) -> None:  # type: ignore[no-untyped-def]
    path = make_notebook([("markdown", "# t"), "import os\n\ndef BadName():\n    return 1"])
    found = lint.to_findings(str(path), "ipynb", (), run([path])[str(path)])
    by_rule = {f.rule: f for f in found}
    assert (by_rule["F401"].location.cell, by_rule["F401"].location.line) == (2, 1)
    assert (by_rule["N802"].location.cell, by_rule["N802"].location.line) == (2, 3)
    assert by_rule["F401"].fixable


def test_percent_file_rows_map_to_cells(tmp_path: Path) -> None:
    path = tmp_path / "p.py"
    path.write_text(
        "# %% [markdown]\n# Title\n\n# %%\nimport os\n\n# %%\nx = 1\ndef BadName():\n    pass\n"
    )
    notebook = read(path)
    found = lint.to_findings(str(path), "percent", notebook.cell_lines, run([path])[str(path)])
    assert {(f.rule, f.location.cell, f.location.line) for f in found} >= {
        ("F401", 2, 1),
        ("N802", 3, 2),
    }


def test_a_jupytext_header_is_not_commented_out_code(tmp_path: Path) -> None:
    """The YAML of a py:percent file's header reads to ruff as commented-out code (ERA001);
    the same lines inside a cell still count."""
    path = tmp_path / "p.py"
    path.write_text(
        "# ---\n# jupyter:\n#   jupytext:\n#     formats: ipynb,py:percent\n"
        "#     text_representation:\n#       format_version: '1.3'\n#   kernelspec:\n"
        "#     name: python3\n# ---\n\n# %%\nimport os\n\n# x = compute(1)\nprint(os.sep)\n"
    )
    notebook = read(path)
    raw = run([path], ("ERA001",))[str(path)]
    assert any(item.code == "ERA001" and item.row < 10 for item in raw)  # ruff does flag it
    found = lint.to_findings(str(path), "percent", notebook.cell_lines, raw)
    assert [(f.rule, f.location.cell, f.location.line) for f in found if f.rule == "ERA001"] == [
        ("ERA001", 1, 3)
    ]


def test_users_ignore_of_a_naming_rule_wins_over_our_extension(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.ruff.lint]\nignore = ["N802"]\n')
    path = tmp_path / "s.py"
    path.write_text("def BadName():\n    camelCase = 1\n    return camelCase\n")
    codes = {item.code for item in run([path])[str(path)]}
    assert "N802" not in codes and "N806" in codes


def test_a_notebook_ruff_cannot_read_is_linted_from_stdin(tmp_path: Path) -> None:
    document = {
        "nbformat": 4,
        "nbformat_minor": 2,
        "metadata": {},
        "cells": [
            {"cell_type": "markdown", "source": "# kaggle", "metadata": {}, "outputs": []},
            {
                "cell_type": "code",
                "source": "import os",
                "metadata": {},
                "outputs": [],
                "execution_count": None,
            },
        ],
    }
    path = tmp_path / "kaggle.ipynb"
    path.write_text(json.dumps(document))
    ruff_run = lint.collect(lint.start([str(path)], ("N8",)))
    assert lint.unreadable_by_ruff(ruff_run.results[str(path)])
    again = lint.lint_stdin(read(path), ruff_run.options)
    assert [(item.code, item.cell) for item in again] == [("F401", 2)]


def test_deficit_weighs_likely_bugs_above_style() -> None:
    assert (
        lint.deficit("F821") > lint.deficit("F401") > lint.deficit("N802") > lint.deficit("UP006")
    )


def test_a_name_bound_inside_a_timing_magic_is_not_undefined(make_notebook) -> None:  # type: ignore[no-untyped-def]
    # ruff reads `%time total = ...` as a magic and calls `total` undefined; nbcoach knows better
    from nbcoach.analysis.review import ReviewOptions, review

    path = make_notebook(
        ["import math", "%time total = sum(range(10))", "print(total, math.pi, missing)"]
    )
    [card] = review([str(path)], ReviewOptions(use_cache=False)).cards
    undefined = [f.message for f in card.findings if f.rule == "F821"]
    assert undefined == ["Undefined name `missing`"]
    ruff_says = {item.message for item in run([path])[str(path)] if item.code == "F821"}
    assert "Undefined name `total`" in ruff_says  # what the card leaves out


def test_a_redefinition_nbcoach_reports_is_not_also_ruffs_f811(make_notebook) -> None:  # type: ignore[no-untyped-def]
    # nbcoach's redefined-function says what ruff's F811 says, and more: one defect, one price
    from nbcoach.analysis.review import ReviewOptions, review

    path = make_notebook(
        [
            "import os\nimport os\nimport json",
            "def area(r):\n    return 3 * r * r",
            "import json\ndef area(r):\n    return 3.14 * r * r",
            "print(area(1), os.sep, json.dumps)",
            "class Chart:\n    def area(self):\n        return 1\n\n    def area(self):\n        return 2",
        ]
    )
    [card] = review([str(path)], ReviewOptions(use_cache=False)).cards
    assert [f.rule for f in card.findings if f.subject == "redefined:area"] == [
        "redefined-function"
    ]
    assert [f.rule for f in card.findings if f.subject == "reimport:json"] == ["reimported-module"]
    f811 = sorted(
        (f.location.cell, f.message.split(" from")[0]) for f in card.findings if f.rule == "F811"
    )
    # written twice in one cell, and a method of the same name as the redefined function (found
    # by place, not name): ruff's alone
    assert f811 == [(1, "Redefinition of unused `os`"), (5, "Redefinition of unused `area`")]
    ruff_says = {item.message for item in run([path])[str(path)] if item.code == "F811"}
    assert {"`area`", "`json`"} <= {m.split(" from")[0].split("unused ")[1] for m in ruff_says}


def test_a_rule_seen_again_is_one_habit_each_repeat_costing_a_fifth() -> None:
    items = [
        lint.RuffFinding("F401", f"`m{i}` imported but unused", 1, i, i, True) for i in (1, 2, 3)
    ]
    found = lint.to_findings("nb.ipynb", "ipynb", (), items)
    price = lint.deficit("F401")
    assert [f.deficit for f in found] == [
        price,
        round(price * lint.REPEAT, 2),
        round(price * lint.REPEAT, 2),
    ]
    assert {f.severity for f in found} == {"warning"}  # the repeat keeps the rule's severity
