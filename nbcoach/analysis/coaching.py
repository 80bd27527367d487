"""The next three steps worth the most points, and what is already good.

A step is one action that removes a group of findings (split one function with everything it is
flagged for, keep one definition, restart and run all), or a few such actions that only pay
together: with two 400-line functions, splitting one leaves the functions category at zero, so
each alone gains a point and only both gain twenty. Its gain is the truth, not a sum: the
notebook is re-scored without the step's findings and the difference between the two scores as
the card shows them is the gain. Candidates are ranked by an incremental re-score (a category's
p-norm is a sum of powers, so removing a group subtracts its terms), which keeps coaching linear
in the number of findings; the steps shown are then re-scored exactly.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from nbcoach.analysis.scoring import (
    CHECKS_SUBJECT,
    NORM,
    PYTHON2_SUBJECT,
    analysed_share,
    by_coverage,
    category_scores,
    checks_price,
    combine,
    combine_categories,
    function_subject,
    grade,
    overall,
)
from nbcoach.core.files import shell_word
from nbcoach.core.model import (
    CATEGORIES,
    Category,
    CategoryScore,
    Finding,
    Function,
    Location,
    Metrics,
    NextStep,
)
from nbcoach.core.words import counted

RUN_ALL = {"execution-order", "execution-gap", "never-executed", "error-output"}
MIN_GAIN = 0.1
MIN_EXTRACT_LINES = 5  # a smaller helper is not worth a trip to a module on its own
SPLIT_RULES = frozenset({"long-function", "too-many-statements", "complex-function"})
MAX_TOGETHER = 5  # actions one grouped step may ask for (unless a category at zero needs all)
MIN_ALONE = 1.0  # a category at zero whose best step gains less is shown as one step of all


def action_key(finding: Finding) -> str:
    """Findings with the same key are fixed by the same action."""
    if finding.rule in RUN_ALL:
        return "hygiene:run-all"
    return finding.subject or f"{finding.rule}:{finding.location}"


@dataclass(frozen=True, slots=True)
class Coverage:
    """Code lines analysed, and the code lines of each cell that did not parse (scored as zero),
    keyed by the subject of its `syntax-error` finding."""

    analysed_lines: int = 0
    unanalysed: Mapping[str, int] = field(default_factory=dict)

    def share(self, fixed: Iterable[str] = ()) -> float | None:
        """The analysed share, or what it would be once the cells of the `fixed` subjects parse."""
        left = dict(self.unanalysed)
        gained = sum(left.pop(subject, 0) for subject in fixed)
        return analysed_share(self.analysed_lines + gained, sum(left.values()))


def next_steps(
    findings: Sequence[Finding],
    functions: Sequence[Function],
    weights: Mapping[str, float],
    notebook_path: str,
    script: bool,
    coverage: Coverage = Coverage(),
    limit: int = 3,
) -> tuple[NextStep, ...]:
    """The steps worth the most points. Fixing a syntax error also brings its cell's lines into
    the score; the gain counts them as if they had no other problem, which is the best case."""
    scored = [f for f in findings if f.scored and f.deficit > 0]
    if not scored:
        return ()
    sums: dict[Category, float] = defaultdict(float)
    for finding in scored:
        sums[finding.category] += finding.deficit ** NORM[finding.category]
    groups: dict[str, list[Finding]] = defaultdict(list)
    for finding in scored:
        groups[action_key(finding)].append(finding)
    rescore = _Rescore(sums, weights, coverage, groups)
    ranked: dict[tuple[str, ...], float] = {(key,): rescore.estimate((key,)) for key in groups}
    singles = dict(ranked)
    together = _together(groups, sums, rescore, ranked)
    covered = {key for keys in together for key in keys}
    ranked = {keys: gain for keys, gain in ranked.items() if keys[0] not in covered}
    ranked.update(together)
    # The dominant problem stays on the card: a category at zero gets its best step shown, and
    # when no step of a few actions lifts it (forty copy-pasted blocks), the step is all of them.
    chosen = sorted(ranked, key=lambda keys: -ranked[keys])[:limit]
    for category in CATEGORIES:
        if sums.get(category, 0.0) ** (1.0 / NORM[category]) < 100.0:
            continue
        touching = [k for k in ranked if any(_in(groups, key, category) for key in k)]
        best = max(touching, key=lambda keys: ranked[keys], default=None)
        everything = tuple(key for key in groups if _in(groups, key, category))
        if everything and (best is None or ranked[best] < MIN_ALONE):
            ranked[everything] = rescore.estimate(everything)
            best = everything if best is None or ranked[everything] > ranked[best] else best
        if best is not None and best not in chosen and ranked[best] >= MIN_GAIN:
            chosen = [*chosen[: limit - 1], best]
    exact = _Exact(scored, weights, coverage, groups)
    steps = []
    for keys in chosen:
        gain = exact.gain(keys)
        if gain < MIN_GAIN:
            continue
        steps.append(_step(keys, gain, groups, functions, notebook_path, script, sums, singles))
    steps.sort(
        key=lambda s: (
            -s.gain,
            s.location.cell or 0 if s.location else 0,
            s.location.line or 0 if s.location else 0,
            s.action,
        )
    )
    return tuple(steps)


def _in(groups: Mapping[str, list[Finding]], key: str, category: Category) -> bool:
    return any(f.category == category for f in groups[key])


@dataclass(slots=True)
class _Rescore:
    """The incremental re-score, for ranking: what the score would be without some groups."""

    sums: Mapping[Category, float]
    weights: Mapping[str, float]
    coverage: Coverage
    groups: Mapping[str, list[Finding]]
    base: float = 0.0

    def __post_init__(self) -> None:
        self.base = by_coverage(_overall(self.sums, self.weights), self.coverage.share())

    def estimate(self, keys: Sequence[str]) -> float:
        reduced = dict(self.sums)
        fixed = []
        for key in keys:
            for finding in self.groups[key]:
                reduced[finding.category] = max(
                    0.0, reduced[finding.category] - finding.deficit ** NORM[finding.category]
                )
                if finding.rule in ("syntax-error", "python2"):
                    fixed.append(finding.subject)
        score = by_coverage(_overall(reduced, self.weights), self.coverage.share(fixed))
        return round(score - self.base, 1)


@dataclass(slots=True)
class _Exact:
    """The score the card would show without a step's findings: the scorer itself, run again."""

    scored: Sequence[Finding]
    weights: Mapping[str, float]
    coverage: Coverage
    groups: Mapping[str, list[Finding]]
    keyed: list[tuple[str, Finding]] = field(default_factory=list)
    base: dict[str, CategoryScore] = field(default_factory=dict)
    now: float = 0.0

    def __post_init__(self) -> None:
        # score_findings's own steps (category_scores, overall, by_coverage), with the untouched
        # categories kept from the card: the same numbers, without re-scoring every category
        # (and without the costs a gain does not need) once per step
        self.keyed = [(action_key(f), f) for f in self.scored]
        categories = category_scores(self.scored)
        self.base = {c.name: c for c in categories}
        self.now = by_coverage(overall(categories, self.weights), self.coverage.share())

    def gain(self, keys: Sequence[str]) -> float:
        removed = set(keys)
        touched = {f.category for key in keys for f in self.groups[key]}
        categories = []
        for name in CATEGORIES:
            if name not in touched:
                categories.append(self.base[name])
                continue
            left = [f.deficit for key, f in self.keyed if f.category == name and key not in removed]
            score = round(100.0 - combine(left, NORM[name]), 1)
            categories.append(CategoryScore(name, score, grade(score)))
        fixed = [
            f.subject
            for key in keys
            for f in self.groups[key]
            if f.rule in ("syntax-error", "python2")
        ]
        after = by_coverage(overall(categories, self.weights), self.coverage.share(fixed))
        return round(after - self.now, 1)


def _together(
    groups: Mapping[str, list[Finding]],
    sums: Mapping[Category, float],
    rescore: _Rescore,
    ranked: Mapping[tuple[str, ...], float],
) -> dict[tuple[str, ...], float]:
    """Actions that pay only together: in each category, its heaviest groups fixed as one step,
    when the points per action of the top k are at least twice those of one action alone and
    worth a point (two giant functions: one alone leaves the category at zero). Many small
    findings of one kind do not qualify: each one removed is worth about the same."""
    found: dict[tuple[str, ...], float] = {}
    taken: set[str] = set()
    for category in CATEGORIES:
        power = NORM[category]
        weight = {
            key: sum(f.deficit**power for f in group if f.category == category)
            for key, group in groups.items()
            if key not in taken
        }
        heaviest = sorted((k for k in weight if weight[k] > 0), key=lambda k: (-weight[k], k))
        heaviest = heaviest[:MAX_TOGETHER]
        if len(heaviest) < 2:
            continue
        best_keys: tuple[str, ...] = (heaviest[0],)
        alone = max(ranked[(key,)] for key in heaviest)
        best_rate = alone
        for size in range(2, len(heaviest) + 1):
            keys = tuple(heaviest[:size])
            gain = rescore.estimate(keys)
            rate = gain / size
            if rate >= 2 * max(alone, MIN_GAIN) and rate > best_rate and gain >= MIN_ALONE:
                best_keys, best_rate = keys, rate
        if len(best_keys) > 1:
            found[best_keys] = rescore.estimate(best_keys)
            taken.update(best_keys)
    return found


def _step(
    keys: Sequence[str],
    gain: float,
    groups: Mapping[str, list[Finding]],
    functions: Sequence[Function],
    path: str,
    script: bool,
    sums: Mapping[Category, float],
    alone: Mapping[tuple[str, ...], float],
) -> NextStep:
    by_subject = {function_subject(f): f for f in functions}
    parts = [describe(key, groups[key], by_subject, path, script) for key in keys]
    everything = [f for key in keys for f in groups[key]]
    first = min(everything, key=lambda f: (f.location.cell or 0, f.location.line or 0))
    rules = tuple(sorted({f.rule for f in everything}))
    if len(parts) == 1:
        action, command = parts[0]
    else:
        action = _together_action(keys, parts, groups, by_subject, script, sums, alone)
        command = ""
    return NextStep(action, gain, first.location, rules, command, tuple(keys))


def _together_action(
    keys: Sequence[str],
    parts: Sequence[tuple[str, str]],
    groups: Mapping[str, list[Finding]],
    functions: Mapping[str, Function],
    script: bool,
    sums: Mapping[Category, float],
    alone: Mapping[tuple[str, ...], float],
) -> str:
    shared = {f.category for f in groups[keys[0]]}
    for key in keys[1:]:
        shared &= {f.category for f in groups[key]}
    category = max(shared, key=lambda c: sums.get(c, 0.0) ** (1 / NORM[c]), default="")
    best_alone = max(alone.get((key,), 0.0) for key in keys)
    why = f"one alone gains {best_alone:+.1f}"
    if all(key in functions for key in keys):
        named = [functions[key] for key in keys]
        if all({f.rule for f in groups[key]} & SPLIT_RULES for key in keys):
            listed = _and(
                [
                    f"`{f.name}` ({f.length} lines{'' if script else f', cell {f.cell}'})"
                    for f in named
                ]
            )
            return f"Split {listed}: {why}"
    if len(keys) > MAX_TOGETHER:
        first = min(
            (f for key in keys for f in groups[key]),
            key=lambda f: (f.location.cell or 0, f.location.line or 0),
        )
        kinds = {key.split(":", 1)[0] for key in keys}
        what = (
            f"the {len(keys)} repeated blocks into functions of the parts that differ"
            if kinds == {"copy"}
            else f"all {len(keys)} {category} problems"
        )
        verb = "Turn" if kinds == {"copy"} else "Fix"
        return (
            f"{verb} {what}, first at {_where(first, script)}: "
            f"one at a time, none lifts {category} off zero"
        )
    actions = [action[0].lower() + action[1:] for action, _ in parts]
    return f"Together ({why}): " + "; ".join(actions)


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " and " + items[-1]


def split_first(
    candidates: Sequence[str], findings: Sequence[Finding], functions: Sequence[Function]
) -> dict[str, str]:
    """Candidates that should be split before they move, with why: a module is no place for a
    341-line function, and moving it would lift the notebook's grade without changing the code.
    `extract` moves them only when named with `--function`."""
    live = {f.name: f for f in functions if "." not in f.name}
    to_split = {f.subject for f in findings if f.scored and f.rule in SPLIT_RULES}
    held: dict[str, str] = {}
    for name in candidates:
        function = live.get(name)
        if function is not None and function_subject(function) in to_split:
            held[name] = f"{function.length} lines, complexity {function.complexity}"
    return held


def extraction_step(
    candidates: Sequence[str],
    findings: Sequence[Finding],
    functions: Sequence[Function],
    notebook_path: str,
    script: bool,
    checks: Sequence[tuple[int, int]] = (),
    code_lines: int = 0,
) -> NextStep | None:
    """Name one function ready to move into a module, with the exact command. It earns no
    points by itself (the same code is graded wherever it lives) but it is the step that makes
    the function testable and reusable. Chosen among the report's candidates (no hidden
    inputs), longest first, skipping any a finding is about: a function to split or a name
    defined twice should be fixed before it moves. Nor one holding every check of the
    notebook (`checks`: cell, line) when the `code_lines` left would owe one: moved, it would
    leave the notebook checking nothing, and the gate would block the step the card gave."""
    if script or not candidates:
        return None
    live = {f.name: f for f in functions if "." not in f.name}
    flagged = {f.subject for f in findings if f.scored}
    # A missing docstring does not hold a move back (the module is a fine place to add it), nor
    # does `no-checks`, shown beside the first function: it is about the whole notebook, and a
    # function in a module is the easier one to test.
    spans = [
        f.location
        for f in findings
        if f.scored
        and f.location.cell is not None
        and not f.rule.startswith("D1")
        and f.rule != "no-checks"
    ]
    for name in candidates:
        function = live.get(name)
        if function is None or function.length < MIN_EXTRACT_LINES:
            continue
        if function_subject(function) in flagged or f"redefined:{name}" in flagged:
            continue
        if any(
            where.cell == function.cell and function.line <= (where.line or 0) <= function.end_line
            for where in spans
        ):
            continue
        if (
            checks
            and checks_price(code_lines - function.length) > 0
            and all(
                cell == function.cell and function.line <= line <= function.end_line
                for cell, line in checks
            )
        ):
            continue
        path = shell_word(notebook_path)
        return NextStep(
            f"Move `{name}` (cell {function.cell}) into a module, where it can be tested and reused",
            0.0,
            Location(notebook_path, function.cell, function.line, function.end_line),
            (),
            f"nbcoach extract {path} --function {name}",
        )
    return None


def _overall(sums: Mapping[Category, float], weights: Mapping[str, float]) -> float:
    deficits = {
        name: round(min(100.0, sums[name] ** (1.0 / NORM[name])), 1) if sums.get(name) else 0.0
        for name in CATEGORIES
    }
    return combine_categories(deficits, weights)


def describe(
    key: str, group: list[Finding], functions: Mapping[str, Function], path: str, script: bool
) -> tuple[str, str]:
    """A concrete action at a place, in the author's terms."""
    kind = key.split(":", 1)[0]
    first = min(group, key=lambda f: (f.location.cell or 0, f.location.line or 0))
    where = _where(first, script)
    rules = {f.rule for f in group}
    if kind == "function" and key in functions:
        function = functions[key]
        lift = _nested_first(function, functions.values()) if rules & SPLIT_RULES else ""
        if lift:
            return lift, ""  # `split` cannot cut nested functions: lifting them is the step
        splittable = rules & SPLIT_RULES and not function.is_method and "." not in function.name
        command = (
            f"nbcoach split {shell_word(path)} --function {function.name}" if splittable else ""
        )
        return _function_action(function, rules, script), command
    if kind == "cell":
        span = (
            f"lines {first.location.line}-{first.location.end_line}"
            if first.location.end_line
            else "its code"
        )
        return (
            f"Wrap the top-level code of cell {first.location.cell} in functions, starting with {span}",
            "",
        )
    if kind == "redefined":
        name = key.split(":", 1)[1]
        places = [*first.related, first.location]
        cells = (
            ", ".join(str(p.cell) for p in places)
            if not script
            else ", ".join(f"line {p.line}" for p in places)
        )
        return (
            f"Keep one definition of `{name}` ({'cells ' if not script else ''}{cells}) and delete the others",
            "",
        )
    if kind == "reassigned":
        name = key.split(":", 1)[1]
        return (
            f"Give `{name}` a distinct name at each stage instead of re-assigning it ({where})",
            "",
        )
    if kind == "copy":
        copies = 1 + len(first.related)
        return (
            f"Turn the block repeated at {where} ({copies} copies) into one function of the parts "
            "that differ, and call it from each place",
            "",
        )
    if kind == "script":
        return (
            f"Move the notebook's steps into functions ({_clip(first.message, 70)}): start at {where}",
            "",
        )
    if kind in ("unused", "reimport", "magic", "name"):
        return f"{_clip(first.message, 90)[0].upper()}{_clip(first.message, 90)[1:]} ({where})", ""
    if key == PYTHON2_SUBJECT:
        ported = counted(1 + len(first.related), "cell")
        return (
            f"Port the code written for Python 2 to Python 3 ({ported}, first at {where}): "
            "until it parses, its lines score zero",
            "",
        )
    if key == CHECKS_SUBJECT:
        return (
            f"Add a check at {where}: an `assert` on what the next step relies on (the row count, "
            "unique keys, no missing values after a merge), or a test cell for the functions",
            "",
        )
    if kind == "syntax":
        return (
            f"Fix the syntax error at {where}: until the {'file' if script else 'cell'} parses,"
            " its lines score zero",
            "",
        )
    if kind == "lint":
        code = key.split(":", 1)[1]
        fixable = sum(f.fixable for f in group)
        fix = f"; `ruff check --fix` fixes {fixable} of them" if fixable else ""
        count = f"{len(group)} x " if len(group) > 1 else ""
        return (
            f"Fix {count}{code} ({_clip(first.message)}), first at {where}{fix}",
            f"ruff rule {code}",
        )
    return _hygiene_action(key, group, where), ""


def _nested_first(function: Function, every: Iterable[Function]) -> str:
    """When nested functions make up half the function or more, the step is to lift them."""
    prefix = f"{function.name}."
    nested = {
        f.name: f for f in every if f.name.startswith(prefix) and "." not in f.name[len(prefix) :]
    }
    inner = sum(f.length for f in nested.values())
    if not nested or inner * 2 < function.length:
        return ""
    shown = ", ".join(f"`{n[len(prefix) :]}`" for n in list(nested)[:3])
    more = ", ..." if len(nested) > 3 else ""
    return (
        f"Move the {len(nested)} nested functions of `{function.name}` ({shown}{more}: "
        f"{inner} of its {function.length} lines) to the top level, passing in what they read "
        "from it; then split what is left"
    )


def _function_action(function: Function, rules: set[str], script: bool) -> str:
    cell = "" if script else f", cell {function.cell}"
    name = f"`{function.name}`"
    if rules & SPLIT_RULES:
        start = (
            f": start with the {function.largest_block_kind} at lines {function.largest_block[0]}-{function.largest_block[1]}"
            if function.largest_block
            else ": move each step into a helper"
        )
        # the step's gain counts every finding of the function: say each thing it asks for
        also = (
            f", and group its {function.parameters} parameters into a dataclass or a dict"
            if "too-many-parameters" in rules
            else ""
        )
        return (
            f"Split {name} ({function.length} lines, complexity {function.complexity}{cell})"
            f"{start}{also}"
        )
    if "too-many-parameters" in rules:
        where = "" if script else f" (cell {function.cell})"
        return f"Group the {function.parameters} parameters of {name}{where} into a dataclass or a dict"
    return f"Flatten {name} (nesting depth {function.nesting}{cell}): return early or move the innermost loop into a helper"


def _hygiene_action(key: str, group: list[Finding], where: str) -> str:
    rule = group[0].rule
    if key == "hygiene:run-all":
        return "Restart the kernel and run all cells, then save: the saved state does not come from a clean top-to-bottom run"
    if rule == "late-import":
        cells = sorted({f.location.cell for f in group if f.location.cell})
        return f"Move the imports of cell{'s' if len(cells) > 1 else ''} {', '.join(map(str, cells))} into the first code cell"
    if rule == "star-import":
        return f"Replace the star import at {where} with the names you use"
    if rule == "absolute-path":
        return f"Replace the hard-coded absolute paths with paths relative to the project, first at {where}"
    if rule == "hard-coded-path":
        return f"Name the file paths once at the top (a folder constant, or a papermill parameter) and use the names, first at {where}"
    if rule == "large-output":
        return f"Shrink the saved output at {where} (print a summary, or strip outputs with nbstripout)"
    if rule == "empty-cell":
        return "Delete the empty cells"
    if rule == "little-markdown":
        return "Add a title and a sentence of markdown before each step"
    if rule == "untitled-name":
        return "Rename the notebook after what it does"
    if rule == "reads-globals":
        return f"Pass the notebook variables that functions read in as parameters, first at {where}"
    # the finding's own words say what to change (`normed=` was removed ...: use `density=`)
    return f"Fix {rule} at {where}: {group[0].message}"


def _where(finding: Finding, script: bool) -> str:
    location = finding.location
    if script or location.cell is None:
        return f"line {location.line}" if location.line else "the notebook"
    return f"cell {location.cell}" + (f" line {location.line}" if location.line else "")


def _clip(text: str, width: int = 60) -> str:
    return text if len(text) <= width else text[: width - 3] + "..."


def strengths(
    findings: Sequence[Finding], functions: Sequence[Function], metrics: Metrics, executed: bool
) -> tuple[str, ...]:
    """What is already good, so the card starts from something true and encouraging."""
    rules = {f.rule for f in findings if f.scored}
    good: list[str] = []
    if functions and not rules & {
        "long-function",
        "too-many-statements",
        "too-many-parameters",
        "deep-nesting",
    }:
        good.append(
            "The function is within the size limits"
            if len(functions) == 1
            else f"All {len(functions)} functions are within the size limits"
        )
    if functions and "complex-function" not in rules:
        good.append("Every function is simple enough to test (complexity 10 or less)")
    if functions and not rules & {"redefined-function", "redefined-class"}:
        good.append("No function or class is defined twice")
    if executed and not rules & {"execution-order", "execution-gap", "never-executed"}:
        good.append("Cells were run in order, top to bottom")
    if metrics.markdown_cells >= 3 and "little-markdown" not in rules:
        good.append(f"{metrics.markdown_cells} markdown cells tell the story")
    if not any(f.category == "lint" for f in findings if f.scored):
        good.append("ruff finds nothing to fix")
    if not rules & {"reassigned-variable"} and metrics.code_lines:
        good.append("No variable is re-assigned across cells")
    if not good and metrics.analysed_cells:
        good.append(
            f"{metrics.analysed_cells} of {metrics.python_cells} code cells parse and were analysed"
        )
    return tuple(good[:3])
