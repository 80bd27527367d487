"""Which third-party modules notebooks and their `src` modules import, and what they `%pip install`.

Every import counts, not only the top-level ones: an import inside a function or an
`if`/`try` block runs too. Imports guarded by `try: ... except ImportError` are optional. The
standard library, relative imports and modules that live in the project (beside the notebook,
in the project root or its `src/`, or among the files read) are left out. Magic lines are
masked first (the same masking `nbcoach report` uses), and a `%pip install x` or `!pip install x`
line names a distribution the notebook expects.
"""

from __future__ import annotations

import ast
import shlex
import sys
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path

from nbcoach.analysis.notebook import read
from nbcoach.analysis.parse import ParsedCell, parse_cells
from nbcoach.core.errors import InputError
from nbcoach.core.language import is_python
from nbcoach.core.model import ImportUse, Location, Notebook
from nbcoach.core.project import project_root

STDLIB = frozenset(sys.stdlib_module_names) | frozenset(sys.builtin_module_names) | {"__main__"}
# Python 2's standard-library modules that Python 3 renamed or folded in (PEP 3108): a legacy
# notebook imports them; no distribution provides them, and none should be locked.
PYTHON2_STDLIB = {
    "BaseHTTPServer": "http.server",
    "CGIHTTPServer": "http.server",
    "ConfigParser": "configparser",
    "Cookie": "http.cookies",
    "DocXMLRPCServer": "xmlrpc.server",
    "HTMLParser": "html.parser",
    "Queue": "queue",
    "SimpleHTTPServer": "http.server",
    "SimpleXMLRPCServer": "xmlrpc.server",
    "SocketServer": "socketserver",
    "StringIO": "io",
    "Tkinter": "tkinter",
    "UserDict": "collections",
    "UserList": "collections",
    "UserString": "collections",
    "__builtin__": "builtins",
    "anydbm": "dbm",
    "commands": "subprocess",
    "cPickle": "pickle",
    "cStringIO": "io",
    "cookielib": "http.cookiejar",
    "copy_reg": "copyreg",
    "dummy_thread": "_dummy_thread",
    "htmlentitydefs": "html.entities",
    "httplib": "http.client",
    "md5": "hashlib",
    "robotparser": "urllib.robotparser",
    "sha": "hashlib",
    "thread": "_thread",
    "tkMessageBox": "tkinter.messagebox",
    "urllib2": "urllib.request",
    "urlparse": "urllib.parse",
    "xmlrpclib": "xmlrpc.client",
}
_IMPORT_ERRORS = {"ImportError", "ModuleNotFoundError", "Exception", "BaseException"}
_PIP_WORDS = ("pip", "pip3")
_PIP_VALUE_OPTIONS = frozenset(
    {"-r", "-c", "-e", "-i", "-t", "-f", "--requirement", "--constraint", "--editable"}
    | {"--index-url", "--extra-index-url", "--target", "--find-links", "--prefix", "--root"}
    | {"--python"}
)


@dataclass(frozen=True, slots=True)
class PipRequest:
    """A requirement named on a `%pip install` / `!pip install` line."""

    requirement: str
    location: Location


@dataclass(slots=True)
class ImportScan:
    uses: list[ImportUse] = field(default_factory=list)
    pip_requests: list[PipRequest] = field(default_factory=list)
    sources: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # "path: reason": not Python, left out
    errors: list[str] = field(default_factory=list)  # "path: reason": could not be read


def scan(files: Sequence[Path], displays: Sequence[str] | None = None) -> ImportScan:
    """Third-party imports and pip requests of these notebooks and Python files."""
    result = ImportScan()
    local = _local_names(files)
    for index, path in enumerate(files):
        display = displays[index] if displays else str(path)
        try:
            notebook = read(path)
        except InputError as error:
            result.errors.append(f"{display}: {error.reason}")
            continue
        if not is_python(notebook.language):
            result.skipped.append(f"{display}: a {notebook.language} notebook, not Python")
            continue
        notebook = _renamed(notebook, display)
        result.sources.append(display)
        searched = _search_dirs(path)
        for cell in parse_cells(notebook):
            _scan_masked_lines(cell, notebook, result)
            if cell.tree is None:
                continue
            for use in _imports(cell, notebook):
                top = use.module.split(".")[0]
                if top in STDLIB or top in local or _is_local(top, searched):
                    continue
                result.uses.append(use)
    return result


def _renamed(notebook: Notebook, display: str) -> Notebook:
    return replace(notebook, path=display)


def _imports(cell: ParsedCell, notebook: Notebook) -> Iterable[ImportUse]:
    assert cell.tree is not None
    optional_lines = _optional_lines(cell.tree)
    for node in ast.walk(cell.tree):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
        else:
            continue
        location = notebook.location(cell.number, node.lineno)
        for module in modules:
            yield ImportUse(module, location, node.lineno in optional_lines)


def _optional_lines(tree: ast.Module) -> set[int]:
    """Lines of imports inside a `try` whose handlers catch ImportError."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.Try) or not any(
            _catches_import_error(h) for h in node.handlers
        ):
            continue
        for statement in node.body:
            for inner in ast.walk(statement):
                if isinstance(inner, (ast.Import, ast.ImportFrom)):
                    lines.add(inner.lineno)
    return lines


def _catches_import_error(handler: ast.ExceptHandler) -> bool:
    if handler.type is None:
        return True
    types = handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
    return any(isinstance(t, ast.Name) and t.id in _IMPORT_ERRORS for t in types)


def _scan_masked_lines(cell: ParsedCell, notebook: Notebook, result: ImportScan) -> None:
    for masked in cell.masked.masked:
        for requirement in pip_install_arguments(masked.original):
            result.pip_requests.append(
                PipRequest(requirement, notebook.location(cell.number, masked.line))
            )


def pip_install_arguments(line: str) -> list[str]:
    """The requirements of a `%pip install`, `!pip install` or `!python -m pip install` line."""
    text = line.strip().lstrip("%!").strip()
    try:
        words = shlex.split(text, comments=True)
    except ValueError:
        return []
    if len(words) >= 3 and words[1] == "-m" and words[2] in _PIP_WORDS:
        words = words[2:]  # `python -m pip ...`, `{sys.executable} -m pip ...`
    if len(words) < 2 or words[0] not in _PIP_WORDS or words[1] != "install":
        return []
    requirements = []
    skip_next = False
    for word in words[2:]:
        if skip_next:
            skip_next = False
            continue
        if word.startswith("-"):
            # Options that take a value: the value is not a requirement.
            skip_next = word in _PIP_VALUE_OPTIONS
            continue
        if word.startswith(("$", "{", ".", "/", "git+", "http")) or "://" in word:
            continue  # a variable, a path or a URL: nothing to pin by name
        requirements.append(word)
    return requirements


def _local_names(files: Sequence[Path]) -> set[str]:
    """Top-level names of the Python files being read: `src/churn/report.py` gives `churn`."""
    names = set()
    for path in files:
        if path.suffix != ".py":
            continue
        directory = path.resolve().parent
        top = path.stem
        while (directory / "__init__.py").is_file():
            top = directory.name
            directory = directory.parent
        names.add(top)
    return names


def _search_dirs(path: Path) -> tuple[Path, ...]:
    """Where a kernel started for this notebook finds project modules (see docs/run.md)."""
    root = project_root(path)
    folder = path.resolve().parent
    return tuple(dict.fromkeys((folder, folder / "src", root, root / "src")))


def _is_local(name: str, directories: Iterable[Path]) -> bool:
    for directory in directories:
        if (directory / f"{name}.py").is_file():
            return True
        package = directory / name
        if package.is_dir() and any(package.glob("*.py")):
            return True
    return False
