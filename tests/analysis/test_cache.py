"""The cache makes a report faster, never different."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from nbcoach.analysis.review import ReviewOptions, review
from nbcoach.render.data import render_json
from ruff_on_path import RuffOnPath
from support import EXAMPLES, run_cli


def report_json(paths: list[Path], cache: Path | None, **options: object) -> str:
    return render_json(
        review(
            [str(p) for p in paths],
            ReviewOptions(use_cache=cache is not None, cache_dir=cache, **options),
        )
    )  # type: ignore[arg-type]


def test_the_card_from_the_cache_equals_the_card_computed_fresh(tmp_path: Path) -> None:
    inputs = [EXAMPLES / "newcomer.ipynb", EXAMPLES / "clean.ipynb", EXAMPLES / "r_kernel.ipynb"]
    fresh = report_json(inputs, None)
    cache = tmp_path / "cache"
    first = review([str(p) for p in inputs], ReviewOptions(cache_dir=cache))
    second = review([str(p) for p in inputs], ReviewOptions(cache_dir=cache))
    assert first.stats["cache_hits"] == 0 and second.stats["cache_hits"] == 3
    assert render_json(first) == fresh == render_json(second)


def test_corrupt_or_foreign_entries_are_ignored(tmp_path: Path) -> None:
    notebook = tmp_path / "newcomer.ipynb"
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    cache = tmp_path / "cache"
    fresh = report_json([notebook], cache)
    entries = [p for p in cache.rglob("*.json")]
    assert len(entries) == 1
    entries[0].write_text("{not json")
    assert report_json([notebook], cache) == fresh
    entry = json.loads(entries[0].read_text())
    entry["analysis"]["metrics"]["functions"] = 999
    entry["key"] = "someone else's key"
    entries[0].write_text(json.dumps(entry))
    assert report_json([notebook], cache) == fresh


def test_an_entry_of_another_shape_is_ignored(tmp_path: Path) -> None:
    """An entry with a field missing or one the model does not have (written by another
    version of the model under the same key) is recomputed, never read with defaults."""
    notebook = tmp_path / "newcomer.ipynb"
    shutil.copy(EXAMPLES / "newcomer.ipynb", notebook)
    cache = tmp_path / "cache"
    fresh = report_json([notebook], cache)
    (entry_file,) = cache.rglob("*.json")
    original = json.loads(entry_file.read_text())
    for change in ("drop", "add"):
        entry = json.loads(json.dumps(original))
        findings = entry["analysis"]["findings"]
        assert findings
        if change == "drop":
            del findings[0]["deficit"]
        else:
            findings[0]["impact"] = "high"  # no such field
        entry["analysis"]["metrics"]["functions"] = 999  # would show, were the entry read
        entry_file.write_text(json.dumps(entry))
        second = review([str(notebook)], ReviewOptions(cache_dir=cache))
        assert second.stats["cache_hits"] == 0, change
        assert render_json(second) == fresh, change


def test_editing_the_file_or_the_config_misses_the_cache(tmp_path: Path) -> None:
    notebook = tmp_path / "nb.py"
    notebook.write_text('def f(a, b, c, d, e, f, g):\n    """Doc."""\n    return a\n')
    cache = tmp_path / "cache"
    review([str(notebook)], ReviewOptions(cache_dir=cache))
    notebook.write_text('def f(a):\n    """Doc."""\n    return a\n\n\nf(1)\n')
    edited = review([str(notebook)], ReviewOptions(cache_dir=cache))
    assert edited.stats["cache_hits"] == 0 and edited.cards[0].findings == ()
    (tmp_path / "pyproject.toml").write_text("[tool.nbcoach.thresholds]\nparameters = 0\n")
    reconfigured = review([str(notebook)], ReviewOptions(cache_dir=cache))
    assert reconfigured.stats["cache_hits"] == 0
    assert [f.rule for f in reconfigured.cards[0].findings] == ["too-many-parameters"]


def test_the_cache_folder_is_git_ignored(tmp_path: Path) -> None:
    cache = tmp_path / ".nbcoach" / "cache"
    review([str(EXAMPLES / "clean.ipynb")], ReviewOptions(cache_dir=cache))
    assert (cache / ".gitignore").read_text().strip().endswith("*")
    assert "!baseline.json" in (tmp_path / ".nbcoach" / ".gitignore").read_text()


def test_upgrading_a_ruff_found_on_path_misses_the_cache(tmp_path: Path) -> None:
    """Cached lint results are keyed by the ruff that lints: the one on PATH when nbcoach's
    Python has no ruff package, so upgrading it must not serve the old release's findings."""
    ruff = RuffOnPath(tmp_path / "tools")
    project = tmp_path / "project"
    project.mkdir()
    (project / "tool.py").write_text(
        'import os\n\n\ndef f(x):\n    """Doc."""\n    return x\n\n\nf(1)\n'
    )
    env = {**ruff.env, "NBCOACH_CACHE_DIR": str(tmp_path / "cache")}

    def lint_rules() -> list[str]:
        result = run_cli("report", "--format", "json", "tool.py", cwd=project, env=env)
        assert result.returncode == 0, result.stderr
        card = json.loads(result.stdout)["notebooks"][0]
        return [f["rule"] for f in card["findings"] if f["category"] == "lint"]

    assert lint_rules() == ["F401"]
    ruff.upgrade()
    assert lint_rules() == []


def test_a_ruff_file_the_config_extends_and_the_users_own_ruff_config_key_the_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A rule ignored in `../base.toml` (extended) or in the user's ruff config changes lint
    results: a cached run must not serve the old ones (a review found both missing)."""
    project = tmp_path / "project"
    project.mkdir()
    notebook = project / "nb.py"
    notebook.write_text("import os\nimport sys\n\nprint(sys.argv)\n")
    (tmp_path / "base.toml").write_text("[lint]\nignore = []\n")
    (project / "ruff.toml").write_text('extend = "../base.toml"\n')
    home = tmp_path / "home"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home))
    monkeypatch.chdir(project)  # ruff's fallback is the configuration found from here
    cache = tmp_path / "cache"

    def lint_rules() -> set[str]:
        report = review([str(notebook)], ReviewOptions(cache_dir=cache))
        return {f.rule for f in report.cards[0].findings if f.category == "lint"}

    assert "F401" in lint_rules()
    (tmp_path / "base.toml").write_text('[lint]\nignore = ["F401"]\n')
    assert "F401" not in lint_rules()  # the extended file changed: not served from the cache
    (project / "ruff.toml").unlink()
    assert "F401" in lint_rules()
    (home / "ruff").mkdir(parents=True)
    (home / "ruff" / "ruff.toml").write_text('[lint]\nignore = ["F401"]\n')
    assert "F401" not in lint_rules()  # the user's own configuration applies, and keys the cache
