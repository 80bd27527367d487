"""`nbcoach split`, the plan: one long function cut into named helpers, as exact text.

The cut itself is cut.py's (which blocks, which names, rope for the extraction); this module
finds the function in a notebook (its cell) or a `.py` file, keeps the helpers' names clear of
every name the notebook already uses, checks that the cut means the same thing, and builds the
text to write: the notebook with only that cell changed (every other byte kept), and a diff
to review. Applying goes through apply.py, like `extract`: atomic, refused when the file
changed since the plan, the py:percent pair updated, `--verify` runs it before and after.
"""

from __future__ import annotations

import ast
import hashlib
import json
from collections.abc import Iterable, Mapping
from pathlib import Path

from nbcoach.analysis.notebook import parse_bytes, read_bytes
from nbcoach.analysis.notebook_json import NotebookTextError, splice_cells
from nbcoach.core.config import Thresholds, load_config
from nbcoach.core.errors import InputError, UsageError
from nbcoach.core.files import not_a_file, shown
from nbcoach.core.model import CellChange, Notebook, SplitHelper, SplitPlan
from nbcoach.extract.cut import Cut, check_cut, cut_function, measure, over_limits
from nbcoach.extract.group import Grouping, group_parameters, names_in
from nbcoach.extract.plan import notebook_diff


def plan_split(
    path: Path, function: str, names: Mapping[str, str] | None = None, group: bool = True
) -> SplitPlan:
    """The plan to cut `function` in the notebook or `.py` file at `path` (nothing written);
    with `group`, parameters over the limit also become a dataclass (group.py)."""
    target, data = _target(path)
    limits = load_config(target).thresholds
    if target.suffix == ".py" and not _is_text_notebook(data, target):
        return _plan_module(target, data, function, limits, names or {}, group)
    notebook = parse_bytes(data, str(target))
    if notebook.language and notebook.language.lower() != "python":
        raise InputError(str(target), f"kernel language is {notebook.language}, not Python")
    cell, source = _cell_of(notebook, function, target)
    cut, problems = checked_cut(source, function, limits, names, notebook_names(notebook))
    cells = {c.number: c.source for c in notebook.cells if c.kind == "code"}
    cells[cell] = cut.text
    grouping = _grouping(cells, cell, function, source, limits, group and not problems)
    plan = _plan(target, data, function, cell, source, cut, problems, limits, grouping)
    if plan.empty:
        return plan
    new_cells = {cell: cut.text, **(grouping.cells if isinstance(grouping, Grouping) else {})}
    text = _spliced(target, data, notebook, new_cells)
    changes = tuple(CellChange(number, new_cells[number]) for number in sorted(new_cells))
    return _with_text(plan, target, data, text, changes=changes)


def _grouping(
    cells: Mapping[int, str],
    cell: int,
    function: str,
    source: str,
    limits: Thresholds,
    wanted: bool,
) -> Grouping | str | None:
    """The parameter object, why there is none, or None when the function needs none."""
    if measure(source)[function].parameters <= limits.parameters:
        return None
    if not wanted:
        return "splitting cannot change that; group them (a dataclass)"
    return group_parameters(cells, cell, function, limits.parameters)


def save_names(plan: SplitPlan, path: Path) -> None:
    """A plan file: each helper's proposed name, to edit and pass back with `--plan`."""
    names = {helper.name: helper.name for helper in plan.helpers}
    document = {"function": plan.function, "names": names}
    path.write_text(json.dumps(document, indent=1) + "\n", encoding="utf-8")


def load_names(path: Path, function: str) -> dict[str, str]:
    """The renames a plan file asks for (`{"names": {"proposed": "chosen"}}`)."""
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        names = document["names"]
        if not isinstance(names, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in names.items()
        ):
            raise TypeError("names must map each proposed name to a chosen one")
    except (OSError, ValueError, KeyError, TypeError) as error:
        raise UsageError(f"{path}: not a split plan file ({error})") from error
    if document.get("function", function) != function:
        raise UsageError(f"{path}: is the plan for `{document['function']}`, not `{function}`")
    return {old: new for old, new in names.items() if old != new}


def _target(path: Path) -> tuple[Path, bytes]:
    """The file to edit: the notebook, the notebook paired with a given `.py`, or the `.py`."""
    if not path.is_file():
        raise InputError(
            str(path), not_a_file(path, "split takes one notebook (.ipynb) or Python file (.py)")
        )
    if path.suffix not in (".ipynb", ".py"):
        raise UsageError(f"{path}: split works on notebooks (.ipynb) and Python files (.py)")
    if path.suffix == ".py":
        from nbcoach.analysis.pairs import paired_path

        notebook = path.with_suffix(".ipynb")
        if notebook.is_file() and paired_path(notebook) is not None:
            path = notebook
    return path, read_bytes(path)


def _is_text_notebook(data: bytes, path: Path) -> bool:
    from nbcoach.analysis.notebook import decode_python, is_text_notebook

    return is_text_notebook(decode_python(data, str(path)))


def _cell_of(notebook: Notebook, function: str, path: Path) -> tuple[int, str]:
    """The cell whose top-level `def function` is the one in effect (the last one)."""
    found: tuple[int, str] | None = None
    unreadable: list[int] = []
    for cell in notebook.cells:
        if cell.kind != "code" or f"def {function}" not in cell.source:
            continue
        try:
            tree = ast.parse(cell.source)
        except SyntaxError:
            unreadable.append(cell.number)
            continue
        if any(_defines(node, function) for node in tree.body):
            found = (cell.number, cell.source)
    if found is None:
        where = (
            f"; cell {unreadable[0]} may hold it, but it has IPython magics or does not parse: "
            "move the function into a cell of its own"
            if unreadable
            else ""
        )
        raise UsageError(f"{shown(path)}: no top-level function `{function}`{where}")
    return found


def _defines(node: ast.stmt, name: str) -> bool:
    return isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name


def checked_cut(
    source: str,
    function: str,
    limits: Thresholds,
    names: Mapping[str, str] | None = None,
    taken: Iterable[str] = (),
) -> tuple[Cut, tuple[str, ...]]:
    """The cut of `function` in `source`, and what the static check finds wrong with it
    (nothing: it compiles, adds no undefined or unused name, reads the same names from
    outside). `taken`: names the helpers must not shadow. The CLI's plan and the language
    server's "Split" action both cut this way."""
    cut = cut_function(source, function, limits, names, sorted(taken))
    added = [h.name for h in cut.helpers] + [constant for _, constant in cut.constants]
    return cut, (tuple(check_cut(source, cut.text, function, added)) if added else ())


def notebook_names(notebook: Notebook) -> set[str]:
    """Every name bound or read anywhere in the notebook: a helper must not shadow one."""
    return names_in(cell.source for cell in notebook.cells if cell.kind == "code")


def _plan_module(
    path: Path,
    data: bytes,
    function: str,
    limits: Thresholds,
    names: Mapping[str, str],
    group: bool,
) -> SplitPlan:
    from nbcoach.analysis.notebook import decode_python

    text = decode_python(data, str(path))
    try:
        tree = ast.parse(text)
    except SyntaxError as error:
        raise InputError(
            str(path), f"does not parse (line {error.lineno}); nothing to split"
        ) from error
    if not any(_defines(node, function) for node in tree.body):
        raise UsageError(f"{shown(path)}: no top-level function `{function}`")
    cut, problems = checked_cut(text, function, limits, names)
    grouping = _grouping({0: cut.text}, 0, function, text, limits, group and not problems)
    plan = _plan(path, data, function, None, text, cut, problems, limits, grouping)
    final = grouping.cells[0] if isinstance(grouping, Grouping) else cut.text
    return plan if plan.empty else _with_text(plan, path, data, final, changes=())


def _plan(
    path: Path,
    data: bytes,
    function: str,
    cell: int | None,
    source: str,
    cut: Cut,
    problems: tuple[str, ...],
    limits: Thresholds,
    grouping: Grouping | str | None = None,
) -> SplitPlan:
    before = measure(source)[function]
    grouped = isinstance(grouping, Grouping)
    measured = (
        measure(grouping.cells[cell or 0]) if isinstance(grouping, Grouping) else cut.measured
    )
    after = tuple(measured[n] for n in [function, *(h.name for h in cut.helpers)] if n in measured)
    notes = []
    if not over_limits(before, limits):
        notes.append(f"`{function}` is already within the limits; nothing to cut")
    if isinstance(grouping, Grouping):
        notes.append(grouping.note)
    elif isinstance(grouping, str):
        notes.append(
            f"`{function}` still takes {before.parameters} parameters (limit "
            f"{limits.parameters}): {grouping}"
        )
    within = all(not over_limits(f, limits) for f in after) if grouped else cut.within_limits
    return SplitPlan(
        notebook=str(path),
        function=function,
        cell=cell,
        helpers=tuple(
            SplitHelper(h.name, h.parameters, h.returns, h.lines, h.cut_from, h.named_by)
            for h in cut.helpers
        ),
        constants=tuple(cut.constants),
        left=tuple(cut.left),
        within_limits=within,
        grouped=grouping.class_name if isinstance(grouping, Grouping) else "",
        before=before,
        after=after,
        problems=problems,
        notes=tuple(notes),
        notebook_digest=hashlib.sha256(data).hexdigest(),
        source_root=str(path.parent),
    )


def _spliced(path: Path, data: bytes, notebook: Notebook, sources: Mapping[int, str]) -> str:
    """The notebook's JSON with only these cells' sources replaced (v1-3 written as v4)."""
    if path.suffix != ".ipynb":  # a py:percent file without its .ipynb beside it
        raise InputError(str(path), "a text notebook without its .ipynb: pair it first")
    raw = data.decode("utf-8-sig")
    if not notebook.nbformat.startswith("4"):
        from nbcoach.extract.plan import _as_v4
        from nbcoach.extract.source import load_source

        raw = _as_v4(load_source(path, data))
    bom = "\ufeff" if data.startswith(b"\xef\xbb\xbf") else ""
    try:
        return bom + splice_cells(raw, {cell - 1: source for cell, source in sources.items()})
    except NotebookTextError as error:
        raise InputError(str(path), str(error)) from error


def _with_text(
    plan: SplitPlan, path: Path, data: bytes, text: str, changes: tuple[CellChange, ...]
) -> SplitPlan:
    from dataclasses import replace

    cell_count = len(parse_bytes(data, str(path)).cells) if changes else 0
    return replace(
        plan,
        notebook_text=text,
        notebook_diff=notebook_diff(path, data, text),
        changes=changes,
        cell_count=cell_count,
    )
