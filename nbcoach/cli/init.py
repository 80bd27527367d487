"""`nbcoach init` (scaffold the workflow) and `nbcoach install-hooks` (plain git hooks)."""

from __future__ import annotations

from pathlib import Path

import typer


def init(
    directory: Path = typer.Argument(Path("."), help="The project folder (default: here)."),
    package: str | None = typer.Option(
        None, "--package", help="Package name for src/ (default: [project].name or the folder)."
    ),
    force: bool = typer.Option(False, "--force", help="Overwrite files that differ."),
    hooks_repo: str | None = typer.Option(
        None, "--hooks-repo", help="Install nbcoach's pre-commit hooks from this git repository."
    ),
    hooks_rev: str | None = typer.Option(
        None, "--hooks-rev", help="The revision for --hooks-repo."
    ),
    baseline: bool = typer.Option(
        True,
        "--baseline/--no-baseline",
        help="Record existing notebooks in .nbcoach/baseline.json.",
    ),
    jupyterlab: bool = typer.Option(
        False,
        "--jupyterlab",
        help="Also write the jupyterlab-lsp setting that starts `nbcoach server` from this "
        "environment (for a JupyterLab installed elsewhere).",
    ),
    jupyter_config_dir: Path | None = typer.Option(
        None,
        "--jupyter-config-dir",
        help="Where --jupyterlab writes (default: $JUPYTER_CONFIG_DIR or ~/.jupyter).",
    ),
    no_color: bool = typer.Option(False, "--no-color", help="Plain text even on a terminal."),
) -> None:
    """Scaffold the notebook-to-Python workflow: src/, tests/, notebooks/, pre-commit hooks,
    [tool.nbcoach] and [tool.jupytext], WORKFLOW.md. Idempotent; never overwrites without --force."""
    from nbcoach.analysis.discover import discover
    from nbcoach.cli.console import console
    from nbcoach.workflow import baseline as ledger
    from nbcoach.workflow.scaffold import InitOptions
    from nbcoach.workflow.scaffold import init as scaffold

    out = console(no_color)
    package_name, changes = scaffold(directory, InitOptions(package, force, hooks_repo, hooks_rev))
    for change in changes:
        note = "  (exists and differs; --force overwrites)" if change.action == "kept" else ""
        note = f"  ({change.detail})" if change.detail else note
        out.print(f"  {change.action:<11} {change.path}{note}", markup=False, soft_wrap=True)
    notebooks = [t for t in discover([str(directory)]).targets if t.path.suffix == ".ipynb"]
    if baseline and notebooks and not ledger.path(directory.resolve()).exists():
        from nbcoach.workflow.gate import record_baseline

        recorded = record_baseline([str(directory)])
        file, count = recorded.file, recorded.count
        out.print(
            f"  {'recorded':<11} {file.relative_to(directory.resolve())} ({count} notebooks and modules: the ratchet starts here)",
            markup=False,
        )
    if jupyterlab:
        from nbcoach.integrations.jupyterlab import default_config_dir, write_server_setting

        folder = jupyter_config_dir or default_config_dir()
        setting, action = write_server_setting(folder, force)
        note = "  (not nbcoach's; --force overwrites)" if action == "kept" else ""
        out.print(
            f"  {action:<11} {setting}{note}  (JupyterLab starts `nbcoach server` with it)",
            markup=False,
            soft_wrap=True,
        )
    out.print(
        f"Package `{package_name}` in src/. Next: `pip install pre-commit && pre-commit install`, "
        "`nbcoach sync` to write the .py pairs, then commit (see WORKFLOW.md).",
        markup=False,
        soft_wrap=True,
    )


def install_hooks(
    uninstall: bool = typer.Option(
        False, "--uninstall", help="Remove them; restore chained hooks."
    ),
) -> None:
    """Install nbcoach's plain git hooks (pre-commit, post-merge) into .git/hooks. A hook already
    there is kept and run first; one written by the pre-commit framework is left alone."""
    from nbcoach.workflow.hookinstall import install_hooks as install
    from nbcoach.workflow.hookinstall import uninstall_hooks

    changes = uninstall_hooks(Path.cwd()) if uninstall else install(Path.cwd())
    for change in changes:
        extra = (
            f"  (your hook is kept as {change.hook}.pre-nbcoach and runs first)"
            if change.action == "chained"
            else ""
        )
        typer.echo(f"  {change.action:<10} {change.hook}{extra}")
