"""Extraction over the shared corpus of real notebooks (skipped when the corpus is absent).

Every candidate the report names is planned and applied alone in a temporary copy; the written
files must satisfy tests/extract_invariants.py. Notebooks that run offline are extracted whole
with --verify: two real papermill runs with identical outputs. benchmarks/extract_corpus.py
prints the same numbers.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from extract_invariants import extract_each_candidate, violations
from nbcoach.extract.apply import ApplyOptions, apply_plan
from nbcoach.extract.plan import plan_extraction
from support import ROOT

# Found by running every corpus notebook with papermill: these import only the standard
# library, read no data files and finish in seconds.
OFFLINE = (
    "norvig__pytudes__ipynb__CherylMind.ipynb",
    "norvig__pytudes__ipynb__StarBattle.ipynb",
    "norvig__pytudes__ipynb__lispy.ipynb",
    "norvig__pytudes__ipynb__RiddlerLottery.ipynb",
    "norvig__pytudes__ipynb__Probability.ipynb",
    "nbQA-dev__nbQA__tests__data__notebook_with_indented_magics.ipynb",  # %time in a block
)


def benchmark(*args: str, corpus: Path | None = None) -> subprocess.CompletedProcess[str]:
    """benchmarks/extract_corpus.py as a user runs it, from another folder."""
    environment = {k: v for k, v in os.environ.items() if k != "NBCOACH_CORPUS"}
    if corpus is not None:
        environment["NBCOACH_CORPUS"] = str(corpus)
    script = ROOT / "benchmarks" / "extract_corpus.py"
    return subprocess.run(
        [sys.executable, str(script), *args],
        cwd=ROOT.parent,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )


def test_the_benchmark_looks_for_the_corpus_beside_the_repository() -> None:
    helped = benchmark("--help")
    assert helped.returncode == 0, helped.stderr
    shown = " ".join(helped.stdout.split())  # argparse wraps the help text
    assert f"(default: {ROOT.parent / 'shared' / 'corpus'};" in shown


def test_the_benchmark_skips_without_a_corpus_and_refuses_a_wrong_folder(tmp_path: Path) -> None:
    missing = tmp_path / "corpus"
    skipped = benchmark("--no-verify", corpus=missing)
    assert skipped.returncode == 0
    assert skipped.stderr == (
        f"skipped: the shared corpus is not at {missing} (pass --corpus DIR or set NBCOACH_CORPUS)\n"
    )
    wrong = benchmark("--corpus", str(missing), "--no-verify")
    assert wrong.returncode == 2 and f"--corpus {missing}: no such folder" in wrong.stderr


@pytest.mark.slow
def test_every_candidate_applies_cleanly_or_is_refused_with_a_reason(
    corpus: Path, tmp_path: Path
) -> None:
    run = extract_each_candidate(corpus, tmp_path)
    print(f"\ncandidates {run.candidates}, applied cleanly {run.clean}, refused {run.refusals}")
    assert run.broken == []
    assert run.candidates > 500  # the corpus holds ~800; far fewer means the report changed
    assert run.clean + sum(run.refusals.values()) == run.candidates


@pytest.mark.slow
@pytest.mark.parametrize("name", OFFLINE)
def test_verify_on_notebooks_that_run_offline(corpus: Path, tmp_path: Path, name: str) -> None:
    notebook = tmp_path / name
    shutil.copyfile(corpus / name, notebook)
    original = notebook.read_bytes()
    plan = plan_extraction(notebook)
    assert plan.moved, plan.refusals
    result = apply_plan(plan, ApplyOptions(verify=True, timeout=300))
    assert result.before is not None and result.before.status == "ok"
    assert result.verified, [str(d) for d in result.differences]
    assert result.compared_cells > 0
    assert violations(plan, original) == []


@pytest.mark.slow
def test_verify_catches_a_changed_output_in_a_real_notebook(corpus: Path, tmp_path: Path) -> None:
    """CherylMind with one cell added that prints where a moved function lives: `__main__`
    before, the module after. The change is rolled back and the cell named."""
    import json

    notebook = tmp_path / "cheryl.ipynb"
    document = json.loads((corpus / OFFLINE[0]).read_text(encoding="utf-8"))
    plan = plan_extraction(_write(notebook, document))
    function = plan.moved[0].name
    document["cells"].append(
        {
            "cell_type": "code",
            "execution_count": None,
            "metadata": {},
            "outputs": [],
            "source": [f"print({function}.__module__)"],
        }
    )
    original = _write(notebook, document).read_bytes()
    plan = plan_extraction(notebook)
    result = apply_plan(plan, ApplyOptions(verify=True, timeout=300))
    assert result.rolled_back and notebook.read_bytes() == original
    assert [(d.cell, d.after) for d in result.differences] == [
        (len(document["cells"]), (f"[stdout] {plan.module_name}",))
    ]
    assert not Path(plan.module).exists()


def _write(path: Path, document: dict[str, object]) -> Path:
    import json

    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")
    return path
