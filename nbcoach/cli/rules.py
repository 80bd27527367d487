"""`nbcoach rules [ID]`: what each rule means, why it matters, how to fix it."""

from __future__ import annotations

import typer


def rules(
    rule_id: str | None = typer.Argument(
        None, help="A rule id (e.g. long-function) or a ruff code (e.g. F401)."
    ),
) -> None:
    """List every rule, or explain one."""
    from nbcoach.core.errors import UsageError
    from nbcoach.core.rules import RULES, RULES_BY_ID

    if rule_id is None:
        width = max(len(listed.id) for listed in RULES)
        for listed in RULES:
            typer.echo(f"{listed.id:<{width}}  {listed.category:<11}  {listed.summary}")
        typer.echo(
            f"{'(ruff codes)':<{width}}  {'lint':<11}  Every ruff rule, as configured for your project: `nbcoach rules F401`."
        )
        return
    rule = RULES_BY_ID.get(rule_id)
    if rule is not None:
        typer.echo(
            f"{rule.id} ({rule.category})\n\n{rule.summary}\n\nWhy it matters: {rule.why}\n\nHow to fix it: {rule.fix}"
        )
        return
    code = rule_id.upper()
    if code[:1].isalpha() and any(ch.isdigit() for ch in code):
        from nbcoach.analysis.lint import ruff_rule_text

        text = ruff_rule_text(code)
        if text is not None:
            typer.echo(f"{code} is a ruff rule; nbcoach counts it in the lint category.\n")
            typer.echo(text, nl=False)
            return
    from nbcoach.core.rules import closest

    near = closest(rule_id)
    hint = f"did you mean {near!r}? " if near else ""
    raise UsageError(f"unknown rule {rule_id!r}; {hint}`nbcoach rules` lists them all")
