"""Parameters over the limit become a dataclass that every call builds: the notebook computes
the same, and what cannot be rewritten safely is refused with the reason."""

from __future__ import annotations

import contextlib
import io
from pathlib import Path

import nbformat

from nbcoach.extract.group import Grouping, group_parameters
from support import build_notebook, run_cli

FUNCTION = '''def report(path, rows, scale, top_n, label: str, verbose=False, width=60, fee=0.0):
    """One report."""
    total = sum(r * scale for r in rows[:top_n])
    if verbose:
        print("verbose", label)
    return f"{path}:{label}:{total:.1f}:{width}:{fee}"'''

CELLS = {
    1: "import math\nimport json",
    2: FUNCTION,
    3: 'print(report("a", [1, 2, 3], 2, 2, "x"))',
    4: 'print(report("b", [4, 5], 1.5, 1, label="y", verbose=True, fee=2.5))',
    5: 'def twice(n):\n    return report("c", [n, n], 1, 2, "z", width=n)\nprint(twice(3))',
    6: '%time out = report("d", rows=[1], scale=3, top_n=1, label="w")\nprint(out)',
}


def _run(cells: dict[int, str]) -> str:
    """What the cells print, run in order in one namespace (`%time` run as its statement)."""
    namespace: dict[str, object] = {}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        for number in sorted(cells):
            exec(cells[number].replace("%time ", ""), namespace)
    return printed.getvalue()


def test_the_trailing_parameters_become_a_dataclass_and_every_call_builds_one() -> None:
    grouping = group_parameters(CELLS, 2, "report", 5)
    assert isinstance(grouping, Grouping), grouping
    assert grouping.class_name == "ReportOptions"
    assert grouping.fields == ("label", "verbose", "width", "fee")
    assert grouping.calls == (3, 4, 5, 6)
    cells = {**CELLS, **grouping.cells}
    assert _run(cells) == _run(CELLS)
    assert "def report(path, rows, scale, top_n, options: ReportOptions):" in cells[2]
    # a field's type: its annotation, else its default's type
    assert (
        "    label: str\n    verbose: bool = False\n    width: int = 60\n    fee: float = 0.0"
        in cells[2]
    )
    assert cells[3] == 'print(report("a", [1, 2, 3], 2, 2, ReportOptions("x")))'
    assert 'ReportOptions(label="y", verbose=True, fee=2.5)' in cells[4]
    # keywords for kept parameters stay keywords; the options follow them by name
    assert cells[6].startswith('%time out = report("d", options=ReportOptions(label="w"), rows=[1]')
    assert cells[1].startswith("import math\nimport json\nfrom dataclasses import dataclass")
    assert "from typing import Any" not in cells[1]  # every field has a type
    assert grouping.note.endswith("calls updated in cells 3, 4, 5, 6")


def test_an_existing_import_is_reused_and_an_untyped_field_is_any() -> None:
    cells = {
        1: "from dataclasses import dataclass",
        2: "def f(a, b, c, d, e, g):\n    return a + b + c + d + e + g",
        3: "print(f(1, 2, 3, 4, 5, 6))",
    }
    grouping = group_parameters(cells, 2, "f", 5)
    assert isinstance(grouping, Grouping)
    merged = {**cells, **grouping.cells}
    assert merged[1] == "from dataclasses import dataclass\nfrom typing import Any"
    assert "    e: Any\n    g: Any" in merged[2]
    assert _run(merged) == _run(cells) == "21\n"


def test_what_cannot_be_rewritten_safely_is_refused_with_the_reason() -> None:
    base = "def f(a, b, c, d, e, g):\n    return a"
    refusals = {
        "print(list(map(f, [1])))": "is used as a value",
        "args = [1] * 6\nprint(f(*args))": "passes *args or **kwargs",
        "kw = {}\nprint(f(1, 2, 3, 4, 5, 6, **kw))": "passes *args or **kwargs",
        "print(f(1, 2, 3, 4, 5, 6)": "does not parse",
    }
    for call, reason in refusals.items():
        found = group_parameters({1: base, 2: call}, 1, "f", 5)
        assert isinstance(found, str) and reason in found and found.startswith("cell 2"), found
    starred = group_parameters({1: "def f(a, b, c, d, e, *rest):\n    return a"}, 1, "f", 4)
    assert isinstance(starred, str) and "`*`" in starred


def test_split_groups_by_default_and_no_group_keeps_the_signature(tmp_path: Path) -> None:
    body = "\n".join(f"    v{i} = a + {i}\n    print(v{i})\n" for i in range(30))
    long_function = f"def long(a, b, c, d, e, f, g=1):\n{body}    return b + c + d + e + f + g"
    path = tmp_path / "nb.ipynb"
    nbformat.write(build_notebook(["import math", long_function, "long(1, 2, 3, 4, 5, 6)"]), path)
    kept = run_cli("split", str(path), "-f", "long", "--no-group", cwd=tmp_path)
    assert "still takes 7 parameters (limit 5)" in kept.stdout, kept.stdout + kept.stderr
    done = run_cli("split", str(path), "-f", "long", "--apply", cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "grouped 3 parameters (e, f, g) into the dataclass `LongOptions`" in done.stdout
    written = nbformat.read(path, as_version=4)
    sources = [cell.source for cell in written.cells]
    assert sources[2] == "long(1, 2, 3, 4, LongOptions(5, 6))"
    assert "def long(a, b, c, d, options: LongOptions):" in sources[1]


def test_what_would_run_differently_is_refused_with_the_reason() -> None:
    """Each of these, grouped naively, ran differently or failed (a review executed them)."""
    six = "def f(a, b, c, d, e, g):\n    return (a, b, c, d, e, g)"
    cases = {
        "keeps have defaults": {
            1: "def f(a, b, c=1, d=2, e=3, g=4):\n    return a",
            2: "print(f(10, 20))",
        },
        "not a plain constant (`[]`)": {
            1: "def f(a, b, c, d, e, cols=[]):\n    return cols",
            2: "print(f(1, 2, 3, 4, 5))",
        },
        "bound elsewhere": {1: six, 2: "def apply(f, x):\n    return f(x)\nprint(apply(str, 5))"},
        "change the order they run in": {
            1: six,
            2: "print(f(1, 2, 3, d=t('d'), e=t('e'), g=t('g')))",
        },
        "stands inside another": {1: six, 2: "print(f(1, 2, 3, 4, 5, g=f(1, 1, 1, 1, 1, 1)))"},
    }
    for reason, cells in cases.items():
        found = group_parameters(cells, 1, "f", 5)
        assert isinstance(found, str) and reason in found, (reason, found)


def test_a_notebook_options_name_is_not_shadowed_and_imports_run_before_the_class() -> None:
    cells = {
        1: "def f(a, b, c, d, e, g):\n    return (a + b + c + d + e + g) * options['scale']",
        2: "import math\noptions = {'scale': 10}\nprint(f(1, 2, 3, 4, 5, 6))",
    }
    grouping = group_parameters(cells, 1, "f", 5)
    assert isinstance(grouping, Grouping)
    assert grouping.parameter == "settings" and "passed as `settings`" in grouping.note
    merged = {**cells, **grouping.cells}
    assert merged[1].startswith("from dataclasses import dataclass\n")  # the import cell is later
    assert _run(merged) == _run(cells) == "210\n"


def test_the_unpacking_line_goes_above_the_first_statements_comment() -> None:
    cells = {
        1: "def f(a, b, c, d, e, g):\n    # add them up\n    total = a + b + c + d + e + g\n    return total",
        2: "print(f(1, 2, 3, 4, 5, 6))",
    }
    grouping = group_parameters(cells, 1, "f", 5)
    assert isinstance(grouping, Grouping)
    body = grouping.cells[1].split("def f(", 1)[1].split("\n")[1:4]
    assert body == [
        "    e, g = options.e, options.g",
        "    # add them up",
        "    total = a + b + c + d + e + g",
    ]


def test_more_that_would_run_differently_is_refused_or_handled() -> None:
    """A second review's cases, each executed."""
    one_line = {
        1: "def f(a, b, c, d, e, g): return a + b + c + d + e + g",
        2: "print(f(1, 2, 3, 4, 5, 6))",
    }
    found = group_parameters(one_line, 1, "f", 5)
    assert isinstance(found, str) and "body on the `def` line" in found
    subscripts = {
        1: "def f(a, b, c, d, e, g):\n    return a",
        2: "l = list(range(9))\nprint(f(1, 2, 3, d=l[4], e=l[5], g=6))",
    }
    found = group_parameters(subscripts, 1, "f", 5)
    assert isinstance(found, str) and "order they run in" in found
    late_import = {
        1: "def f(a, b, c, d, e, g):\n    return a + g",
        2: "print(f(1, 2, 3, 4, 5, 6))",
        3: "from dataclasses import dataclass",
    }
    grouping = group_parameters(late_import, 1, "f", 5)
    assert isinstance(grouping, Grouping)
    merged = {**late_import, **grouping.cells}
    assert merged[1].startswith("from dataclasses import dataclass\n")  # runs before the class
    assert _run(merged) == _run(late_import) == "7\n"
    named = {
        1: "def f(a, options, c, d, e, g):\n    return a + c + d + e + g",
        2: "print(f(1, 0, 3, 4, 5, 6))",
    }
    grouping = group_parameters(named, 1, "f", 5)
    assert isinstance(grouping, Grouping) and grouping.parameter == "settings"
    assert _run({**named, **grouping.cells}) == _run(named) == "19\n"


def test_a_grouped_parameter_the_body_never_reads_is_not_unpacked() -> None:
    """Unpacking it would leave an unused local (ruff F841, priced as a likely bug)."""
    cells = {
        1: "import math",
        2: "scale = 2\ndef classify(a, b, c, d, e, f, g):\n    return a * f + g",
        3: "print(classify(1, 2, 3, 4, 5, 6, 7))",
    }
    grouping = group_parameters(cells, 2, "classify", 5)
    assert isinstance(grouping, Grouping), grouping
    merged = {**cells, **grouping.cells}
    assert "    f, g = options.f, options.g\n" in merged[2]  # not e: the body never reads it
    assert "options.e" not in merged[2]
    assert merged[2].startswith("scale = 2\n\n\n@dataclass(frozen=True)")  # spaced from code
    assert _run(merged) == _run(cells) == "13\n"


def test_the_dataclass_import_goes_to_the_first_python_cell_when_none_imports_before() -> None:
    cells = {
        1: "%%time\nrows = [1, 2, 3]",
        2: "%%bash\necho hi",
        3: "def f(a, b, c, d, e, g):\n    return a + b + c + d + e + g",
        4: "print(f(rows[0], 2, 3, 4, 5, 6))",
        5: "import math",
    }
    grouping = group_parameters(cells, 3, "f", 5)
    assert isinstance(grouping, Grouping), grouping
    merged = {**cells, **grouping.cells}
    # not late in the function's own cell: in the first Python cell, below its cell magic
    assert merged[1].startswith("%%time\nfrom dataclasses import dataclass\n")
    assert "import" not in merged[3].split("@dataclass")[0]


def test_a_grouped_parameter_read_by_augmented_assignment_or_del_is_unpacked() -> None:
    cells = {
        1: "import math",
        2: "def collect(a, b, c, d, rows, extra, gone):\n"
        "    rows += extra\n    del gone\n    return a + b + c + d + len(rows)",
        3: "print(collect(1, 2, 3, 4, [1], [5], 0))",
    }
    grouping = group_parameters(cells, 2, "collect", 5)
    assert isinstance(grouping, Grouping), grouping
    merged = {**cells, **grouping.cells}
    assert "rows, extra, gone = options.rows, options.extra, options.gone" in merged[2]
    assert _run(merged) == _run(cells) == "12\n"
