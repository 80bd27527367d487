"""Planning an extraction: what moves, what it takes along, what stays and why, as exact text."""

from __future__ import annotations

import ast
import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from nbcoach.core.errors import InputError, UsageError
from nbcoach.core.model import ExtractionPlan
from nbcoach.extract.plan import candidate_statuses, open_notebook, plan_extraction
from support import EXAMPLES

MakeNotebook = Callable[..., Path]


def plan_of(
    make_notebook: MakeNotebook, cells: list[str], functions: list[str], **options: object
) -> ExtractionPlan:
    path = make_notebook(cells)
    module = path.parent / "src" / "pkg" / "helpers.py"
    return plan_extraction(path, functions, options.pop("module", module), **options)  # type: ignore[arg-type]


def new_sources(plan: ExtractionPlan) -> list[str]:
    return ["".join(c["source"]) for c in json.loads(plan.notebook_text)["cells"]]


def refusal(plan: ExtractionPlan, name: str) -> tuple[str, str, str]:
    found = next(r for r in plan.refusals if r.name == name)
    return found.code, found.reason, str(found.location)


def test_a_function_moves_and_the_import_takes_its_place(make_notebook: MakeNotebook) -> None:
    plan = plan_of(
        make_notebook,
        ["import math", "def area(r):\n    return math.pi * r ** 2", "print(area(2))"],
        ["area"],
    )
    assert [m.name for m in plan.moved] == ["area"] and not plan.refusals
    assert new_sources(plan) == ["import math", "from pkg.helpers import area", "print(area(2))"]
    assert plan.module_name == "pkg.helpers" and plan.import_cell == 2
    assert plan.module_text == (
        '"""Code moved out of `notebook.ipynb` by `nbcoach extract`."""\n\n'
        "import math\n\n\n"
        "def area(r):\n    return math.pi * r**2\n"
    )  # formatted by ruff: `r ** 2` became `r**2`
    assert plan.created == (str(Path(plan.module).parent / "__init__.py"),)
    assert (
        "-def area(r):" in plan.notebook_diff
        and "+from pkg.helpers import area" in plan.notebook_diff
    )
    assert plan.module_diff.startswith("--- /dev/null\n")


def test_notebook_data_becomes_keyword_parameters_at_every_call(
    make_notebook: MakeNotebook,
) -> None:
    cells = [
        "import statistics\nrows = [3, 1, 2]\nrows.append(5)\nscale = statistics.mean(rows)",
        "def scaled(x):\n    return x * scale\n\n\ndef total():\n    return sum(scaled(r) for r in rows)",
        "print(scaled(1))\ny = scaled(\n    2,\n)\n%time z = scaled(3)",
        "def show(scale):\n    return scale",
        "if True:\n    %time print(total())",
    ]
    plan = plan_of(make_notebook, cells, ["total"])
    moved = {m.name: m for m in plan.moved}
    assert moved["total"].parameters == ("rows", "scale")
    assert moved["scaled"].parameters == ("scale",) and not moved["scaled"].requested
    sources = new_sources(plan)
    assert sources[1] == "from pkg.helpers import scaled, total"
    assert sources[2] == (
        "print(scaled(1, scale=scale))\ny = scaled(\n    2, scale=scale,\n)\n"
        "%time z = scaled(3, scale=scale)"
    )
    assert sources[3] == cells[3]  # a parameter named `scale` is not the notebook's
    assert sources[4] == "if True:\n    %time print(total(rows=rows, scale=scale))"
    assert "def total(*, rows, scale):\n    return sum(scaled(r, scale=scale) for r in rows)" in (
        plan.module_text
    )
    assert [(site.cell, site.line) for site in moved["scaled"].call_sites] == [
        (3, 1),
        (3, 2),
        (3, 5),
    ]
    assert [(site.cell, site.line) for site in moved["total"].call_sites] == [(5, 2)]


def test_a_function_used_as_a_callback_cannot_take_parameters(make_notebook: MakeNotebook) -> None:
    cells = ["k = int('3')", "def f(x):\n    return x * k", "print(sorted([3, 1], key=f))"]
    plan = plan_of(make_notebook, cells, ["f"])
    code, reason, where = refusal(plan, "f")
    assert code == "indirect-use" and where.endswith("notebook.ipynb:cell 3:line 1")
    assert "reads notebook data `k`" in reason and "without calling it" in reason
    assert plan.empty and plan.notebook_text == ""


def test_a_function_that_writes_a_global_stays(make_notebook: MakeNotebook) -> None:
    cells = ["count = 0", "def bump():\n    global count\n    count += 1"]
    code, reason, where = refusal(plan_of(make_notebook, cells, ["bump"]), "bump")
    assert code == "global-write" and "`count`" in reason
    assert where.endswith("notebook.ipynb:cell 2:line 1")


def test_identical_redefinitions_go_and_the_import_stands_at_the_first(
    make_notebook: MakeNotebook,
) -> None:
    same = "def pct(a, b):\n    return 100 * a / b"
    plan = plan_of(make_notebook, [same, "print(pct(1, 4))", "x = 1\n\n\n" + same], ["pct"])
    assert new_sources(plan) == ["from pkg.helpers import pct", "print(pct(1, 4))", "x = 1"]
    moved = plan.moved[0]
    assert [(e.cell, e.line) for e in moved.earlier] == [(1, 1)]
    assert moved.earlier_identical


def test_an_earlier_different_definition_still_in_use_blocks_the_move(
    make_notebook: MakeNotebook,
) -> None:
    cells = ["def f():\n    return 1", "print(f())", "def f():\n    return 2", "print(f())"]
    code, reason, where = refusal(plan_of(make_notebook, cells, ["f"]), "f")
    assert code == "redefined-used-between" and "cell 2" in reason
    assert where.endswith("notebook.ipynb:cell 1:line 1")
    # unused in between: the earlier version is dead code and goes with the move
    unused = plan_of(make_notebook, [cells[0], cells[2], cells[3]], ["f"])
    assert not unused.refusals and not unused.moved[0].earlier_identical
    assert new_sources(unused) == ["from pkg.helpers import f", "print(f())"]


def test_literal_constants_are_copied_and_mutated_ones_become_parameters(
    make_notebook: MakeNotebook,
) -> None:
    cells = [
        "RATE = 0.2\nNAMES = ['a']\nNAMES.append('b')\nTABLE = {'x': 1}",
        "def f(v):\n    return v * RATE + len(NAMES) + TABLE['x']",
        "f(1)",
    ]
    plan = plan_of(make_notebook, cells, ["f"])
    assert plan.constants == ("RATE = 0.2", "TABLE = {'x': 1}")
    assert plan.moved[0].parameters == ("NAMES",)
    assert 'RATE = 0.2\nTABLE = {"x": 1}' in plan.module_text
    assert new_sources(plan)[0] == cells[0]  # constants are copied, not moved
    assert new_sources(plan)[2] == "f(1, NAMES=NAMES)"


def test_a_lower_case_setting_becomes_a_parameter_never_a_stale_copy(
    make_notebook: MakeNotebook,
) -> None:
    # A CFD notebook: `nx = 41` copied into the module would go stale the day the notebook
    # sets nx = 81, and the module's function would compute on the wrong grid.
    cells = [
        "nx = 41\nnit = 50\nMAX_ITER = 500",
        "def grid(dx):\n    return [i * dx for i in range(nx)][:nit][:MAX_ITER]",
        "points = grid(0.1)",
        "nx = 81\npoints = grid(0.05)",
    ]
    plan = plan_of(make_notebook, cells, ["grid"])
    assert plan.constants == ("MAX_ITER = 500",)
    assert set(plan.moved[0].parameters) == {"nx", "nit"}
    assert "nx = 41" not in plan.module_text and "MAX_ITER = 500" in plan.module_text
    sources = new_sources(plan)
    assert "grid(0.1, nit=nit, nx=nx)" in sources[2] or "grid(0.1, nx=nx, nit=nit)" in sources[2]
    from nbcoach.render.extract import plan_lines

    text = "\n".join(line.plain for line in plan_lines(plan, diffs=False))
    assert "Copies into the module: MAX_ITER" in text


def test_a_function_over_the_limits_never_moves_as_a_helper_unless_named(
    make_notebook: MakeNotebook,
) -> None:
    body = "\n".join(f"    x = x + {i}" for i in range(60))
    cells = [
        f"def big(x):\n{body}\n    return x",
        "def small(y):\n    return big(y) * 2",
        "small(1)",
    ]
    plan = plan_of(make_notebook, cells, ["small"])
    assert not plan.moved
    code, reason, _ = refusal(plan, "small")
    assert code == "helper-refused"
    assert "`big` is over the size limits (62 lines" in reason and "--function" in reason
    both = plan_of(make_notebook, cells, ["small", "big"])
    assert {m.name for m in both.moved} == {"small", "big"}


def test_functions_that_reach_the_notebooks_namespace_by_name_stay(
    make_notebook: MakeNotebook,
) -> None:
    cells = [
        "x = 1",
        "def set_x(v):\n    globals()['x'] = v",
        "def run(code):\n    exec(code)",
        "def lookup(name):\n    return eval(name)",
        "def main_x():\n    import __main__\n    return __main__.x",
        "def fine(v):\n    return v + 1",
    ]
    plan = plan_of(make_notebook, cells, ["set_x", "run", "lookup", "main_x", "fine"])
    assert [m.name for m in plan.moved] == ["fine"]
    for name, what in (
        ("set_x", "globals()"),
        ("run", "exec"),
        ("lookup", "eval"),
        ("main_x", "__main__"),
    ):
        code, reason, _ = refusal(plan, name)
        assert code == "dynamic-namespace" and f"`{what}`" in reason, reason


def test_names_from_a_star_import_are_imported_by_name(make_notebook: MakeNotebook) -> None:
    cells = ["from math import *", "def hyp(a, b):\n    return sqrt(a * a + b * b)"]
    plan = plan_of(make_notebook, cells, ["hyp"])
    assert plan.module_imports == ("from math import sqrt",)


@pytest.mark.parametrize(
    ("cells", "name", "code", "fragment"),
    [
        (["def f():\n    %time x = 1\n    return x"], "f", "magic-in-body", "%time x = 1"),
        (["if True:\n    def f():\n        return 1"], "f", "conditional", "inside a block"),
        (["class A:\n    def f(self):\n        return 1"], "f", "nested", "a method of `A`"),
        (["f = lambda: 1"], "f", "not-a-definition", "assigned"),
        (["x = 1"], "nothing", "not-found", "no function or class"),
        (["def f():\n    return missing_name"], "f", "unknown-name", "`missing_name`"),
        (["def f():\n    return Out[1]"], "f", "notebook-only-name", "`Out`"),
        (
            ["n = int('2')", "def f(x=n):\n    return x"],
            "f",
            "definition-time-data",
            "`n` in a decorator, default value or annotation",
        ),
        (
            ["k = int('1')", "class C:\n    def m(self):\n        return k"],
            "C",
            "class-reads-data",
            "`k`",
        ),
    ],
)
def test_what_stays_says_why(
    make_notebook: MakeNotebook, cells: list[str], name: str, code: str, fragment: str
) -> None:
    got_code, reason, _ = refusal(plan_of(make_notebook, cells, [name]), name)
    assert got_code == code and fragment in reason


def test_a_refused_helper_takes_its_callers_along_with_the_root_cause(
    make_notebook: MakeNotebook,
) -> None:
    cells = ["total = 0", "def add(x):\n    global total\n    total += x", "def run():\n    add(1)"]
    plan = plan_of(make_notebook, cells, ["run"])
    code, reason, _ = refusal(plan, "run")
    assert code == "helper-refused" and "`run` calls `add`, which cannot move" in reason
    assert plan.refusals[0].cause == "global-write"


def test_a_name_bound_between_the_import_and_the_definition_blocks_the_move(
    make_notebook: MakeNotebook,
) -> None:
    cells = ["def a():\n    return 1", "b = 5\nprint(b)", "def b():\n    return 2"]
    code, reason, where = refusal(plan_of(make_notebook, cells, ["a", "b"]), "b")
    assert code == "hoist-conflict" and where.endswith("notebook.ipynb:cell 2:line 1")
    assert "assignment" in reason


def test_an_existing_module_is_appended_to_and_never_overwritten(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    module = tmp_path / "src" / "pkg" / "helpers.py"
    module.parent.mkdir(parents=True)
    existing = '"""Team helpers."""\n\nimport os\n\n\ndef same():\n    return 1\n\n\ndef other():\n    return os.sep\n'
    module.write_text(existing)
    cells = [
        "import json\ndef same():\n    return 1",
        "def other():\n    return 'x'",
        "def new():\n    return json.dumps(same())",
    ]
    plan = plan_of(make_notebook, cells, ["same", "other", "new"], module=module)
    code, reason, _ = refusal(plan, "other")
    assert code == "module-clash" and "helpers.py line 10 already binds `other`" in reason
    assert {m.name for m in plan.moved} == {"same", "new"}
    assert plan.module_text.startswith(
        existing.rstrip("\n").replace("import os", "import os\nimport json")
    )
    assert plan.module_text.count("def same") == 1
    assert plan.module_text.endswith(
        "# Moved out of `notebook.ipynb` by `nbcoach extract`.\ndef new():\n    return json.dumps(same())\n"
    )
    assert "`same` is already in helpers.py with the same code" in plan.notes
    assert new_sources(plan)[0] == "import json\nfrom pkg.helpers import new, same"


def test_planning_against_an_existing_module_does_each_step_once(
    make_notebook: MakeNotebook, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import nbcoach.analysis.lint
    import nbcoach.extract.needs
    from nbcoach.extract.cells import CellSyntax

    counts = {"rewrite": 0, "ruff": 0, "needs": 0}

    def counted(key: str, function: Callable[..., object]) -> Callable[..., object]:
        def call(*args: object, **kwargs: object) -> object:
            counts[key] += 1
            return function(*args, **kwargs)

        return call

    module = tmp_path / "src" / "pkg" / "helpers.py"
    module.parent.mkdir(parents=True)
    module.write_text('"""Team helpers."""\n\nimport os\n')
    cells = ["import json", "def dump(x):\n    return json.dumps(x)", "print(dump(1))"]
    path = make_notebook(cells)
    source = open_notebook(path)
    monkeypatch.setattr(CellSyntax, "rewrite", counted("rewrite", CellSyntax.rewrite))
    monkeypatch.setattr(
        nbcoach.analysis.lint, "_ruff_stdin", counted("ruff", nbcoach.analysis.lint._ruff_stdin)
    )
    free_names = nbcoach.extract.needs.free_names
    monkeypatch.setattr(nbcoach.extract.needs, "free_names", counted("needs", free_names))
    plan = plan_extraction(source, ["dump"], module)
    assert plan.module_text.startswith('"""Team helpers."""\n\nimport os\nimport json\n\n\n#')
    # one libcst pass over the one changed cell, one ruff sort + format of imports and code
    # together, one ruff check of the result, what `dump` needs worked out once
    assert counts == {"rewrite": 1, "ruff": 3, "needs": 1}
    plan_extraction(source, ["dump"], module, diffs=False)
    candidate_statuses(source, module)
    assert counts["needs"] == 1  # once per notebook read, however many plans


def test_the_notebooks_future_annotations_go_to_the_module(make_notebook: MakeNotebook) -> None:
    cells = [
        "from __future__ import annotations",
        "class Node:\n    def child(self) -> Node:\n        return Node()",
    ]
    plan = plan_of(make_notebook, cells, ["Node"])
    assert plan.module_imports == ("from __future__ import annotations",)
    compile(plan.module_text, "m.py", "exec")


def test_display_comes_from_ipython_in_the_module(make_notebook: MakeNotebook) -> None:
    plan = plan_of(make_notebook, ["def show(x):\n    display(x)"], ["show"])
    assert plan.module_imports == ("from IPython.display import display",)


def test_comments_above_a_definition_move_with_it(make_notebook: MakeNotebook) -> None:
    cells = [
        "x = 1\n\n# a note on x\n\n# doubles things\n# (twice)\ndef double(v):\n    return 2 * v"
    ]
    plan = plan_of(make_notebook, cells, ["double"])
    assert new_sources(plan) == ["x = 1\n\n# a note on x\n\nfrom pkg.helpers import double"]
    assert "# doubles things\n# (twice)\ndef double(v):" in plan.module_text


def test_the_messy_example_plans_its_candidates(tmp_path: Path) -> None:
    """newcomer.ipynb: every candidate of the report moves (`clean_row`, whose earlier version
    cell 6 still uses, is none: named, it is refused), and `analyse_customers` is to be split
    before it moves;
    the module is the reviewed golden file."""
    copy = tmp_path / "newcomer.ipynb"
    copy.write_bytes((EXAMPLES / "newcomer.ipynb").read_bytes())
    (tmp_path / "pyproject.toml").write_text('[project]\nname = "churn"\n')
    plan = plan_extraction(copy)
    assert [m.name for m in plan.moved] == [
        "parse_date",
        "safe_float",
        "CalcStats",
        "pct",
        "risk_score",
        "needs_call",
    ]
    assert plan.refusals == ()  # the report does not offer `clean_row`: it would refuse
    named_row = plan_extraction(copy, ["clean_row"], diffs=False)
    assert [(r.name, r.code) for r in named_row.refusals] == [
        ("clean_row", "redefined-used-between")
    ]
    assert plan.notes[0] == (
        "`analyse_customers` is not moved: split it first (341 lines, complexity 93);"
        " name it with --function to move it anyway"
    )
    named = plan_extraction(copy, ["analyse_customers"], diffs=False)
    assert [m.name for m in named.moved] == ["analyse_customers"]
    assert plan.module == str(tmp_path / "src" / "churn" / "newcomer.py")
    assert plan.constants == ("THRESHOLD = 0.5",)
    assert plan.module_imports == (
        "from datetime import datetime",
        "from math import exp",
        "from math import sqrt",
    )  # csv was only for analyse_customers
    assert {c.cell for c in plan.changes if c.source is None} == {15}
    from helpers import assert_golden

    assert_golden("newcomer_extracted.py.txt", plan.module_text)
    ast.parse(plan.module_text)


def test_candidates_list_every_top_level_definition(tmp_path: Path) -> None:
    copy = tmp_path / "newcomer.ipynb"
    copy.write_bytes((EXAMPLES / "newcomer.ipynb").read_bytes())
    statuses = {s.name: s for s in candidate_statuses(open_notebook(copy))}
    assert len(statuses) == 8
    assert statuses["parse_date"].ready and str(statuses["parse_date"].location) == (
        f"{copy}:cell 4:line 1"
    )
    assert not statuses["clean_row"].ready
    assert statuses["clean_row"].refusal is not None
    assert statuses["clean_row"].refusal.code == "redefined-used-between"


def test_inputs_extract_cannot_work_on(tmp_path: Path, make_notebook: MakeNotebook) -> None:
    with pytest.raises(InputError, match="no such file"):
        open_notebook(tmp_path / "missing.ipynb")
    (tmp_path / "notebooks.ipynb").mkdir()  # a folder is no typo: said as a folder
    with pytest.raises(InputError, match=r"notebooks\.ipynb: a folder; extract takes one notebook"):
        open_notebook(tmp_path / "notebooks.ipynb")
    script = tmp_path / "script.py"
    script.write_text("x = 1\n")
    with pytest.raises(UsageError, match="has no paired notebook"):
        open_notebook(script)
    r_notebook = make_notebook(["x <- 1"], name="r.ipynb", language="R")
    with pytest.raises(InputError, match="kernel language is R"):
        open_notebook(r_notebook)
    python = make_notebook(["def f():\n    return 1"])
    with pytest.raises(UsageError, match="`2bad` cannot be imported"):
        plan_extraction(python, ["f"], tmp_path / "src" / "2bad" / "m.py")
    with pytest.raises(UsageError, match=r"must name a \.py file"):
        plan_extraction(python, ["f"], tmp_path / "src" / "m.txt")


def test_a_function_defined_before_the_import_that_reads_the_name_blocks_the_move(
    make_notebook: MakeNotebook,
) -> None:
    """Found on the corpus (pytudes' Probability.ipynb): `half` reads the imported `Fraction`
    when called in cell 4; importing the notebook's own `Fraction` at cell 3 would change it."""
    cells = [
        "from fractions import Fraction",
        "def half(n):\n    return Fraction(n, 2)",
        "def first():\n    return 1",
        "print(half(1))",
        "def Fraction(n, d):\n    return n / d",
    ]
    plan = plan_of(make_notebook, cells, ["first", "Fraction"])
    code, reason, where = refusal(plan, "Fraction")
    assert code == "hoist-conflict" and where.endswith("notebook.ipynb:cell 1:line 1")
    assert "also bound by an import at cell 1 line 1, and cell 2 read it" in reason
    assert [m.name for m in plan.moved] == ["first"]


def test_type_aliases_are_copied_with_what_they_are_built_from(make_notebook: MakeNotebook) -> None:
    cells = [
        "from typing import List, Tuple\nCell = Tuple[int, int]\nGrid = List[Cell]\nPoint = complex",
        "def first(grid: Grid) -> Cell:\n    return grid[0]\n\n\ndef origin() -> Point:\n    return Point(0)",
        "Made = tuple([1])",
        "def made() -> Made:\n    return Made",
    ]
    plan = plan_of(make_notebook, cells, ["first", "origin", "made"])
    assert plan.constants == ("Cell = Tuple[int, int]", "Grid = List[Cell]", "Point = complex")
    assert plan.module_imports == ("from typing import List", "from typing import Tuple")
    code, reason, _ = refusal(plan, "made")  # built by a call: data, read in an annotation
    assert code == "definition-time-data" and "`Made`" in reason


def test_crlf_cells_keep_their_line_endings_and_magics(make_notebook: MakeNotebook) -> None:
    cells = [
        "k = int('2')\r\n",
        "%time x = 1\r\ndef f(a):\r\n    return a * k\r\n\r\n%time y = f(3)\r\nprint(f(2))\r\n",
    ]
    plan = plan_of(make_notebook, cells, ["f"])
    assert new_sources(plan)[1] == (
        "%time x = 1\r\nfrom pkg.helpers import f\r\n\r\n%time y = f(3, k=k)\r\nprint(f(2, k=k))\r\n"
    )


PRELUDE = "import math\nrows = [1, 2]\nrows.append(3)\nLIMIT = 10\nscale = math.sqrt(2)"
SNIPPETS = [
    "from math import *",
    "def area(r):\n    return math.pi * r ** 2",
    "def over(x):\n    return x > LIMIT",
    "def scaled(x):\n    return x * scale",
    "def total():\n    return sum(scaled(r) for r in rows)",
    "def hyp(a, b):\n    return sqrt(a * a + b * b)",
    "print(area(2), over(3))",
    "%time t = total()",
    "if True:\n    %time print(scaled(1))",
    "print(sorted(rows, key=scaled))",
    "def area(r):\n    return 3.14 * r * r",
    ("markdown", "# Notes"),
    "!echo hi",
    "y = (",  # a cell that does not parse
    "LIMIT = 12",
    "class Box:\n    def size(self):\n        return area(1) + LIMIT",
]
DEFINED = re.compile(r"^(?:def|class) (\w+)", re.M)


@settings(
    max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(picks=st.lists(st.sampled_from(SNIPPETS), min_size=1, max_size=9), data=st.data())
def test_property_any_extraction_keeps_the_invariants(
    tmp_path_factory: pytest.TempPathFactory, picks: list[str], data: st.DataObject
) -> None:
    """Random notebooks from the snippets above, random functions of them asked for: whatever
    is planned, the written files keep every invariant (tests/extract_invariants.py)."""
    import nbformat

    from extract_invariants import violations
    from nbcoach.extract.apply import apply_plan
    from support import build_notebook

    defined = sorted({n for p in picks if isinstance(p, str) for n in DEFINED.findall(p)})
    assume(defined)
    asked = data.draw(st.sets(st.sampled_from(defined), min_size=1))
    folder = tmp_path_factory.mktemp("prop")
    notebook = folder / "nb.ipynb"
    nbformat.write(build_notebook([PRELUDE, *picks]), notebook)
    original = notebook.read_bytes()
    plan = plan_extraction(notebook, sorted(asked), folder / "src" / "pkg" / "m.py", diffs=False)
    assert {m.name for m in plan.moved if m.requested} | {r.name for r in plan.refusals} == asked
    if plan.moved:
        apply_plan(plan)
        assert violations(plan, original) == []
    else:
        assert notebook.read_bytes() == original


def test_what_extract_writes_passes_the_projects_ruff_or_the_plan_says_what_does_not(
    make_notebook: MakeNotebook, tmp_path: Path
) -> None:
    """The ruff hook `nbcoach init` installs rejected a module with two F841 copied from the
    notebook, and its --fix rewrote the new module behind the user's back."""
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "demo"\n\n[tool.ruff.lint]\nselect = ["F", "I", "UP"]\n'
    )
    cells = [
        "import json\nfrom typing import List",
        "def dump(x: List[int]):\n    unused = 1\n    return json.dumps(x)",
        "print(dump([1]))",
    ]
    plan = plan_extraction(make_notebook(cells), ["dump"])
    assert "list[int]" in plan.module_text  # UP006's safe fix made here, shown in the diff
    fixed_by_hook = subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix", "--stdin-filename", plan.module, "-"],
        input=plan.module_text, capture_output=True, text=True, cwd=tmp_path, check=False,
    )  # fmt: skip
    assert fixed_by_hook.stdout == plan.module_text  # the hook has nothing left to rewrite
    [note] = [n for n in plan.notes if "F841" in n]
    assert "Local variable `unused` is assigned to but never used" in note
    assert "fix it before committing" in note
