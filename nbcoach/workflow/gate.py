"""The commit gate with a ratchet: what got worse fails, what got better tightens the baseline.

A notebook with a baseline entry passes as long as neither it nor any of its functions got
worse; `fail-under` applies only to notebooks the baseline does not know yet, so a legacy
notebook gets in on day one and can only improve. A function is worse when its score fell, or
when it was over a limit already and grew (a 341-line function that reaches 372 lines still
scores 0, and is still worse). A function the baseline does not know must be within the limits.

Improvements tighten the baseline automatically, in the same commit: a ratchet that waits for
someone to run `--update` lets the gain be lost again by the next commit, and putting the new
entry in the commit that earned it makes the review show "33.6 -> 41.2" beside the change. Only
the entries of the notebooks in this commit are rewritten, so branches that touch different
notebooks never conflict in the baseline. `nbcoach baseline` rewrites entries on purpose (that is
how a team accepts a regression, visibly, in review).

Each notebook is held to the more lenient of the working baseline.json and HEAD's copy: a
tightening staged by a commit that another hook then blocked, and that its author dropped,
must not hold the notebook to a score it never had in any commit.

With `staged=True` (the hook) the gate judges the index, not the working tree: the staged files
and the project's configuration files are written to a temporary folder and reviewed there.
"""

from __future__ import annotations

import ast
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field, replace
from functools import partial
from pathlib import Path

from nbcoach.analysis import coaching, scoring
from nbcoach.analysis.cache import default_cache_dir
from nbcoach.analysis.pairs import text_side_of
from nbcoach.analysis.scoring import function_subject
from nbcoach.core import gitindex
from nbcoach.core.config import ConfigLoader, Weights
from nbcoach.core.errors import InputError, NbcoachError
from nbcoach.core.files import read_user_file, shell_word
from nbcoach.core.model import Cell, Finding, Function, NextStep, Report, ReportCard
from nbcoach.core.project import project_root
from nbcoach.core.revision import GRADING
from nbcoach.workflow import baseline as ledger

CONFIG_FILES = ("pyproject.toml", "ruff.toml", ".ruff.toml", "jupytext.toml")


@dataclass(frozen=True, slots=True)
class GateOptions:
    staged: bool = False
    tighten: bool = True
    config_overrides: dict[str, object] | None = None


@dataclass(frozen=True, slots=True)
class Verdict:
    key: str  # the notebook's path relative to the project root (the baseline key)
    card: ReportCard
    passed: bool
    baseline_score: float | None = None
    problems: tuple[str, ...] = ()
    step: NextStep | None = None  # the one next step that would fix the worst problem
    tightened: bool = False
    below_bar: bool = False  # new to the baseline and scoring under `fail-under`
    regraded: bool = False  # held to its recorded version graded again (another revision's entry)
    bar: float | None = None  # the code score it was held to (see `code_score`)
    code: float | None = None  # its code score now, priced at the size of its bar (`code_score`)
    today: float | None = None  # its code score now, priced at its size now
    priced: int | None = None  # the code lines it was compared at, when not its size now
    root: Path | None = None  # the project whose baseline holds it
    moved_from: tuple[Path, str] | None = None  # (project, key) of its entry before a move

    @property
    def failure(self) -> str:
        """Why it failed, in one word: `worse` (a notebook the baseline knows got worse),
        `below` (new to the baseline and under `fail-under`), `over-limits` (new, with a
        function over the limits), `error` (cannot be graded), `relabelled` (the baseline
        knows it, and now it is skipped as another language); "" when it passed."""
        if self.passed:
            return ""
        if self.card.status == "skipped":
            return "relabelled"
        if self.card.score is None or self.card.status != "ok":
            return "error"
        if self.baseline_score is not None:
            return "worse"
        return "below" if self.below_bar else "over-limits"


@dataclass(frozen=True, slots=True)
class GateResult:
    verdicts: tuple[Verdict, ...]
    input_errors: tuple[str, ...] = ()
    baseline_file: str = ""
    baseline_updated: bool = False
    fail_under: float | None = None
    staged: bool = False  # judged what a commit holds (the hook), not the working files
    tighten: bool = True  # improvements are written to the baseline
    excluded: tuple[tuple[str, str], ...] = ()  # (path, pattern) left out by `exclude`
    ignored: int = 0
    found: int = 0  # inputs covered, skipped ones (other languages) included
    notes: tuple[str, ...] = ()  # how files were read when not as asked

    @property
    def passed(self) -> bool:
        return all(v.passed for v in self.verdicts)


@dataclass(slots=True)
class _Judged:
    """A graded notebook on its way to a verdict: where it is, the project whose baseline holds
    it, its key there, the entry it is held to, and for a moved notebook where that entry was."""

    card: ReportCard
    location: Path
    root: Path
    key: str
    entry: ledger.NotebookEntry | None
    origin: tuple[Path, str] | None = None  # (project, key) of the entry before a move
    old_location: Path | None = None  # the file before a move
    # the entries `entry` was made of (the working file's and HEAD's): each bar is a code
    # score at its own size, so the gate asks whether either holds rather than mixing them
    sides: tuple[ledger.NotebookEntry, ...] = ()


def gate(paths: Sequence[str], options: GateOptions = GateOptions()) -> GateResult:
    report, real, notes = _reviewed(paths, options)
    by_root: dict[Path, ledger.Baseline] = {}
    committed: dict[Path, ledger.Baseline] = {}
    configs = ConfigLoader(options.config_overrides)
    verdicts = []
    judged: list[_Judged] = []
    moves = _moves(options.staged)
    for card in report.cards:
        location = real(card.path)
        root = project_root(location)
        known = by_root.setdefault(root, ledger.load(root))
        at_head = committed.setdefault(root, _committed_baseline(root))
        key = location.resolve().relative_to(root).as_posix()
        entry = ledger.lenient(known.get(key), at_head.get(key))
        if card.status == "skipped":
            # relabelled (say as R) while the baseline file still knows it: its code would
            # leave the gate. `nbcoach baseline PATH` takes it out, visibly.
            recorded = known.get(key)
            if recorded is not None:
                verdicts.append(_relabelled(key, card, recorded))
            continue
        sides = tuple(e for e in (known.get(key), at_head.get(key)) if e is not None)
        item = _Judged(card, location, root, key, entry, sides=sides)
        old = moves.get(location.resolve())
        if entry is None and old is not None:
            # `git mv`: the notebook keeps its entry, from whichever project it leaves (a move
            # is no way out of the ratchet)
            old_root = project_root(old)
            old_key = old.relative_to(old_root).as_posix()
            old_known = by_root.setdefault(old_root, ledger.load(old_root))
            old_head = committed.setdefault(old_root, _committed_baseline(old_root))
            item.entry = ledger.lenient(old_known.get(old_key), old_head.get(old_key))
            old_sides = (old_known.get(old_key), old_head.get(old_key))
            item.sides = tuple(e for e in old_sides if e is not None)
            if item.entry is not None:
                item.origin, item.old_location = (old_root, old_key), old
        judged.append(item)
    stale = [
        i for i in judged if i.entry is not None and not i.entry.fresh and i.card.status == "ok"
    ]
    regraded = _graded_as_recorded(stale, options) if stale else {}
    for item in judged:
        weights = asdict(configs.for_file(item.location).weights)
        sources = partial(_sources, item.location, options.staged, item.old_location)
        verdict = judge(
            item.key,
            item.card,
            item.entry,
            report.fail_under,
            weights,
            sources,
            regraded.get((item.root, item.key)),
            tuple(
                (e.code, e.lines)
                for e in item.sides
                if e.fresh and e.code is not None and e.lines is not None
            ),
        )
        verdicts.append(replace(verdict, root=item.root, moved_from=item.origin))
    changed: set[tuple[Path | None, str]] = set()
    if options.tighten and verdicts and all(v.passed for v in verdicts):
        try:
            changed = _tighten(verdicts, by_root, committed, options.staged)
        except NbcoachError as error:  # a read-only checkout: the verdict stands
            notes = (*notes, f"the improvements were not recorded in the baseline: {error}")
        verdicts = [replace(v, tightened=(v.root, v.key) in changed) for v in verdicts]
    roots = list(by_root)
    return GateResult(
        tuple(verdicts),
        report.input_errors,
        str(ledger.path(roots[0])) if roots else "",
        bool(changed),
        report.fail_under,
        options.staged,
        options.tighten,
        report.excluded,
        report.ignored,
        len(report.cards),
        notes,
    )


def _sources(
    location: Path, staged: bool, moved_from: Path | None = None
) -> tuple[bytes | None, bytes | None]:
    """The file as last committed (where it was, for a moved one), and as judged (the index in
    a hook, else the disk)."""
    top = gitindex.top_level(location.parent)
    if top is None:
        return None, None
    name = gitindex.relative(top, location)
    judged = gitindex.index_blob(top, name) if staged else _read(location)
    return gitindex.head_blob(top, gitindex.relative(top, moved_from or location)), judged


def _graded_as_recorded(
    stale: list[_Judged], options: GateOptions
) -> dict[tuple[Path, str], tuple[float, float, int]]:
    """For baseline entries another grading revision recorded, by (project, key): the score,
    code score and code lines this revision gives the notebook as it was when its entry was
    recorded (the commit that wrote the entry's score; where it was, for a moved one), graded
    with the configuration and `src/` packages the judged side has, so that only nbcoach
    changed between the two grades. All such notebooks are graded in one run. A notebook whose
    recorded version cannot be found or graded is left out: its entry stays the bar."""
    top = gitindex.top_level(stale[0].location.parent)
    if top is None:
        return {}
    wanted = []
    for item in stale:
        root, key = item.origin or (item.root, item.key)
        assert item.entry is not None
        then = gitindex.relative(top, item.old_location or item.location)
        baseline = gitindex.relative(top, ledger.path(root))
        wanted.append((baseline, key, then, item.entry, gitindex.relative(top, item.location)))
    contents = _recorded_contents(top, [w[:4] for w in wanted])
    # each graded where the notebook is now, under the configuration that applies there
    placed = {now: contents[then] for _, _, then, _, now in wanted if then in contents}
    owners = {gitindex.relative(top, i.location): (i.root, i.key) for i in stale}
    if not placed:
        return {}
    around = sorted(
        set(gitindex.tracked_matching(top, CONFIG_FILES)) | set(gitindex.src_markers(top))
    )
    if options.staged:
        report = _review_snapshot(top, sorted(placed), around, [], placed, options)
    else:
        present = [name for name in around if (top / name).is_file()]
        report = _review_snapshot(top, sorted(placed), [], present, placed, options)
    configs = ConfigLoader(options.config_overrides)
    scores = {}
    for card in report.cards:
        name = Path(card.path).as_posix()
        if card.status == "ok" and card.score is not None and name in owners:
            weights = asdict(configs.for_file(top / name).weights)
            scores[owners[name]] = (
                card.score,
                code_score(card, weights),
                card.metrics.code_lines,
            )
    return scores


def _recorded_contents(
    top: Path, wanted: list[tuple[str, str, str, ledger.NotebookEntry]]
) -> dict[str, bytes]:
    """Each notebook as it was in the commit that recorded its entry's score: the oldest of the
    newest run of commits whose baseline holds that score, code score and size for it (one
    score can stand in several entries in a row, for other code; the gate writes an entry in
    the commit it judged). `wanted`: (baseline file, key, notebook, entry), paths relative to
    `top`. One `git log` per baseline file and two `git cat-file --batch` for all of them: after
    an upgrade, a CI run over every notebook asks this for each one."""
    from nbcoach.core.gitrepo import read_blobs

    histories: dict[str, list[ledger.Baseline]] = {}
    commits: dict[str, list[str]] = {}
    for baseline in sorted({item[0] for item in wanted}):
        log = gitindex.run(top, "log", "--format=%H", "-n", "200", "--", baseline)
        commits[baseline] = log.decode().split()
        texts = dict(read_blobs(top, (f"{c}:{baseline}" for c in commits[baseline])))
        histories[baseline] = [
            _parsed(texts.get(f"{c}:{baseline}"), baseline) for c in commits[baseline]
        ]
    at: dict[str, str] = {}
    for baseline, key, notebook, entry in wanted:
        recorded = None
        for commit, then in zip(commits[baseline], histories[baseline], strict=True):
            held = then.get(key)
            if held is not None and (round(held.score, 1), held.code, held.lines) == (
                round(entry.score, 1),
                entry.code,
                entry.lines,
            ):
                recorded = commit
            elif recorded is not None:
                break
        if recorded is not None:
            at[f"{recorded}:{notebook}"] = notebook
    return {at[spec]: data for spec, data in read_blobs(top, at)}


def _parsed(text: bytes | None, source: str) -> ledger.Baseline:
    try:
        return ledger.loads(text.decode("utf-8"), source) if text else {}
    except (InputError, UnicodeDecodeError):
        return {}  # a conflicted or broken copy in the history records nothing


def _read(path: Path) -> bytes | None:
    try:
        return read_user_file(path)
    except InputError:
        return None


def _relabelled(key: str, card: ReportCard, entry: ledger.NotebookEntry) -> Verdict:
    problem = (
        f"the baseline grades it as Python, but now it is skipped ({card.reason}): a new label "
        "does not take a notebook out of the gate. If it really is no longer Python, record "
        f"that with `nbcoach baseline {shell_word(card.path)}`"
    )
    return Verdict(key, card, False, entry.score, (problem,))


# How far a notebook's score may fall below its baseline before the gate calls it worse. One
# more line of top-level code in a long script costs a few hundredths of a point: not worth a
# blocked commit. The baseline never moves down, so small drops cannot add up unseen: the next
# one that takes the notebook past the tolerance is blocked. Functions have no tolerance.
TOLERANCE = 0.5


def code_score(card: ReportCard, weights: Mapping[str, float], lines: int | None = None) -> float:
    """The score without the habits of how the notebook was run and saved (execution order,
    gaps, cells never run, saved errors). A cell added from the .py side has never run; that
    says nothing about the code, and the gate guards the code.

    `lines`: price the copies, redefinitions and rebindings as in a notebook of that many code
    lines -- the size its bar was recorded at. They cost their share of the notebook
    (scoring.duplication_scale), so without this, code deleted or moved into a module would
    make the copies already there cost more, and clean code added in the same commit as a new
    paste would make every copy cheaper: compared at one size, only the findings count. Every
    duplication price is its fixed price times the scale (`scoring.duplication_priced`), so
    pricing at another size is exact; so is `no-checks`, whose price grows with the code up to
    100 lines (`scoring.checks_priced`)."""
    findings = [f for f in card.findings if coaching.action_key(f) != _RUN_ALL]
    if lines is not None:
        now = scoring.duplication_scale(card.metrics.code_lines)
        findings = scoring.duplication_priced(findings, scoring.duplication_scale(lines) / now)
        findings = scoring.checks_priced(findings, lines)
    return scoring.score_findings(findings, weights, _share_at(card, lines))[0]


def _priced_by_size(card: ReportCard) -> str:
    """What of this card costs by the notebook's size (code_score), to say what was priced
    at the size its bar was recorded at."""
    parts = []
    if any(f.category == "duplication" and f.scored for f in card.findings):
        parts.append("copies")
    if card.analysed_share is not None:
        parts.append("unparsed cells")
    if any(f.rule == "no-checks" and f.scored for f in card.findings):
        parts.append("the missing checks")
    return " and ".join(parts) or "what costs by size"


def _share_at(card: ReportCard, lines: int | None) -> float | None:
    """The share of code that parsed, as if the notebook still held the `lines` code lines
    its bar was recorded at when it holds fewer now. Unparsed code scores zero for its lines
    (scoring.by_coverage), so moving clean functions into a module, or deleting them, leaves
    the unparsed cells a larger share of what stays and lowered the score: `nbcoach extract`
    on a notebook with Python 2 cells was blocked. More unparsed lines still count in full."""
    share, now = card.analysed_share, card.metrics.code_lines
    if share is None or lines is None or lines <= now or share <= 0:
        return share
    unparsed = now * (1 - share) / share  # the card keeps the share to three decimals
    return lines / (lines + unparsed)


def judge(
    key: str,
    card: ReportCard,
    entry: ledger.NotebookEntry | None,
    fail_under: float | None,
    weights: Mapping[str, float] | None = None,
    sources: Callable[[], tuple[bytes | None, bytes | None]] | None = None,
    regraded: tuple[float, float, int] | None = None,
    bars: Sequence[tuple[float, int]] = (),
) -> Verdict:
    """`sources`: the file as committed and as judged, read only when a new function over the
    limits may be code moved out of known functions (to check that its lines were theirs).
    `regraded`: for an entry another grading revision recorded, the score, code score and code
    lines this revision gives the notebook as it was recorded: the bar instead of the entry's (a
    new check lowers every grade, and the commit after an upgrade did not make anything worse).
    The notebook's code score is compared with its bar at the size the bar was recorded at
    (`code_score`); the verdict also carries today's, which a passing notebook records.
    `bars`: (code score, size) of each entry `entry` was made of, when they are this
    revision's: scores at different sizes cannot be merged into one, so the notebook is held
    to the one it meets best (a tightening left behind by a blocked commit, at another size,
    must not block the notebook as committed)."""
    if card.status != "ok" or card.score is None:
        return Verdict(key, card, False, problems=(f"cannot be graded: {card.reason}",))
    problems: list[str] = []
    worst: Function | None = None
    below_bar = entry is None and fail_under is not None and card.score < fail_under
    if below_bar:
        problems.append(f"scores {card.score:.1f}, below fail-under {fail_under:g}")
    same_grading = entry is not None and entry.grading == GRADING
    weights = weights or asdict(Weights())
    today = code_score(card, weights)
    held_to: float | None = None
    recorded = regraded[2] if regraded is not None else None
    if entry is not None and entry.fresh:
        assert entry.code is not None and entry.lines is not None  # what `fresh` means
        held_to, recorded, code = max(
            (
                (bar, size, code_score(card, weights, size))
                for bar, size in bars or [(entry.code, entry.lines)]
            ),
            key=lambda option: option[2] - option[0],
        )
    else:
        code = code_score(card, weights, recorded)
    lines = card.metrics.code_lines
    repriced = recorded is not None and code != today  # a size the copies cost otherwise at
    priced = (
        f", {_priced_by_size(card)} priced as in its {recorded} code lines then "
        f"(it has {lines} now)"
        if repriced
        else ""
    )
    bar: float | None = None
    if entry is not None and held_to is not None:
        bar = held_to
        if round(code, 1) < round(held_to, 1) - TOLERANCE and card.score < entry.score:
            problems.append(
                f"score fell from {entry.score:.1f} to {card.score:.1f} ({held_to:.1f} to "
                f"{code:.1f} not counting how cells were run{priced}: the gate guards the code)"
            )
        elif round(code, 1) < round(held_to, 1) - TOLERANCE:  # the card rose on how cells ran
            problems.append(
                f"the code's score fell from {held_to:.1f} to {code:.1f}{priced} (the card's "
                f"{entry.score:.1f} to {card.score:.1f} counts how cells were run: the gate "
                "guards the code)"
            )
    elif entry is not None and regraded is not None:
        shown, bar, _ = regraded
        if round(code, 1) < round(bar, 1) - TOLERANCE:
            problems.append(
                f"score fell from {shown:.1f} to {card.score:.1f} ({bar:.1f} to {code:.1f} not "
                f"counting how cells were run{priced}; both graded by this nbcoach, as recorded "
                f"and now: the baseline's {entry.score:.1f} came from an older one)"
            )
    elif entry is not None:
        bar = entry.score  # an older entry whose notebook as recorded cannot be found
        if round(code, 1) < round(entry.score, 1) - TOLERANCE:
            problems.append(
                f"score fell from {entry.score:.1f} to {code:.1f} (not counting how cells were "
                "run; recorded by an older nbcoach, and the notebook as recorded is not in the "
                "history: if this version's checks explain the fall, record it again with "
                "`nbcoach baseline PATH`)"
            )
    known = entry.by_name if entry is not None else {}
    moved = _moved_out(known, card, sources, card.path)
    seen: set[str] = set()
    for scored in card.functions:  # worst first
        f = scored.function
        if f.name in seen:
            continue
        seen.add(f.name)
        before = known.get(f.name)
        if before is None:
            if scored.score < 100 and not moved.take(f):
                why = _over_limits(card, scored.function)
                problems.append(
                    f"new function `{f.name}` (cell {f.cell}) is over the limits: {why}"
                )
                worst = worst or f
            continue
        now = {m: _metric(f, m) for m in ledger.METRICS}
        grown = [
            f"{m} {getattr(before, m)} -> {now[m]}"
            for m in ledger.METRICS
            if now[m] > getattr(before, m)
        ]
        # Another grading revision's function score is no bar either; its measures still are.
        if (same_grading and scored.score < before.score) or (scored.score < 100 and grown):
            detail = ", ".join(grown) or f"score {before.score:.1f} -> {scored.score:.1f}"
            problems.append(f"`{f.name}` (cell {f.cell}) got worse: {detail}")
            worst = worst or f
    # held to its notebook as recorded, graded again: that grade is its baseline
    again = entry is not None and not entry.fresh and regraded is not None
    held_to = regraded[0] if again and regraded is not None else None
    return Verdict(
        key,
        card,
        not problems,
        held_to if held_to is not None else (entry.score if entry is not None else None),
        tuple(problems),
        _step_for(card, worst, sources, weights) if problems else None,
        below_bar=below_bar,
        regraded=again,
        bar=bar,
        code=code,
        today=today,
        priced=recorded if repriced else None,
    )


@dataclass(slots=True)
class _Moved:
    """What functions the baseline knows gave up since: the lines they lost, and the most each
    measure reached. A new function over the limits made of those lines was cut out of them
    (`nbcoach split` names its helpers anew and puts them in the function's cell): code moved,
    not added, so it is not blocked -- if it stands in the cell of a function that shrank (or
    anywhere, for lines of a function that is gone: a rename), no measure exceeds what the old
    function had, the lines it uses up were given up, and most of its lines stood in the old
    functions as committed (deleting code from one function and writing another is no move).
    The score must still not fall."""

    lines: dict[int | None, int] = field(default_factory=dict)  # by cell; None: functions gone
    ceiling: dict[str, int] = field(default_factory=dict)
    donors: tuple[str, ...] = ()
    sources: Callable[[], tuple[bytes | None, bytes | None]] | None = None
    path: str = ""
    # read and parsed once, on the first function that needs them: (old donors' lines, the
    # judged file's top-level functions' lines)
    _loaded: tuple[Counter[str], dict[str, list[str]]] | None = None

    def take(self, function: Function) -> bool:
        now = {m: _metric(function, m) for m in ledger.METRICS}
        if any(now[m] > self.ceiling.get(m, 0) for m in ledger.METRICS if m != "lines"):
            return False
        pool = next(
            (p for p in (function.cell, None) if now["lines"] <= self.lines.get(p, 0)), False
        )
        if pool is False or not self._was_there(function.name):
            return False
        self.lines[pool] -= now["lines"]
        return True

    def _was_there(self, name: str) -> bool:
        if self._loaded is None:
            before, after = self.sources() if self.sources is not None else (None, None)
            donors = _body_lines(before, self.path) if before is not None else {}
            self._loaded = (
                Counter(line for n in self.donors for line in donors.get(n, [])),
                _body_lines(after, self.path) if after is not None else {},
            )
        old, bodies = self._loaded
        new = bodies.get(name, [])
        found = sum((Counter(new) & old).values())
        return bool(new) and found >= MOVED_SHARE * len(new)


# The share of a new function's lines that must have stood in the functions that gave lines up:
# rope's helpers keep every statement of the block (dedented) and add a def and a return.
MOVED_SHARE = 0.75


def _body_lines(data: bytes, path: str) -> dict[str, list[str]]:
    """The stripped, non-blank body lines of each top-level function (its last definition)."""
    from nbcoach.analysis.notebook import parse_bytes
    from nbcoach.analysis.parse import parse_cells

    try:
        notebook = parse_bytes(data, path)
    except NbcoachError:
        return {}
    found: dict[str, list[str]] = {}
    for cell in parse_cells(notebook):
        if cell.tree is None:
            continue
        lines = cell.source.split("\n")
        for node in cell.tree.body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                body = lines[node.body[0].lineno - 1 : node.end_lineno]
                found[node.name] = [line.strip() for line in body if line.strip()]
    return found


def _moved_out(
    known: Mapping[str, ledger.FunctionEntry],
    card: ReportCard,
    sources: Callable[[], tuple[bytes | None, bytes | None]] | None,
    path: str,
) -> _Moved:
    current: dict[str, Function] = {}
    for scored in card.functions:  # worst first: a name defined twice is held by its worst,
        current.setdefault(scored.function.name, scored.function)  # as the baseline holds it
    moved = _Moved(sources=sources, path=path)
    donors = []
    for name, before in known.items():
        after = current.get(name)
        lost = before.lines - (_metric(after, "lines") if after is not None else 0)
        if lost <= 0:
            continue
        donors.append(name)
        pool = after.cell if after is not None else None
        moved.lines[pool] = moved.lines.get(pool, 0) + lost
        for m in ledger.METRICS:
            moved.ceiling[m] = max(moved.ceiling.get(m, 0), getattr(before, m))
    moved.donors = tuple(donors)
    return moved


def _metric(function: Function, name: str) -> int:
    return int(getattr(function, "length" if name == "lines" else name))


def _over_limits(card: ReportCard, function: Function) -> str:
    subject = function_subject(function)
    messages = [f.message for f in card.findings if f.subject == subject and f.deficit > 0]
    return "; ".join(messages[:2]) or "it costs points"


def _step_for(
    card: ReportCard,
    function: Function | None,
    sources: Callable[[], tuple[bytes | None, bytes | None]] | None = None,
    weights: Mapping[str, float] | None = None,
) -> NextStep | None:
    """The step that fixes the worst problem: about the function that got worse when there is
    one (it need not be among the card's top steps), else the most valuable step about the cells
    this change touched, else the card's most valuable step."""
    if function is not None:
        subject = function_subject(function)
        group = [f for f in card.findings if f.subject == subject and f.deficit > 0]
        for step in card.next_steps:
            if f"`{function.name}`" in step.action:
                return step
        if group:
            action, command = coaching.describe(
                subject, group, {subject: function}, card.path, card.format == "script"
            )
            return NextStep(action, 0.0, group[0].location, tuple({f.rule for f in group}), command)
    if sources is not None and card.analysed_share is None:
        changed = _step_for_change(card, sources, weights or asdict(Weights()))
        if changed is not None:
            return changed
    return next((step for step in card.next_steps if _about_code(step)), None)


def _about_code(step: NextStep) -> bool:
    """Whether the step can lift the code score the gate compares: "restart and run all" cannot
    (code_score leaves how cells were run out), so it is never the gate's step."""
    return step.fixes != (_RUN_ALL,)


_RUN_ALL = "hygiene:run-all"


def _step_for_change(
    card: ReportCard,
    sources: Callable[[], tuple[bytes | None, bytes | None]],
    weights: Mapping[str, float],
) -> NextStep | None:
    """The most valuable step that fixes a finding in (or copied into) a code cell the change
    added or edited: the card's own first step is often an old habit ("replace the star
    import") while what got worse is the block just pasted three times."""
    from nbcoach.analysis.notebook import parse_bytes

    committed, judged = sources()
    if judged is None:
        return None
    try:
        now = parse_bytes(judged, card.path)
        before = parse_bytes(committed, card.path).cells if committed is not None else ()
    except InputError:
        return None
    unchanged = Counter(cell.source for cell in before if cell.kind == "code")
    touched = set()
    for cell in now.cells:
        if cell.kind != "code":
            continue
        if unchanged[cell.source] > 0:
            unchanged[cell.source] -= 1
        else:
            touched.add(cell.number)
    findings = [_shown_in(f, touched) for f in card.findings]
    keys = {
        coaching.action_key(f) for f in findings if f.deficit > 0 and f.location.cell in touched
    } - {_RUN_ALL}
    lost_check = _lost_check(before, now.cells, card)
    if lost_check is not None:
        keys.add(scoring.CHECKS_SUBJECT)
    if not keys:
        return None
    steps = coaching.next_steps(
        findings,
        [scored.function for scored in card.functions],
        weights,
        card.path,
        card.format == "script",
        limit=len(card.findings),
    )
    # a check taken out comes first
    wanted = {scoring.CHECKS_SUBJECT} if lost_check is not None else keys
    step = next((step for step in steps if set(step.fixes) & wanted), None)
    if step is not None and lost_check is not None:
        script = card.format == "script"
        where = "" if script else f" of cell {lost_check}"
        return replace(
            step,
            action=f"Put back the check this change took out{where}, or add another: the "
            f"{'script' if script else 'notebook'} checks nothing now "
            f"({step.action[0].lower()}{step.action[1:]})",
        )
    return step


def _lost_check(before: Sequence[Cell], now: Sequence[Cell], card: ReportCard) -> int | None:
    """The committed cell whose check this change took away, when the notebook now checks
    nothing: the step is to put it back, not the card's most valuable habit. Found in the
    cells edited or deleted, before their edit (cells that do not parse hold none that
    counts)."""
    if not any(f.rule == "no-checks" and f.deficit > 0 for f in card.findings):
        return None
    from nbcoach.analysis.facts import holds_check
    from nbcoach.analysis.parse import parse_cell

    kept = Counter(cell.source for cell in now if cell.kind == "code")
    for cell in before:
        if cell.kind != "code":
            continue
        if kept[cell.source] > 0:
            kept[cell.source] -= 1
            continue
        tree = parse_cell(cell.number, cell.source).tree  # magics masked, as the report reads it
        if tree is not None and holds_check(tree):
            return cell.number
    return None


def _shown_in(finding: Finding, cells: set[int]) -> Finding:
    """The finding located at its first place in `cells` when it stands elsewhere too: a habit
    reported once (star imports, inline paths) or a block copied is shown where this change
    put it, not at its first, older place."""
    if finding.location.cell in cells:
        return finding
    inside = next((place for place in finding.related if place.cell in cells), None)
    if inside is None:
        return finding
    others = tuple(place for place in finding.related if place is not inside)
    return replace(finding, location=inside, related=(finding.location, *others))


def _committed_baseline(root: Path) -> ledger.Baseline:
    """HEAD's copy of the project's baseline ({} without one). The gate holds each notebook to
    the more lenient of it and the working file: the gate tightens and stages the file, and when
    another hook then blocks that commit and the author drops the change, the tightened entry
    stays behind -- a score the notebook never had in any commit. HEAD's copy only ever loosens,
    so a deliberate `nbcoach baseline` loosening and a brand-new notebook's entry count at once.
    """
    top = gitindex.top_level(root)
    if top is None:
        return {}
    relative = gitindex.relative(top, ledger.path(root))
    blob = gitindex.head_blob(top, relative)
    if blob is None:
        return {}
    try:
        return ledger.loads(blob.decode("utf-8"), f"HEAD:{relative}")
    except (InputError, UnicodeDecodeError):
        return {}  # a broken committed copy cannot loosen anything; the working file decides


def _tighten(
    verdicts: list[Verdict],
    by_root: dict[Path, ledger.Baseline],
    committed: dict[Path, ledger.Baseline],
    staged: bool,
) -> set[tuple[Path | None, str]]:
    """Record each checked notebook as it is now in its project's baseline (a moved one's entry
    leaves the project it was in); the (project, key) of the entries that changed from what the
    gate held them to (an uncommitted tightening set back is rewritten, not reported)."""
    changed: set[tuple[Path | None, str]] = set()
    for root, known in by_root.items():
        at_head = committed.get(root, {})
        updates = [
            (v.key, _kept(v)) for v in verdicts if v.root == root and v.card.score is not None
        ]
        gone = {v.moved_from[1] for v in verdicts if v.moved_from and v.moved_from[0] == root}
        new = {k: e for k, e in ledger.merged(known, updates).items() if k not in gone}
        if new == known:
            continue
        file = ledger.save(root, new)
        changed.update(
            (root, key)
            for key, entry in updates
            if ledger.lenient(known.get(key), at_head.get(key)) != entry
        )
        if staged:
            top = gitindex.top_level(root)
            if top is not None:
                gitindex.add(top, [gitindex.relative(top, file)])
    return changed


def _moves(staged: bool) -> dict[Path, Path]:
    """Notebooks this commit moves (`git mv`, or a delete and an add git pairs as a rename):
    new path -> old path, both absolute. Only a commit has moves; by hand the gate judges files
    where they are."""
    if not staged:
        return {}
    top = gitindex.top_level(Path.cwd())
    if top is None:
        return {}
    return {
        (top / change.path).resolve(): (top / change.old_path).resolve()
        for change in gitindex.staged_changes(top)
        if change.status == "R"
    }


def _kept(verdict: Verdict) -> ledger.NotebookEntry:
    """The entry a passing notebook leaves: as it is now, at its size now, but never below the
    code score it was held to (`verdict.bar`: its entry's, or its notebook as recorded, graded
    again). A fall within the tolerance passes; recording it would let the next one start
    lower, and small falls add up unseen. The bar was compared at the size it was recorded at
    (`code_score`); moved to today's size it is today's code score plus what the notebook was
    let off, so the next commit is compared at today's size and nothing is given away."""
    assert verdict.code is not None and verdict.today is not None  # a passing one was graded
    entry = ledger.entry_for(verdict.card, verdict.today)
    held = verdict.bar
    if held is not None and verdict.code < held:
        # the card's score too (moved to today's size alike), unless the entry it replaces
        # came from an older grading
        repriced = verdict.today - verdict.code
        held_score = (verdict.baseline_score or 0.0) + repriced
        score = entry.score if verdict.regraded else round(max(entry.score, held_score), 1)
        return replace(entry, score=score, code=round(verdict.today + held - verdict.code, 1))
    return entry


def _reviewed(
    paths: Sequence[str], options: GateOptions
) -> tuple[Report, Callable[[str], Path], tuple[str, ...]]:
    """Review the inputs -- or, staged, what the index holds for them -- and say where each
    reviewed path really is, and how it was read when that is not as asked."""
    # The analysis stack is imported only when something is to be judged: a commit that stages
    # no notebook pays for none of it (the hook's budget is 0.15 s).
    if not options.staged:
        from nbcoach.analysis.review import ReviewOptions, review

        review_options = ReviewOptions(config_overrides=options.config_overrides)
        return review(list(paths) or ["."], review_options), Path, ()
    top = gitindex.top_level(Path.cwd())
    if top is None:
        from nbcoach.core.errors import UsageError

        raise UsageError("--staged needs a git repository")
    staged = gitindex.staged_files(top)
    wanted = [gitindex.relative(top, Path(p)) for p in paths] if paths else staged
    # Files handed over by name that are not as staged -- not staged at all, or with unstaged
    # edits -- mean this is no commit: inside one, pre-commit sets unstaged changes aside, so
    # the files equal the index. `pre-commit run --files` and `--all-files` after a local edit
    # hand over the files as they are on disk, and that is what is judged (and said).
    on_disk = sorted(
        name
        for name in (wanted if paths else [])
        if name.endswith((".ipynb", ".py"))
        and (top / name).is_file()
        and (
            name not in staged
            or (gitindex.worktree_differs(top, name) and not _same_cells(top, name))
        )
    )
    files = sorted({_judged_side(top, name) for name in wanted if name in staged} | set(on_disk))
    if not files:
        return Report(cards=()), lambda shown: top / shown, ()
    configs = gitindex.tracked_matching(top, CONFIG_FILES)
    markers = gitindex.src_markers(top)  # the project's own packages, as committed
    indexed = sorted((set(files) - set(on_disk)) | set(configs) | set(markers))
    report = _review_snapshot(top, files, indexed, on_disk, {}, options)
    notes = (
        (
            f"checked as on disk, not as staged: {', '.join(on_disk)} (this is no commit: the "
            "files differ from the index; inside a commit the staged copy is judged)",
        )
        if on_disk
        else ()
    )
    return report, lambda shown: top / shown, notes


def _same_cells(top: Path, name: str) -> bool:
    """Whether a notebook on disk holds the same cells as its staged copy, only other outputs,
    counts or metadata: what nbstripout leaves when it strips a staged notebook earlier in the
    same commit. That is still a commit, and the staged copy is what it commits."""
    if not name.endswith(".ipynb"):
        return False
    from nbcoach.analysis.notebook import same_cells

    staged = gitindex.index_blob(top, name)
    try:
        return staged is not None and same_cells(staged, (top / name).read_bytes(), name)
    except (OSError, InputError):
        return False


def _review_snapshot(
    top: Path,
    files: Sequence[str],
    from_index: Sequence[str],
    from_disk: Sequence[str],
    contents: Mapping[str, bytes],
    options: GateOptions,
) -> Report:
    """Review `files` in a copy of the repository made of the staged version of `from_index`,
    the working copy of `from_disk` and `contents` as given (paths relative to `top`), with
    the repository's cache."""
    from nbcoach.analysis.review import ReviewOptions, review

    with tempfile.TemporaryDirectory(prefix="nbcoach-staged-") as snapshot:
        base = Path(snapshot)
        gitindex.checkout_index(top, from_index, base)
        written = {name: (top / name).read_bytes() for name in from_disk} | dict(contents)
        for name, data in written.items():
            (base / name).parent.mkdir(parents=True, exist_ok=True)
            (base / name).write_bytes(data)
        (base / ".git").mkdir()  # configuration searches stop here, as in the repository
        previous = Path.cwd()
        os.chdir(base)
        try:
            return review(
                list(files),
                ReviewOptions(
                    config_overrides=options.config_overrides, cache_dir=default_cache_dir(top)
                ),
            )
        finally:
            os.chdir(previous)


def _judged_side(top: Path, name: str) -> str:
    """A staged text side is judged through its notebook when the notebook is committed too."""
    if not name.endswith(".py"):
        return name
    pair = text_side_of(top / name)
    if pair is None:
        return name
    notebook = gitindex.relative(top, pair.notebook)
    return notebook if gitindex.is_tracked(top, notebook) else name


@dataclass(frozen=True, slots=True)
class Recorded:
    """What `nbcoach baseline` did: the file, how many notebooks and modules it recorded, and
    the inputs it could not read (the others are recorded all the same)."""

    file: Path
    count: int
    input_errors: tuple[str, ...] = ()
    written: bool = True


def record_baseline(paths: Sequence[str]) -> Recorded:
    """`nbcoach baseline`: record the inputs as they are now. Without paths the whole project is
    recorded afresh (notebooks that are gone are dropped); with paths only their entries change.
    When no input could be read, nothing is written."""
    from nbcoach.analysis.review import review

    targets = list(paths) or [str(project_root(Path.cwd()))]
    report = review(targets)
    configs = ConfigLoader()
    root = project_root(Path(targets[0]))
    entries = {}
    dropped = set()  # named, and now skipped (no longer Python): out of the baseline
    # a notebook that cannot be read is said, never recorded in silence ("recorded 0
    # notebooks" for `nbcoach baseline broken.ipynb`, which the gate's message had suggested)
    unreadable = tuple(f"{c.path}: {c.reason}" for c in report.cards if c.status == "error")
    errors = report.input_errors + unreadable
    for card in report.cards:
        key = Path(card.path).resolve().relative_to(root).as_posix()
        if card.status == "ok" and card.score is not None:
            weights = asdict(configs.for_file(Path(card.path)).weights)
            entries[key] = ledger.entry_for(card, code_score(card, weights))
        elif card.status == "skipped":
            dropped.add(key)
    if errors and not entries and not dropped:
        return Recorded(ledger.path(root), 0, errors, written=False)
    known = {k: v for k, v in (ledger.load(root) if paths else {}).items() if k not in dropped}
    file = ledger.save(root, ledger.merged(known, entries.items()))
    return Recorded(file, len(entries), errors)
