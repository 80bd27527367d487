"""Analysis + lint findings -> ReportCard: suppressions, scores, grades and coaching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace

from nbcoach.analysis import coaching, scoring, suppress
from nbcoach.analysis.lint import without_magic_blind_spots, without_own_redefinitions
from nbcoach.analysis.scoring import PYTHON2_SUBJECT
from nbcoach.core.config import Config
from nbcoach.core.model import Analysis, Finding, ReportCard


def build_card(
    analysis: Analysis, lint_findings: Sequence[Finding], config: Config, notes: Sequence[str] = ()
) -> ReportCard:
    base = ReportCard(
        path=analysis.path,
        status=analysis.status,
        reason=analysis.reason,
        format=analysis.format,
        language=analysis.language,
        notes=(*analysis.notes, *notes),
    )
    if analysis.status != "ok":
        return base
    script = analysis.format == "script"
    lint = suppress.apply(
        without_own_redefinitions(
            without_magic_blind_spots(lint_findings, analysis.magic_bound), analysis.findings
        ),
        analysis.suppressions,
        config.ignored_for(analysis.path),
        script,
        config.select,
    )
    findings = tuple(sorted([*analysis.findings, *lint], key=_order))
    weights = asdict(config.weights)
    unanalysed = _unanalysed(analysis, findings)
    share = scoring.analysed_share(analysis.metrics.code_lines, sum(unanalysed.values()))
    score, categories = scoring.score_findings(findings, weights, share)
    to_split = coaching.split_first(analysis.candidates, findings, analysis.functions)
    grade = scoring.grade(score)
    return replace(
        base,
        score=score,
        grade=grade,
        categories=categories,
        held_by=scoring.held_by(categories, findings, grade, share),
        functions=scoring.function_scores(analysis.functions, findings),
        findings=findings,
        next_steps=coaching.next_steps(
            findings,
            analysis.functions,
            weights,
            analysis.path,
            script,
            coaching.Coverage(analysis.metrics.code_lines, unanalysed),
        ),
        extraction=coaching.extraction_step(
            analysis.candidates,
            findings,
            analysis.functions,
            analysis.path,
            script,
            analysis.checks,
            analysis.metrics.code_lines,
        ),
        strengths=coaching.strengths(
            findings,
            analysis.functions,
            analysis.metrics,
            analysis.metrics.executed_cells > 0 and not script,
        ),
        candidates=tuple(name for name in analysis.candidates if name not in to_split),
        metrics=analysis.metrics,
        analysed_share=share,
    )


def _unanalysed(analysis: Analysis, findings: Sequence[Finding]) -> dict[str, int]:
    """Code lines that did not parse, keyed by the subject of the finding that stands for them
    (one per cell with a `syntax-error`, one for all cells written for Python 2): a cell the
    author silenced (`# nbcoach: ignore[syntax-error]`) is not counted as code."""
    owner: dict[int, str] = {}
    for finding in findings:
        if not finding.scored:
            continue
        if finding.rule == "syntax-error":
            owner[finding.location.cell or 1] = finding.subject
        elif finding.subject == PYTHON2_SUBJECT:
            for place in (finding.location, *finding.related):
                owner[place.cell or 1] = PYTHON2_SUBJECT
    lines_by_subject: dict[str, int] = {}
    for cell, lines in analysis.unanalysed_cells:
        subject = owner.get(cell)
        if subject is not None:
            lines_by_subject[subject] = lines_by_subject.get(subject, 0) + lines
    return lines_by_subject


def _order(finding: Finding) -> tuple[int, int, str, str]:
    return (finding.location.cell or 0, finding.location.line or 0, finding.rule, finding.message)
