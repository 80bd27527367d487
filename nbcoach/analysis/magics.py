"""Make IPython cells parseable as Python without moving a single line.

Commenting a magic out (what jupytext and most linters do) breaks
``if verbose:\\n    %time fit()`` -- the block is left empty. Instead each non-Python line is
replaced, at its own indentation, by an expression statement: ``...`` for most magics, the
statement itself for ``%time``-like magics and the object for ``obj?`` help queries, so the names
they use still count as used. Every replaced line is recorded, so `unmask` restores the exact
original text and line numbers never shift.

A line is only treated as a magic where a statement can start (outside strings, brackets and
backslash continuations), so ``"%d items"\\n    % count`` inside parentheses stays Python.
"""

from __future__ import annotations

import ast
import re

from nbcoach.core.model import MaskedCell, MaskedLine

# Cell magics whose body is Python and runs in the kernel's namespace.
PYTHON_BODY_CELL_MAGICS = frozenset(
    {"time", "timeit", "capture", "prun", "debug", "memit", "mprun", "px", "snakeviz", "lprun"}
)
# Cell magics whose body is never Python, even when it happens to parse as Python.
FOREIGN_CELL_MAGICS = frozenset(
    {
        "bash",
        "sh",
        "script",
        "html",
        "HTML",
        "javascript",
        "js",
        "latex",
        "markdown",
        "svg",
        "perl",
        "ruby",
        "pypy",
        "python2",
        "writefile",
        "file",
        "cython",
        "sql",
        "R",
        "julia",
        "sparksql",
        "spark",
        "local",
        "configure",
        "cmd",
        "powershell",
        "system",
        "sx",
    }
)
# Line magics whose argument is a Python statement that the kernel executes.
STATEMENT_LINE_MAGICS = frozenset({"time", "timeit", "prun", "debug", "memit", "mprun", "lprun"})
# IPython line magics and shell aliases that run without `%` when automagic is on.
AUTOMAGICS = frozenset(
    [
        "alias",
        "alias_magic",
        "autoawait",
        "autocall",
        "automagic",
        "autoreload",
        "aimport",
        "autosave",
        "bookmark",
        "cat",
        "cd",
        "clear",
        "colors",
        "conda",
        "config",
        "connect_info",
        "cp",
        "debug",
        "dhist",
        "dirs",
        "doctest_mode",
        "ed",
        "edit",
        "env",
        "gui",
        "hist",
        "history",
        "killbgscripts",
        "ldir",
        "less",
        "lf",
        "lk",
        "ll",
        "load",
        "load_ext",
        "loadpy",
        "logoff",
        "logon",
        "logstart",
        "logstate",
        "logstop",
        "ls",
        "lsmagic",
        "lx",
        "macro",
        "magic",
        "man",
        "matplotlib",
        "mamba",
        "micromamba",
        "mkdir",
        "more",
        "mv",
        "notebook",
        "page",
        "pastebin",
        "pdb",
        "pdef",
        "pdoc",
        "pfile",
        "pinfo",
        "pinfo2",
        "pip",
        "popd",
        "pprint",
        "precision",
        "prun",
        "psearch",
        "psource",
        "pushd",
        "pwd",
        "pycat",
        "pylab",
        "qtconsole",
        "quickref",
        "recall",
        "rehashx",
        "reload_ext",
        "rep",
        "rerun",
        "reset",
        "reset_selective",
        "rm",
        "rmdir",
        "run",
        "save",
        "sc",
        "set_env",
        "store",
        "sx",
        "system",
        "tb",
        "time",
        "timeit",
        "unalias",
        "unload_ext",
        "uv",
        "who",
        "who_ls",
        "whos",
        "xdel",
        "xmode",
    ]
)

PLACEHOLDER = "..."

# Cheap test that a cell may hold anything non-Python; most cells fail it and skip the scan.
_MAYBE_MAGIC = re.compile(
    r"^[ \t]*[%!?]|\?[ \t]*$|=[ \t]*[%!](?!=)|^[ \t]*(?:"
    + "|".join(sorted(AUTOMAGICS))
    + r")[ \t]+\S",
    re.M,
)
_HELP_SUFFIX = re.compile(r"^([A-Za-z_][\w.]*)\?{1,2}$")
_HELP_PREFIX = re.compile(r"^\?{1,2}([A-Za-z_][\w.]*)\??$")
_ASSIGN_MAGIC = re.compile(r"^([A-Za-z_][\w.]*(?:\s*,\s*[A-Za-z_][\w.]*)*)\s*=\s*([%!].*)$")
_AUTOMAGIC = re.compile(r"^([A-Za-z_]\w*)[ \t]+(\S)")
# IPython's prefilter (PythonOpsChecker) runs a line as Python, never as an automagic, when what
# follows the first word starts with an operator: `history = model.fit(X, y,` is an assignment.
_PYTHON_AFTER_NAME = frozenset("!=()<>,+*/%^&|")
_INTERESTING = re.compile(r"""[#'"\\()\[\]{}]""")
_TIMEIT_VALUE_OPTIONS = frozenset("nrpTD")


def mask_cell(number: int, source: str) -> MaskedCell:
    """Return the cell with every IPython-only line replaced, line count unchanged."""
    cell_magic = _cell_magic_name(source)
    if cell_magic is not None and _is_foreign_cell_magic(cell_magic, source):
        return MaskedCell(number=number, source=source, foreign=f"%%{cell_magic}")
    if cell_magic is None and not _MAYBE_MAGIC.search(source):
        return MaskedCell(number=number, source=source)
    lines = source.split("\n")
    masked: list[MaskedLine] = []
    start = 0
    if cell_magic is not None:
        start = next(i for i, text in enumerate(lines) if text.strip()) + 1
        masked.append(MaskedLine(start, lines[start - 1]))
        lines[start - 1] = PLACEHOLDER
    _mask_lines(lines, start, masked)
    return MaskedCell(number=number, source="\n".join(lines), masked=tuple(masked))


def unmask(cell: MaskedCell) -> str:
    """The exact original text of a masked cell."""
    if not cell.masked:
        return cell.source
    lines = cell.source.split("\n")
    for item in cell.masked:
        lines[item.line - 1] = item.original
    return "\n".join(lines)


def _cell_magic_name(source: str) -> str | None:
    first = source.lstrip()
    if not first.startswith("%%"):
        return None
    match = re.match(r"%%([\w.-]*)", first)
    return match.group(1) if match else ""


def _is_foreign_cell_magic(name: str, source: str) -> bool:
    if name in PYTHON_BODY_CELL_MAGICS:
        return False
    if name in FOREIGN_CELL_MAGICS:
        return True
    # An unknown cell magic: its body is Python only if it reads as Python.
    body = source.lstrip().split("\n", 1)[1] if "\n" in source.lstrip() else ""
    try:
        compile(body, "<cell>", "exec", dont_inherit=True, flags=0x400)  # PyCF_ONLY_AST
    except (SyntaxError, ValueError):
        return True
    return False


def _mask_lines(lines: list[str], start: int, masked: list[MaskedLine]) -> None:
    """Replace, in place, each magic line that stands where a statement can start."""
    scanner = _Scanner()
    index = start
    while index < len(lines):
        text = lines[index]
        if scanner.at_statement_start:
            replacement = _replacement(text)
            if replacement is not None:
                masked.append(MaskedLine(index + 1, text))
                lines[index] = replacement
                indent = _indent(text)
                # A magic continued with a trailing backslash owns the following lines too.
                while text.rstrip().endswith("\\") and index + 1 < len(lines):
                    index += 1
                    text = lines[index]
                    masked.append(MaskedLine(index + 1, text))
                    lines[index] = indent + PLACEHOLDER
                index += 1
                continue
        scanner.feed(text)
        index += 1


def _indent(text: str) -> str:
    return text[: len(text) - len(text.lstrip())]


def _replacement(text: str) -> str | None:
    """What a magic line becomes, or None when the line is plain Python."""
    stripped = text.strip()
    if not stripped:
        return None
    indent = _indent(text)
    head = stripped[0]
    if head == "%":
        name, _, argument = stripped.lstrip("%").partition(" ")
        if name in STATEMENT_LINE_MAGICS and stripped[1] != "%":
            statement = _statement_of(argument.strip())
            if statement is not None:
                return indent + statement
        return indent + PLACEHOLDER
    if head == "!":
        return indent + PLACEHOLDER
    if head == "?":
        match = _HELP_PREFIX.match(stripped)
        return indent + (match.group(1) if match else PLACEHOLDER)
    if stripped.endswith("?") and not stripped.startswith("#"):
        match = _HELP_SUFFIX.match(stripped)
        if match:
            return indent + match.group(1)
    match = _ASSIGN_MAGIC.match(stripped)
    if match:
        return f"{indent}{match.group(1)} = {PLACEHOLDER}"
    match = _AUTOMAGIC.match(stripped)
    if (
        match
        and match.group(1) in AUTOMAGICS
        and match.group(2) not in _PYTHON_AFTER_NAME
        and not _parses(stripped)
    ):
        return indent + PLACEHOLDER
    return None


def _statement_of(argument: str) -> str | None:
    """The Python statement a `%time`-like magic runs, without its options."""
    words = argument.split()
    while words and words[0].startswith("-") and len(words[0]) >= 2:
        option = words.pop(0)
        if option[1] in _TIMEIT_VALUE_OPTIONS and len(option) == 2 and words:
            words.pop(0)
    statement = " ".join(words)
    if statement and _parses(statement, need_statement=True):
        return statement
    return None


def _parses(text: str, need_statement: bool = False) -> bool:
    """Whether `text` is Python; with `need_statement`, Python holding at least one statement
    (`%time # note` alone in a block must become `...`, not a comment that leaves it empty)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return False
    return bool(tree.body) or not need_statement


class _Scanner:
    """Tracks strings, brackets and continuations across lines, just enough to know where a
    statement can start. It is deliberately forgiving: a wrong guess only means one magic line
    is left for the parser to report."""

    __slots__ = ("continued", "depth", "quote", "raw")

    def __init__(self) -> None:
        self.quote: str | None = None  # the delimiter of a string left open at line end
        self.raw = False
        self.depth = 0
        self.continued = False

    @property
    def at_statement_start(self) -> bool:
        return self.quote is None and self.depth == 0 and not self.continued

    def feed(self, line: str) -> None:
        position = 0
        self.continued = False
        length = len(line)
        while position < length:
            if self.quote is not None:
                position = self._skip_string(line, position)
                if self.quote is not None:
                    return
                continue
            match = _INTERESTING.search(line, position)
            if match is None:
                return
            char = match.group()
            position = match.start()
            if char == "#":
                return
            if char == "\\":
                if position == length - 1:
                    self.continued = True
                    return
                position += 2
                continue
            if char in "([{":
                self.depth += 1
                position += 1
                continue
            if char in ")]}":
                self.depth = max(0, self.depth - 1)
                position += 1
                continue
            triple = line.startswith(("'''", '"""'), position)
            delimiter = line[position : position + 3] if triple else char
            self.raw = _is_raw_prefix(line, position)
            self.quote = delimiter
            position += len(delimiter)

    def _skip_string(self, line: str, position: int) -> int:
        """Move past the end of the open string, or to the line end if it stays open."""
        quote = self.quote
        assert quote is not None
        length = len(line)
        while position < length:
            char = line[position]
            if char == "\\" and not self.raw:
                if position == length - 1 and len(quote) == 1:
                    return length  # a backslash-continued single-quoted string
                position += 2
                continue
            if line.startswith(quote, position):
                self.quote = None
                return position + len(quote)
            position += 1
        if len(quote) == 1:
            self.quote = None  # an unterminated one-line string: the parser will say so
        return length


def _is_raw_prefix(line: str, quote_at: int) -> bool:
    """Whether the string starting at `quote_at` has an r prefix (r"", rb"", Rf"", ...)."""
    start = quote_at
    while start > 0 and line[start - 1] in "rRbBuUfF":
        start -= 1
    if start > 0 and (line[start - 1].isalnum() or line[start - 1] == "_"):
        return False  # `bar"` is a name followed by a quote, not a prefix
    return "r" in line[start:quote_at].lower()
