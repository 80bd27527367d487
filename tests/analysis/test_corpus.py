"""Every notebook of the shared corpus (273 real notebooks) is reported, without a traceback."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import nbformat

from support import run_cli


def test_every_corpus_notebook_is_reported_and_errors_are_only_unreadable_files(
    corpus: Path, tmp_path: Path
) -> None:
    result = run_cli("report", "--format", "json", "--no-cache", str(corpus), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    assert result.returncode in (0, 1, 2)
    report = json.loads(result.stdout)
    wanted = {p.resolve() for p in corpus.rglob("*.ipynb")}
    cards = {Path(card["path"]).resolve(): card for card in report["notebooks"]}
    assert wanted <= set(cards)
    for path, card in cards.items():
        assert card["status"] in ("ok", "skipped", "error")
        if card["status"] == "error":
            assert card["reason"]
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                try:
                    nbformat.read(str(path), as_version=4)
                except Exception:  # nbformat cannot read it either: a fair error
                    continue
            raise AssertionError(
                f"{path.name} is readable by nbformat but reported as error: {card['reason']}"
            )
        if card["status"] == "ok":
            assert card["grade"] in {"A", "B", "C", "D", "F"}, card["grade"]
            assert 0 <= card["score"] <= 100
            for finding in card["findings"]:
                assert finding["rule"] and finding["location"].startswith(card["path"])
