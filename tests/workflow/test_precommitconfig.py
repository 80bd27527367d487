"""nbcoach's hooks merged into a team's .pre-commit-config.yaml with every byte of theirs kept."""

from __future__ import annotations

import pytest
import yaml

from nbcoach.core.errors import ConfigError
from nbcoach.workflow.precommitconfig import merge_config

WANTED = """\
# nbcoach's
repos:
  - repo: https://github.com/kynan/nbstripout
    rev: 0.9.1
    hooks:
      - id: nbstripout
        args: [--keep-id]
  - repo: local
    hooks:
      - id: nbcoach
        name: nbcoach gate
        entry: nbcoach gate --staged
        language: python
  - repo: https://github.com/astral-sh/ruff-pre-commit
    rev: v0.17.6
    hooks:
      - id: ruff-check
        args: [--fix]
      - id: ruff-format
"""

TEAM = """\
# our hooks: keep this comment
default_language_version:
  python: python3.11
repos:
  - repo: https://github.com/pre-commit/pre-commit-hooks
    rev: v4.6.0   # pinned on purpose
    hooks:
      - id: trailing-whitespace
      - id: check-yaml
        args: ["--unsafe"]
  - repo: https://github.com/astral-sh/ruff-pre-commit.git
    rev: v0.4.0
    hooks:
      - id: ruff  # the old id of ruff-check
"""


def ids(text: str) -> list[str]:
    return [hook["id"] for repo in yaml.safe_load(text)["repos"] for hook in repo["hooks"]]


def test_a_team_config_keeps_every_line_and_gains_only_the_missing_hooks() -> None:
    merged = merge_config(TEAM, WANTED)
    assert merged.text.startswith(TEAM)  # comments, quotes, pins and indentation as they were
    assert merged.added == ("nbstripout", "nbcoach", "ruff-format")
    assert merged.kept == ("ruff-check",)  # `ruff` is the same hook under its old id
    assert ids(merged.text) == [
        "trailing-whitespace", "check-yaml", "ruff", "ruff-format", "nbstripout", "nbcoach",
    ]  # fmt: skip
    ruff = [r for r in yaml.safe_load(merged.text)["repos"] if "ruff-pre-commit" in r["repo"]]
    assert len(ruff) == 1 and ruff[0]["rev"] == "v0.4.0"  # the team's repository and pin


def test_merging_twice_changes_nothing() -> None:
    once = merge_config(TEAM, WANTED)
    twice = merge_config(once.text, WANTED)
    assert twice.text == once.text and twice.added == ()


def test_no_file_gets_the_template_as_it_is_and_an_empty_one_gets_the_hooks() -> None:
    assert merge_config(None, WANTED).text == WANTED
    assert ids(merge_config("# nothing yet\nrepos: []\n", WANTED).text) == ids(WANTED)


def test_a_flush_style_file_stays_flush() -> None:
    flush = "repos:\n- repo: local\n  hooks:\n  - id: mine\n    name: mine\n    entry: 'true'\n    language: system\n"
    merged = merge_config(flush, WANTED)
    assert merged.text.startswith(flush)
    assert "\n- repo: https://github.com/kynan/nbstripout\n  rev: 0.9.1\n" in merged.text


def test_broken_yaml_is_one_line_naming_the_file_and_nothing_is_written() -> None:
    with pytest.raises(ConfigError) as caught:
        merge_config("repos: [\n  - oops", WANTED, "team/.pre-commit-config.yaml")
    assert str(caught.value).startswith("team/.pre-commit-config.yaml: invalid YAML, not changed")
    assert "\n" not in str(caught.value)
