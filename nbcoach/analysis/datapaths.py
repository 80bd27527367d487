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
# Names that hold no place of the project's: path classes and modules (`Path.cwd()`, `os.sep`).
_NO_PLACE = frozenset(
    ("Path", "PurePath", "PosixPath", "WindowsPath", "pathlib", "os", "path", "sys", "str")
)
# Keyword arguments that take a file name as text or as a fallback, not as the place used.
_TEXT_KEYWORDS = frozenset(
    ("default", "help", "label", "desc", "title", "xlabel", "ylabel", "name", "message", "msg")
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
        "title",
        "set_title",
        "suptitle",
        "xlabel",
        "ylabel",
        "text",
        "annotate",
        "legend",
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


def formatted_path(node: ast.JoinedStr) -> str | None:
    """An f-string that writes a path with a literal folder (`f"../data/{split}.csv"`), as a
    template (`../data/{}.csv`); None when it starts with a value (`f"{DATA}/x.csv"` joins a
    named folder) or holds no value (its one literal is looked at as any string)."""
    values = node.values
    if not values or type(values[0]) is not ast.Constant:
        return None
    if not any(type(value) is ast.FormattedValue for value in values):
        return None
    template = "".join(
        str(value.value) if isinstance(value, ast.Constant) else "{}" for value in values
    )
    folder = template.split("{}", 1)[0]
    if "/" not in folder and "\\" not in folder:
        return None  # `f"{name}.csv"`-like: a name decides where
    return template if looks_like_a_path(template) else None


def inline(
    candidates: Iterable[tuple[ast.expr, str, ast.AST]], settings: Iterable[ast.AST]
) -> list[tuple[int, int, str, int]]:
    """(line, column, path, line of the node it stands in) of each candidate written where it
    is used. `candidates`: a string (or f-string) shaped like a path, its text and the node it
    stands in; `settings`: the cell's assignments (which may name a path) and comparisons
    (whose strings are values: `if name in ("a.csv", "b.csv")`)."""
    named: set[int] = set()
    for setting in settings:
        if type(setting) is ast.Compare:
            named.update(_compared_strings(setting))
        else:
            named.update(_bound_strings(cast(ast.Assign | ast.AnnAssign | ast.AugAssign, setting)))
    return [
        (string.lineno, string.col_offset, text, getattr(parent, "lineno", string.lineno))
        for string, text, parent in candidates
        if id(string) not in named and _used_here(string, parent)
    ]


def _compared_strings(node: ast.Compare) -> Iterator[int]:
    for side in (node.left, *node.comparators):
        items = side.elts if isinstance(side, ast.Tuple | ast.List | ast.Set) else [side]
        yield from (id(item) for item in items if type(item) is ast.Constant)


def _bound_strings(node: ast.Assign | ast.AnnAssign | ast.AugAssign) -> Iterator[int]:
    """The strings an assignment binds to its targets, directly or through path-building
    calls, operators, conditions and tables (`TRAIN, TEST = "a.csv", "b.csv"`,
    `X = str(Path("x.csv"))`, `self.train = ...`, `P = os.getenv("P") or "p.csv"`,
    `PATHS = {"train": Path("train.csv")}`, `path += "/x.csv"`): a path named once, and used by
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
        elif kind is ast.BoolOp:
            stack.extend(cast(ast.BoolOp, part).values)
        elif kind is ast.IfExp:
            stack += (cast(ast.IfExp, part).body, cast(ast.IfExp, part).orelse)
        elif kind is ast.JoinedStr:
            yield id(part)
            stack.extend(cast(ast.JoinedStr, part).values)
        elif kind is ast.Call and _called(cast(ast.Call, part)) in _BUILDERS:
            call = cast(ast.Call, part)
            stack.extend(call.args)
            stack.extend(keyword.value for keyword in call.keywords)
            if isinstance(call.func, ast.Attribute):  # `Path("x.csv").resolve()`
                stack.append(call.func.value)


def _used_here(string: ast.expr, parent: ast.AST) -> bool:
    """Whether the path is written where the notebook reads or writes it."""
    kind = type(parent)
    if kind is ast.arguments or kind is ast.Compare or kind is ast.Expr or kind is ast.Subscript:
        return False  # a parameter's default; a value compared; a docstring; a key
    if kind is ast.keyword:
        return cast(ast.keyword, parent).arg not in _TEXT_KEYWORDS  # `default=`, `label=`...
    if kind is ast.JoinedStr:  # `f"{DATA}/train.csv"` joins a name; `f"data/train.csv"` does not
        return not any(type(v) is ast.FormattedValue for v in cast(ast.JoinedStr, parent).values)
    if kind is ast.BinOp:
        operation = cast(ast.BinOp, parent)
        if type(operation.op) is ast.Mod:
            return True  # `"data/%s.csv" % split`: a literal folder all the same
        other = operation.right if operation.left is string else operation.left
        return not _names_a_place(other)
    if kind is ast.Call:
        call = cast(ast.Call, parent)
        name = _called(call)
        if name in _TEXT_CALLS or name.endswith(("Error", "Exception", "Warning")):
            return False
        if name in ("join", "joinpath"):
            others: list[ast.AST] = [a for a in call.args if a is not string]
            if isinstance(call.func, ast.Attribute):  # `DATA.joinpath("model.pkl")`
                others.append(call.func.value)
            return not any(_names_a_place(other) for other in others)
    return True


def _names_a_place(node: ast.AST) -> bool:
    """Whether an expression holds a name (`DATA`, `self.root`, `get_root()`): joined to it, a
    literal is a file in a named folder. Path classes and modules name no place
    (`Path("..") / "x.csv"`, `os.getcwd() + "/x.csv"` are literal paths all the same)."""
    stack = [node]
    while stack:
        current = stack.pop()
        kind = type(current)
        if kind is ast.Name:
            if cast(ast.Name, current).id not in _NO_PLACE:
                return True
            continue
        if kind is ast.Attribute:
            value = cast(ast.Attribute, current).value
            if not (type(value) is ast.Name and value.id in _NO_PLACE):
                return True
            continue
        if kind is ast.Call:
            call = cast(ast.Call, current)
            stack.extend(call.args)
            stack.extend(keyword.value for keyword in call.keywords)
            func = call.func
            if isinstance(func, ast.Attribute):  # `DATA.joinpath(...)`: its receiver
                stack.append(func.value)
            elif isinstance(func, ast.Name) and func.id not in _NO_PLACE | _BUILDERS:
                return True  # `get_root()`: a name that says where
            continue
        stack.extend(child_nodes(current))
    return False


def _called(call: ast.Call) -> str:
    """The name a call is made by: `pd.read_csv(...)` -> `read_csv`."""
    func = call.func
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
