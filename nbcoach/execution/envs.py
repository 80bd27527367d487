"""Virtual environments built from a lock (`--isolated`) or with the newest releases
(`--upgrade-check`), cached so that only the first run pays for the install.

They live in the user's cache folder (`~/.cache/nbcoach/envs` on Linux, the platform's
equivalent elsewhere; `NBCOACH_ENV_DIR` overrides it), not in the project: an environment is
hundreds of megabytes that must never be committed, copied with the project or scanned by
editors and linters, and one built from a lock serves every clone, branch and worktree that
has the same lock. The folder name is a hash of the lock's pins and of the base interpreter,
so a changed lock or a new Python builds a new environment and an unchanged one is reused.
A marker file written last tells a finished environment from one whose build was cut short.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from nbcoach.core.errors import KernelEnvironmentError
from nbcoach.core.files import exclusive
from nbcoach.core.words import counted
from nbcoach.execution.lock import LockFile

Notify = Callable[[str], None]
ENV_DIR_VARIABLE = "NBCOACH_ENV_DIR"
MARKER = "nbcoach-env.json"
KERNEL_PACKAGE = "ipykernel"
_PIP = ["-m", "pip", "--disable-pip-version-check", "--no-input"]


def env_root() -> Path:
    configured = os.environ.get(ENV_DIR_VARIABLE)
    if configured:
        return Path(configured)
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("nbcoach", appauthor=False)) / "envs"


def environment_key(*parts: str) -> str:
    """A folder name for an environment: what goes in it, and the interpreter it is built on."""
    base = f"{platform.python_implementation()} {platform.python_version()} {sys.base_prefix}"
    return hashlib.sha256("\n".join((base, *parts)).encode()).hexdigest()[:16]


def python_in(directory: Path) -> Path:
    if os.name == "nt":
        return directory / "Scripts" / "python.exe"
    return directory / "bin" / "python"


def isolated_environment(lock: LockFile, notify: Notify = lambda _: None) -> Path:
    """The interpreter of an environment holding exactly the lock's pins and ipykernel."""
    directory = env_root() / f"lock-{environment_key('lock', lock.digest)}"
    requirements = [entry.requirement for entry in lock.entries]
    return _ensure(
        directory,
        requirements,
        notify,
        f"building an environment from {lock.path.name} "
        f"({counted(len(requirements), 'pin')} + ipykernel)",
        {"lock": str(lock.path), "lock_hash": lock.digest},
    )


def newest_environment(names: Sequence[str], notify: Notify = lambda _: None) -> Path:
    """An environment with the newest releases of `names`, brought up to date on every call."""
    directory = env_root() / f"newest-{environment_key('newest', *sorted(names))}"
    python = _ensure(
        directory,
        [],
        notify,
        "building an environment for the newest releases",
        {"names": list(names)},
    )
    notify(f"asking the package index for the newest releases of: {', '.join(sorted(names))}")
    _pip(python, ["install", "--upgrade", *sorted(names), KERNEL_PACKAGE], directory)
    return python


def _ensure(
    directory: Path,
    requirements: Sequence[str],
    notify: Notify,
    message: str,
    about: dict[str, object],
) -> Path:
    python = python_in(directory)
    if (directory / MARKER).is_file() and python.exists():
        notify(f"using the cached environment {directory}")
        return python
    directory.parent.mkdir(parents=True, exist_ok=True)
    with exclusive(directory.with_name(directory.name + ".lock")):
        if (directory / MARKER).is_file() and python.exists():  # built while we waited
            return python
        notify(f"{message} in {directory}")
        shutil.rmtree(directory, ignore_errors=True)
        try:
            _create(directory, requirements)
        except BaseException:
            shutil.rmtree(directory, ignore_errors=True)
            raise
        (directory / MARKER).write_text(
            json.dumps({**about, "python": platform.python_version()}, indent=1) + "\n",
            encoding="utf-8",
        )
    return python


INSTALLER_VARIABLE = "NBCOACH_INSTALLER"  # `pip` or `uv`; default: uv when it is on PATH


def installer() -> str:
    """Which tool builds environments: uv when it is on PATH (an order of magnitude faster:
    benchmarks/isolated_env.py), pip otherwise; NBCOACH_INSTALLER chooses."""
    chosen = os.environ.get(INSTALLER_VARIABLE, "").strip().lower()
    if chosen in ("pip", "uv"):
        if chosen == "uv" and shutil.which("uv") is None:
            raise KernelEnvironmentError(f"{INSTALLER_VARIABLE}=uv, but uv is not on PATH")
        return chosen
    return "uv" if shutil.which("uv") else "pip"


def _create(directory: Path, requirements: Sequence[str]) -> None:
    command = (
        ["uv", "venv", "--quiet", "--python", sys.executable, str(directory)]
        if installer() == "uv"
        else [sys.executable, "-m", "venv", str(directory)]
    )
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise KernelEnvironmentError(
            f"{directory}: could not create a virtual environment: {_last_line(completed.stderr)}"
        )
    python = python_in(directory)
    arguments = ["install", KERNEL_PACKAGE]
    if requirements:
        pinned = directory / "nbcoach-requirements.txt"
        pinned.write_text("\n".join(requirements) + "\n", encoding="utf-8")
        arguments = ["install", "-r", str(pinned), KERNEL_PACKAGE]
    _pip(python, arguments, directory)


def _pip(python: Path, arguments: list[str], directory: Path) -> None:
    """`pip install ...` in the environment, by pip or by uv (`uv pip install --python`)."""
    tool = installer()
    command = (
        ["uv", "pip", *arguments, "--python", str(python)]
        if tool == "uv"
        else [str(python), *_PIP, *arguments]
    )
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    if completed.returncode != 0:
        raise KernelEnvironmentError(
            f"{directory}: {tool} {' '.join(arguments[:1])} failed: {_last_line(completed.stderr)}"
        )


def _last_line(text: str) -> str:
    """The installer's reason in one line: uv's `cause:` (its `Because ...` explanation), or
    pip's last `ERROR:` line, else the last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    causes = [line.removeprefix("cause:").strip() for line in lines if line.startswith("cause:")]
    if causes:
        return causes[-1]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["no output"])[-1]
