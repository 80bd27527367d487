"""Lock files: infer exact pins from what notebooks import, read them back, check drift.

The format is pip's requirements format with exact pins (`name==version`), one per line, with
pip-compile style `# via` comments. It is what every installer reads today (pip of any version,
uv, pip-tools, Dependabot), so a lock made here is useful without nbcoach; `docs/run.md` says
why not PEP 751's `pylock.toml` yet. Pins come from the environment that will run the kernel,
never from the registry, so `nbcoach lock` works offline and pins what actually ran.
"""

from __future__ import annotations

import hashlib
import re
import shlex
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import InvalidMarker, UndefinedComparison
from packaging.requirements import InvalidRequirement, Requirement
from packaging.utils import canonicalize_name

from nbcoach.analysis.discover import discover
from nbcoach.core.errors import LockError
from nbcoach.core.model import Location, Lock, Mismatch, Pin, Unmapped
from nbcoach.execution.environment import Environment, same_version
from nbcoach.execution.imports import PYTHON2_STDLIB, ImportScan, scan

NEVER_PINNED = frozenset({"pip"})  # the installer itself; every environment brings its own


@dataclass(frozen=True, slots=True)
class LockEntry:
    name: str  # canonical
    version: str
    marker: str | None = None
    line: int = 0

    @property
    def requirement(self) -> str:
        return f"{self.name}=={self.version}" + (f" ; {self.marker}" if self.marker else "")


@dataclass(frozen=True, slots=True)
class LockFile:
    path: Path
    entries: tuple[LockEntry, ...]
    digest: str  # sha256 of the pins alone: comments and order do not change it

    def applicable(self, environment: Environment) -> tuple[LockEntry, ...]:
        """The entries whose markers hold for this environment."""
        return tuple(e for e in self.entries if _marker_holds(e.marker, environment))


def infer_lock(paths: Sequence[str], environment: Environment) -> Lock:
    """Pins for everything these notebooks and modules import, from `environment`."""
    found = discover(paths)
    files = [target.path for target in found.targets if target.paired_with is None]
    imports = scan(
        files, [target.display for target in found.targets if target.paired_with is None]
    )
    direct, unmapped = _direct(imports, environment)
    needed_by = environment.closure(direct)
    pins = []
    for name in sorted(set(direct) | set(needed_by)):
        if name in NEVER_PINNED:
            continue
        version = environment.distributions[name].version
        if name in direct:
            via = (*sorted(direct[name]), *sorted(needed_by.get(name, ())))
            pins.append(Pin(name, version, via, True))
        else:
            pins.append(Pin(name, version, tuple(sorted(needed_by[name])), False))
    return Lock(
        pins=tuple(pins),
        unmapped=tuple(unmapped),
        python=environment.python,
        sources=tuple(imports.sources),
        skipped=tuple(imports.skipped),
        errors=(*found.errors, *imports.errors),
    )


def _direct(
    imports: ImportScan, environment: Environment
) -> tuple[dict[str, set[str]], list[Unmapped]]:
    direct: dict[str, set[str]] = {}
    missing: dict[str, list[tuple[Location, bool, str]]] = {}
    for use in imports.uses:
        providers = environment.providers(use.module)
        for name in providers:
            direct.setdefault(name, set()).add(f"import {use.module.split('.')[0]}")
        if not providers:
            top = use.module.split(".")[0]
            ported = PYTHON2_STDLIB.get(top)
            reason = (
                f"Python 2's standard library (Python 3: `{ported}`); port the import"
                if ported
                else "no installed distribution provides it"
            )
            missing.setdefault(top, []).append((use.location, use.optional, reason))
    for request in imports.pip_requests:
        try:
            name = canonicalize_name(Requirement(request.requirement).name)
        except InvalidRequirement:
            continue
        if name in environment.distributions:
            direct.setdefault(name, set()).add("%pip install")
        else:
            reason = "named by %pip install but not installed"
            missing.setdefault(name, []).append((request.location, False, reason))
    unmapped = [
        Unmapped(
            module,
            tuple(location for location, _, _ in places),
            optional=all(optional for _, optional, _ in places),
            reason=places[0][2],
        )
        for module, places in sorted(missing.items())
    ]
    return direct, unmapped


def regenerate_command(paths: Sequence[str], python: str | None, output: str | None) -> str:
    """The `nbcoach lock` command that writes this lock again, shell-quoted. It keeps
    `--python`: run from another nbcoach, it would pin what that interpreter has installed."""
    command = ["nbcoach", "lock", *paths]
    if python is not None:
        command += ["--python", python]
    if output is not None:
        command += ["--output", output]
    return shlex.join(command)


def render_lock(lock: Lock, regenerate: str = "") -> str:
    """The lock file's text: deterministic (no dates), so regenerating it gives a clean diff."""
    lines = [
        "# Exact pins of the third-party packages these notebooks import, and of what those",
        f"# packages need, as installed with Python {lock.python}. Written by nbcoach lock.",
    ]
    if regenerate:
        lines.append(f"# Regenerate: {regenerate}")
    lines.append(
        "# Install: pip install -r <this file>; or: nbcoach run NOTEBOOK --lock <this file>"
    )
    for pin in lock.pins:
        lines.append(f"{pin.name}=={pin.version}")
        lines.append(f"    # via {', '.join(pin.via)}")
    if lock.unmapped:
        lines.append("# Not locked: no installed distribution provides these imports")
        for item in lock.unmapped:
            where = ", ".join(str(location) for location in item.locations[:3])
            more = f" and {len(item.locations) - 3} more" if len(item.locations) > 3 else ""
            optional = " (optional)" if item.optional else ""
            lines.append(f"#   {item.module}{optional}: {item.reason} ({where}{more})")
    return "\n".join(lines) + "\n"


_OPTION = re.compile(r"^\s*-")


def is_pylock(path: Path) -> bool:
    """PEP 751's names: `pylock.toml`, or `pylock.<name>.toml`."""
    return re.fullmatch(r"pylock(\.[^./\\]+)?\.toml", path.name) is not None


def read_lock(path: Path) -> LockFile:
    """Read a lock (requirements pins, or a PEP 751 pylock.toml); anything but exact pins is an
    error naming the file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise LockError(f"{path}: cannot read the lock ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise LockError(f"{path}: not UTF-8 text") from error
    if is_pylock(path):
        return _read_pylock(path, text)
    entries: dict[str, LockEntry] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if not line:
            continue
        if _OPTION.match(line):
            raise LockError(f"{path}:{number}: pip options are not supported in a lock: {line}")
        entry = _entry(line, path, number)
        if entry.name in entries and entries[entry.name].marker == entry.marker:
            raise LockError(f"{path}:{number}: {entry.name} is pinned twice")
        entries.setdefault(entry.name, entry)
    ordered = tuple(sorted(entries.values(), key=lambda e: e.name))
    return LockFile(path, ordered, lock_hash(ordered))


def _entry(line: str, path: Path, number: int) -> LockEntry:
    try:
        requirement = Requirement(line)
    except InvalidRequirement as error:
        raise LockError(f"{path}:{number}: not a requirement: {line} ({error})") from error
    specifiers = list(requirement.specifier)
    if (
        len(specifiers) != 1
        or specifiers[0].operator != "=="
        or "*" in specifiers[0].version
        or requirement.url
    ):
        raise LockError(
            f"{path}:{number}: {line}: a lock holds exact pins only (name==version); "
            "regenerate it with nbcoach lock"
        )
    marker = str(requirement.marker) if requirement.marker is not None else None
    return LockEntry(canonicalize_name(requirement.name), specifiers[0].version, marker, number)


def _read_pylock(path: Path, text: str) -> LockFile:
    """PEP 751: `[[packages]]` with `name`, `version` and maybe `marker`. nbcoach reads the pins
    (for the drift check and `--isolated`); the installer reads the files and hashes."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover - Python 3.10
        import tomli as tomllib

    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise LockError(f"{path}: not a valid pylock.toml ({error})") from error
    if not str(document.get("lock-version", "")).startswith("1."):
        raise LockError(
            f"{path}: lock-version {document.get('lock-version')!r} is not PEP 751's 1.x"
        )
    entries: dict[tuple[str, str | None], LockEntry] = {}
    for number, package in enumerate(document.get("packages", []), start=1):
        if not isinstance(package, dict) or "name" not in package:
            raise LockError(f"{path}: package {number} has no name")
        if "version" not in package:
            raise LockError(
                f"{path}: {package['name']} has no version (a directory or VCS package): a "
                "lock nbcoach checks holds released versions"
            )
        entry = LockEntry(
            canonicalize_name(package["name"]),
            str(package["version"]),
            package.get("marker"),
            number,
        )
        entries.setdefault((entry.name, entry.marker), entry)
    ordered = tuple(sorted(entries.values(), key=lambda e: (e.name, e.marker or "")))
    return LockFile(path, ordered, lock_hash(ordered))


def write_pylock(lock: Lock, python: str, regenerate: str = "") -> str:
    """The lock as PEP 751 `pylock.toml`, written by pip itself (`pip lock`, pip 25.1+): the
    exact pins resolved against the package index, each with its files and hashes, for the
    interpreter that will run the notebooks."""
    import subprocess
    import tempfile

    pins = [f"{pin.name}=={pin.version}" for pin in lock.pins]
    with tempfile.TemporaryDirectory(prefix="nbcoach-pylock-") as folder:
        requirements = Path(folder) / "pins.txt"
        requirements.write_text("\n".join(pins) + "\n", encoding="utf-8")
        output = Path(folder) / "pylock.toml"
        command = [
            python,
            "-m",
            "pip",
            "lock",
            "--quiet",
            "-r",
            str(requirements),
            "-o",
            str(output),
        ]
        completed = subprocess.run(
            command, capture_output=True, text=True, check=False, cwd=folder, timeout=900
        )
        if completed.returncode != 0 or not output.is_file():
            last = (completed.stderr.strip().splitlines() or ["no output"])[-1]
            raise LockError(
                f"pylock.toml is written by pip's own `pip lock` (pip 25.1 or newer) in {python}, "
                f"which failed: {last}. Upgrade pip there, or write the requirements format"
            )
        body = output.read_text(encoding="utf-8")
    header = [
        "# Exact pins of the third-party packages these notebooks import (PEP 751), resolved by",
        f"# pip lock for Python {lock.python}. Written by nbcoach lock.",
    ]
    if regenerate:
        header.append(f"# Regenerate: {regenerate}")
    header.append(
        "# Install: pip install -r pylock.toml (pip 25.1+), or uv pip install -r pylock.toml"
    )
    return "\n".join(header) + "\n" + body


def lock_hash(entries: Sequence[LockEntry]) -> str:
    text = "\n".join(sorted(entry.requirement for entry in entries))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def check_drift(lock: LockFile, environment: Environment) -> list[Mismatch]:
    """Every locked distribution the environment lacks or has in another version."""
    mismatches = []
    for entry in lock.applicable(environment):
        installed = environment.version_of(entry.name)
        if installed is None or not same_version(installed, entry.version):
            mismatches.append(Mismatch(entry.name, entry.version, installed))
    return mismatches


def _marker_holds(marker: str | None, environment: Environment) -> bool:
    if marker is None:
        return True
    try:
        return bool(Requirement(f"x ; {marker}").marker.evaluate(environment.markers))  # type: ignore[union-attr]
    except (InvalidRequirement, InvalidMarker, UndefinedComparison):
        return True
