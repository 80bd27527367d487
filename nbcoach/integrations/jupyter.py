"""`%nbcoach` inside Jupyter: the report card of the notebook being edited, in the notebook.

`%load_ext nbcoach` registers the magic (nbcoach/__init__.py imports this module only then).

- `%nbcoach` grades the saved notebook this kernel runs, found by `find_notebook`;
- `%nbcoach path/to/nb.ipynb` grades that file (for papermill and anything else that does not
  tell the kernel its notebook);
- `%nbcoach cell` grades the functions defined so far in this kernel session, from the cells
  it executed (the last definition of each name is the live one).

The card comes from the saved file, as `nbcoach report` would grade it. The kernel's own input
history is compared with the saved cells, so the card can say when it may miss unsaved edits.
Like `nbcoach report`, the magic never executes the notebook's code.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from nbcoach.core.model import Cell, Location, Notebook, ReportCard
from nbcoach.integrations.kernel_notebook import Found, current_kernel_id, find_notebook
from nbcoach.render import phrases

MAGIC_PREFIXES = ("%nbcoach", "%load_ext nbcoach", "%reload_ext nbcoach", "%unload_ext nbcoach")
USAGE = "usage: %nbcoach [path/to/notebook.ipynb] | %nbcoach cell | %nbcoach --help"
HELP = """%nbcoach: the nbcoach report card, in the notebook (it never runs the notebook's code).

  %nbcoach                      grade the saved notebook this kernel runs (found from VS Code,
                                the Jupyter session or server, papermill's input, or guessed
                                from the folder: the card says which)
  %nbcoach path/to/nb.ipynb     grade that notebook file
  %nbcoach cell                 grade the functions this kernel has defined so far
  %nbcoach --help               this text
  %unload_ext nbcoach           remove the magic

Save the notebook first: the card is the saved file's, as `nbcoach report` grades it."""


def register(ipython: Any) -> None:
    ipython.register_magic_function(_magic(ipython), magic_kind="line", magic_name="nbcoach")


def unregister(ipython: Any) -> None:
    ipython.magics_manager.magics["line"].pop("nbcoach", None)


def _magic(ipython: Any) -> Any:
    def nbcoach(line: str) -> None:
        """Show the nbcoach report card of this notebook (`%nbcoach cell`: functions so far)."""
        from IPython.display import display

        display(run_magic(ipython, line))  # type: ignore[no-untyped-call]

    return nbcoach


@dataclass(frozen=True, slots=True)
class CardView:
    """What the magic shows: HTML in a notebook, plain text anywhere else (logs, terminals)."""

    html: str
    text: str

    def _repr_html_(self) -> str:
        return self.html

    def __repr__(self) -> str:
        return self.text


def run_magic(ipython: Any, line: str) -> CardView:
    try:
        words = shlex.split(line)
    except ValueError as error:
        return _message(f"nbcoach: {error}. {USAGE}")
    if words and words[0] in ("--help", "-h", "help"):
        return _message(HELP)
    if words == ["cell"]:
        return session_functions(ipython)
    if len(words) > 1:
        return _message(f"nbcoach: too many arguments. {USAGE}")
    if words and words[0].startswith("-"):
        return _message(f"nbcoach: no such option: {words[0]}. {USAGE}")
    own = find_notebook(ipython.user_ns, current_kernel_id())
    found = Found(Path(words[0]).expanduser(), "as given", "given") if words else own
    if found.path is None:
        return _message(found.how)
    if not found.path.is_file():
        return _message(f"nbcoach: {found.path}: no such notebook ({found.how}). {USAGE}")
    return notebook_card(found, _history(ipython), _same(found, own))


def _same(found: Found, own: Found) -> bool | None:
    """Is the graded file the kernel's own notebook? True/False when the kernel's notebook is
    known (not guessed), None when only the cells that ran can tell."""
    if found is own:
        return None if own.source == "guess" else True
    if own.path is None or own.source == "guess":
        return None
    assert found.path is not None
    return found.path.resolve() == own.path.resolve()


# -- the card of the saved notebook ------------------------------------------------------------


def _history(ipython: Any) -> list[str]:
    """The sources this kernel executed in this session, oldest first, without the current one."""
    manager = getattr(ipython, "history_manager", None)
    raw = list(getattr(manager, "input_hist_raw", None) or ipython.user_ns.get("In", []))
    return [source for source in raw[1:-1] if isinstance(source, str)]


def unsaved_inputs(history: list[str], notebook: Notebook) -> int:
    """How many executed inputs are not the source of any saved code cell."""
    saved = {cell.source.strip() for cell in notebook.cells if cell.kind == "code"}
    missing = 0
    for source in history:
        kept = _without_magics(source)
        if kept and source.strip() not in saved and kept not in saved:
            missing += 1
    return missing


def ran_here(history: list[str], notebook: Notebook) -> bool:
    """Does what this kernel ran look like this notebook's cells? At least half of the last
    inputs (magic lines left out) close to a saved cell — an edited cell still counts as this
    notebook's: that is the unsaved edit the card warns about."""
    import difflib

    saved = [cell.source.strip() for cell in notebook.cells if cell.kind == "code"]
    inputs = [(source.strip(), _without_magics(source)) for source in history[-50:]]
    inputs = [(raw, kept) for raw, kept in inputs if kept]
    if not inputs:
        return True
    close = sum(
        1
        for raw, kept in inputs
        if raw in saved or kept in saved or difflib.get_close_matches(kept, saved, 1, 0.6)
    )
    return close * 2 >= len(inputs)


def _without_magics(source: str) -> str:
    return "\n".join(
        line for line in source.splitlines() if not line.strip().startswith(MAGIC_PREFIXES)
    ).strip()


def notebook_card(found: Found, history: list[str], own: bool | None = True) -> CardView:
    """`own`: whether the file is the kernel's notebook (None: unknown). Unsaved edits are
    looked for only in the kernel's own notebook: the inputs of one notebook say nothing of
    another's."""
    from nbcoach.analysis.notebook import read
    from nbcoach.analysis.review import ReviewOptions, review
    from nbcoach.core.errors import InputError

    assert found.path is not None
    report = review([str(found.path)], ReviewOptions(jobs=1))
    card = report.cards[0] if report.cards else ReportCard(str(found.path), "error")
    notes = [f"Graded the saved file {found.path} ({found.how})."]
    try:
        saved = read(found.path)
    except InputError:
        saved = None
    other = ""
    if saved is not None and own is False:
        other = "This is not the notebook this kernel runs"
    elif saved is not None and own is None and not ran_here(history, saved):
        other = "Most of what this kernel ran is not in this notebook"
    if other:
        notes.append(f"{other}: graded as a file (nothing said of unsaved changes).")
    papermill = found.source == "papermill"
    # papermill runs the saved input (its injected parameters cell is in no saved file)
    missing = (
        unsaved_inputs(history, saved) if saved is not None and not other and not papermill else 0
    )
    if missing:
        notes.append(
            f"{missing} cell{'s' if missing != 1 else ''} run in this kernel "
            f"{'are' if missing != 1 else 'is'} not in the saved file: unsaved changes may be "
            "missing from this card. Save the notebook and run %nbcoach again."
        )
    return _card_view(card, notes)


def _card_view(card: ReportCard, notes: list[str]) -> CardView:
    from html import escape

    from nbcoach.render.html import card_html, findings_html, fragment_html

    extra = ""
    if card.status == "ok" and card.findings:
        extra += (
            f"<details><summary>All findings ({len(card.findings)})</summary>"
            f"{findings_html(card.findings, 0)}</details>"
        )
    extra += "".join(f'<div class="note">{escape(note)}</div>' for note in notes)
    body = card_html(card, full=False).removesuffix("</section>") + extra + "</section>"
    return CardView(fragment_html(body), _card_text(card, notes))


def _card_text(card: ReportCard, notes: list[str]) -> str:
    if card.status != "ok":
        return f"{card.path}: {card.status}: {card.reason}"
    lines = [f"{card.path}: grade {card.grade} ({card.score:.1f}/100)"]
    lines += [f"  {c.name:<12} {c.score:5.1f}  {c.grade}" for c in card.categories]
    if card.next_steps:
        lines.append("Next steps (worth the most points):")
        lines += [
            f"  {n}. {s.action}  +{s.gain:.1f} points"
            for n, s in enumerate(card.next_steps, start=1)
        ]
    else:
        lines.append("Next steps: nothing left that costs points. Well done.")
    if card.extraction is not None:
        lines.append(f"{phrases.EXTRACTION_LEAD}: {phrases.extraction(card.extraction)}")
    return "\n".join(lines + notes)


# -- %nbcoach cell: the functions defined so far ----------------------------------------------


def session_functions(ipython: Any) -> CardView:
    """Grade the functions this kernel defined, from the sources it executed."""
    from html import escape

    from nbcoach.analysis.analyse import analyse_notebook
    from nbcoach.analysis.card import build_card
    from nbcoach.analysis.scoring import function_subject
    from nbcoach.core.config import load_config
    from nbcoach.render.html import finding_html, fragment_html, functions_html

    cells = tuple(  # numbered as the kernel numbers them: In [1], In [2], ...
        Cell(number=number, kind="code", source=source, execution_count=number)
        for number, source in enumerate(_history(ipython), start=1)
    )
    notebook = Notebook(path="this kernel", format="ipynb", cells=cells, language="python")
    config = load_config(Path.cwd())
    card = build_card(analyse_notebook(notebook, config), (), config)
    live = _live_functions(card, ipython.user_ns)
    if not live.functions:
        text = "nbcoach: no functions defined in this kernel session yet."
        return CardView(fragment_html(f"<div>{escape(text)}</div>"), text)
    subjects = {function_subject(s.function) for s in live.functions}
    concerns = [  # located as the kernel numbers inputs: `In [17]:line 1`
        replace(f, location=Location(f"In [{f.location.cell}]", None, f.location.line))
        for f in live.findings
        if f.subject in subjects
    ]
    title = f"Functions defined in this kernel session ({len(live.functions)}, worst first)"
    body = functions_html(live, len(live.functions), "In", title) + "".join(
        finding_html(f) for f in concerns
    )
    text = "\n".join(
        [f"Functions defined in this kernel session ({len(live.functions)}):"]
        + [
            f"  {s.grade}  {s.function.name}  In [{s.function.cell}]:line {s.function.line}  "
            f"{s.function.length} lines, complexity {s.function.complexity}"
            for s in live.functions
        ]
    )
    return CardView(fragment_html(f'<section class="card">{body}</section>'), text)


def _live_functions(card: ReportCard, user_ns: dict[str, Any]) -> ReportCard:
    """Only each function's last definition, and only while its top-level name is still bound."""
    last: dict[str, int] = {}
    for scored in card.functions:
        last[scored.function.name] = max(last.get(scored.function.name, 0), scored.function.cell)
    kept = tuple(
        s
        for s in card.functions
        if last[s.function.name] == s.function.cell and s.function.name.split(".")[0] in user_ns
    )
    return replace(card, functions=kept)


def _message(text: str) -> CardView:
    from html import escape

    from nbcoach.render.html import fragment_html

    return CardView(fragment_html(f'<div class="note">{escape(text)}</div>'), text)
