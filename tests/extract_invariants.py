"""What must hold after any extraction, checked on the files as written (tests and benchmark).

1. Every cell the plan does not change is byte-identical in the written JSON.
2. The notebook is still JSON with the same cells minus the removed ones; every changed cell
   parses (magics masked) wherever it parsed before.
3. The module parses, ruff finds no undefined name in it, and it binds every name the
   notebook imports from it.
4. Every name the notebook uses is still bound (defined, assigned or imported) wherever it
   was before: no name the notebook reads became unbound.

`extract_each_candidate` runs them over a corpus: tests/test_extract_corpus.py asserts on its
counts, benchmarks/extract_corpus.py prints them.
"""

from __future__ import annotations

import ast
import builtins
import json
import shutil
import subprocess
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path

from nbcoach.analysis.facts import collect
from nbcoach.analysis.lint import ruff_binary
from nbcoach.analysis.names import free_names, notebook_bindings
from nbcoach.analysis.notebook import parse_bytes
from nbcoach.analysis.notebook_json import cell_spans
from nbcoach.analysis.parse import parse_cells
from nbcoach.core.errors import NbcoachError
from nbcoach.core.model import ExtractionPlan
from nbcoach.extract.apply import apply_plan
from nbcoach.extract.plan import candidates, open_notebook, plan_extraction

BUILTINS = frozenset(dir(builtins)) | {"display", "get_ipython", "In", "Out", "__name__"}


@dataclass(slots=True)
class CandidateRun:
    """Every report candidate of a corpus, planned and applied alone."""

    notebooks: int = 0  # notebooks with at least one candidate
    candidates: int = 0
    clean: int = 0  # applied, every invariant holds
    refusals: Counter[str] = field(default_factory=Counter)  # code (root: cause) -> count
    broken: list[str] = field(default_factory=list)  # "notebook name: what broke"


def extract_each_candidate(corpus: Path, scratch: Path) -> CandidateRun:
    """Plan each candidate the report names in every corpus notebook, alone, and apply it to a
    copy in `scratch`; a refusal must say why, and what is written must keep the invariants.
    Notebooks extract cannot read (other languages, nbformat 3) are passed over."""
    run = CandidateRun()
    for path in sorted(corpus.glob("*.ipynb")):
        try:
            source = open_notebook(path)
        except NbcoachError:
            continue
        names = candidates(source)
        run.notebooks += bool(names)
        for name in names:
            run.candidates += 1
            folder = scratch / str(run.candidates)
            folder.mkdir(parents=True)
            copy = folder / "nb.ipynb"
            copy.write_bytes(source.data)
            plan = plan_extraction(replace(source, path=copy), [name], diffs=False)
            refusal = next((r for r in plan.refusals if r.name == name), None)
            if refusal is not None and refusal.code and refusal.reason:
                cause = f" (root: {refusal.cause})" if refusal.cause else ""
                run.refusals[refusal.code + cause] += 1
            elif refusal is not None:
                run.broken.append(f"{path.name} {name}: refused without a reason: {refusal}")
            else:
                apply_plan(plan)
                problems = violations(plan, source.data)
                if problems:
                    run.broken.append(f"{path.name} {name}: {'; '.join(problems)}")
                else:
                    run.clean += 1
            shutil.rmtree(folder)
    return run


def violations(plan: ExtractionPlan, original: bytes) -> list[str]:
    """Every invariant the written files break (empty: all hold)."""
    notebook = Path(plan.notebook)
    written = notebook.read_bytes()
    problems = _untouched_cells(plan, original, written)
    problems += _cells_parse(original, written, str(notebook))
    problems += _module_sound(plan)
    problems += _names_still_bound(original, written, str(notebook))
    return problems


def _untouched_cells(plan: ExtractionPlan, original: bytes, written: bytes) -> list[str]:
    old_text, new_text = original.decode("utf-8-sig"), written.decode("utf-8-sig")
    old, new = cell_spans(old_text), cell_spans(new_text)
    changed = {change.cell for change in plan.changes}
    removed = {change.cell for change in plan.changes if change.source is None}
    if len(new) != len(old) - len(removed):
        return [f"{len(old)} cells became {len(new)}, but {len(removed)} were removed"]
    problems = []
    index = 0
    for number, span in enumerate(old, start=1):
        if number in removed:
            continue
        after = new[index]
        index += 1
        if number in changed:
            continue
        if old_text[span.start : span.end] != new_text[after.start : after.end]:
            problems.append(f"cell {number} is not byte-identical")
    head = old_text[: old[0].start] if old else ""
    if old and new_text[: new[0].start] != head:
        problems.append("the JSON before the first cell changed")
    if old and new and old_text[old[-1].end :] != new_text[new[-1].end :] and not removed:
        problems.append("the JSON after the last cell changed")
    json.loads(new_text)
    return problems


def _cells_parse(original: bytes, written: bytes, path: str) -> list[str]:
    failing = {c.source for c in parse_cells(parse_bytes(original, path)) if c.tree is None}
    after = parse_cells(parse_bytes(written, path))
    return [
        f"cell {cell.number} no longer parses: {cell.error}"
        for cell in after
        if cell.tree is None and cell.source not in failing
    ]


def _module_sound(plan: ExtractionPlan) -> list[str]:
    module = Path(plan.module)
    text = module.read_text(encoding="utf-8")
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        return [f"the module does not parse: {error}"]
    completed = subprocess.run(
        [ruff_binary(), "check", "--isolated", "--select", "F821", "--output-format", "json", "-"],
        input=text.encode(),
        capture_output=True,
        check=False,
    )
    # ruff exits 0 (nothing found) or 1 (found some), with a JSON list either way; anything
    # else means it did not check the module, which must never read as "no undefined names"
    try:
        reported = json.loads(completed.stdout) if completed.returncode in (0, 1) else None
    except ValueError:
        reported = None
    if not isinstance(reported, list):
        error = completed.stderr.decode(errors="replace").strip() or "no JSON on stdout"
        return [f"ruff could not check the module (exit {completed.returncode}): {error}"]
    problems = [f"module: {item['message']}" for item in reported]
    bound = set()
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            bound.add(statement.name)
        elif isinstance(statement, ast.Assign):
            bound |= {t.id for t in statement.targets if isinstance(t, ast.Name)}
    for moved in plan.moved:
        if moved.imported and moved.name not in bound:
            problems.append(
                f"the notebook imports `{moved.name}`, which the module does not define"
            )
    return problems


def _names_still_bound(original: bytes, written: bytes, path: str) -> list[str]:
    before = unbound_names(original, path)
    after = unbound_names(written, path)
    return [f"`{name}` is no longer bound in the notebook" for name in sorted(after - before)]


def unbound_names(data: bytes, path: str) -> set[str]:
    """Names the notebook reads at notebook level (and its functions read from it) that no
    cell binds."""
    parsed = [cell for cell in parse_cells(parse_bytes(data, path)) if cell.tree is not None]
    facts = []
    for cell in parsed:
        try:
            facts.append(collect(cell))
        except RecursionError:
            continue
    bound = set(notebook_bindings(facts))
    read: set[str] = set()
    for cell in parsed:
        assert cell.tree is not None
        read |= _notebook_level_reads(cell.tree)
    return read - bound - BUILTINS


def _notebook_level_reads(tree: ast.Module) -> set[str]:
    read: set[str] = set()
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            read |= set(free_names(node).reads)
            continue
        if isinstance(node, (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)):
            targets = {
                n.id
                for generator in node.generators
                for n in ast.walk(generator.target)
                if isinstance(n, ast.Name)
            }
            read |= _loads(node) - targets
            continue
        if isinstance(node, ast.Lambda):
            read |= _loads(node.body) - {
                a.arg for a in ast.walk(node.args) if isinstance(a, ast.arg)
            }
            continue
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Load):
            read.add(node.id)
        stack.extend(ast.iter_child_nodes(node))
    return read


def _loads(node: ast.AST) -> set[str]:
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
