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
    jupytext = metadata.get("jupytext")
    if isinstance(jupytext, dict) and isinstance(jupytext.get("main_language"), str):
        return normalise(jupytext["main_language"])  # notebooks converted from R Markdown, scripts
    for key in ("language", "lang"):
        if isinstance(metadata.get(key), str):
            return normalise(metadata[key])
    return None


def declared_language(notebook: bytes) -> str | None:
    """The language a notebook file's metadata declares; None when it does not say or the
    file is not readable JSON (whoever reads it properly reports that)."""
    import json

    try:
        document = json.loads(notebook)
    except ValueError:
        return None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    return language_from_metadata(metadata) if isinstance(metadata, dict) else None


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


_SIGNS = {
    "R": re.compile(r"\w\s*<-\s|library\(|%>%|\w\$\w|\bfunction\s*\([^)]*\)\s*\{|\bc\("),
    "julia": re.compile(r"^\s*(?:using|end|function)\b|println\(|\.\+|::\w+", re.M),
    "bash": re.compile(r"^\s*(?:echo|export|ls|cd|grep|cat|sudo|apt-get)\s", re.M),
}
_PYTHON_SIGNS = re.compile(
    r"^\s*(?:def|class|import|from\s+\S+\s+import)\b|\bprint\(|\bself\.", re.M
)


def infer_language(sources: list[str], parsed: int) -> str:
    """Guess from code when metadata is silent.

    R often parses as Python (`x <- c(1, 2)` reads as `x < -c(1, 2)`), so parsing alone cannot
    decide: a language whose signs appear in most cells wins unless Python's own signs are as
    common; otherwise Python when most cells parse. `parsed` is how many of `sources` parse.
    """
    if not sources:
        return "python"
    python_cells = sum(1 for text in sources if _PYTHON_SIGNS.search(text))
    best, best_cells = "unknown", 0
    for language, signs in _SIGNS.items():
        cells = sum(1 for text in sources if signs.search(text))
        if cells > best_cells:
            best, best_cells = language, cells
    if best_cells * 2 > len(sources) and best_cells > python_cells:
        return best
    if parsed * 2 >= len(sources):
        return "python"
    return best if best_cells else "unknown"
