"""The external tools nbcoach calls, found in one place."""

from __future__ import annotations

import functools
import json
import os
import shutil
import subprocess
from typing import IO


def ruff_binary() -> str:
    """Which ruff runs: the one installed with nbcoach's Python (the `ruff` package), else the
    first `ruff` on PATH. The one lookup: every ruff call and `ruff_identity` go through it."""
    try:
        from ruff import find_ruff_bin

        return str(find_ruff_bin())
    except (ImportError, FileNotFoundError):
        return shutil.which("ruff") or "ruff"


def ruff_identity() -> str:
    """Which ruff lints, for keys of cached lint results (the report's cache, the history
    store): the size and modification time of the binary `ruff_binary` runs, which change with
    any upgrade, in the environment or on PATH (a stat is cheaper than asking ruff or pip for a
    version on every warm run). Not its path: a moved checkout or CI runner keeps its cache.
    Ask once per run, never once per process."""
    try:
        stat = os.stat(ruff_binary())
    except OSError:
        return "unknown"
    return f"{stat.st_size}-{stat.st_mtime_ns}"


def ruff_codes() -> frozenset[str] | None:
    """Every rule code the installed ruff knows, or None when it cannot say (then no ruff code
    or prefix is refused): what tells a typo in `select` from a ruff prefix such as `E7`."""
    rules = ruff_rules()
    return frozenset(str(rule.get("code")) for rule in rules) if rules else None


def ruff_rules() -> tuple[dict[str, object], ...]:
    """`ruff rule --all`: each rule's code, explanation and fix availability; empty when ruff
    cannot say. Asked once per process and ruff binary (20 ms): a run that checks `select` and
    explains its findings asks once."""
    return _ruff_rules(ruff_identity())


def ask_ruff_rules_early() -> None:
    """Start `ruff rule --all` in the background; `ruff_rules` reads its answer later. A cold
    report needs the rules' explanations only when it renders, after the analysis: asked then,
    ruff's 20 ms stood alone at the end of the run; asked here, they pass while it analyses."""
    identity = ruff_identity()
    if identity in _ASKED or _ruff_rules.cache_info().currsize:
        return
    import tempfile

    output = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _ruff_rules, once read
    try:
        process = subprocess.Popen(_rules_command(), stdout=output, stderr=subprocess.DEVNULL)
    except OSError:
        output.close()
        return
    _ASKED[identity] = (process, output)


def _rules_command() -> list[str]:
    return [ruff_binary(), "rule", "--all", "--output-format", "json"]


# `ruff rule --all` started by ask_ruff_rules_early, by ruff identity: (process, its output)
_ASKED: dict[str, tuple[subprocess.Popen[bytes], IO[bytes]]] = {}


@functools.cache
def _ruff_rules(identity: str) -> tuple[dict[str, object], ...]:
    try:
        asked = _ASKED.pop(identity, None)
        if asked is not None:
            process, output = asked
            with output:
                returncode = process.wait()
                output.seek(0)
                text = output.read().decode("utf-8")
        else:
            completed = subprocess.run(
                _rules_command(), capture_output=True, text=True, check=False
            )
            returncode, text = completed.returncode, completed.stdout
        rules = json.loads(text) if returncode == 0 else []
    except (OSError, ValueError):
        return ()
    return (
        tuple(rule for rule in rules if isinstance(rule, dict)) if isinstance(rules, list) else ()
    )
