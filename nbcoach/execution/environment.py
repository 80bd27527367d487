"""What an interpreter has installed, asked of that interpreter itself.

A notebook runs in its kernel's environment, which is often not the one nbcoach is installed in
(pipx, a project venv, a conda env): papermill's most common complaint is a kernel silently
running another environment. So every question about installed packages — which distribution
provides an import, which version is installed, what it requires — goes to the interpreter that
will run the kernel, through `probe.py`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from nbcoach.core.errors import KernelEnvironmentError

_PROBE = Path(__file__).with_name("probe.py")


@dataclass(frozen=True, slots=True)
class Distribution:
    name: str  # canonical
    version: str
    requires: tuple[str, ...]
    modules: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Environment:
    python: str  # version, `3.11.7`
    executable: str
    markers: dict[str, str]
    distributions: dict[str, Distribution]  # by canonical name

    def version_of(self, name: str) -> str | None:
        found = self.distributions.get(canonicalize_name(name))
        return found.version if found else None

    def providers(self, module: str) -> list[str]:
        """Distributions that install `module`, narrowed by its dotted prefix.

        `import google.cloud.storage` names one of many `google` distributions; the longest
        prefix that some distribution installs decides, as Python's import system would.
        """
        parts = module.split(".")
        for depth in range(min(len(parts), 3), 0, -1):
            prefix = ".".join(parts[:depth])
            found = [d.name for d in self.distributions.values() if prefix in d.modules]
            if found:
                return sorted(found)
        # Editable installs hide their modules behind a finder; their name often is the module.
        same = canonicalize_name(parts[0])
        return [same] if same in self.distributions else []

    def requirements_of(self, name: str) -> list[str]:
        """Canonical names a distribution needs here (markers judged, extras left out)."""
        found = self.distributions.get(canonicalize_name(name))
        if found is None:
            return []
        needed: list[str] = []
        for text in found.requires:
            try:
                requirement = Requirement(text)
                if requirement.marker is not None and not requirement.marker.evaluate(
                    {**self.markers, "extra": ""}
                ):
                    continue
            except (InvalidRequirement, InvalidMarker, UndefinedComparison):
                continue
            needed.append(canonicalize_name(requirement.name))
        return needed

    def closure(self, names: Iterable[str]) -> dict[str, set[str]]:
        """Each installed distribution reachable from `names`, with who needs it."""
        needed_by: dict[str, set[str]] = {}
        pending: list[str] = [canonicalize_name(name) for name in names]
        seen = set(pending)
        while pending:
            name = pending.pop()
            for child in self.requirements_of(name):
                if child not in self.distributions:
                    continue
                needed_by.setdefault(child, set()).add(name)
                if child not in seen:
                    seen.add(child)
                    pending.append(child)
        return needed_by


def run_probe(python: str, code: str, timeout: float) -> subprocess.CompletedProcess[str]:
    """Run `python -c code` where it cannot import the user's project: `-c` puts the current
    folder first on `sys.path`, so a `json.py` there would run in place of the standard one.
    The probe runs in an empty folder of its own instead (`-P` would do it, but only from
    Python 3.11, and the interpreter asked about may be older)."""
    if os.sep in python or (os.altsep and os.altsep in python):
        python = os.path.abspath(python)  # named from here, run from elsewhere
    with tempfile.TemporaryDirectory(prefix="nbcoach-probe-") as empty:
        return subprocess.run(
            [python, "-c", code],
            cwd=empty,
            capture_output=True,
            text=True,
            check=False,
            timeout=timeout,
        )


@lru_cache(maxsize=8)
def describe(python: str = sys.executable) -> Environment:
    """Ask `python` what it has installed (one short subprocess, cached per interpreter)."""
    try:
        completed = run_probe(python, _PROBE.read_text(encoding="utf-8"), timeout=120)
    except OSError as error:
        raise KernelEnvironmentError(
            f"{python}: cannot start this interpreter ({error})"
        ) from error
    if completed.returncode != 0:
        last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
        raise KernelEnvironmentError(f"{python}: cannot list its packages ({last})")
    data = json.loads(completed.stdout)
    distributions: dict[str, Distribution] = {}
    for item in data["distributions"]:
        name = canonicalize_name(item["name"])
        distributions.setdefault(
            name,
            Distribution(name, item["version"], tuple(item["requires"]), tuple(item["modules"])),
        )
    return Environment(data["python"], data["executable"], data["markers"], distributions)


def same_version(left: str, right: str) -> bool:
    """`1.0` and `1.0.0` are the same release; unparseable versions compare as text."""
    try:
        return Version(left) == Version(right)
    except InvalidVersion:
        return left == right
