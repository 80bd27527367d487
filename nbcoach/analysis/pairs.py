"""Which files form a pair: a notebook and the text file (py:percent, ...) jupytext pairs it with.

A notebook is paired with a text file when (first match wins) its own metadata says so
(`jupytext.formats`, as `jupytext --set-formats` writes it), when a jupytext configuration
(`jupytext.toml`, `[tool.jupytext]` in pyproject.toml, ... found upward from the notebook, as
jupytext itself looks) pairs its folder, or when a same-stem `.py` with a jupytext header stands
beside it. Finding a pair only reads; the report needs it to place findings in the `.py`, and
the workflow to keep both sides in sync (workflow/pairing.py, workflow/pairstate.py).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from nbcoach.core.errors import ConfigError, InputError
from nbcoach.core.files import read_user_file
from nbcoach.core.language import declared_language, is_python, normalise

DEFAULT_FORMAT = "py:percent"
_HEADER = re.compile(r"\A(?:#!.*\n)?(?:# -\*-.*\n)?# ---\n(?:#.*\n)*?#\s+jupytext:", re.M)


@dataclass(frozen=True, slots=True)
class Pair:
    """A notebook and the text file it is paired with (either may not exist yet)."""

    notebook: Path
    text: Path
    format: str  # jupytext format of the text side, e.g. "py:percent"
    origin: str  # what declared the pairing, for messages
    config_file: str | None = None  # the jupytext configuration that applies, if any
    # False: not looked up yet (a pairing the notebook or its header declares needs no
    # configuration to be found; looking one up imports jupytext, 0.2 s in a commit hook)
    config_known: bool = True


_SIMPLE_TEXT = re.compile(r"py:(percent|light|hydrogen|nomarker|sphinx)")


def _side_by_side(path: Path, formats: Any) -> tuple[Path, Path, str] | None:
    """`ipynb,py:percent` (either order): the notebook and a .py of the same name in the same
    folder. Anything else (prefixes, suffixes, other extensions, lists) is jupytext's to read;
    tests/analysis/test_pairs.py checks both readings agree."""
    if not isinstance(formats, str):
        return None
    parts = [part.strip() for part in formats.split(",")]
    if len(parts) != 2 or "ipynb" not in parts:
        return None
    text_format = parts[1 - parts.index("ipynb")]
    if not _SIMPLE_TEXT.fullmatch(text_format) or path.suffix not in (".ipynb", ".py"):
        return None
    return path.with_suffix(".ipynb"), path.with_suffix(".py"), text_format


def config_of(pair: Pair) -> str | None:
    """The jupytext configuration file of a pair, looked up now if it was not yet."""
    return pair.config_file if pair.config_known else _config_file(pair.notebook)


def paired_path(notebook: Path) -> Path | None:
    """The text file paired with `notebook`, if it exists (None for anything but a notebook)."""
    if Path(notebook).suffix != ".ipynb":
        return None
    pair = find_pair(notebook)
    return pair.text if pair is not None and pair.text.is_file() else None


def find_pair(path: Path) -> Pair | None:
    """The pair a notebook or a text file belongs to, whether or not its other side exists."""
    path = Path(path)
    if path.suffix == ".ipynb":
        formats, origin = _notebook_formats(path), "notebook metadata"
    else:
        formats, origin = _text_formats(path), "text header"
    known = not formats  # declared in the file itself: the configuration is looked up later
    config_file = _config_file(path) if known else None
    if not formats and config_file:
        formats, origin = _config_formats(config_file, path), Path(config_file).name
    if formats:
        pair = _pair_from_formats(path, formats, origin, config_file, known)
        # a configuration pairs every .py in its folders; only a text notebook (a jupytext
        # header) or a file whose notebook exists is one, never a plain module or test
        if pair is not None and (
            path.suffix == ".ipynb" or _has_header(path) or pair.notebook.is_file()
        ):
            return pair
    if path.suffix == ".ipynb":
        twin = path.with_suffix(".py")
        if twin.is_file() and _has_header(twin):
            return Pair(path, twin, _header_format(twin), "text header", config_file, known)
    elif path.suffix == ".py" and _has_header(path) and path.with_suffix(".ipynb").is_file():
        notebook = path.with_suffix(".ipynb")
        return Pair(notebook, path, _header_format(path), "text header", config_file, known)
    return None


def twin_pair(notebook: Path) -> Pair:
    """The default pairing: a py:percent file of the same name beside the notebook, declared by
    its own jupytext header (so the notebook need not be changed to pair it)."""
    path = Path(notebook)
    return Pair(path, path.with_suffix(".py"), DEFAULT_FORMAT, "text header", _config_file(path))


def text_side_of(path: Path) -> Pair | None:
    """The pair whose text side `path` is; None for a notebook, a plain module or a file
    that is no side of a pair (hooks judge and count such a `.py` with its notebook)."""
    pair = find_pair(path)
    if pair is None or pair.text.resolve() != Path(path).resolve():
        return None
    return pair


def _pair_from_formats(
    path: Path, formats: Any, origin: str, config_file: str | None, known: bool = True
) -> Pair | None:
    simple = _side_by_side(path, formats)
    if simple is not None:  # the common case, read without importing jupytext (0.2 s)
        notebook, text, simple_format = simple
        return Pair(notebook, text, simple_format, origin, config_file, known)
    from jupytext.formats import long_form_multiple_formats, short_form_one_format
    from jupytext.paired_paths import InconsistentPath, find_base_path_and_format, full_path

    try:
        long = long_form_multiple_formats(formats)
        base, _ = find_base_path_and_format(str(path), long)
    except (InconsistentPath, ValueError, KeyError, TypeError):
        return None
    notebooks = [f for f in long if f["extension"] == ".ipynb"]
    texts = sorted(
        (f for f in long if f["extension"] != ".ipynb"), key=lambda f: f["extension"] != ".py"
    )
    if not notebooks or not texts:
        return None
    text_format = {k: v for k, v in texts[0].items() if k not in ("prefix", "suffix")}
    return Pair(
        notebook=Path(full_path(base, notebooks[0])),
        text=Path(full_path(base, texts[0])),
        format=short_form_one_format(text_format),
        origin=origin,
        config_file=config_file,
        config_known=known,
    )


def _notebook_formats(path: Path) -> Any:
    try:
        return _formats_in(read_user_file(path))
    except InputError:
        return None


def _formats_in(notebook: bytes) -> Any:
    try:
        document = json.loads(notebook)
    except ValueError:
        return None
    metadata = document.get("metadata") if isinstance(document, dict) else None
    if not isinstance(metadata, dict):
        return None
    jupytext_metadata = metadata.get("jupytext")
    formats = jupytext_metadata.get("formats") if isinstance(jupytext_metadata, dict) else None
    return formats or metadata.get("jupytext_formats")


def pair_from_metadata(path: Path, notebook: bytes) -> Pair | None:
    """The pair that this notebook content's `jupytext.formats` metadata declares."""
    formats = _formats_in(notebook)
    if not formats:
        return None
    return _pair_from_formats(path, formats, "notebook metadata", _config_file(path))


def other_language(pair: Pair) -> str | None:
    """The kernel language of a notebook paired with a `.py` file, when it is not Python.

    jupytext writes any notebook's code into a `.py` when a configuration says so (R code in
    `r_kernel.py`, which then reads as Python with syntax errors); nbcoach pairs `.py` files
    with Python notebooks only. A pair with another extension (`--format auto:percent` gives
    `.R` for R) was chosen for that language and is left alone. The language is the notebook's
    metadata, else the text side's jupytext header; undeclared counts as Python."""
    if pair.text.suffix != ".py":
        return None
    language = _declared_language(pair.notebook, pair.text)
    return language if language is not None and not is_python(language) else None


def _declared_language(notebook: Path, text: Path) -> str | None:
    try:
        return declared_language(read_user_file(notebook))
    except InputError:  # the notebook does not exist (yet): its text side's header says
        pass
    match = re.search(r"^#\s+language:\s*(\S+)\s*$", _head(text), re.M)
    return normalise(match.group(1).strip("'\"")) if match and _has_header(text) else None


def _text_formats(path: Path) -> Any:
    match = re.search(r"^#\s+formats:\s*(\S+)\s*$", _head(path), re.M)
    return match.group(1).strip("'\"") if match and _has_header(path) else None


def _head(path: Path) -> str:
    try:
        return read_user_file(path).decode("utf-8", errors="replace")[:4096]
    except InputError:
        return ""


def _has_header(path: Path) -> bool:
    return bool(_HEADER.match(_head(path)))


def _header_format(path: Path) -> str:
    match = re.search(r"^#\s+format_name:\s*(\S+)", _head(path), re.M)
    return f"py:{match.group(1)}" if match else DEFAULT_FORMAT


def _config_file(path: Path) -> str | None:
    directory = path.resolve().parent
    if not _may_have_config(directory):  # nothing to find: jupytext (0.2 s) stays unimported
        return None
    from jupytext.config import find_jupytext_configuration_file

    return _cached_config_file(directory, find_jupytext_configuration_file)


# Where jupytext looks for a configuration (jupytext.config: JUPYTEXT_CONFIG_FILES, a
# pyproject.toml with [tool.jupytext] in the folder or any parent, then the global folders of
# global_jupytext_configuration_directories); tests/analysis/test_pairs.py keeps this in step.
CONFIG_NAMES = (
    "jupytext", "jupytext.toml", "jupytext.yml", "jupytext.yaml", "jupytext.json", ".jupytext",
    ".jupytext.toml", ".jupytext.yml", ".jupytext.yaml", ".jupytext.json", ".jupytext.py",
)  # fmt: skip


@lru_cache(maxsize=128)
def _may_have_config(directory: Path) -> bool:
    """Whether any file jupytext would read as its configuration exists for `directory`: a
    cheap look at file names, so the common case (none) never imports jupytext. Never wrong
    the other way: when it says yes, jupytext's own finder decides."""
    for folder in (directory, *directory.parents):
        if any((folder / name).is_file() for name in CONFIG_NAMES):
            return True
        pyproject = folder / "pyproject.toml"
        if pyproject.is_file() and "jupytext" in _text_of(pyproject):
            return True
    for place in _global_config_folders():
        if any((Path(place) / name).is_file() for name in CONFIG_NAMES):
            return True
    return False


def _global_config_folders() -> list[str]:
    environ = os.environ
    folders: list[str] = []
    if "XDG_CONFIG_HOME" in environ:
        folders += environ["XDG_CONFIG_HOME"].split(":")
    elif "USERPROFILE" in environ:
        folders.append(environ["USERPROFILE"])
    elif "HOME" in environ:
        folders += [os.path.join(environ["HOME"], ".config"), environ["HOME"]]
    if "XDG_CONFIG_DIRS" in environ:
        folders += environ["XDG_CONFIG_DIRS"].split(":")
    elif "ALLUSERSPROFILE" in environ:
        folders.append(environ["ALLUSERSPROFILE"])
    else:
        folders += ["/usr/local/share/", "/usr/share/"]
    return [path for folder in folders for path in (os.path.join(folder, "jupytext"), folder)]


def _text_of(path: Path) -> str:
    try:
        return read_user_file(path).decode("utf-8", errors="replace")
    except InputError:
        return ""


@lru_cache(maxsize=128)
def _cached_config_file(directory: Path, finder: Any) -> str | None:
    found = finder(str(directory))
    return str(found) if found else None


@lru_cache(maxsize=32)
def jupytext_config(config_file: str | None) -> Any:
    """The jupytext configuration object (format options apply to reads and writes too)."""
    if config_file is None:
        return None
    from jupytext.config import JupytextConfigurationError, load_jupytext_configuration_file

    try:
        return load_jupytext_configuration_file(config_file)
    except (JupytextConfigurationError, OSError, ValueError) as error:
        raise ConfigError(f"{config_file}: invalid jupytext configuration: {error}") from error


def _config_formats(config_file: str, path: Path) -> Any:
    config = jupytext_config(config_file)
    return config.default_formats(str(path)) if config is not None else None
