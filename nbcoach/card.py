"""Analysis + lint findings -> ReportCard: suppressions, scores, grades and coaching."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, replace

from nbcoach import coaching, scoring, suppress
from nbcoach.config import Config
from nbcoach.model import Analysis, Finding, ReportCard


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
    lint = suppress.apply(lint_findings, analysis.suppressions, config.ignore, script)
    findings = tuple(sorted([*analysis.findings, *lint], key=_order))
    weights = asdict(config.weights)
    score, categories = scoring.score_findings(findings, weights)
    return replace(
        base,
        score=score,
        grade=scoring.grade(score),
        categories=categories,
        functions=scoring.function_scores(analysis.functions, findings),
        findings=findings,
        next_steps=coaching.next_steps(
            findings, analysis.functions, weights, analysis.path, script
        ),
        extraction=coaching.extraction_step(
            analysis.candidates, findings, analysis.functions, analysis.path, script
        ),
        strengths=coaching.strengths(
            findings,
            analysis.functions,
            analysis.metrics,
            analysis.metrics.executed_cells > 0 and not script,
        ),
        candidates=analysis.candidates,
        metrics=analysis.metrics,
    )


def _order(finding: Finding) -> tuple[int, int, str, str]:
    return (finding.location.cell or 0, finding.location.line or 0, finding.rule, finding.message)
