"""The report card as HTML: a standalone page (`--format html`) and the fragment `%nbcoach` shows.

The same content as the terminal card, section for section: grade and score, coverage, notes,
categories with bars, next steps, what is already good, functions worst first, functions ready
for a module, findings with how to fix them, copies across notebooks, and the summary. The page
is self-contained (inline CSS, no script, no fonts or images to fetch), so it opens offline and
can be attached to a CI run. Every value is escaped.
"""

from __future__ import annotations

from html import escape

from nbcoach import __version__
from nbcoach.core.model import CategoryScore, Finding, FunctionScore, Report, ReportCard
from nbcoach.core.rules import rule_help
from nbcoach.render import phrases

STYLE = """
.nbc{--ok:#1a7f37;--good:#4d9a2a;--mid:#b58100;--poor:#c2571a;--bad:#cf222e;--ink:#1f2328;
 --dim:#59636e;--line:#d1d9e0;--paper:#fff;--soft:#f6f8fa;--info:#0969da;
 font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,Helvetica,Arial,sans-serif;color:var(--ink)}
.nbc *{box-sizing:border-box}
.nbc .card{background:var(--paper);border:1px solid var(--line);border-radius:10px;
 padding:18px 22px;margin:0 0 18px;max-width:1100px}
.nbc .head{display:flex;align-items:center;gap:14px;flex-wrap:wrap}
.nbc .grade{display:inline-flex;align-items:center;justify-content:center;min-width:44px;
 height:44px;border-radius:8px;color:#fff;font-size:24px;font-weight:700}
.nbc .grade.small{min-width:26px;height:24px;font-size:14px;border-radius:5px}
.nbc .g-A{background:var(--ok)}.nbc .g-B{background:var(--good)}.nbc .g-C{background:var(--mid)}
.nbc .g-D{background:var(--poor)}.nbc .g-F{background:var(--bad)}.nbc .g-none{background:var(--dim)}
.nbc h2{font-size:18px;margin:0;word-break:break-all}
.nbc .score{font-size:18px;color:var(--dim)}
.nbc .score b{color:var(--ink)}
.nbc .dim{color:var(--dim)}
.nbc .note{color:var(--dim);font-style:italic;margin:2px 0}
.nbc h3{font-size:15px;margin:16px 0 6px}
.nbc table{border-collapse:collapse;margin:4px 0}
.nbc th{text-align:left;font-weight:600;color:var(--dim);border-bottom:1px solid var(--line);
 padding:3px 12px 3px 0}
.nbc td{padding:3px 12px 3px 0;vertical-align:top}
.nbc td.num,.nbc th.num{text-align:right}
.nbc .bar{width:220px;height:10px;background:var(--soft);border:1px solid var(--line);
 border-radius:5px;overflow:hidden}
.nbc .bar span{display:block;height:100%}
.nbc ol.steps{margin:4px 0;padding-left:24px}
.nbc ol.steps li{margin:3px 0}
.nbc .gain{display:inline-block;background:#dafbe1;color:var(--ok);font-weight:600;
 border-radius:10px;padding:0 8px;margin-left:6px;white-space:nowrap}
.nbc ul.good{list-style:none;padding-left:4px;margin:4px 0}
.nbc ul.good li:before{content:"+ ";color:var(--ok);font-weight:700}
.nbc code,.nbc .loc{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:13px}
.nbc .finding{border-left:3px solid var(--line);padding:3px 0 3px 10px;margin:6px 0}
.nbc .finding.error{border-color:var(--bad)}.nbc .finding.warning{border-color:var(--mid)}
.nbc .finding.info{border-color:var(--info)}
.nbc .rule{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
 background:var(--soft);border:1px solid var(--line);border-radius:4px;padding:0 5px;margin:0 6px}
.nbc .fix{color:var(--dim)}
.nbc .fix:before{content:"\\2192  "}
.nbc .status{font-weight:600;text-transform:uppercase;font-size:12px;border-radius:4px;padding:1px 6px}
.nbc .status.skipped{background:#fff8c5;color:#7d4e00}.nbc .status.error{background:#ffebe9;color:var(--bad)}
.nbc .status.ok{background:#dafbe1;color:var(--ok)}
.nbc .well{color:var(--ok);font-weight:600}
.nbc details{margin:10px 0 4px}.nbc summary{cursor:pointer;font-weight:600}
"""

PAGE_STYLE = """
body{margin:0;background:#f0f2f5}
main.nbc{padding:28px 32px;max-width:1180px;margin:0 auto}
main.nbc>header{margin:0 0 18px}
main.nbc>header h1{font-size:22px;margin:0 0 2px}
"""

_BAR_COLOUR = {"A": "var(--ok)", "B": "var(--good)", "C": "var(--mid)", "D": "var(--poor)"}


def render_html(report: Report, full: bool | None = None, max_findings: int = 15) -> str:
    """A complete, self-contained page: every card, copies across notebooks, the summary."""
    detailed = full if full is not None else len(report.cards) <= 3
    graded = [c for c in report.cards if c.score is not None]
    subtitle = f"{len(report.cards)} input{'s' if len(report.cards) != 1 else ''}"
    if graded:
        mean = sum(c.score or 0 for c in graded) / len(graded)
        subtitle += f" · {len(graded)} graded · mean score {mean:.1f}"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        # No request may leave the page: not even the browser's default favicon fetch.
        '<link rel="icon" href="data:,">',
        "<title>nbcoach report card</title>",
        f"<style>{STYLE}{PAGE_STYLE}</style></head><body>",
        '<main class="nbc">',
        f'<header><h1>nbcoach report card</h1><div class="dim">{escape(subtitle)}'
        f" · nbcoach {escape(__version__)}</div></header>",
    ]
    parts += [card_html(card, detailed, max_findings) for card in report.cards]
    if report.cross_findings:
        parts.append(_cross(report.cross_findings, max_findings))
    if len(report.cards) > 1:
        parts.append(summary_html(report))
    if report.input_errors:
        items = "".join(f"<li>{escape(e)}</li>" for e in report.input_errors)
        parts.append(
            f'<section class="card"><h3>Inputs that could not be read</h3><ul>{items}</ul></section>'
        )
    parts.append("</main></body></html>")
    return "\n".join(parts) + "\n"


def fragment_html(body: str) -> str:
    """Cards for embedding in another page (a notebook's output): scoped style included."""
    return f'<div class="nbc"><style>{STYLE}</style>{body}</div>'


def card_html(card: ReportCard, full: bool = True, max_findings: int = 15) -> str:
    anchor = f' id="{escape(_anchor(card.path))}"'
    if card.status != "ok":
        return (
            f'<section class="card"{anchor}><div class="head"><h2>{escape(card.path)}</h2>'
            f'<span class="status {card.status}">{card.status}</span>'
            f'<span class="dim">{escape(card.reason)}</span></div></section>'
        )
    assert card.score is not None and card.grade is not None
    parts = [
        f'<section class="card"{anchor}><div class="head">{_grade(card.grade)}'
        f"<h2>{escape(card.path)}</h2>"
        f'<span class="score"><b>{card.score:.1f}</b>/100</span></div>',
        f'<div class="dim">{escape(_coverage(card))}</div>',
    ]
    parts += [f'<div class="note">note: {escape(note)}</div>' for note in card.notes]
    parts.append(_categories(card.categories))
    if card.held_by:
        parts.append(f"<p class='held'><strong>{escape(card.held_by)}</strong></p>")
    parts.append(next_steps_html(card))
    if full:
        if card.strengths:
            items = "".join(f"<li>{escape(s)}</li>" for s in card.strengths)
            parts.append(f'<h3>Already good</h3><ul class="good">{items}</ul>')
        everything = max_findings <= 0  # --all: every function and candidate too
        if card.functions:
            parts.append(functions_html(card, len(card.functions) if everything else 8))
        if card.candidates:
            listed, more = phrases.candidates(card, everything)
            shown = ", ".join(f"<code>{escape(n)}</code>" for n in listed)
            parts.append(
                f"<h3>Ready to move into a module</h3><div>(no hidden inputs): {shown}{more}</div>"
            )
        parts.append(findings_html(card.findings, max_findings))
    parts.append("</section>")
    return "\n".join(parts)


def _anchor(path: str) -> str:
    return "card-" + "".join(ch if ch.isalnum() else "-" for ch in path)


def _grade(grade: str | None, small: bool = False) -> str:
    size = " small" if small else ""
    if grade is None:
        return f'<span class="grade g-none{size}">-</span>'
    return f'<span class="grade g-{escape(grade)}{size}">{escape(grade)}</span>'


def _coverage(card: ReportCard) -> str:
    return phrases.coverage(card)


def _categories(categories: tuple[CategoryScore, ...]) -> str:
    rows = "".join(
        f"<tr><td>{escape(c.name)}</td><td class='num'>{c.score:.1f}</td>"
        f"<td>{_grade(c.grade, small=True)}</td>"
        f"<td class='num'>{f'-{c.cost:.1f}' if c.cost else ''}</td>"
        f'<td><div class="bar" role="img" aria-label="{c.score:.0f} of 100">'
        f'<span style="width:{max(0.0, min(100.0, c.score)):.1f}%;'
        f'background:{_BAR_COLOUR.get(c.grade, "var(--bad)")}"></span></div></td></tr>'
        for c in categories
    )
    return (
        "<table class='categories'><thead><tr><th>category</th><th class='num'>score</th>"
        f"<th>grade</th><th class='num'>costs</th><th></th></tr></thead><tbody>{rows}</tbody></table>"
    )


def next_steps_html(card: ReportCard) -> str:
    if not card.next_steps:
        html = (
            '<h3>Next steps</h3><div class="well">Nothing left that costs points. Well done.</div>'
        )
    else:
        items = "".join(
            f"<li>{_inline_code(step.action)}<span class='gain'>+{step.gain:.1f} points</span>"
            + (
                f" <code>{escape(step.command)}</code>"
                if step.command.startswith("nbcoach ")
                else ""
            )
            + "</li>"
            for step in card.next_steps
        )
        html = f'<h3>Next steps (worth the most points)</h3><ol class="steps">{items}</ol>'
    if card.extraction is not None:
        html += (
            f'<p class="then"><strong>{phrases.EXTRACTION_LEAD}:</strong> '
            f"{_inline_code(card.extraction.action)}: <code>{escape(card.extraction.command)}</code></p>"
        )
    return html


def functions_html(
    card: ReportCard,
    limit: int = 8,
    where_prefix: str = "cell",
    title: str = "Functions (worst first)",
) -> str:
    rows = "".join(_function_row(s, card.format, where_prefix) for s in card.functions[:limit])
    more = (
        f'<div class="dim">{len(card.functions) - limit} more with --all</div>'
        if len(card.functions) > limit
        else ""
    )
    return (
        f"<h3>{escape(title)}</h3><table class='functions'><thead><tr><th>grade</th>"
        "<th>function</th><th>where</th><th class='num'>lines</th><th class='num'>complexity</th>"
        "<th class='num'>nesting</th><th class='num'>params</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{more}"
    )


def _function_row(scored: FunctionScore, fmt: str, where_prefix: str) -> str:
    f = scored.function
    if fmt == "script":
        where = f"line {f.line}"
    elif where_prefix == "In":
        where = f"In [{f.cell}]:line {f.line}"
    else:
        where = f"cell {f.cell}:line {f.line}"
    return (
        f"<tr><td>{_grade(scored.grade, small=True)}</td><td><code>{escape(f.name)}</code></td>"
        f"<td class='loc'>{escape(where)}</td><td class='num'>{f.length}</td>"
        f"<td class='num'>{f.complexity}</td><td class='num'>{f.nesting}</td>"
        f"<td class='num'>{f.parameters}</td></tr>"
    )


def findings_html(findings: tuple[Finding, ...], limit: int) -> str:
    if not findings:
        return '<h3>Findings</h3><div class="well">No findings.</div>'
    shown, header = phrases.costliest(findings, limit)
    return f"<h3>{escape(header)}</h3>" + "".join(finding_html(f) for f in shown)


def finding_html(finding: Finding) -> str:
    return (
        f'<div class="finding {finding.severity}"><span class="loc">{escape(str(finding.location))}</span>'
        f'<span class="rule">{escape(finding.rule)}</span>{_inline_code(finding.message)}'
        f'<div class="fix">{_inline_code(rule_help(finding.rule))}</div></div>'
    )


def _cross(findings: tuple[Finding, ...], limit: int) -> str:
    shown = findings[:limit] if limit > 0 else findings
    body = "".join(finding_html(f) for f in shown)
    return (
        f'<section class="card"><h3>Copied between notebooks ({len(findings)}; not scored)</h3>'
        f"{body}</section>"
    )


def summary_html(report: Report) -> str:
    ordered = sorted(
        report.cards, key=lambda c: (c.score is None, c.score if c.score is not None else 0, c.path)
    )
    rows = "".join(
        f'<tr><td><a href="#{escape(_anchor(c.path))}">{escape(c.path)}</a></td>'
        f"<td>{_grade(c.grade, small=True)}</td>"
        f"<td class='num'>{f'{c.score:.1f}' if c.score is not None else '-'}</td>"
        f"<td>{escape(c.status if c.status == 'ok' else f'{c.status}: {c.reason}')}</td></tr>"
        for c in ordered
    )
    scored = [c.score for c in report.cards if c.score is not None]
    caption = (
        f'<div class="dim">{len(report.cards)} inputs · {len(scored)} graded · mean score '
        f"{sum(scored) / len(scored):.1f}</div>"
        if scored
        else ""
    )
    return (
        '<section class="card"><h3>Summary</h3><table class="summary"><thead><tr>'
        "<th>notebook</th><th>grade</th><th class='num'>score</th><th>status</th></tr></thead>"
        f"<tbody>{rows}</tbody></table>{caption}</section>"
    )


def _inline_code(text: str) -> str:
    """`backticks` as <code>, the rest escaped: actions and fixes quote names that way."""
    pieces = text.split("`")
    if len(pieces) % 2 == 0:  # unbalanced: show as written
        return escape(text)
    return "".join(
        f"<code>{escape(piece)}</code>" if odd else escape(piece)
        for odd, piece in ((n % 2 == 1, p) for n, p in enumerate(pieces))
    )
