"""The ruff adapter: one `ruff check` over every input of the run, JSON out.

ruff reads notebooks natively and reports each finding's cell, so nbqa's per-notebook round
trips (about 40 ms each) are not needed. The user's ruff configuration is honoured as ruff finds
it; nbcoach adds the pep8-naming rules (`N8`) on top, and re-applies the user's own ignores of
naming rules, because a command-line `--extend-select` would otherwise override them.

Notebooks ruff cannot read (nbformat 3, markdown cells with outputs, a missing `nbformat` key)
are passed through ruff's stdin as clean nbformat 4 JSON under their own file name, so they are
still linted with the user's config; that is one extra ruff call per such notebook.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from nbcoach.core.codec import loads
from nbcoach.core.model import Finding, Notebook
from nbcoach.core.tools import ruff_binary

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

DROPPED = frozenset({"invalid-syntax", "F403", "F405"})  # nbcoach reports these itself


@dataclass(frozen=True, slots=True)
class RuffFinding:
    code: str
    message: str
    cell: int | None
    row: int
    end_row: int
    fixable: bool
    column: int = 1


@dataclass(slots=True)
class LintRun:
    """A ruff process under way; `collect` waits for it."""

    process: subprocess.Popen[bytes] | None
    files: list[str]
    options: list[str]
    error: str = ""
    results: dict[str, list[RuffFinding]] = field(default_factory=dict)
    # ruff writes into files, not pipes: it never waits for us to read while we analyse, and
    # its output (megabytes for a monorepo) is parsed one line at a time, never held whole.
    stdout: IO[bytes] | None = None
    stderr: IO[bytes] | None = None


def start(
    files: Sequence[str], extend_select: Sequence[str], config_dirs: Iterable[str] | None = None
) -> LintRun:
    """Start ruff in the background so it runs while notebooks are analysed.

    `config_dirs`: where the files' ruff configuration lives when the files themselves are
    copies elsewhere (history lints old versions from a temporary folder); default: their own.
    """
    directories = (
        set(config_dirs) if config_dirs is not None else {str(Path(f).parent) for f in files}
    )
    options = ruff_options(extend_select, directories)
    if not files:
        return LintRun(None, [], options)
    # closed by collect(), once ruff has finished writing into them
    stdout, stderr = tempfile.TemporaryFile(), tempfile.TemporaryFile()  # noqa: SIM115
    try:
        process = subprocess.Popen(
            [ruff_binary(), *options, "--", *files], stdout=stdout, stderr=stderr
        )
    except OSError as error:
        stdout.close()
        stderr.close()
        return LintRun(None, list(files), options, error=f"ruff could not start: {error}")
    return LintRun(process, list(files), options, stdout=stdout, stderr=stderr)


def ruff_options(extend_select: Sequence[str], directories: Iterable[str]) -> list[str]:
    """`ruff check`'s arguments for nbcoach's lint: JSON lines, no cache, no fixes, the extra
    rules, and the user's own ignores of those rules kept (a command-line `--extend-select`
    would otherwise override them)."""
    options = ["check", "--output-format", "json-lines", "--no-cache", "--exit-zero", "--no-fix"]
    if extend_select:
        options += ["--extend-select", ",".join(extend_select)]
        ignores = naming_ignores(directories, extend_select)
        if ignores:
            options += ["--extend-ignore", ",".join(sorted(ignores))]
    return options


def collect_if_done(run: LintRun) -> None:
    """Read ruff's results if it has finished; never waits (for work done between results)."""
    if run.process is not None and run.process.poll() is not None:
        collect(run)


def collect(run: LintRun) -> LintRun:
    if run.process is None or run.stdout is None or run.stderr is None:
        return run
    returncode = run.process.wait()
    with run.stdout, run.stderr:
        run.stdout.seek(0)
        run.stderr.seek(0)
        stderr = run.stderr.read()
        run.results = _parse(run.stdout, stderr, run)
    if returncode != 0 and not run.error:  # `--exit-zero`: only a failure of ruff itself
        run.error = "ruff failed: " + failure_reason(stderr)
        run.results = {}
    run.process = run.stdout = run.stderr = None
    return run


def failure_reason(stderr: bytes) -> str:
    """ruff's own words for why it stopped: its `Cause:` line (`Unknown rule selector
    `NOTARULE``), else its first line."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line.strip()]
    causes = [line.removeprefix("Cause:").strip() for line in lines if line.startswith("Cause:")]
    if causes:
        return causes[-1]
    return lines[0].removeprefix("error:").strip() if lines else "no output"


def lint_stdin(notebook: Notebook, options: list[str]) -> list[RuffFinding]:
    """Lint a notebook ruff cannot read from disk, as clean nbformat 4 JSON on stdin."""
    document = {
        "nbformat": 4,
        "nbformat_minor": 5,
        "metadata": {"language_info": {"name": "python"}},
        "cells": [
            {
                "cell_type": c.kind,
                "id": f"c{c.number}",
                "metadata": {},
                "source": c.source,
                **({"outputs": [], "execution_count": None} if c.kind == "code" else {}),
            }
            for c in notebook.cells
        ],
    }
    try:
        completed = subprocess.run(
            [ruff_binary(), *options, "--stdin-filename", notebook.path],
            input=json.dumps(document).encode(),
            capture_output=True,
            check=False,
        )
    except OSError:
        return []
    run = LintRun(None, [notebook.path], options)
    lines = completed.stdout.splitlines(keepends=True)
    return _parse(lines, completed.stderr, run).get(notebook.path, [])


def _parse(lines: Iterable[bytes], stderr: bytes, run: LintRun) -> dict[str, list[RuffFinding]]:
    """ruff's JSON Lines, one finding per line, into findings by file as the run named it."""
    by_file: dict[str, list[RuffFinding]] = {}
    # ruff names a file by its absolute path, symlinks kept: found without a system call; a
    # name found so only after resolving symlinks resolves the run's files, once.
    canonical: dict[str, str] = {}
    for file in run.files:
        canonical.setdefault(os.path.abspath(file), file)
    resolved: dict[str, str] = {}
    for line in lines:
        if not line.strip():
            continue
        try:
            item: dict[str, Any] = loads(line)
        except json.JSONDecodeError:
            message = stderr.decode(errors="replace").strip().splitlines()
            run.error = "ruff failed: " + (message[0] if message else "unreadable output")
            return {}
        name = item["filename"]
        filename = canonical.get(name)
        if filename is None:
            if not resolved:
                for file in run.files:
                    resolved.setdefault(str(Path(file).resolve()), file)
            filename = resolved.get(str(Path(name).resolve()), name)
        code = item.get("code") or "invalid-syntax"
        fix = item.get("fix") or {}
        by_file.setdefault(filename, []).append(
            RuffFinding(
                code=code,
                message=item.get("message", ""),
                cell=item.get("cell"),
                row=(item.get("location") or {}).get("row", 1),
                end_row=(item.get("end_location") or {}).get("row", 1),
                fixable=fix.get("applicability") == "safe",
                column=(item.get("location") or {}).get("column", 1),
            )
        )
    return by_file


def unreadable_by_ruff(results: Iterable[RuffFinding]) -> bool:
    """ruff's answer for a notebook it could not load: one syntax error, with no cell."""
    return any(item.code == "invalid-syntax" and item.cell is None for item in results)


# Prices fitted to blind expert review (benchmarks/calibration, docs/scoring.md): a likely bug
# costs most, a smell (bare except, shadowed builtin, commented-out code) less, naming and style
# little. A rule seen again in the same notebook is one habit: each further finding costs
# REPEAT of the first.
PRICE = {"bug": 13.0, "smell": 2.5, "naming": 1.0, "style": 0.3}
REPEAT = 0.2
_BUG = ("F8", "E9", "PLE", "F6", "F7", "NPY001", "NPY201")  # NumPy names gone: AttributeError
_SMELL = ("F", "B", "PLW", "S", "A00", "E711", "E712", "E721", "E722", "ERA")


def deficit(code: str) -> float:
    """Likely bugs cost most; style costs least (docs/scoring.md)."""
    if code.startswith(_BUG):
        return PRICE["bug"]
    if code.startswith(_SMELL):
        return PRICE["smell"]
    if code.startswith(("N", "D1")):
        return PRICE["naming"]
    return PRICE["style"]


def to_findings(
    notebook_path: str,
    fmt: str,
    cell_lines: tuple[tuple[int, int], ...],
    items: Iterable[RuffFinding],
) -> list[Finding]:
    from nbcoach.core.model import Location

    findings = []
    seen: dict[str, int] = {}
    for item in items:
        if item.code in DROPPED:
            continue
        cell, line = _place(fmt, cell_lines, item)
        if fmt == "percent" and cell is None and cell_lines and item.code.startswith("ERA"):
            continue  # the jupytext header (`#   jupytext:`) is YAML in comments, not dead code
        price = deficit(item.code)
        cost = price if item.code not in seen else round(price * REPEAT, 2)
        seen[item.code] = seen.get(item.code, 0) + 1
        findings.append(
            Finding(
                rule=item.code,
                message=item.message,
                location=Location(notebook_path, cell, line, column=item.column),
                category="lint",
                severity="error" if price >= PRICE["bug"] else "warning" if price >= 1 else "info",
                deficit=cost,
                subject=f"lint:{item.code}",
                fixable=item.fixable,
            )
        )
    return findings


def ruff_rule_text(code: str) -> str | None:
    """`ruff rule CODE`: what ruff says of one of its rules, or None when it has no such rule."""
    completed = subprocess.run(
        [ruff_binary(), "rule", code], capture_output=True, text=True, check=False
    )
    return completed.stdout if completed.returncode == 0 else None


_UNDEFINED = re.compile(r"Undefined name `(.+)`")


def without_magic_blind_spots(
    findings: Iterable[Finding], magic_bound: Iterable[str]
) -> list[Finding]:
    """ruff reads `%time total = f()` as a magic, not an assignment, and reports each later use of
    `total` as undefined (F821); nbcoach parses the statement inside the magic and knows better."""
    bound = set(magic_bound)
    if not bound:
        return list(findings)
    kept = []
    for finding in findings:
        match = _UNDEFINED.fullmatch(finding.message) if finding.rule == "F821" else None
        if match is None or match.group(1) not in bound:
            kept.append(finding)
    return kept


def without_own_redefinitions(
    findings: Iterable[Finding], analysis_findings: Iterable[Finding]
) -> list[Finding]:
    """ruff's F811 ("redefinition of unused `f`") at a definition nbcoach reports as
    `redefined-function`/`redefined-class`, or at an import it reports as `reimported-module`,
    is the same defect: counted twice it cost a notebook two findings for one fix, and more
    than any other redefinition (the blind reviewers named such a notebook's redefinitions
    once, and graded it B). Matched by place, not name: F811 on a method defined twice, an
    import repeated inside a function or a local class of the same name is another defect and
    stays."""
    places = {
        (place.cell, place.line)
        for f in analysis_findings
        if f.rule.startswith("redefined-") or f.rule == "reimported-module"
        for place in (f.location, *f.related)
    }
    return [
        f for f in findings if f.rule != "F811" or (f.location.cell, f.location.line) not in places
    ]


def _place(
    fmt: str, cell_lines: tuple[tuple[int, int], ...], item: RuffFinding
) -> tuple[int | None, int]:
    if fmt == "ipynb":
        return item.cell, item.row
    if fmt == "percent" and cell_lines:
        cell, start = None, 1
        for number, first in cell_lines:
            if first <= item.row:
                cell, start = number, first
        if cell is not None:
            return cell, item.row - start + 1
    return None, item.row


def naming_ignores(directories: Iterable[str], extend_select: Sequence[str]) -> set[str]:
    """The user's ignores that our `--extend-select` would otherwise override."""
    prefixes = tuple(extend_select)
    found: set[str] = set()
    for directory in directories:
        for selector in _config_ignores(Path(directory).resolve()):
            if selector.startswith(prefixes) or any(p.startswith(selector) for p in prefixes):
                found.add(selector)
    return found


def _config_ignores(directory: Path) -> tuple[str, ...]:
    for candidate_dir in (directory, *directory.parents):
        for name in ("ruff.toml", ".ruff.toml", "pyproject.toml"):
            candidate = candidate_dir / name
            if not candidate.is_file():
                continue
            try:
                data = tomllib.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
                continue
            table = data.get("tool", {}).get("ruff") if name == "pyproject.toml" else data
            if table is None:
                continue
            lint_table = table.get("lint", {}) if isinstance(table.get("lint"), dict) else {}
            selectors: list[str] = []
            for source in (table, lint_table):
                for key in ("ignore", "extend-ignore"):
                    value = source.get(key)
                    if isinstance(value, list):
                        selectors += [v for v in value if isinstance(v, str)]
            return tuple(selectors)
    return ()


def format_python(text: str, filename: str, fix: bool = False) -> str:
    """`text` with its imports sorted and formatted as `ruff format` would, under the user's
    ruff configuration for `filename`; with `fix`, every safe fix of that configuration applied
    too (what a `ruff check --fix` hook would do). Unchanged if ruff cannot parse or run it."""
    select = [] if fix else ["--select", "I"]
    sorted_imports = _ruff_stdin(
        ["check", *select, "--fix", "--exit-zero", "--quiet", "--no-cache"],
        text,
        filename,
    )
    return _ruff_stdin(["format", "--quiet", "--no-cache"], sorted_imports or text, filename) or (
        sorted_imports or text
    )


def check_text(text: str, filename: str, options: list[str] | None = None) -> list[RuffFinding]:
    """What the project's ruff says of `text` as the file `filename` (its configuration, as a
    `ruff check` hook would run it, or with `options`); [] when ruff cannot run."""
    options = options or [
        "check", "--output-format", "json-lines", "--exit-zero", "--no-cache", "--no-fix",
    ]  # fmt: skip
    out = _ruff_stdin(options, text, filename)
    if out is None:
        return []
    run = LintRun(None, [filename], options)
    return _parse(out.encode("utf-8").splitlines(keepends=True), b"", run).get(filename, [])


def _ruff_stdin(options: list[str], text: str, filename: str) -> str | None:
    try:
        completed = subprocess.run(
            [ruff_binary(), *options, "--stdin-filename", filename, "-"],
            input=text.encode("utf-8"),
            capture_output=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.decode("utf-8")
