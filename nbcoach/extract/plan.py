"""`nbcoach extract`, the plan: what moves from a notebook into which module, as exact text.

Planning writes nothing and runs no notebook code. It reads the notebook once (source.py),
finds what each definition needs (needs.py), decides what moves (decide.py),
rewrites only the cells that change (content.py, cells.py: libcst) and splices them
into the notebook's own JSON text (notebook_json), so every other cell stays byte-identical.
The module is built or appended to (module.py).
The plan holds the digests of both files as read; applying it (apply.py) refuses if
either changed since.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from nbcoach.analysis.notebook_json import NotebookTextError, splice_cells
from nbcoach.analysis.scoring import checks_price
from nbcoach.core.errors import InputError, UsageError
from nbcoach.core.files import not_a_file, read_user_file, shown
from nbcoach.core.model import (
    Analysis,
    CandidateStatus,
    CellChange,
    ExtractionPlan,
    MovedDefinition,
    Refusal,
)
from nbcoach.extract.content import (
    Content,
    Rewritten,
    clashes,
    existing_bindings,
    import_statement,
    imported_already,
    module_content,
    rewrite_cells,
)
from nbcoach.extract.decide import Decision, decide
from nbcoach.extract.module import (
    Bound,
    ModuleTarget,
    module_target,
    render_module,
    ruff_notes,
)
from nbcoach.extract.source import Def, Source, load_source


def open_notebook(path: Path) -> Source:
    """The notebook to extract from: an .ipynb, or the notebook paired with a given .py."""
    path = Path(path)
    if path.suffix == ".py":
        from nbcoach.analysis.pairs import paired_path

        notebook = path.with_suffix(".ipynb")
        if notebook.is_file() and paired_path(notebook) is not None:
            path = notebook
        else:
            raise UsageError(
                f"{path}: extract works on .ipynb notebooks; this .py has no paired notebook"
            )
    if not path.is_file():
        raise InputError(
            str(path), not_a_file(path, "extract takes one notebook (.ipynb) or its paired .py")
        )
    from nbcoach.analysis.discover import excluded_by, project_scope

    pattern = excluded_by(path, project_scope([str(path)]))
    if pattern is not None:
        raise InputError(str(path), f"excluded by [tool.nbcoach] exclude ({pattern}); nothing done")
    source = load_source(path)
    if source.notebook.language and source.notebook.language.lower() != "python":
        raise InputError(str(path), f"kernel language is {source.notebook.language}, not Python")
    return source


def candidates(source: Source) -> list[str]:
    """The analysis's extraction candidates (top-level functions reading no notebook data)."""
    return list(_analysis(source).candidates)


def default_selection(source: Source) -> tuple[list[str], list[str]]:
    """What moves when no `--function` is named: the candidates the report calls ready, and a
    note for each held back because it should be split first."""
    from nbcoach.analysis.coaching import split_first

    analysis = _analysis(source)
    held = split_first(analysis.candidates, analysis.findings, analysis.functions)
    notes = [
        f"`{name}` is not moved: split it first ({why}); name it with --function to move it anyway"
        for name, why in held.items()
    ]
    return [n for n in analysis.candidates if n not in held], notes


def _oversized(source: Source) -> dict[str, str]:
    """Top-level definitions over the size limits (name -> why): moved only when named."""
    from nbcoach.analysis.coaching import split_first

    analysis = _analysis(source)
    return split_first(list(source.definitions), analysis.findings, analysis.functions)


def _analysis(source: Source) -> Analysis:
    """The report's analysis of the notebook, made once per Source."""
    from nbcoach.analysis.analyse import analyse_notebook
    from nbcoach.core.config import load_config

    if not isinstance(source.analysis, Analysis):
        source.analysis = analyse_notebook(source.notebook, load_config(source.path, None))
    assert isinstance(source.analysis, Analysis)
    return source.analysis


def plan_extraction(
    notebook: Path | Source,
    functions: Sequence[str] = (),
    module: Path | None = None,
    diffs: bool = True,
) -> ExtractionPlan:
    """The full plan for moving `functions` (default: the report's candidates); `diffs` False
    leaves out the two unified diffs (converting to py:percent is the slowest part)."""
    source = notebook if isinstance(notebook, Source) else open_notebook(notebook)
    target = module_target(source.path, module)
    existing = _existing_module(target.path)
    requested, held = (list(functions), []) if functions else default_selection(source)
    oversized = _oversized(source)
    clashing: dict[str, Refusal] = {}
    bound: dict[str, Bound] | None = None  # parsed when something moves, once
    while True:
        decision = decide(source, requested, clashing, oversized)
        content = module_content(source, decision)
        if not decision.moved:
            plan = _plan(source, target, existing, decision, content, None, {}, diffs)
            return replace(plan, notes=(*held, *plan.notes))
        if bound is None:
            bound = existing_bindings(target, existing) if existing is not None else {}
        # the clash check needs the moved code as it will be written: the plan reuses it
        statement = import_statement(target.name, content.imported)
        rewritten = rewrite_cells(source, decision, statement)
        found = clashes(target, bound, decision, content, rewritten.code)
        if not found:
            plan = _plan(source, target, existing, decision, content, rewritten, bound, diffs)
            return replace(plan, notes=(*held, *plan.notes))
        clashing.update(found)


def _existing_module(path: Path) -> str | None:
    if not path.exists() and not path.is_symlink():
        return None
    data = read_user_file(path)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise InputError(
            str(path), f"not UTF-8 text (offset {error.start}); nothing done"
        ) from error


def candidate_statuses(source: Source, module: Path | None = None) -> list[CandidateStatus]:
    """Every top-level definition with whether it can move on its own, and what it takes."""
    from nbcoach.analysis.coaching import split_first

    analysis = _analysis(source)
    held = split_first(analysis.candidates, analysis.findings, analysis.functions)
    oversized = _oversized(source)
    # Into a new module nothing can clash, so deciding is the whole answer: one analysis and
    # one decision per definition, no module text, no rewrite, no ruff. Only an existing
    # module needs the full plan (its names can clash with what moves).
    full = module_target(source.path, module).path.exists()
    statuses = []
    for name, definitions in source.definitions.items():
        live = definitions[-1]
        if full:
            plan = plan_extraction(source, [name], module, diffs=False)
            moved_names = [(m.name, m.requested) for m in plan.moved]
            parameters = next((m.parameters for m in plan.moved if m.name == name), ())
            refusal = next((r for r in plan.refusals if r.name == name), None)
        else:
            decision = decide(source, [name], {}, oversized)
            moved_names = [(n, n in decision.requested) for n in decision.moved]
            parameters = decision.parameters.get(name, ())
            refusal = decision.refusals.get(name)
        ready = any(n == name for n, _ in moved_names)
        statuses.append(
            CandidateStatus(
                name=name,
                kind=live.kind,
                location=source.location(live.cell, live.line, live.end),
                ready=ready,
                parameters=parameters if ready else (),
                helpers=tuple(n for n, requested in moved_names if not requested),
                refusal=refusal,
                split_first=held.get(name, "") if ready else "",
            )
        )
    return sorted(statuses, key=lambda s: (s.location.cell or 0, s.location.line or 0))


def _plan(
    source: Source,
    target: ModuleTarget,
    existing: str | None,
    decision: Decision,
    content: Content,
    rewritten: Rewritten | None,
    bound: dict[str, Bound],
    diffs: bool,
) -> ExtractionPlan:
    base = ExtractionPlan(
        notebook=str(source.path),
        module=str(target.path),
        module_name=target.name,
        source_root=str(target.source_root),
        refusals=tuple(decision.refusals[n] for n in decision.requested if n in decision.refusals),
        notebook_digest=digest(source.data),
        cell_count=len(source.notebook.cells),
        module_digest=digest(existing.encode("utf-8")) if existing is not None else None,
    )
    if rewritten is None:
        return base
    cells, code, sites = rewritten.cells, rewritten.code, rewritten.sites
    definitions = [text for name, text in code.items() if name not in bound]
    constants = [t for n, t in content.constants.items() if n not in bound]
    imports = sorted(
        s for s in content.imports if s.endswith("*") or not imported_already(s, bound)
    )
    origin = _relative(source.path, target)
    module_text = render_module(target, existing, origin, imports, constants, definitions)
    notebook_text = _notebook_text(source, cells)
    at = decision.import_at
    moved = tuple(_moved(source, decision, name, content, sites) for name in decision.moved)
    notes = [note for needs in decision.moved.values() for note in needs.notes]
    if not source.notebook.nbformat.startswith("4"):
        notes.append(
            f"{source.path.name} is written as nbformat 4 (it was nbformat "
            f"{source.notebook.nbformat.split()[0]}; nbcoach edits cells in place only in "
            "nbformat 4)"
        )
    notes += [
        f"`{n}` is already in {target.path.name} with the same code" for n in code if n in bound
    ]
    notes += ruff_notes(target, existing, module_text)
    notes += _checks_moved(source, moved)
    return replace(
        base,
        moved=moved,
        constants=tuple(constants),
        module_imports=tuple(imports),
        import_statement=rewritten.statement,
        import_cell=at.cell if at is not None else None,
        changes=tuple(CellChange(n, s) for n, s in sorted(cells.items())),
        notebook_text=notebook_text,
        module_text=module_text,
        created=tuple(str(p) for p in target.inits),
        notes=tuple(dict.fromkeys(notes)),
        notebook_diff=notebook_diff(source.path, source.data, notebook_text) if diffs else "",
        module_diff=_diff(existing or "", module_text, shown(target.path)) if diffs else "",
    )


def _checks_moved(source: Source, moved: tuple[MovedDefinition, ...]) -> list[str]:
    """Said when every check of the notebook moves with its functions: the notebook then checks
    nothing, which `report` and the gate count (`no-checks`), though the check still runs."""

    def holder(cell: int, line: int) -> str | None:
        for definition in moved:
            where = definition.location
            first = where.line or 0
            if where.cell == cell and first <= line <= (where.end_line or first):
                return definition.name
        return None

    holders = [holder(cell, line) for cell, facts in source.facts.items() for line in facts.checks]
    if not holders or None in holders:
        return []
    left = sum(facts.code_lines for facts in source.facts.values()) - sum(
        (m.location.end_line or m.location.line or 0) - (m.location.line or 0) + 1 for m in moved
    )
    if not checks_price(left):
        return []  # too little code stays for a check to be owed
    names = ", ".join(f"`{name}`" for name in sorted({h for h in holders if h}))
    return [
        f"every check of the notebook is in {names}: moved, the notebook checks nothing "
        "(`no-checks`, which the gate counts); add an `assert` in the notebook on what its next "
        "step relies on"
    ]


def _moved(
    source: Source,
    decision: Decision,
    name: str,
    content: Content,
    sites: dict[str, list[tuple[int, int]]],
) -> MovedDefinition:
    definitions: list[Def] = source.definitions[name]
    live = definitions[-1]
    return MovedDefinition(
        name=name,
        kind=live.kind,
        location=source.location(live.cell, live.line, live.end),
        requested=name in decision.requested,
        parameters=decision.parameters.get(name, ()),
        call_sites=tuple(source.location(c, line) for c, line in sites.get(name, [])),
        earlier=tuple(source.location(d.cell, d.line, d.end) for d in definitions[:-1]),
        earlier_identical=all(d.digest == live.digest for d in definitions[:-1]),
        imported=name in content.imported,
    )


def _notebook_text(source: Source, cells: dict[int, str | None]) -> str:
    raw = source.data.decode("utf-8")
    if not source.notebook.nbformat.startswith("4"):
        raw = _as_v4(source)
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    try:
        spliced = splice_cells(raw[len(bom) :], {n - 1: s for n, s in cells.items()})
    except NotebookTextError as error:
        raise InputError(str(source.path), str(error)) from error
    return bom + spliced


def _as_v4(source: Source) -> str:
    """A notebook in nbformat 1-3 as nbformat 4 JSON, the same cells in the same order (as
    the report reads it), so that its cells can be edited in place."""
    import nbformat

    from nbcoach.workflow.pairing import read_ipynb

    text = str(nbformat.writes(read_ipynb(source.data, source.path)))  # type: ignore[no-untyped-call]
    return text if text.endswith("\n") else text + "\n"


def notebook_diff(path: Path, data: bytes, after: str) -> str:
    """The change as a unified diff: of a notebook seen as py:percent (reviewable, unlike its
    JSON), or of a text file as it is. `extract` and `split` show their edits this way."""
    if path.suffix != ".ipynb":
        return _diff(data.decode("utf-8-sig"), after, shown(path))
    from nbcoach.analysis.pairs import Pair
    from nbcoach.workflow.pairing import notebook_text

    pair = Pair(path, path.with_suffix(".py"), "py:percent", "nbcoach")
    before_text = notebook_text(data, pair)
    after_text = notebook_text(after.encode("utf-8"), pair)
    return _diff(before_text, after_text, f"{shown(path)} (as py:percent)")


def _diff(before: str, after: str, label: str) -> str:
    return "".join(
        difflib.unified_diff(
            before.splitlines(keepends=True),
            after.splitlines(keepends=True),
            fromfile=label if before else "/dev/null",
            tofile=label,
        )
    )


def _relative(path: Path, target: ModuleTarget) -> str:
    root = target.source_root.parent
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
