"""The gate's verdict as a short card: what got worse, and the one next step that fixes it."""

from __future__ import annotations

from rich.console import Group, RenderableType
from rich.text import Text

from nbcoach.core.words import counted
from nbcoach.render.text import GRADE_STYLE
from nbcoach.workflow.gate import GateResult, Verdict


def gate_renderable(result: GateResult, everything: bool = True) -> RenderableType:
    """The verdicts; without `everything` only the notebooks that failed or changed (a new one,
    a score that moved), and a count of the others: `gate` over a whole project lists what
    needs a look, not 51 unchanged files."""
    failed = [v for v in result.verdicts if not v.passed]
    parts: list[RenderableType] = []
    shown = [v for v in result.verdicts if everything or not v.passed or _moved(v)]
    for verdict in shown:
        parts.append(_verdict(verdict))
    quiet = len(result.verdicts) - len(shown)
    if quiet:
        others = "more notebook" if shown else "notebook"  # "34 more" only below others
        parts.append(Text(f"{counted(quiet, others)} unchanged and passing", style="dim"))
    if failed:
        consequence = (
            "the commit is blocked"
            if result.staged
            else "this would block a commit; nothing was written"
        )
        # a file that cannot be read cannot be recorded either: only fixing it helps
        remedy = (
            "Fix the file so that it reads as a notebook, or leave it out of the commit."
            if all(v.failure == "error" for v in failed)
            else "Fix the above, or accept it on purpose with `nbcoach baseline PATH` (a visible "
            "change to .nbcoach/baseline.json)."
        )
        parts.append(
            Text(
                f"nbcoach: {_failures(failed, result.fail_under)} "
                f"(of {len(result.verdicts)} checked); {consequence}. {remedy}",
                style="bold red",
            )
        )
    elif result.baseline_updated:
        tightened = [v for v in result.verdicts if v.tightened]
        new = [v.key for v in tightened if v.baseline_score is None]
        moved = [v for v in tightened if v.moved_from is not None and v.key not in new]
        regraded = [v.key for v in tightened if v.regraded and v.key not in new]
        improved = [v.key for v in tightened if v.key not in new + regraded and _score_rose(v)]
        # the score as shown did not move: only function entries changed (a function got
        # shorter or simpler without changing its grade)
        entries = [v.key for v in tightened if v.key not in new + regraded + improved]
        said = []
        if regraded:
            said.append(
                f"graded again by this nbcoach for {', '.join(regraded)} (the entries came "
                "from an older one, which checked other things)"
            )
        if improved:
            said.append(f"improvements recorded for {', '.join(improved)}")
        if moved:
            said.append(
                "entries moved with their notebooks: "
                + ", ".join(f"{v.moved_from[1]} -> {v.key}" for v in moved if v.moved_from)
            )
        entries = [key for key in entries if key not in {v.key for v in moved}]
        if entries:
            # the score shown did not rise: its functions, or how its cells were run, changed
            said.append(f"entries updated for {', '.join(entries)}")
        if new:
            said.append(f"new entries for {', '.join(new)}")
        where = (
            ".nbcoach/baseline.json updated in this commit"
            if result.staged
            else "wrote .nbcoach/baseline.json (commit it with the change)"
        )
        parts.append(
            Text(
                f"nbcoach: {where}: {'; '.join(said)}. From here on they can only get better.",
                style="green",
            )
        )
    return Group(*parts)


_LABELS = {
    "worse": "WORSE",
    "below": "BELOW",
    "over-limits": "OVER LIMITS",
    "error": "ERROR",
    "relabelled": "NOT GRADED",
}


def _failures(failed: list[Verdict], fail_under: float | None) -> str:
    """What failed, by kind: a notebook that got worse is not one that is new and under the
    bar."""
    kinds = [v.failure for v in failed]
    bar = f"fail-under {fail_under:g}" if fail_under is not None else "the bar"
    said = [
        phrase
        for kind, phrase in (
            ("worse", f"{counted(kinds.count('worse'), 'notebook')} got worse"),
            ("below", f"{counted(kinds.count('below'), 'new notebook')} below {bar}"),
            (
                "over-limits",
                f"{counted(kinds.count('over-limits'), 'new notebook')} with a function over "
                "the limits",
            ),
            ("error", f"{counted(kinds.count('error'), 'notebook')} could not be graded"),
            (
                "relabelled",
                f"{counted(kinds.count('relabelled'), 'baselined notebook')} no longer graded",
            ),
        )
        if kind in kinds
    ]
    return "; ".join(said)


def _moved(verdict: Verdict) -> bool:
    """New to the baseline, or a score that differs from it as the card shows it."""
    score, before = verdict.card.score, verdict.baseline_score
    return before is None or score is None or f"{score:.1f}" != f"{before:.1f}" or verdict.tightened


def _score_rose(verdict: Verdict) -> bool:
    """Whether the score went up as the card shows it ("+0.0" is not up)."""
    score, before = verdict.card.score, verdict.baseline_score
    return score is not None and before is not None and float(f"{score - before:.1f}") > 0


def _verdict(verdict: Verdict) -> RenderableType:
    card = verdict.card
    if card.score is None or card.grade is None:
        label = _LABELS.get(verdict.failure, "ERROR")
        title = Text.assemble((card.path, "bold"), "  ", (label, "red"), f"  {card.reason}")
        problems = [p for p in verdict.problems if not p.startswith("cannot be graded")]
        return Group(title, *(Text(f"  - {problem}", style="red") for problem in problems))
    if verdict.baseline_score is None:
        against = "new to the baseline"
    else:
        delta = card.score - verdict.baseline_score
        against = f"baseline {verdict.baseline_score:.1f}, {delta:+.1f}"
    title = Text.assemble(
        (card.path, "bold"),
        "  ",
        (f" {card.grade} ", f"reverse {GRADE_STYLE[card.grade]}"),
        f"  {card.score:.1f}/100  ({against})  ",
        ("ok", "green") if verdict.passed else (_LABELS[verdict.failure], "bold red"),
    )
    lines: list[RenderableType] = [title]
    lines.extend(Text(f"  - {problem}", style="red") for problem in verdict.problems)
    if verdict.regraded and not verdict.problems:  # a problem says so itself ("both graded...")
        lines.append(
            Text(
                "  baseline graded again by this nbcoach, as the notebook was when it was "
                "recorded: the entry came from another version",
                style="dim",
            )
        )
    before = verdict.baseline_score
    lines_now = card.metrics.code_lines
    resized = verdict.priced is not None and lines_now != verdict.priced
    if verdict.passed and resized and before is not None and card.score < before:
        assert verdict.priced is not None
        unchecked = any(f.rule == "no-checks" and f.scored for f in card.findings)
        grown = lines_now > verdict.priced
        why = (
            "a notebook that checks nothing owes more checks the more code it holds"
            if grown and unchecked
            else "what costs by the notebook's size is compared at that size"
            if grown
            else "the cells that do not parse are a larger share of a smaller one"
            if card.analysed_share is not None
            else "the copies it already had cost their share of the notebook, more of a smaller one"
        )
        lines.append(
            Text(
                f"  compared as at its {verdict.priced} code lines then ({lines_now} now): {why}",
                style="dim",
            )
        )
    if verdict.step is not None:
        step = Text.assemble("  next step: ", verdict.step.action)
        if verdict.step.gain > 0:
            step.append(f"  +{verdict.step.gain:.1f} points", style="bold green")
        lines.append(step)
    return Group(*lines)
