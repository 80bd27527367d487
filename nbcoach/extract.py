"""`nbcoach extract`, the plan: what moves from a notebook into which module, as exact text.

Planning writes nothing and runs no notebook code. It reads the notebook once (extract_needs),
decides what moves and what it needs (extract_decide), rewrites only the cells that change
(extract_cells, libcst) and splices them into the notebook's own JSON text (notebook_json), so
every other cell stays byte-identical. The module is built or appended to (extract_module).
The plan holds the digests of both files as read; applying it (extract_apply) refuses if
either changed since.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Sequence
from pathlib import Path

from nbcoach.errors import InputError, UsageError
from nbcoach.extract_decide import Decision, decide, live_definition, mentions, syntax
from nbcoach.extract_module import (
    ModuleTarget,
    code_key,
    constant_key,
    import_key,
    module_bindings,
    module_target,
    render_module,
)
from nbcoach.extract_needs import Def, Source, load_source
from nbcoach.model import CandidateStatus, CellChange, ExtractionPlan, MovedDefinition, Refusal
from nbcoach.notebook_json import NotebookTextError, splice_cells

IMPORT_WIDTH = 100


def open_notebook(path: Path) -> Source:
    """The notebook to extract from: an .ipynb, or the notebook paired with a given .py."""
    path = Path(path)
    if path.suffix == ".py":
        from nbcoach.pairing import paired_path

        notebook = path.with_suffix(".ipynb")
        if notebook.is_file() and paired_path(notebook) is not None:
            path = notebook
        else:
            raise UsageError(
                f"{path}: extract works on .ipynb notebooks; this .py has no paired notebook"
            )
    if not path.is_file():
        raise InputError(str(path), "no such file")
    source = load_source(path)
    if not source.notebook.nbformat.startswith("4"):
        raise InputError(
            str(path), f"nbformat {source.notebook.nbformat}: save it as nbformat 4 first"
        )
    if source.notebook.language and source.notebook.language.lower() != "python":
        raise InputError(str(path), f"kernel language is {source.notebook.language}, not Python")
    return source


def candidates(source: Source) -> list[str]:
    """The report's extraction candidates (top-level functions reading no notebook data)."""
    from nbcoach.analyse import analyse_notebook
    from nbcoach.config import load_config

    analysis = analyse_notebook(source.notebook, load_config(source.path, None))
    return list(analysis.candidates)


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
    existing = target.path.read_text(encoding="utf-8") if target.path.is_file() else None
    requested = list(functions) or candidates(source)
    clashes: dict[str, Refusal] = {}
    while True:
        decision = decide(source, requested, clashes)
        content = _module_content(source, decision)
        found = _clashes(source, target, existing, decision, content)
        if not found:
            break
        clashes.update(found)
    return _plan(source, target, existing, decision, content, diffs)


def candidate_statuses(source: Source, module: Path | None = None) -> list[CandidateStatus]:
    """Every top-level definition with whether it can move on its own, and what it takes."""
    statuses = []
    for name, definitions in source.definitions.items():
        live = definitions[-1]
        plan = plan_extraction(source, [name], module, diffs=False)
        moved = next((m for m in plan.moved if m.name == name), None)
        refusal = next((r for r in plan.refusals if r.name == name), None)
        statuses.append(
            CandidateStatus(
                name=name,
                kind=live.kind,
                location=source.location(live.cell, live.line, live.end),
                ready=moved is not None,
                parameters=moved.parameters if moved else (),
                helpers=tuple(m.name for m in plan.moved if not m.requested),
                refusal=refusal,
            )
        )
    return sorted(statuses, key=lambda s: (s.location.cell or 0, s.location.line or 0))


class _Content:
    """What the module gains and the notebook's rewritten cells, before clash checks."""

    def __init__(self) -> None:
        self.definitions: dict[str, str] = {}
        self.constants: dict[str, str] = {}
        self.imports: dict[str, list[str]] = {}  # statement -> names needing it
        self.imported: list[str] = []


def _module_content(source: Source, decision: Decision) -> _Content:
    content = _Content()
    if not decision.moved:
        return content
    for name, needs in decision.moved.items():
        for statements in needs.imports.values():
            for statement in statements:
                content.imports.setdefault(statement, []).append(name)
        for constant, text in needs.constants.items():
            content.constants.setdefault(constant, text)
    content.imported = _imported_names(source, decision)
    return content


def import_statement(module: str, names: Sequence[str]) -> str:
    """`from module import a, b`, wrapped in parentheses when it would be too long; names in
    isort's order (constants, classes, then functions)."""
    names = sorted(names, key=lambda n: (0 if n.isupper() else 1 if n[0].isupper() else 2, n))
    line = f"from {module} import {', '.join(names)}"
    if len(line) <= IMPORT_WIDTH:
        return line
    return f"from {module} import (\n" + "".join(f"    {n},\n" for n in names) + ")"


def _imported_names(source: Source, decision: Decision) -> list[str]:
    """The moved names the notebook still refers to, plus those asked for."""
    spans = [(d.cell, d.start, d.end) for name in decision.moved for d in source.definitions[name]]
    used: set[str] = set()
    for number, facts in source.facts.items():
        for name, lines in facts.loads.items():
            if name in decision.moved and any(
                not any(c == number and a <= line <= b for c, a, b in spans) for line in lines
            ):
                used.add(name)
    for cell in source.notebook.cells:
        if cell.kind == "code" and (cell.number not in source.facts or "%" in cell.source):
            used |= {n for n in decision.moved if mentions(cell.source, n)}
    wanted = used | {n for n in decision.requested if n in decision.moved}
    return [name for name in decision.moved if name in wanted]


def _rewrite(source: Source, decision: Decision, statement: str) -> tuple[dict, dict, dict]:
    """Rewrite every cell that changes; (new sources, moved code, call sites per name)."""
    removed: dict[int, list[tuple[str, int]]] = {}
    for name in decision.moved:
        for definition in source.definitions[name]:
            removed.setdefault(definition.cell, []).append((name, definition.line))
    calling = set()
    if decision.parameters:
        for number, facts in source.facts.items():
            if any(name in facts.loads for name in decision.parameters):
                calling.add(number)
    cells: dict[int, str | None] = {}
    code: dict[str, str] = {}
    sites: dict[str, list[tuple[int, int]]] = {}
    at = decision.import_at
    for number in sorted(set(removed) | calling):
        rewritten = syntax(source, number).rewrite(
            remove=removed.get(number, []),
            import_at=(at.name, at.line) if at is not None and at.cell == number else None,
            import_statement=statement,
            calls=decision.parameters,
            parameters=decision.parameters,
        )
        original = source.notebook.cells[number - 1].source
        if rewritten.source != original:
            cells[number] = rewritten.source if rewritten.source.strip() else None
        for (name, line), text in rewritten.moved.items():
            live = live_definition(source, name)
            if live is not None and live.cell == number and live.line == line:
                code[name] = text
        for name, line in rewritten.call_sites:
            if not _in_moved_code(source, decision, number, line):
                sites.setdefault(name, []).append((number, line))
    return cells, code, sites


def _in_moved_code(source: Source, decision: Decision, cell: int, line: int) -> bool:
    """A call site inside a definition that leaves the notebook (it is not a notebook call)."""
    return any(
        d.cell == cell and d.start <= line <= d.end
        for name in decision.moved
        for d in source.definitions[name]
    )


def _clashes(
    source: Source,
    target: ModuleTarget,
    existing: str | None,
    decision: Decision,
    content: _Content,
) -> dict[str, Refusal]:
    """Names the module already binds to something else: those definitions stay."""
    if existing is None or not decision.moved:
        return {}
    try:
        bound = module_bindings(existing)
    except SyntaxError as error:
        raise InputError(str(target.path), f"the module does not parse: {error.msg}") from error
    statement = import_statement(target.name, content.imported)
    _, code, _ = _rewrite(source, decision, statement)
    clashes: dict[str, Refusal] = {}

    def clash(name: str, what: str, line: int) -> None:
        for owner in _owners(decision, name):
            clashes.setdefault(
                owner,
                Refusal(
                    owner,
                    "module-clash",
                    f"{target.path.name} line {line} already binds `{name}` to different code "
                    f"than the notebook's {what}; rename one of them first",
                ),
            )

    for name, text in code.items():
        have = bound.get(name)
        if have is not None and (have.kind != "definition" or have.dump != code_key(text)):
            clash(name, "definition", have.line)
    for name, text in content.constants.items():
        have = bound.get(name)
        if have is not None and (have.kind != "assignment" or have.dump != constant_key(text)):
            clash(name, "constant", have.line)
    for text in content.imports:
        if text.endswith("*"):
            continue
        name = text.split(" as ")[-1].split()[-1].split(".")[0]
        have = bound.get(name)
        if have is not None and (have.kind != "import" or have.dump != import_key(text)):
            clash(name, "import", have.line)
    return clashes


def _owners(decision: Decision, name: str) -> list[str]:
    """The requested definitions that need `name` (directly or through a helper)."""
    needing = {
        n
        for n, needs in decision.moved.items()
        if n == name or name in needs.constants or name in needs.imports
    }
    changed = True
    while changed:
        changed = False
        for n, needs in decision.moved.items():
            if n not in needing and needs.helpers & needing:
                needing.add(n)
                changed = True
    return sorted(n for n in needing if n in decision.requested) or sorted(needing)


def _plan(
    source: Source,
    target: ModuleTarget,
    existing: str | None,
    decision: Decision,
    content: _Content,
    diffs: bool,
) -> ExtractionPlan:
    base = {
        "notebook": str(source.path),
        "module": str(target.path),
        "module_name": target.name,
        "source_root": str(target.source_root),
        "refusals": tuple(
            decision.refusals[n] for n in decision.requested if n in decision.refusals
        ),
        "notebook_digest": digest(source.data),
        "module_digest": digest(existing.encode("utf-8")) if existing is not None else None,
    }
    if not decision.moved:
        return ExtractionPlan(**base)
    statement = import_statement(target.name, content.imported)
    cells, code, sites = _rewrite(source, decision, statement)
    bound = module_bindings(existing) if existing is not None else {}
    definitions = [text for name, text in code.items() if name not in bound]
    constants = [t for n, t in content.constants.items() if n not in bound]
    imports = sorted(
        s for s in content.imports if s.endswith("*") or not _imported_already(s, bound)
    )
    origin = _relative(source.path, target)
    module_text = render_module(target, existing, origin, imports, constants, definitions)
    notebook_text = _notebook_text(source, cells)
    at = decision.import_at
    moved = tuple(_moved(source, decision, name, content, sites) for name in decision.moved)
    notes = [note for needs in decision.moved.values() for note in needs.notes]
    notes += [
        f"`{n}` is already in {target.path.name} with the same code" for n in code if n in bound
    ]
    return ExtractionPlan(
        **base,
        moved=moved,
        constants=tuple(constants),
        module_imports=tuple(imports),
        import_statement=statement,
        import_cell=at.cell if at is not None else None,
        changes=tuple(CellChange(n, s) for n, s in sorted(cells.items())),
        notebook_text=notebook_text,
        module_text=module_text,
        created=tuple(str(p) for p in target.inits),
        notes=tuple(dict.fromkeys(notes)),
        notebook_diff=_notebook_diff(source, notebook_text) if diffs else "",
        module_diff=_diff(existing or "", module_text, shown(target.path)) if diffs else "",
    )


def _moved(
    source: Source, decision: Decision, name: str, content: _Content, sites: dict
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


def _imported_already(statement: str, bound: dict) -> bool:
    name = statement.split(" as ")[-1].split()[-1].split(".")[0]
    have = bound.get(name)
    return have is not None and have.kind == "import" and have.dump == import_key(statement)


def _notebook_text(source: Source, cells: dict[int, str | None]) -> str:
    raw = source.data.decode("utf-8")
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    try:
        spliced = splice_cells(raw[len(bom) :], {n - 1: s for n, s in cells.items()})
    except NotebookTextError as error:
        raise InputError(str(source.path), str(error)) from error
    return bom + spliced


def _notebook_diff(source: Source, after: str) -> str:
    from nbcoach.pairing import Pair, notebook_text

    pair = Pair(source.path, source.path.with_suffix(".py"), "py:percent", "extract")
    before_text = notebook_text(source.data, pair)
    after_text = notebook_text(after.encode("utf-8"), pair)
    return _diff(before_text, after_text, f"{shown(source.path)} (as py:percent)")


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


def shown(path: Path) -> str:
    """A path as the user would type it: relative to the current folder when inside it."""
    try:
        return Path(path).absolute().relative_to(Path.cwd()).as_posix()
    except ValueError:
        return str(path)


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
