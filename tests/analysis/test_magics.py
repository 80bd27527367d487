"""Magics are masked reversibly and line-preserving, so every cell parses and lines never move."""

from __future__ import annotations

import ast

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nbcoach.analysis.magics import mask_cell, unmask


def masked(source: str) -> str:
    cell = mask_cell(1, source)
    assert unmask(cell) == source
    assert cell.source.count("\n") == source.count("\n")
    return cell.source


def test_line_magic_inside_an_indented_block_still_parses() -> None:
    # Commenting the magic out (what jupytext and most linters do) leaves `if` with no body.
    source = "if verbose:\n    %time result = fit(x)\nprint(result)"
    tree = ast.parse(masked(source))
    assign = tree.body[0].body[0]  # type: ignore[attr-defined]
    assert isinstance(assign, ast.Assign) and assign.lineno == 2
    assert {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} >= {"fit", "x", "result"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("%matplotlib inline", "..."),
        ("!pip install pandas", "..."),
        ("files = !ls -la", "files = ..."),
        ("names = %who_ls", "names = ..."),
        ("df.head?", "df.head"),
        ("??len", "len"),
        ("%timeit -n 10 -r 3 f(x)", "f(x)"),
        ("pip install numpy", "..."),  # automagic
        ("cd ..", "..."),
        ("    %load_ext autoreload", "    ..."),
    ],
)
def test_each_kind_of_magic_becomes_python(source: str, expected: str) -> None:
    assert masked(source) == expected


def test_a_magic_name_followed_by_an_operator_is_python() -> None:
    # IPython runs these as Python (its PythonOpsChecker): masking them as the `history` or
    # `env` automagic turned valid cells into syntax errors.
    source = "%matplotlib inline\nhistory = model.fit(X, y,\n                    epochs=3)\nenv = {'a': 1}"
    assert masked(source) == "...\n" + source.split("\n", 1)[1]
    ast.parse(masked(source))


def test_a_timing_magic_of_only_a_comment_still_gives_the_block_a_body() -> None:
    tree = ast.parse(masked("if slow:\n    %time # see below\nx = 1"))
    assert isinstance(tree.body[0], ast.If) and len(tree.body) == 2


def test_python_that_looks_like_a_magic_is_left_alone() -> None:
    source = 'message = ("%d items"\n           % count)\nls = [1, 2]\nls\nrate = a % b'
    assert masked(source) == source


def test_magic_text_inside_a_string_is_left_alone() -> None:
    source = 'doc = """\n%not a magic\n!nor this\n"""\n!echo "it\'s done"'
    assert masked(source) == 'doc = """\n%not a magic\n!nor this\n"""\n...'


def test_backslash_continued_shell_line_is_masked_whole() -> None:
    source = "!pip install a \\\n    b c\nx = 1"
    assert masked(source) == "...\n...\nx = 1"
    ast.parse(masked(source))


def test_python_cell_magic_keeps_its_body() -> None:
    source = "%%time\ntotal = sum(values)\n%timeit total + 1"
    assert masked(source) == "...\ntotal = sum(values)\ntotal + 1"


@pytest.mark.parametrize(
    "source", ["%%bash\necho hi\nls -la", "%%html\n<b>x</b>", "%%writefile a.py\nx = 1"]
)
def test_foreign_cell_magic_is_not_python(source: str) -> None:
    cell = mask_cell(3, source)
    assert cell.foreign == source.split("\n")[0].split()[0]
    assert unmask(cell) == source


def test_unknown_cell_magic_with_a_python_body_is_python() -> None:
    assert mask_cell(1, "%%mymagic --flag\nx = 1").foreign is None
    assert mask_cell(1, "%%mymagic\necho $HOME && ls").foreign == "%%mymagic"


PYTHON_LINES = st.sampled_from(
    [
        "x = 1",
        "y = f(x)",
        "if x:",
        "    z = x % 2",
        "for i in range(3):",
        "    print(i)",
        "",
        "# comment?",
        "s = 'a%sb' % x",
        "def g(a):",
        "    return a",
    ]
)
MAGIC_LINES = st.sampled_from(
    [
        "%matplotlib inline",
        "!ls -la",
        "%time f()",
        "df.describe?",
        "x = !pwd",
        "pip install numpy",
        "?obj",
        "%%time",
        "!echo it's",
        "cd /tmp",
        "%load_ext autoreload",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(PYTHON_LINES, MAGIC_LINES), max_size=25), st.booleans())
def test_masking_round_trips_and_keeps_line_count(lines: list[str], trailing_newline: bool) -> None:
    source = "\n".join(lines) + ("\n" if trailing_newline else "")
    cell = mask_cell(1, source)
    assert unmask(cell) == source
    assert cell.source.count("\n") == source.count("\n")


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.sampled_from(["x = 1", "print(x)", "y = [x,\n     x]"]), min_size=1, max_size=8),
    st.lists(MAGIC_LINES.filter(lambda m: not m.startswith("%%")), min_size=1, max_size=5),
    st.randoms(),
)
def test_valid_python_with_magics_inserted_at_statement_starts_parses(
    python: list[str], magics: list[str], random: object
) -> None:
    lines = list(python)
    for magic in magics:
        lines.insert(random.randrange(len(lines) + 1), magic)  # type: ignore[attr-defined]
    source = "\n".join(lines)
    ast.parse(mask_cell(1, source).source)
