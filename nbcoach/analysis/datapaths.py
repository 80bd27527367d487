"""Paths to data files written where they are read or written, not named once.

`pd.read_csv("../data/train.csv")` in cell 3 and `"../data/test.csv"` in cell 9: moving the data,
or running the notebook from another folder, means finding every copy, and a reader cannot see at
a glance what the notebook reads and writes. A path bound to a name (`TRAIN = DATA / "train.csv"`,
a table of paths, `os.getenv("TRAIN", "data/train.csv")`), a parameter's or command-line option's
default, or a literal joined to a named folder (`DATA + "/train.csv"`, `f"{DATA}/train.csv"`) is
the fix, and costs nothing. Strings that name a file but are data or messages (compared,
printed, raised, replaced, a docstring) are no place the notebook reads or writes.

The facts walk meets every string; only those that look like a file path (a few hundred in the
whole corpus) are looked at further here, with the assignments of their cell.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Iterator
from typing import cast

from nbcoach.analysis.astwalk import child_nodes

# What a file of data, a model or a figure ends with.
_EXTENSIONS = frozenset(
    [
        "csv",
        "tsv",
        "txt",
        "json",
        "jsonl",
        "xls",
        "xlsx",
        "parquet",
        "feather",
        "pkl",
        "pickle",
        "joblib",
        "h5",
        "hdf",
        "hdf5",
        "npy",
        "npz",
        "zip",
        "gz",
        "bz2",
        "tar",
        "db",
        "sqlite",
        "sqlite3",
        "geojson",
        "gpkg",
        "shp",
        "dta",
        "sav",
        "sas7bdat",
        "rds",
        "arff",
        "avro",
        "orc",
        "nc",
        "mat",
        "xml",
        "htm",
        "html",
        "png",
        "jpg",
        "jpeg",
        "gif",
        "bmp",
        "tif",
        "tiff",
        "svg",
        "pdf",
        "yaml",
        "yml",
        "log",
        "pt",
        "pth",
        "ckpt",
        "onnx",
        "keras",
        "tflite",
        "wav",
        "mp4",
    ]
)
# The shape of a path: the first part has no spaces (so "Saved to out.csv" is a message), later
# folders and the file name may ("Appeal Outcomes - 2020.xlsx"); a glob (`data/*.csv`) names a
# folder all the same. No scheme: a URL is a download, not a place on this machine.
_SHAPE = re.compile(r"(?:[A-Za-z]:)?[\w.~*?-]*(?:[/\\][^/\\\n\t\"<>|:]*)*")
# Calls whose arguments build a path (bound to a name, the path is named): `Path(...)`,
# `os.path.join(...)`, `.resolve()`, `os.getenv("DATA", "data.csv")`, `dict(train=...)`.
_BUILDERS = frozenset(
    (
        "Path",
        "PurePath",
        "PosixPath",
        "WindowsPath",
        "join",
        "joinpath",
        "abspath",
        "normpath",
        "realpath",
        "expanduser",
        "resolve",
        "absolute",
        "with_name",
        "with_suffix",
        "fspath",
        "str",
        "dict",
        "getenv",
        "get",
    )
)
# Calls that take a file name as text, not as a place: messages, string edits, errors.
_TEXT_CALLS = frozenset(
    (
        "print",
        "replace",
        "startswith",
        "endswith",
        "split",
        "rsplit",
        "strip",
        "rstrip",
        "lstrip",
        "format",
        "contains",
        "match",
        "warn",
        "info",
        "debug",
        "warning",
        "error",
        "write",
        "display",
        "Markdown",
    )
)


def looks_like_a_path(value: str) -> bool:
    """Cheap first: the walk asks this of every string in the notebook."""
    dot = value.rfind(".")
    return (
        dot > 0
        and ("*" not in value or "/" in value or "\\" in value)  # `*.csv` alone: no place
        and value[dot + 1 :].lower() in _EXTENSIONS
        and len(value) < 500
        and _SHAPE.fullmatch(value) is not None
    )


def inline(
    candidates: Iterable[tuple[ast.Constant, ast.AST]], assignments: Iterable[ast.AST]
) -> list[tuple[int, int, str]]:
    """(line, column, path) of each candidate string written where it is used; `candidates`
    pairs a string with the node it stands in, `assignments` are the cell's assignments."""
    named: set[int] = set()
    for assignment in assignments:
        named.update(_bound_strings(cast(ast.Assign | ast.AnnAssign, assignment)))
    return [
        (string.lineno, string.col_offset, cast(str, string.value))
        for string, parent in candidates
        if id(string) not in named and _used_here(string, parent)
    ]


def _bound_strings(node: ast.Assign | ast.AnnAssign) -> Iterator[int]:
    """The strings an assignment binds to its targets, directly or through path-building
    calls, operators and tables (`TRAIN, TEST = "a.csv", "b.csv"`, `X = str(Path("x.csv"))`,
    `self.train = ...`, `PATHS = {"train": Path("train.csv")}`): a path named once, and used by
    its name. A call that reads or computes (`pd.read_csv(...)`) binds its result, not the
    path."""
    if node.value is None:
        return
    stack: list[ast.AST] = [node.value]
    while stack:
        part = stack.pop()
        kind = type(part)
        if kind is ast.Constant:
            yield id(part)
        elif kind is ast.Tuple or kind is ast.List or kind is ast.Set:
            stack.extend(cast(ast.Tuple, part).elts)
        elif kind is ast.Dict:
            stack.extend(value for value in cast(ast.Dict, part).values)
        elif kind is ast.BinOp:
            stack += (cast(ast.BinOp, part).left, cast(ast.BinOp, part).right)
        elif kind is ast.JoinedStr:
            stack.extend(cast(ast.JoinedStr, part).values)
        elif kind is ast.Call and called(cast(ast.Call, part)) in _BUILDERS:
            call = cast(ast.Call, part)
            stack.extend(call.args)
            stack.extend(keyword.value for keyword in call.keywords)
            if isinstance(call.func, ast.Attribute):  # `Path("x.csv").resolve()`
                stack.append(call.func.value)


def _used_here(string: ast.Constant, parent: ast.AST) -> bool:
    """Whether the path is written where the notebook reads or writes it."""
    kind = type(parent)
    if kind is ast.arguments or kind is ast.Compare or kind is ast.Expr:
        return False  # a parameter's default; a value compared; a docstring or bare string
    if kind is ast.keyword:
        return cast(ast.keyword, parent).arg != "default"  # `add_argument(..., default=...)`
    if kind is ast.JoinedStr:  # `f"{DATA}/train.csv"` joins a name; `f"data/train.csv"` does not
        return not any(type(v) is ast.FormattedValue for v in cast(ast.JoinedStr, parent).values)
    if kind is ast.BinOp:
        operation = cast(ast.BinOp, parent)
        other = operation.right if operation.left is string else operation.left
        return not names_a_place(other)
    if kind is ast.Call:
        call = cast(ast.Call, parent)
        name = called(call)
        if name in _TEXT_CALLS or name.endswith(("Error", "Exception", "Warning")):
            return False
        if name in ("join", "joinpath"):
            others = [a for a in call.args if a is not string]
            return not any(names_a_place(other) for other in others)
    return True


def names_a_place(node: ast.AST) -> bool:
    """Whether an expression holds a name (`DATA`, `self.root`, `config.DATA / "raw"`): joined
    to it, a literal is a file in a named folder. The functions called name no place
    (`Path("..") / "x.csv"` is a literal path all the same)."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is ast.Name or kind is ast.Attribute:
            return True
        if kind is ast.Call:
            call = cast(ast.Call, current)
            stack.extend(call.args)
            stack.extend(keyword.value for keyword in call.keywords)
            if isinstance(call.func, ast.Attribute):  # `DATA.joinpath(...)`: its receiver
                stack.append(call.func.value)
            continue
        stack.extend(child_nodes(current))
    return False


def called(call: ast.Call) -> str:
    """The name a call is made by: `pd.read_csv(...)` -> `read_csv`."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
