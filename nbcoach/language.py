"""Which language a notebook's code is in: from its metadata, or inferred from the code.

nbcoach grades Python only; any other kernel is reported as skipped with its language named.
About one notebook in twelve in the shared corpus declares no language at all.
"""

from __future__ import annotations

import re
from typing import Any

_PYTHON_NAMES = {"python", "python2", "python3", "ipython", "ipython2", "ipython3", "pyspark", "py"}
_KERNEL_LANGUAGES = {
    "ir": "R",
    "r": "R",
    "julia": "julia",
    "bash": "bash",
    "sas": "sas",
    "scala": "scala",
    "spylon-kernel": "scala",
    "sparkkernel": "scala",
    "sparkrkernel": "R",
    "xcpp": "C++",
    "java": "java",
    "javascript": "javascript",
    "typescript": "typescript",
    "deno": "typescript",
    "go": "go",
    "gophernotes": "go",
    "rust": "rust",
    "evcxr": "rust",
    "ocaml": "ocaml",
    "powershell": "powershell",
    "matlab": "matlab",
    "octave": "octave",
    "stata": "stata",
    "wolfram": "wolfram language",
    "haskell": "haskell",
    "clojure": "clojure",
    "kotlin": "kotlin",
    "sql": "sql",
    "csharp": "C#",
    ".net-csharp": "C#",
    ".net-fsharp": "F#",
    "sos": "sos",
    "coconut": "coconut",
    "xonsh": "xonsh",
}


def normalise(language: str) -> str:
    """`python3`, `IPython`, `pyspark` -> `python`; other names kept as written."""
    lowered = language.strip().lower()
    if lowered in _PYTHON_NAMES or lowered.startswith("python"):
        return "python"
    return language.strip()


def is_python(language: str) -> bool:
    return normalise(language) == "python"


def language_from_metadata(metadata: dict[str, Any]) -> str | None:
    """The declared language, or None when the notebook does not say."""
    info = metadata.get("language_info")
    if isinstance(info, dict) and isinstance(info.get("name"), str) and info["name"].strip():
        return normalise(info["name"])
    spec = metadata.get("kernelspec")
    if isinstance(spec, dict):
        if isinstance(spec.get("language"), str) and spec["language"].strip():
            return normalise(spec["language"])
        name = spec.get("name")
        if isinstance(name, str) and name.strip():
            return _language_of_kernel(name)
    for key in ("language", "lang"):
        if isinstance(metadata.get(key), str):
            return normalise(metadata[key])
    return None


def _language_of_kernel(name: str) -> str | None:
    lowered = name.lower()
    if (
        "python" in lowered
        or lowered.startswith(("py", "conda-env"))
        or lowered in ("xpython", "ipykernel")
    ):
        return "python"
    for prefix, language in _KERNEL_LANGUAGES.items():
        if lowered == prefix or re.match(re.escape(prefix) + r"[-_.\d]", lowered):
            return language
    return None


_R_SIGNS = re.compile(r"<-|library\(|\bc\(|\$\w+|%>%|\bfunction\s*\([^)]*\)\s*\{")
_JULIA_SIGNS = re.compile(r"^\s*(using|end|function|println\()\b|\.\+|::\w+", re.M)
_SHELL_SIGNS = re.compile(r"^\s*(echo|export|ls|cd|grep|cat)\s", re.M)


def infer_language(sources: list[str], parsed: int) -> str:
    """Guess from code when metadata is silent: Python unless most cells fail to parse.

    `parsed` is how many of `sources` parse as (masked) Python.
    """
    if not sources or parsed * 2 >= len(sources):
        return "python"
    text = "\n".join(sources)
    scores = {
        "R": len(_R_SIGNS.findall(text)),
        "julia": len(_JULIA_SIGNS.findall(text)),
        "bash": len(_SHELL_SIGNS.findall(text)),
    }
    language, hits = max(scores.items(), key=lambda item: item[1])
    return language if hits else "unknown"
