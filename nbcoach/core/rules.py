"""Every rule nbcoach reports: its id, category, and why it matters and how to fix it.

Lint findings carry ruff's own codes (F401, N802, ...); `nbcoach rules F401` hands over to
`ruff rule F401` for those.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from nbcoach.core.errors import NbcoachError

if TYPE_CHECKING:  # the model's classes are not needed to name rules (a warm run never loads them)
    from nbcoach.core.model import Category


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    category: Category
    summary: str
    why: str
    fix: str


RULES: tuple[Rule, ...] = (
    Rule(
        "long-function",
        "functions",
        "A function is longer than the limit (50 lines by default).",
        "A long function does many things; it is hard to test, to name and to reuse, and a reviewer "
        "cannot hold it in their head. In real notebooks 99% of functions stay under 46-74 lines.",
        "Split it: lift each loop or step that has a name of its own into a helper function.",
    ),
    Rule(
        "too-many-statements",
        "functions",
        "A function holds more statements than the limit (50, as ruff's PLR0915).",
        "Statement count measures how much a function does, whatever its formatting.",
        "Move self-contained steps into helpers; return early instead of nesting.",
    ),
    Rule(
        "too-many-parameters",
        "functions",
        "A function takes more parameters than the limit (5, as ruff's PLR0913).",
        "Many parameters mean many ways to call it wrongly and a function doing several jobs.",
        "Group related parameters into a dataclass or a config dict, or split the function.",
    ),
    Rule(
        "deep-nesting",
        "functions",
        "Blocks are nested deeper than the limit (4 levels).",
        "Each level of nesting is one more condition a reader must keep in mind.",
        "Return or `continue` early, and move the innermost loop into a helper.",
    ),
    Rule(
        "long-cell",
        "functions",
        "A cell runs many lines of code outside any function (40 by default).",
        "Top-level code can only be re-run by re-running the cell, cannot be tested, and its "
        "variables leak into every later cell.",
        "Wrap the cell's steps in a function with the cell's inputs as parameters, then call it.",
    ),
    Rule(
        "complex-function",
        "complexity",
        "A function's cyclomatic complexity is over the limit (10).",
        "Complexity counts the paths through a function; above 10 (radon rank C and worse) each "
        "path is hard to test and bugs hide in the branches nobody ran.",
        "Replace nested if/else with early returns or a lookup table, and split the branches into helpers.",
    ),
    Rule(
        "redefined-function",
        "duplication",
        "A function is defined in more than one place.",
        "Which version runs depends on which cell ran last; if it was used between definitions, "
        "results above were computed with a version that no longer exists in the notebook.",
        "Keep the one definition you mean (usually the last), delete the others, and restart and run all.",
    ),
    Rule(
        "redefined-class",
        "duplication",
        "A class is defined in more than one place.",
        "Objects made before the redefinition belong to the old class: isinstance checks and "
        "methods silently disagree.",
        "Keep one definition and delete the others; restart and run all.",
    ),
    Rule(
        "long-script",
        "functions",
        "The notebook runs many lines of code outside any function (80 by default).",
        "However short each cell, a long top-level script cannot be tested, re-run in parts or "
        "reused: every step depends on the state all cells above left behind.",
        "Turn each step the notebook repeats or others need into a function with its inputs as "
        "parameters; keep the top level to short calls that read like the analysis.",
    ),
    Rule(
        "no-checks",
        "functions",
        "Nothing in the notebook checks a result: no `assert`, test or guard (from 30 code "
        "lines). Shown beside the first function, or at the last line of code.",
        "A notebook that checks nothing fails silently: a join that drops rows or a function "
        "broken by an edit shows up, if ever, as a wrong number downstream, and whoever builds "
        "on it cannot tell what it promises. It costs up to 12 points of the functions "
        "category, its full price from 100 code lines.",
        "Add an `assert` where a later step relies on something (`assert df.index.is_unique`, "
        "no missing keys after a merge, the row count you expect), and a small test cell with "
        "asserts for each function others will reuse. `np.testing` / `pd.testing` / unittest "
        "asserts, `pytest.raises`, `doctest.testmod()` and `if ...: raise` guards count too.",
    ),
    Rule(
        "reassigned-variable",
        "duplication",
        "A variable is assigned again in a later cell.",
        "The value a cell sees depends on which cells ran before it and how often: re-running a "
        "`df = df[...]` cell filters twice, and a name that changes from a dict to a list breaks "
        "every cell written for the dict.",
        "Give each stage its own name (`raw`, `cleaned`, `features`), or move the chain into one function.",
    ),
    Rule(
        "copy-paste",
        "duplication",
        "A block of code is repeated, with the same shape (other names and values count).",
        "A fix made to one copy is missed in the others; the copies drift apart. Copies that "
        "differ only in column names or constants are still copies. A copy costs the share of "
        "the notebook it holds: its full price up to 100 code lines, less in a longer notebook.",
        "Turn the block into a function of the parts that differ, and call it from each place.",
    ),
    Rule(
        "copy-paste-across",
        "duplication",
        "A block of code is repeated in another notebook of this run.",
        "Notebooks that share code by copying it disagree as soon as one of them is fixed. This "
        "finding does not change any score: a notebook's grade depends only on the notebook.",
        "Move the shared block into a module in `src/` (`nbcoach extract` can do it) and import it in both.",
    ),
    Rule(
        "syntax-error",
        "lint",
        "A cell does not parse as Python, even with its magics masked.",
        "Nothing in the cell can be analysed, and the notebook cannot run top to bottom.",
        "Fix the syntax at the line shown; if it is another language, use a cell magic such as `%%bash`.",
    ),
    Rule(
        "unused-name",
        "lint",
        "A name is assigned at the top level and never read anywhere in the notebook.",
        "ruff's unused-variable rule looks only inside functions; most notebook code is top "
        "level. A value nobody reads is dead code, or a sign that a later cell reads a stale "
        "name instead of it.",
        "Delete the assignment, or use the value where it was meant to be used.",
    ),
    Rule(
        "removed-api",
        "lint",
        "A library call, module or argument that a current release no longer has.",
        "The cell fails on today's libraries (`df.append` left pandas in 2.0, `as_matrix` in 1.0, "
        "`sklearn.cross_validation` in 0.20): the notebook cannot be re-run until it is ported, "
        "and the lock file cannot move forward.",
        "Write what the message says instead (`pd.concat`, `.to_numpy()`, `sklearn.model_selection`).",
    ),
    Rule(
        "duplicate-item",
        "lint",
        "A list of column or feature names (indexing a frame, `usecols=`, `.isin()`, `feature_cols = [...]`) names one twice.",
        "A column exported twice, or a feature counted twice, is usually a paste slip that hides "
        "the name that was meant.",
        "Remove the second entry, or put the name that was meant in its place.",
    ),
    Rule(
        "reimported-module",
        "lint",
        "The same module is imported in more than one cell.",
        "Imports scattered through a notebook hide what it depends on, and a cell that re-imports "
        "a module can silently replace a name an earlier cell changed.",
        "Import each module once, in the first code cell, and delete the other imports.",
    ),
    Rule(
        "magic-number",
        "lint",
        "The same number is written in three or more calculations or comparisons.",
        "A threshold or scale written several times must be changed in every place at once; "
        "missing one gives a result that is silently inconsistent.",
        "Give the number a name once, near the top (`MIN_VOTES = 75`), and use the name.",
    ),
    Rule(
        "top-level-name",
        "lint",
        "Data at the top level has a one-letter or CapWords name.",
        "ruff's naming rules look only inside functions. `a`, `m` or `Data` say nothing of what "
        "they hold, and a CapWords name reads as a class.",
        "Name the data for what it holds, in snake_case (`monthly_sales`).",
    ),
    Rule(
        "reads-globals",
        "hygiene",
        "Functions read notebook variables instead of taking them as parameters.",
        "Such a function gives another answer when a cell above it is re-run, cannot be tested "
        "on its own, and cannot be moved into a module as it is.",
        "Pass the values in as parameters (`nbcoach extract` does it for you when it moves the "
        "function); constants in UPPER_CASE may stay global.",
    ),
    Rule(
        "python2",
        "lint",
        "Code written for Python 2 (`print x`, `except E, e`): one finding for the notebook.",
        "It does not run on any Python that is still maintained, and nothing in those cells can "
        "be analysed: their lines score zero until they parse.",
        "Port it: `print x` becomes `print(x)`, `except E, e:` becomes `except E as e:`. For a "
        "notebook paired with a .py, `2to3 -w notebook.py` (Python 3.12 and older ship it) ports "
        "the file, then `nbcoach sync` carries it into the notebook.",
    ),
    Rule(
        "execution-order",
        "hygiene",
        "Cells were executed out of order.",
        "The saved outputs came from an order of execution nobody can see; running the notebook "
        "top to bottom may give different results, or fail.",
        "Restart the kernel and run all cells, then save.",
    ),
    Rule(
        "execution-gap",
        "hygiene",
        "Execution counts skip numbers.",
        "Cells were run and then deleted or re-run; the saved state depends on code that is no longer there.",
        "Restart the kernel and run all cells, then save.",
    ),
    Rule(
        "never-executed",
        "hygiene",
        "Some code cells were never executed while others were.",
        "A cell that never ran may not work at all, and the outputs after it did not see its effects.",
        "Restart the kernel and run all cells, or delete cells that are not needed.",
    ),
    Rule(
        "late-import",
        "hygiene",
        "Modules are imported after the first code cells.",
        "Readers look for a notebook's dependencies at the top; an import in the middle hides one, "
        "and cells above it fail when run on their own.",
        "Move the import into the first code cell.",
    ),
    Rule(
        "star-import",
        "hygiene",
        "`from module import *`.",
        "Nobody (no reader, no linter) can tell where a name comes from, and later imports silently shadow earlier ones.",
        "Import the names you use: `from math import sqrt, pi`, or `import math`.",
    ),
    Rule(
        "absolute-path",
        "hygiene",
        "A hard-coded absolute path to one person's machine.",
        "The notebook only runs on the machine where it was written.",
        "Use a path relative to the project, named once at the top (`DATA = Path('data')`), or a parameter.",
    ),
    Rule(
        "hard-coded-path",
        "hygiene",
        "A data, model or figure file's path written where it is read or written, not named once.",
        "Moving the data or running from another folder means finding every copy of the path, "
        "and a reader cannot see at a glance what the notebook reads and writes.",
        "Name each folder or file once at the top (`DATA = Path('data')`, "
        "`TRAIN = DATA / 'train.csv'`), or make it a papermill parameter, and use the name.",
    ),
    Rule(
        "error-output",
        "hygiene",
        "A cell's saved output is an error traceback.",
        "Readers cannot tell whether the notebook works; the saved results may not come from a full run.",
        "Fix the error, or clear the output; then restart and run all before saving.",
    ),
    Rule(
        "large-output",
        "hygiene",
        "A cell saves a very large output (over 500 KB by default).",
        "Large outputs bloat the repository and every diff, and stop notebooks rendering on GitHub.",
        "Print a summary (`df.head()`), save big results to files, or strip outputs with nbstripout.",
    ),
    Rule(
        "empty-cell",
        "hygiene",
        "Empty code cells.",
        "Empty cells are noise that readers scroll past.",
        "Delete them.",
    ),
    Rule(
        "little-markdown",
        "hygiene",
        "Little or no markdown narrative between the code.",
        "A notebook is read as a story; without text, readers must reverse-engineer the intent of every cell.",
        "Add a title and one sentence before each step saying what it does and why.",
    ),
    Rule(
        "untitled-name",
        "hygiene",
        "The file is still called Untitled or is a `-Copy`.",
        "Nobody can find it, and copies drift from the original.",
        "Rename it after what it does; delete copies or merge them back.",
    ),
)

RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in RULES}


def rule_help(rule_id: str) -> str:
    """The one-line why and how-to-fix shown under a finding: for a ruff code, the first
    sentence of ruff's own "Why is this bad?" and where ruff says more."""
    rule = RULES_BY_ID.get(rule_id)
    if rule is not None:
        return rule.fix
    why = _ruff_help().get(rule_id, "")
    # Not whether `ruff check --fix` fixes it: that depends on the finding (E712's fix is
    # unsafe, applied only with --unsafe-fixes); the card's next step counts what it fixes.
    return f"{why} `ruff rule {rule_id}` says more." if why else f"see `ruff rule {rule_id}`"


def keep_ruff_help_in(folder: Path) -> None:
    """Keep ruff's explanations in `folder` (the run's cache): asking `ruff rule --all` costs a
    warm report 20 ms of its 100, reading them back 1 ms. Keyed by which ruff runs."""
    with _LOCK:
        _KEPT_IN[:] = [folder]


def _ruff_help() -> dict[str, str]:
    """code -> why, from `ruff rule --all`, asked once per process (or read where a run kept
    it); empty when ruff cannot say (each finding then points at `ruff rule CODE`)."""
    with _LOCK:
        if _RUFF_HELP:
            return _RUFF_HELP[0]
        from nbcoach.core.tools import ruff_identity, ruff_rules

        kept = _KEPT_IN[0] / f"ruff-help-{ruff_identity()}.json" if _KEPT_IN else None
        table: dict[str, str] = {}
        try:
            if kept is not None:
                table = json.loads(kept.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            table = {}
        if not isinstance(table, dict) or not table:
            table = {
                str(rule.get("code")): _first_reason(str(rule.get("explanation") or ""))
                for rule in ruff_rules()
            }
            if kept is not None and table:
                _keep(kept, table)
        _RUFF_HELP.append(table)
        return table


def _keep(path: Path, table: dict[str, str]) -> None:
    from nbcoach.core.files import write_atomic

    with contextlib.suppress(NbcoachError):  # a cache that cannot be written is not used
        write_atomic(path, json.dumps(table, ensure_ascii=False))


def _first_reason(explanation: str) -> str:
    """The first sentence of ruff's "Why is this bad?" (else of "What it does"), as plain text."""
    for heading in ("Why is this bad?", "What it does"):
        found = re.search(
            rf"^## {re.escape(heading)}\n(.+?)(?:\n\n|\n#|\Z)", explanation, re.S | re.M
        )
        if found is None:
            continue
        text = re.sub(
            r"\[([^\]]+)\](?:\[[^\]]*\]|\([^)]*\))?", r"\1", " ".join(found.group(1).split())
        )
        sentence = re.split(r"(?<=[.!?])(?<!\be\.g\.)(?<!\bi\.e\.)\s+(?=[A-Z`])", text)[0]
        if sentence.endswith(".") and sentence.count('"') % 2 == 0:
            return sentence
    return ""


_LOCK = threading.Lock()  # the LSP server renders from more than one thread
_RUFF_HELP: list[dict[str, str]] = []  # filled once per process
_KEPT_IN: list[Path] = []  # where a run keeps the table (its cache folder), if anywhere


# How a ruff code or prefix is written (`F`, `E7`, `PLR0913`); nbcoach's ids are lower case.
RUFF_CODE = re.compile(r"[A-Z]+[0-9]*")


def unknown_patterns(
    patterns: Iterable[str], ruff_codes: Callable[[], frozenset[str] | None]
) -> list[str]:
    """The `select` / `ignore` entries that name no rule. A typo there is no small thing:
    `select = ["nosuchrule"]` selects nothing, and every notebook would grade 100. Known: `ALL`,
    nbcoach's ids, and ruff's codes or their prefixes as ruff reads them (`F`, `E7`, `PLR0913`);
    ruff is asked (`ruff_codes`) only when an entry looks like a code."""
    unknown: list[str] = []
    codes: frozenset[str] | None = None
    asked = False
    for pattern in dict.fromkeys(patterns):
        if pattern == "ALL" or pattern in RULES_BY_ID:
            continue
        if RUFF_CODE.fullmatch(pattern):
            if not asked:
                codes, asked = ruff_codes(), True
            if codes is None or any(code.startswith(pattern) for code in codes):
                continue
        unknown.append(pattern)
    return unknown


def closest(text: str) -> str | None:
    """The rule id a mistyped one most likely meant (`long-functon` -> `long-function`)."""
    import difflib

    found = difflib.get_close_matches(text.lower(), list(RULES_BY_ID), n=1, cutoff=0.75)
    return found[0] if found else None


RUFF_RULES_URL = "https://docs.astral.sh/ruff/rules/"


def docs_url(page: str = "", anchor: str = "") -> str:
    """Where the documentation lives, from the installed package's `Documentation` URL (its
    pyproject), with a page and an anchor: SARIF viewers link each rule there."""
    from importlib import metadata

    try:
        urls = metadata.metadata("nbcoach").get_all("Project-URL") or []
    except metadata.PackageNotFoundError:
        urls = []
    base = next(
        (u.split(",", 1)[1].strip() for u in urls if u.lower().startswith("documentation,")),
        "",
    )
    if not base:
        return ""
    url = f"{base.rstrip('/')}/{page}" if page else base
    return f"{url}#{anchor}" if anchor else url


def rules_markdown() -> str:
    """docs/rules.md: every rule with why it matters and how to fix it, one anchor each (the
    page SARIF's helpUri points to; tests/core/test_rules.py keeps the file in step)."""
    lines = [
        "# Rules",
        "",
        "Every rule nbcoach reports, by category. `nbcoach rules ID` prints the same text;",
        "`# nbcoach: ignore[ID]` on a line or at the top of a cell silences one (one about",
        "the whole notebook, `long-script` or `no-checks`, in any cell); `ignore`, `select`",
        "and `per-file-ignores` in `[tool.nbcoach]` choose them for a project. Lint",
        f"findings carry ruff's codes, explained at <{RUFF_RULES_URL}>.",
        "",
    ]
    for category in dict.fromkeys(rule.category for rule in RULES):
        lines += [f"## {category}", ""]
        for rule in (r for r in RULES if r.category == category):
            lines += [
                f"### {rule.id}",
                "",
                rule.summary,
                "",
                f"**Why:** {rule.why}",
                "",
                f"**How to fix:** {rule.fix}",
                "",
            ]
    return "\n".join(lines).rstrip("\n") + "\n"
