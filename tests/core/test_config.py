"""[tool.nbcoach]: found upward from the input, strict about keys and types."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nbcoach.core.config import Config, load_config
from nbcoach.core.errors import ConfigError


def write_pyproject(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "pyproject.toml"
    path.write_text(body, encoding="utf-8")
    return path


def test_defaults_without_a_pyproject(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    config = load_config(tmp_path)
    assert config.path is None and config.thresholds.function_lines == 50


def test_found_upward_from_the_input_and_typed(tmp_path: Path) -> None:
    write_pyproject(
        tmp_path,
        '[tool.nbcoach]\nfail-under = 70\nignore = ["little-markdown"]\n'
        "[tool.nbcoach.thresholds]\ncomplexity = 15\n[tool.nbcoach.weights]\nlint = 0\n",
    )
    deep = tmp_path / "notebooks" / "team"
    deep.mkdir(parents=True)
    config = load_config(deep / "nb.ipynb")
    assert config.fail_under == 70.0
    assert config.ignore == ("little-markdown",)
    assert config.thresholds.complexity == 15
    assert config.weights.lint == 0
    assert config.path == str(tmp_path / "pyproject.toml")


def test_search_stops_at_the_git_root(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.nbcoach]\nfail-under = 99\n")
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    assert load_config(repo).fail_under is None


def test_a_pyproject_without_our_table_is_passed_over(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.nbcoach]\nfail-under = 50\n")
    write_pyproject(tmp_path / "sub", "[project]\nname = 'x'\n")
    assert load_config(tmp_path / "sub").fail_under == 50


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("[tool.nbcoach]\nfail_under = 3\n", "unknown key 'tool.nbcoach.fail_under'"),
        ("[tool.nbcoach.thresholds]\nlength = 3\n", "unknown key 'tool.nbcoach.thresholds.length'"),
        ("[tool.nbcoach]\nfail-under = 'high'\n", "'tool.nbcoach.fail-under' must be a number"),
        ("[tool.nbcoach]\nignore = 'F401'\n", "'tool.nbcoach.ignore' must be a list of strings"),
        ("[tool.nbcoach]\nlint = 1\n", "'tool.nbcoach.lint' must be true or false"),
        ("[tool.nbcoach\n", "invalid TOML"),
    ],
)
def test_bad_config_names_the_key_and_the_file(tmp_path: Path, body: str, message: str) -> None:
    path = write_pyproject(
        tmp_path, body + ("\n# tool.nbcoach" if "[tool.nbcoach" not in body else "")
    )
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert message in str(raised.value)
    assert str(path) in str(raised.value)


@pytest.mark.parametrize(
    ("body", "unknown"),
    [
        ('select = ["nosuchrule"]', "'select': unknown rule 'nosuchrule'"),
        ('select = ["long-functon"]', "(did you mean 'long-function'?)"),
        ('select = ["F", "FOO123"]', "unknown rule 'FOO123'"),
        ('ignore = ["E9999"]', "'ignore': unknown rule 'E9999'"),
        ('[tool.nbcoach.per-file-ignores]\n"*.ipynb" = ["D10x"]', "'*.ipynb': unknown rule 'D10x'"),
    ],
)
def test_a_rule_list_naming_no_rule_is_refused(tmp_path: Path, body: str, unknown: str) -> None:
    path = write_pyproject(tmp_path, "[tool.nbcoach]\n" + body + "\n")
    with pytest.raises(ConfigError) as raised:
        load_config(tmp_path)
    assert unknown in str(raised.value) and str(path) in str(raised.value)


def test_ids_ruff_codes_and_their_prefixes_are_known(tmp_path: Path) -> None:
    selection = ["ALL", "long-function", "F", "E7", "PLR0913", "N8", "D103"]
    write_pyproject(tmp_path, f"[tool.nbcoach]\nselect = {selection!r}\nignore = ['E501']\n")
    assert load_config(tmp_path).select == tuple(selection)
    with pytest.raises(ConfigError, match="--select: unknown rule 'nosuch'"):
        load_config(tmp_path, {"select": ("F401", "nosuch")})


def test_flags_win_over_the_file(tmp_path: Path) -> None:
    write_pyproject(tmp_path, "[tool.nbcoach]\nfail-under = 50\n")
    assert load_config(tmp_path, {"fail_under": 80.0}).fail_under == 80.0


def test_fingerprint_is_stable_across_processes_and_orderings() -> None:
    """A cache key must not depend on the process (hash seeds, set order) that computed it."""
    names = ("df", "ax*", "model", "x", "y")
    probe = (
        "from nbcoach.core.config import Config\n"
        f"print(Config(extend_allow_reassign={names!r}).fingerprint())\n"
    )
    fingerprints = set()
    for seed in ("1", "2", "3"):
        done = subprocess.run(
            [sys.executable, "-c", probe],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        )
        fingerprints.add(done.stdout.strip())
    assert fingerprints == {Config(extend_allow_reassign=names[::-1]).fingerprint()}


def test_fingerprint_changes_with_what_changes_an_analysis() -> None:
    assert Config().fingerprint() != Config(extend_allow_reassign=("df",)).fingerprint()
    assert Config().fingerprint() != Config(lint=False).fingerprint()


def test_the_projects_own_src_packages_are_found_not_configured(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.nbcoach]\nfail-under = 50\n")
    for package in ("churn", "not-a-name"):
        (tmp_path / "src" / package).mkdir(parents=True)
    (tmp_path / "src" / "helpers.py").write_text("")
    (tmp_path / "notebooks").mkdir()
    config = load_config(tmp_path / "notebooks")
    assert config.first_party == ("churn", "helpers") and config.fail_under == 50
    assert load_config(tmp_path / "notebooks").fingerprint() != Config().fingerprint()
