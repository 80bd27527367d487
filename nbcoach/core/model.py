"""The data every stage shares: notebook -> cells -> findings -> scores -> card.

Frozen, slotted dataclasses so that stages cannot mutate each other's results and so that
results can cross process boundaries (pickled by the worker pool) and be cached as JSON. The
classes a result holds by the thousand pickle as their constructor's arguments (`__reduce__`):
a frozen dataclass's default state, set field by field, made unpickling them twice as slow.
This module imports nothing from nbcoach.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

CellKind = Literal["code", "markdown", "raw"]
SourceFormat = Literal["ipynb", "percent", "script"]
Status = Literal["ok", "skipped", "error"]
Severity = Literal["error", "warning", "info"]
Category = Literal["functions", "complexity", "duplication", "lint", "hygiene"]

CATEGORIES: tuple[Category, ...] = ("functions", "complexity", "duplication", "lint", "hygiene")


@dataclass(frozen=True, slots=True)
class Location:
    """A place in a notebook as its author sees it.

    `cell` is numbered as the notebook UI shows it (markdown cells count, 1-based); `line` is
    1-based within that cell. Plain scripts have no cells: `cell` is None and `line` is the
    file's line.
    """

    path: str
    cell: int | None = None
    line: int | None = None
    end_line: int | None = None
    column: int | None = None  # 1-based, where known (ruff's findings); SARIF and `concise`

    def __reduce__(self) -> tuple[type[Location], tuple[object, ...]]:
        return Location, (self.path, self.cell, self.line, self.end_line, self.column)

    def __str__(self) -> str:
        parts = [self.path]
        if self.cell is not None:
            parts.append(f"cell {self.cell}")
        if self.line is not None:
            parts.append(f"line {self.line}")
        return ":".join(parts)


@dataclass(frozen=True, slots=True)
class OutputSummary:
    """What a code cell's saved outputs amount to; the outputs themselves are not kept."""

    count: int = 0
    error_names: tuple[str, ...] = ()
    size_bytes: int = 0


@dataclass(frozen=True, slots=True)
class Cell:
    number: int
    kind: CellKind
    source: str
    execution_count: int | None = None
    outputs: OutputSummary = OutputSummary()


@dataclass(frozen=True, slots=True)
class Notebook:
    path: str
    format: SourceFormat
    cells: tuple[Cell, ...]
    language: str = "python"
    language_inferred: bool = False
    nbformat: str = "4"
    notes: tuple[str, ...] = ()
    cell_lines: tuple[tuple[int, int], ...] = ()  # (cell, first file line) for text notebooks

    @property
    def code_cells(self) -> tuple[Cell, ...]:
        return tuple(c for c in self.cells if c.kind == "code")

    def location(
        self, cell: int | None, line: int | None = None, end_line: int | None = None
    ) -> Location:
        """A location in this notebook; a plain script has one implicit cell and no cell numbers."""
        return Location(self.path, None if self.format == "script" else cell, line, end_line)


@dataclass(frozen=True, slots=True)
class MaskedLine:
    """A line that was not Python (a magic, shell escape or help query) and what it was."""

    line: int
    original: str


@dataclass(frozen=True, slots=True)
class MaskedCell:
    """A code cell made parseable without changing its line count.

    `foreign` names a cell magic whose body is not Python (`%%bash`, `%%html`, ...); such a cell
    is kept out of the analysis entirely.
    """

    number: int
    source: str
    masked: tuple[MaskedLine, ...] = ()
    foreign: str | None = None


@dataclass(frozen=True, slots=True)
class Function:
    """One function, method or nested function, measured where it stands."""

    name: str  # qualified: `Model.fit`, `outer.inner`
    cell: int
    line: int
    end_line: int
    length: int
    statements: int
    complexity: int
    nesting: int
    parameters: int
    hidden_globals: tuple[str, ...] = ()
    is_method: bool = False
    largest_block: tuple[int, int] | None = None  # lines of the block worth lifting out first
    largest_block_kind: str = ""  # "loop", "if block", "with block", ...


@dataclass(frozen=True, slots=True)
class Finding:
    """A problem at a place, with what it costs.

    `deficit` is the points this finding takes from its category before aggregation (0-100);
    `subject` groups findings that one action fixes (a function, a variable, a rule).
    """

    rule: str
    message: str
    location: Location
    category: Category
    severity: Severity = "warning"
    deficit: float = 0.0
    subject: str = ""
    scored: bool = True
    fixable: bool = False  # ruff can fix it safely
    related: tuple[
        Location, ...
    ] = ()  # the other places involved: earlier definitions, the original copy

    def __reduce__(self) -> tuple[type[Finding], tuple[object, ...]]:
        return Finding, (
            self.rule,
            self.message,
            self.location,
            self.category,
            self.severity,
            self.deficit,
            self.subject,
            self.scored,
            self.fixable,
            self.related,
        )


@dataclass(frozen=True, slots=True)
class Metrics:
    code_cells: int = 0
    executed_cells: int = 0
    python_cells: int = 0
    analysed_cells: int = 0
    markdown_cells: int = 0
    code_lines: int = 0
    top_level_lines: int = 0
    functions: int = 0
    maintainability: float | None = None


# --- headless runs, locks and output comparison (`nbcoach run`, `nbcoach lock`) ---

RunStatus = Literal["ok", "failed", "timeout"]


@dataclass(frozen=True, slots=True)
class RunResult:
    """One headless execution of a notebook: what a user needs to act on a failure.

    `failing_cell` is numbered as the notebook UI shows the *source* notebook (markdown cells
    count; a cell papermill injected for parameters does not), so it points at the cell to fix.
    `output` is the executed notebook, written even when the run failed.
    """

    notebook: str
    status: RunStatus
    duration: float
    output: str
    failing_cell: int | None = None
    error_name: str = ""
    error_value: str = ""
    traceback: tuple[str, ...] = ()  # the last lines, without terminal colours
    cells: int = 0  # cells in the source notebook
    notes: tuple[str, ...] = ()

    @property
    def error(self) -> str | None:
        """`ZeroDivisionError: division by zero`, or None for a run that passed."""
        if self.status == "ok":
            return None
        return f"{self.error_name}: {self.error_value}" if self.error_value else self.error_name


@dataclass(frozen=True, slots=True)
class CellOutputs:
    """A code cell's outputs reduced to what should not change between two equivalent runs."""

    cell: int  # as the notebook UI shows it
    outputs: tuple[str, ...]
    ran: bool = True


@dataclass(frozen=True, slots=True)
class OutputDifference:
    """One cell whose outputs differ between two runs (`kind`: changed, error, not-run, new)."""

    cell: int
    kind: str
    before: tuple[str, ...] = ()
    after: tuple[str, ...] = ()

    def __str__(self) -> str:
        if self.kind == "not-run":
            return f"cell {self.cell}: ran before, not after"
        if self.kind == "new":
            return f"cell {self.cell}: runs now, did not before"
        if self.kind == "error":
            errors = [item for item in self.after if item.startswith("[error]")]
            return f"cell {self.cell}: now fails with {errors[0][8:] if errors else 'an error'}"
        return f"cell {self.cell}: output changed"


@dataclass(frozen=True, slots=True)
class ImportUse:
    """A third-party import where a notebook or module makes it."""

    module: str  # dotted, as written: `sklearn.linear_model`
    location: Location
    optional: bool = False  # inside `try: ... except ImportError`


@dataclass(frozen=True, slots=True)
class Pin:
    """One exact pin of a lock, with why it is there."""

    name: str  # canonical distribution name: `scikit-learn`
    version: str
    via: tuple[str, ...] = ()  # `import rich`, `%pip install rich`, or the distributions needing it
    direct: bool = True


@dataclass(frozen=True, slots=True)
class Unmapped:
    """An import (or `%pip install` request) that no installed distribution provides."""

    module: str
    locations: tuple[Location, ...]
    optional: bool = False
    reason: str = "no installed distribution provides it"


@dataclass(frozen=True, slots=True)
class Lock:
    """What `nbcoach lock` inferred: pins from the environment, and what it could not pin."""

    pins: tuple[Pin, ...]
    unmapped: tuple[Unmapped, ...] = ()
    python: str = ""
    sources: tuple[str, ...] = ()
    skipped: tuple[str, ...] = ()  # inputs left out (not Python), each with its reason
    errors: tuple[str, ...] = ()  # inputs that could not be read, each with its reason


@dataclass(frozen=True, slots=True)
class Mismatch:
    """A locked distribution that the environment lacks or has in another version."""

    name: str
    locked: str
    installed: str | None

    def __str__(self) -> str:
        if self.installed is None:
            return f"{self.name}: lock {self.locked}, not installed"
        return f"{self.name}: lock {self.locked}, installed {self.installed}"


@dataclass(frozen=True, slots=True)
class Upgrade:
    name: str
    locked: str
    newest: str | None  # None: the newest environment does not have it

    @property
    def changed(self) -> bool:
        return self.newest != self.locked


@dataclass(frozen=True, slots=True)
class UpgradeReport:
    """`nbcoach run --upgrade-check`: the locked run, the newest run, and how they differ."""

    locked: RunResult
    newest: RunResult
    upgrades: tuple[Upgrade, ...]
    differences: tuple[OutputDifference, ...]

    @property
    def safe(self) -> bool:
        return self.locked.status == "ok" and self.newest.status == "ok" and not self.differences


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """One significant line as its shape (see analysis/duplication.py), for copy-paste
    detection within a notebook and, from the cache, across the notebooks of a run."""

    digest: int  # of the normalised line (60 bits: a run holds millions of these)
    cell: int
    line: int
    tokens: int  # normalised tokens on the line: a block's size

    def __reduce__(self) -> tuple[type[Fingerprint], tuple[int, int, int, int]]:
        return Fingerprint, (self.digest, self.cell, self.line, self.tokens)


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything measured about one input; independent of the other inputs of the run."""

    path: str
    status: Status
    reason: str = ""
    format: SourceFormat = "ipynb"
    language: str = "python"
    notes: tuple[str, ...] = ()
    metrics: Metrics = Metrics()
    functions: tuple[Function, ...] = ()
    findings: tuple[Finding, ...] = ()
    fingerprints: tuple[Fingerprint, ...] = ()
    candidates: tuple[str, ...] = ()
    checks: tuple[tuple[int, int], ...] = ()  # (cell, line) of each check (`no-checks`)
    lint_targets: tuple[str, ...] = ()  # extra files ruff must read for this input (see lint.py)
    suppressions: tuple[Suppression, ...] = ()
    cell_lines: tuple[tuple[int, int], ...] = ()  # (cell number, first line in the file) for .py
    # (cell number, code lines) of each Python cell that did not parse, for scoring by coverage
    unanalysed_cells: tuple[tuple[int, int], ...] = ()
    # names bound only inside statement magics (`%time total = f()`), which ruff cannot see
    magic_bound: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Suppression:
    """`# nbcoach: ignore[rule]` at a line, or for a whole cell when `line` is None."""

    cell: int | None
    line: int | None
    rules: tuple[str, ...] = ()  # empty: every rule


@dataclass(frozen=True, slots=True)
class CategoryScore:
    name: Category
    score: float
    grade: str
    cost: float = 0.0  # points it takes from the overall score (scoring.category_costs)


@dataclass(frozen=True, slots=True)
class FunctionScore:
    function: Function
    score: float
    grade: str


@dataclass(frozen=True, slots=True)
class NextStep:
    action: str
    gain: float  # the score once every finding of `fixes` is gone, minus the score now
    location: Location | None = None
    rules: tuple[str, ...] = ()
    command: str = ""
    fixes: tuple[str, ...] = ()  # the action keys (coaching.action_key) of the findings it removes


@dataclass(frozen=True, slots=True)
class SourceFile:
    """The file a card's findings are shown in by tools that know files, not cells.

    SARIF viewers and GitHub annotations show a line of a file: for a notebook with a py:percent
    pair that is the `.py` (a cell's lines stand one-to-one from `cell_lines`), for a `.py` the
    file itself; otherwise the notebook, where a line can only be given within its cell. `path`
    is relative to `Report.source_root`, in POSIX form.
    """

    path: str
    cell_lines: tuple[tuple[int, int], ...] = ()  # (cell, first file line) for a text file
    paired: bool = False  # `path` is the notebook's jupytext pair

    def line(self, cell: int | None, line: int | None) -> int | None:
        """The file line of `line` in `cell`; None when the file has no line for it."""
        if cell is None:
            return line
        starts = dict(self.cell_lines)
        if cell not in starts:
            return None
        return starts[cell] + (line or 1) - 1


@dataclass(frozen=True, slots=True)
class ReportCard:
    path: str
    status: Status
    reason: str = ""
    format: SourceFormat = "ipynb"
    language: str = "python"
    notes: tuple[str, ...] = ()
    score: float | None = None
    grade: str | None = None
    categories: tuple[CategoryScore, ...] = ()
    functions: tuple[FunctionScore, ...] = ()
    findings: tuple[Finding, ...] = ()
    next_steps: tuple[NextStep, ...] = ()  # scored steps only: each has a gain > 0
    # One function ready to move into a module, with its command. It earns no points (the same
    # code is graded wherever it lives), so it is never one of the scored `next_steps`.
    extraction: NextStep | None = None
    analysed_share: float | None = None  # of code lines, when some did not parse (scoring.py)
    strengths: tuple[str, ...] = ()
    candidates: tuple[str, ...] = ()
    metrics: Metrics = Metrics()
    source: SourceFile | None = None  # set by `sourcemap.attach_sources` for SARIF and GitHub
    # What holds the grade down: the category that costs the most points, and its worst finding.
    held_by: str = ""


@dataclass(frozen=True, slots=True)
class Report:
    """One run of `nbcoach report`: a card per input plus what spans inputs."""

    cards: tuple[ReportCard, ...]
    cross_findings: tuple[Finding, ...] = ()
    input_errors: tuple[str, ...] = ()
    fail_under: float | None = None
    stats: dict[str, float] = field(default_factory=dict)
    source_root: str = ""  # the folder `ReportCard.source` paths are relative to
    excluded: tuple[tuple[str, str], ...] = ()  # (path, pattern) left out by `exclude`
    ignored: int = 0  # files a folder search left out because git ignores them


# --- extraction (`nbcoach extract`) ---


@dataclass(frozen=True, slots=True)
class Refusal:
    """A definition that stays in the notebook, and exactly why.

    `code` is stable (counted over the corpus, documented in docs/extract.md); `reason` is the
    one line a user reads; `location` is the place to look (the definition, or the call site
    or binding that blocks the move).
    """

    name: str
    code: str
    reason: str
    location: Location | None = None
    cause: str = ""  # for `helper-refused`: the code of the refusal at the root of the chain


@dataclass(frozen=True, slots=True)
class MovedDefinition:
    """A function or class that moves into the module, as its live (last) definition."""

    name: str
    kind: str  # "function" | "class"
    location: Location
    requested: bool = True  # False: moved because a requested definition calls it
    parameters: tuple[str, ...] = ()  # notebook data it now takes as keyword-only parameters
    call_sites: tuple[Location, ...] = ()  # notebook calls rewritten to pass those parameters
    earlier: tuple[Location, ...] = ()  # earlier definitions, removed from the notebook too
    earlier_identical: bool = True  # whether every earlier definition had the same code
    imported: bool = True  # the notebook imports it back (it still uses the name)


@dataclass(frozen=True, slots=True)
class CellChange:
    """The new source of one code cell (numbered as in the notebook before the change);
    `source` None removes the cell."""

    cell: int
    source: str | None


@dataclass(frozen=True, slots=True)
class ExtractionPlan:
    """Everything `nbcoach extract` would write, computed without writing anything.

    The digests are of the files as read when planning: applying refuses if either changed.
    """

    notebook: str
    module: str  # the module file
    module_name: str  # dotted, as the notebook imports it
    source_root: str  # the folder that must be importable (`src`)
    moved: tuple[MovedDefinition, ...] = ()
    refusals: tuple[Refusal, ...] = ()
    constants: tuple[str, ...] = ()  # literal constants copied into the module
    module_imports: tuple[str, ...] = ()  # import statements the module gains
    import_statement: str = ""  # what the notebook gets at the first definition's place
    import_cell: int | None = None
    changes: tuple[CellChange, ...] = ()
    notebook_text: str = ""  # the notebook JSON to write
    module_text: str = ""  # the whole module to write
    created: tuple[str, ...] = ()  # package `__init__.py` files to create
    notes: tuple[str, ...] = ()
    notebook_digest: str = ""
    module_digest: str | None = None  # None: the module does not exist yet
    notebook_diff: str = ""  # the notebook seen as py:percent, before -> after
    module_diff: str = ""
    cell_count: int = 0  # cells in the notebook before the change

    @property
    def empty(self) -> bool:
        """Nothing can move: every requested definition was refused (or none was asked)."""
        return not self.moved


@dataclass(frozen=True, slots=True)
class CandidateStatus:
    """One top-level definition of a notebook, and whether `extract` can move it."""

    name: str
    kind: str
    location: Location
    ready: bool
    parameters: tuple[str, ...] = ()
    helpers: tuple[str, ...] = ()  # other definitions that would move with it
    refusal: Refusal | None = None
    split_first: str = ""  # why it should be split before it moves (it moves only when named)


@dataclass(frozen=True, slots=True)
class SplitHelper:
    """One function `nbcoach split` cuts out of a long one."""

    name: str
    parameters: tuple[str, ...]
    returns: tuple[str, ...]
    lines: int
    cut_from: str  # the function it is cut out of (the one split, or an earlier helper)
    named_by: str  # "comment" (the step's comment), "result", "code", "position", "--name"


@dataclass(frozen=True, slots=True)
class SplitPlan:
    """Everything `nbcoach split` would write, computed without writing anything. It has the
    fields of an ExtractionPlan that applying reads (no module: `module` is empty)."""

    notebook: str  # the file edited: a notebook, or a .py module
    function: str
    cell: int | None  # the cell holding the function (None for a .py module)
    helpers: tuple[SplitHelper, ...] = ()
    constants: tuple[tuple[str, str], ...] = ()  # (local name, module-level CONSTANT)
    left: tuple[str, ...] = ()  # what stays over the limits, and why
    within_limits: bool = False
    before: Function | None = None
    after: tuple[Function, ...] = ()  # the function and its helpers, measured after
    problems: tuple[str, ...] = ()  # why the cut would not mean the same (never applied)
    notes: tuple[str, ...] = ()
    notebook_text: str = ""
    notebook_digest: str = ""
    notebook_diff: str = ""
    source_root: str = ""  # importable during --verify: the notebook's folder
    changes: tuple[CellChange, ...] = ()
    cell_count: int = 0
    module: str = ""
    module_text: str = ""
    module_digest: str | None = None
    created: tuple[str, ...] = ()
    grouped: str = ""  # the dataclass the function's trailing parameters became, if any

    @property
    def empty(self) -> bool:
        """Nothing to cut, or a cut that would change what the code means."""
        return not (self.helpers or self.constants or self.grouped) or bool(self.problems)


@dataclass(frozen=True, slots=True)
class ExtractionResult:
    """What `extract --apply` (or `split --apply`) did: written files, the backup, and the
    verification."""

    plan: ExtractionPlan | SplitPlan
    applied: bool
    written: tuple[str, ...] = ()
    backup: str = ""
    verified: bool | None = None  # None: not asked to verify
    rolled_back: bool = False
    before: RunResult | None = None
    after: RunResult | None = None
    differences: tuple[OutputDifference, ...] = ()
    compared_cells: int = 0
    unstable_cells: tuple[int, ...] = ()  # differ between two runs of the unchanged notebook
    importable: str = ""  # empty when the kernel can import the module, else how to make it so
    tests: str = ""  # the characterization test file written, if any
    notes: tuple[str, ...] = ()
