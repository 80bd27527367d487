"""`nbcoach extract` over the shared corpus: the numbers issue 5 asks for.

For every Python notebook of the corpus and every extraction candidate the report names, plan
the extraction of that one function, apply it in a temporary copy, and check the invariants of
tests/extract_invariants.py (untouched cells byte-identical, notebook and module parse, every
name still bound). Then, unless --no-verify, run `--verify` (two real papermill runs) on the
notebooks that run offline, moving all their candidates at once.

    python benchmarks/extract_corpus.py [--corpus DIR] [--no-verify] [--json FILE]

Prints: candidates found, plans applied cleanly, refusals by reason, verified runs with
identical outputs.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from extract_invariants import extract_each_candidate  # noqa: E402
from nbcoach.extract.apply import ApplyOptions, apply_plan  # noqa: E402
from nbcoach.extract.plan import plan_extraction  # noqa: E402

# As the tests find it (tests/support.py): beside the repository, unless NBCOACH_CORPUS says.
DEFAULT_CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))

# Corpus notebooks that run offline with the standard library in a few seconds each (found by
# running every corpus notebook with papermill; the others need numpy, pandas, matplotlib,
# data files or the network).
OFFLINE = (
    "norvig__pytudes__ipynb__CherylMind.ipynb",
    "norvig__pytudes__ipynb__StarBattle.ipynb",
    "norvig__pytudes__ipynb__lispy.ipynb",
    "norvig__pytudes__ipynb__RiddlerLottery.ipynb",
    "norvig__pytudes__ipynb__Probability.ipynb",
    "mwouts__jupytext__tests__data__notebooks__inputs__ipynb_py__Notebook_with_function_and_cell_metadata_164.ipynb",
    "mwouts__jupytext__tests__data__notebooks__outputs__script_to_ipynb__python_notebook_sample.ipynb",
    "nbQA-dev__nbQA__tests__data__comment_after_trailing_semicolon.ipynb",
    "nbQA-dev__nbQA__tests__data__notebook_starting_with_md.ipynb",
    "nbQA-dev__nbQA__tests__data__notebook_with_cell_after_def.ipynb",
    "nbQA-dev__nbQA__tests__data__notebook_with_indented_magics.ipynb",
    "nbQA-dev__nbQA__tests__data__notebook_with_trailing_semicolon.ipynb",
    "nteract__papermill__papermill__tests__notebooks__report_mode_test.ipynb",
)


def property_run(corpus: Path) -> dict[str, object]:
    with tempfile.TemporaryDirectory(prefix="nbcoach-extract-") as scratch:
        run = extract_each_candidate(corpus, Path(scratch))
    return {
        "notebooks_with_candidates": run.notebooks,
        "candidates": run.candidates,
        "applied_cleanly": run.clean,
        "refusals": dict(run.refusals.most_common()),
        "broken": run.broken,
    }


def verify_run(corpus: Path) -> list[dict[str, object]]:
    results = []
    for name in OFFLINE:
        path = corpus / name
        if not path.is_file():
            continue
        with tempfile.TemporaryDirectory(prefix="nbcoach-verify-") as folder:
            copy = Path(folder) / name
            shutil.copyfile(path, copy)
            started = time.monotonic()
            plan = plan_extraction(copy)
            if plan.empty:
                results.append({"notebook": name, "moved": 0})
                continue
            result = apply_plan(plan, ApplyOptions(verify=True, timeout=300))
            results.append(
                {
                    "notebook": name,
                    "moved": len(plan.moved),
                    "refused": len(plan.refusals),
                    "compared_cells": result.compared_cells,
                    "identical": bool(result.verified),
                    "not_compared": list(result.unstable_cells),
                    "differences": [str(d) for d in result.differences],
                    "seconds": round(time.monotonic() - started, 1),
                }
            )
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument(
        "--corpus",
        type=Path,
        help=f"the corpus folder (default: {DEFAULT_CORPUS}; NBCOACH_CORPUS overrides it)",
    )
    parser.add_argument("--no-verify", action="store_true")
    parser.add_argument("--json", type=Path)
    options = parser.parse_args()
    if options.corpus is None:
        if not DEFAULT_CORPUS.is_dir():
            print(
                f"skipped: the shared corpus is not at {DEFAULT_CORPUS} "
                "(pass --corpus DIR or set NBCOACH_CORPUS)",
                file=sys.stderr,
            )
            return
        options.corpus = DEFAULT_CORPUS
    elif not options.corpus.is_dir():
        parser.error(f"--corpus {options.corpus}: no such folder")
    started = time.monotonic()
    report: dict[str, object] = property_run(options.corpus)
    report["property_seconds"] = round(time.monotonic() - started, 1)
    if not options.no_verify:
        report["verified"] = verify_run(options.corpus)
    print(
        f"candidates found: {report['candidates']} in {report['notebooks_with_candidates']} notebooks"
    )
    print(f"plans applied cleanly: {report['applied_cleanly']}")
    print("refusals by reason:")
    for reason, count in report["refusals"].items():  # type: ignore[attr-defined]
        print(f"  {reason}: {count}")
    print(f"broken (an invariant failed): {len(report['broken'])}")  # type: ignore[arg-type]
    for line in report["broken"][:20]:  # type: ignore[index]
        print(f"  {line}")
    for run in report.get("verified", []):  # type: ignore[attr-defined]
        print(
            f"verify {run['notebook']}: moved {run.get('moved')}, "
            f"{'identical outputs' if run.get('identical') else run.get('differences')} "
            f"({run.get('compared_cells')} cells compared, "
            f"{len(run.get('not_compared', []))} not comparable, {run.get('seconds')} s)"
        )
    if options.json:
        options.json.write_text(json.dumps(report, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
