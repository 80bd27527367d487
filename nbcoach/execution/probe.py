"""Describe the Python environment this file runs in, as JSON on stdout.

nbcoach runs this file's text with another interpreter (`python -c`) to learn what a kernel
will import: the lock, the drift check and the isolated environments all ask the interpreter
that runs the notebook, not the one nbcoach happens to run in. It therefore uses only the
standard library, runs on any Python nbcoach can drive, and imports nothing from nbcoach.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from importlib import metadata

_MODULE_SUFFIXES = (".py", ".pyi", ".so", ".pyd")
_DEPTH = 3  # `google.cloud.storage`: deep enough to tell namespace packages apart


def marker_environment() -> dict[str, str]:
    """PEP 508 marker values, so requirement markers are judged for this interpreter."""
    implementation = sys.implementation
    info = implementation.version
    version = ".".join(str(part) for part in (info.major, info.minor, info.micro))
    if info.releaselevel != "final":
        version += info.releaselevel[0] + str(info.serial)
    return {
        "implementation_name": implementation.name,
        "implementation_version": version,
        "os_name": os.name,
        "platform_machine": platform.machine(),
        "platform_release": platform.release(),
        "platform_system": platform.system(),
        "platform_version": platform.version(),
        "python_full_version": platform.python_version(),
        "platform_python_implementation": platform.python_implementation(),
        "python_version": ".".join(platform.python_version_tuple()[:2]),
        "sys_platform": sys.platform,
    }


def modules_of(
    distribution: metadata.Distribution, top_level: dict[str, list[str]] | None = None
) -> list[str]:
    """Module prefixes a distribution installs (`yaml`, `google.cloud.storage`).

    The top-level names are the standard library's answer (`packages_distributions()`, Python
    3.10+; this file's own reading of RECORD and top_level.txt on older interpreters). Where a
    top-level name is shared by several distributions (the `google` namespace), the dotted
    prefixes below it tell them apart, as only the file list can."""
    if top_level is None:
        return _prefixes(distribution, _DEPTH)
    name = distribution.metadata["Name"]
    tops = {m for m, names in top_level.items() if name in names and m.isidentifier()}
    shared = {module for module in tops if len(set(top_level[module])) > 1}
    deeper = {
        prefix
        for prefix in _prefixes(distribution, _DEPTH)
        if "." in prefix and prefix.split(".", 1)[0] in shared
    }
    return sorted(tops | deeper)


def _prefixes(distribution: metadata.Distribution, depth_limit: int) -> list[str]:
    found: set[str] = set()
    for file in distribution.files or ():
        parts = file.parts
        if not parts or parts[0] == ".." or not parts[-1].endswith(_MODULE_SUFFIXES):
            continue
        if any(part.endswith((".dist-info", ".egg-info", ".data")) for part in parts):
            continue
        stem = parts[-1].split(".", 1)[0]
        names = list(parts[:-1]) if stem == "__init__" else [*parts[:-1], stem]
        if not names or not all(name.isidentifier() for name in names):
            continue
        for depth in range(1, min(len(names), depth_limit) + 1):
            found.add(".".join(names[:depth]))
    top_level = distribution.read_text("top_level.txt") or ""
    found.update(line.strip() for line in top_level.splitlines() if line.strip().isidentifier())
    return sorted(found)


def describe() -> dict[str, object]:
    seen = set()
    distributions = []
    lookup = getattr(metadata, "packages_distributions", None)  # Python 3.10+
    top_level = {k: list(v) for k, v in lookup().items()} if lookup is not None else None
    for distribution in metadata.distributions():
        name = distribution.metadata["Name"]
        if not name:
            continue
        key = name.lower().replace("_", "-").replace(".", "-")
        if key in seen:  # a later copy on sys.path is shadowed by the first
            continue
        seen.add(key)
        distributions.append(
            {
                "name": name,
                "version": distribution.version,
                "requires": list(distribution.requires or ()),
                "modules": modules_of(distribution, top_level),
            }
        )
    return {
        "python": platform.python_version(),
        "executable": sys.executable,
        "prefix": sys.prefix,
        "markers": marker_environment(),
        "distributions": distributions,
    }


if __name__ == "__main__":
    json.dump(describe(), sys.stdout)
