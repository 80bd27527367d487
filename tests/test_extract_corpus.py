"""Extraction over the shared corpus of real notebooks (skipped when the corpus is absent).

Every candidate the report names is planned and applied alone in a temporary copy; the written
files must satisfy tests/extract_invariants.py. Notebooks that run offline are extracted whole
with --verify: two real papermill runs with identical outputs. benchmarks/extract_corpus.py
prints the same numbers.
"""

from __future__ import annotations

import shutil
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest

from extract_invariants import violations
from nbcoach.errors import NbcoachError
from nbcoach.extract import candidates, open_notebook, plan_extraction
from nbcoach.extract_apply import ApplyOptions, apply_plan

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


@pytest.mark.slow
def test_every_candidate_applies_cleanly_or_is_refused_with_a_reason(
    corpus: Path, tmp_path: Path
) -> None:
    found = clean = 0
    refused: Counter[str] = Counter()
    broken = []
    for path in sorted(corpus.glob("*.ipynb")):
        try:
            source = open_notebook(path)
        except NbcoachError:
            continue  # not a Python notebook, or not nbformat 4: nothing to extract from
        for name in candidates(source):
            found += 1
            copy = tmp_path / f"{found}" / "nb.ipynb"
            copy.parent.mkdir()
            copy.write_bytes(source.data)
            plan = plan_extraction(replace(source, path=copy), [name], diffs=False)
            refusal = next((r for r in plan.refusals if r.name == name), None)
            if refusal is not None:
                assert refusal.reason and refusal.code, refusal
                refused[refusal.code] += 1
                continue
            apply_plan(plan)
            problems = violations(plan, source.data)
            if problems:
                broken.append(f"{path.name} {name}: {problems}")
            else:
                clean += 1
            shutil.rmtree(copy.parent)
    print(f"\ncandidates {found}, applied cleanly {clean}, refused {dict(refused)}")
    assert broken == []
    assert found > 500  # the corpus holds ~800 candidates; far fewer means the report changed
    assert clean + sum(refused.values()) == found


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
