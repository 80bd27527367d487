"""Per-function measurements: radon's complexity, our length, statements, nesting, parameters."""

from __future__ import annotations

import ast
import time
import warnings
from pathlib import Path

from radon.complexity import cc_visit
from radon.metrics import h_visit, h_visit_ast, mi_compute, mi_visit
from radon.visitors import ComplexityVisitor

from helpers import analyse
from nbcoach.analysis.facts import CellFacts, collect
from nbcoach.analysis.metrics import (
    _counted,
    cell_complexity,
    halstead,
    maintainability,
    measure_function,
)
from nbcoach.analysis.parse import ParsedCell
from nbcoach.core.model import Function, MaskedCell

SOURCE = """\
class Model:
    def fit(self, x, y, *, epochs=3, **options):
        for epoch in range(epochs):
            if x:
                while y:
                    y -= 1
            elif options:
                pass
        def helper(z):
            return z if z else 0
        return helper
"""


def facts_of(*sources: str, first: int = 1) -> list[CellFacts]:
    return [
        collect(ParsedCell(number, MaskedCell(number, source), ast.parse(source)))
        for number, source in enumerate(sources, start=first)
    ]


def functions_of(source: str) -> dict[str, Function]:
    (facts,) = facts_of(source, first=4)
    complexity, _ = cell_complexity(ast.parse(source))
    return {item.qualname: measure_function(item, complexity) for item in facts.functions}


def test_methods_and_nested_functions_are_measured_with_qualified_names() -> None:
    found = functions_of(SOURCE)
    assert set(found) == {"Model.fit", "Model.fit.helper"}
    fit = found["Model.fit"]
    assert (fit.cell, fit.line, fit.end_line, fit.length) == (4, 2, 11, 10)
    assert fit.parameters == 4  # x, y, epochs, **options; self does not count
    assert fit.nesting == 3  # for > if > while; the elif stays at the if's depth
    assert fit.is_method
    radon = {
        b.fullname: b.complexity for b in cc_visit(SOURCE, no_assert=True) if hasattr(b, "fullname")
    }
    assert fit.complexity == radon["Model.fit"]
    assert found["Model.fit.helper"].complexity == 2


def test_a_row_of_asserts_is_not_complexity() -> None:
    """A notebook's test function of thirty checks branches nowhere a reader must follow; an
    `if` inside it still counts."""
    checks = "".join(f"    assert total({i}) == {i}\n" for i in range(30))
    found = functions_of(f"def test():\n{checks}    if flag:\n        assert ok\n")
    assert found["test"].complexity == 2


def test_statements_count_nested_defs_once() -> None:
    found = functions_of(
        "def f():\n    a = 1\n    def g():\n        b = 2\n        c = 3\n    return a\n"
    )
    assert found["f"].statements == 3


def test_largest_block_points_at_a_loop_worth_lifting() -> None:
    body = "\n".join(f"    v{i} = {i}" for i in range(10))
    loop = "\n".join(
        ["    for item in items:"] + [f"        total += item * {i}" for i in range(8)]
    )
    found = functions_of(f"def report(items):\n{body}\n{loop}\n    return total\n")
    function = found["report"]
    assert function.largest_block == (12, 20)
    assert function.largest_block_kind == "loop"


def test_maintainability_is_radons_formula_on_our_tree() -> None:
    """radon's own `mi_compute`, to the card's one decimal, on the Halstead volume radon
    measures on the cells as one program and on the complexity and line counts given."""
    cells = [
        "import math\n\n\ndef area(r):\n    # a circle\n    return math.pi * r**2\n",
        "def grow(x, y):\n    if x > y:\n        return x - y\n    return x + y * 2\n",
    ]
    value = maintainability(facts_of(*cells), complexity=3, code_lines=7, comment_lines=1)
    volume = h_visit("\n".join(cells)).total.volume
    assert volume > 0
    # radon's mi_visit hands mi_compute the comment lines as a percentage of the code lines
    assert value == round(mi_compute(volume, 3, 7, 100 / 7), 1)
    # every input counts: each one changed alone gives radon's value for the changed input
    assert maintainability(facts_of(cells[1]), 2, 4, 0) == round(
        mi_compute(h_visit(cells[1]).total.volume, 2, 4, 0), 1
    )
    assert maintainability(facts_of(*cells), 9, 7, 1) == round(mi_compute(volume, 9, 7, 100 / 7), 1)
    assert maintainability(facts_of(*cells), 3, 70, 1) == round(
        mi_compute(volume, 3, 70, 100 / 70), 1
    )
    assert maintainability(facts_of(*cells), 3, 7, 0) == round(mi_compute(volume, 3, 7, 0), 1)
    assert maintainability([], 1, 2, 0) is None
    assert maintainability(facts_of("x = 1\n"), 1, 0, 0) is None


# One cell (so the complexity total is radon's own) and one statement per line (so radon's
# logical lines are the code lines nbcoach counts): only the comment lines set the two apart.
COMMENTED_CELL = (
    "import math\n\n\ndef area(r):\n    # a circle\n    # of radius r\n"
    "    return math.pi * r**2\n\n\ndef grow(x, y):\n    if x > y:\n"
    "        return x - y\n    return x + y * 2\n"
)


def test_the_cards_maintainability_is_radons_mi_of_the_code_without_comments() -> None:
    code = COMMENTED_CELL.replace("    # a circle\n    # of radius r\n", "")
    assert analyse([code]).metrics.maintainability == round(mi_visit(code, multi=True), 1)


def test_the_cards_maintainability_is_radons_mi_of_commented_code() -> None:
    analysis = analyse([COMMENTED_CELL])
    assert analysis.metrics.maintainability == round(mi_visit(COMMENTED_CELL, multi=True), 1)


def test_a_3000_line_cell_is_measured_quickly() -> None:
    # radon's own mi_visit took 37 s on a 3,374-line cell; the issue caps a notebook at 1 s.
    lines = ["def giant(data):", "    total = 0"]
    for i in range(1700):
        lines += [f"    if data[{i}] > {i}:", f"        total += data[{i}] * {i}"]
    source = "\n".join([*lines, "    return total"])
    started = time.perf_counter()
    found = functions_of(source)
    maintainability(facts_of(source), found["giant"].complexity, len(lines), 0)
    assert found["giant"].complexity == 1701
    # A tripwire for quadratic blow-ups, not a benchmark (benchmarks/ measures the real time).
    assert time.perf_counter() - started < 5.0


TRIMMED = """\
import numpy as np
rows = load()


class Plain:
    name = "plain"

    def describe(self):
        return self.name

    def total(self, values):
        print("adding")
        return sum(v for v in values if v)


def outer(frame):
    frame = frame.copy()
    with open("log.txt") as log:
        def note(text):
            log.write(text)
    def decide(x):
        label = "big"
        return label if x > 3 else "small"
    return decide(len(frame)) or note


def quiet():
    return rows


for row in rows:
    cleaned = row.strip()
    if cleaned:
        kept = cleaned
    elif row:
        kept = None
    else:
        print(row)
else:
    done = True

while rows:
    rows = rows[1:]
else:
    rows = []

try:
    value = int("3")
except ValueError:
    value = 0
except (TypeError, KeyError):
    value = -1
else:
    value += 1
finally:
    print("parsed")

match value:
    case 1:
        label = "one"
    case [first, *_]:
        label = "many"
    case _:
        label = "other"

with open("log.txt") as log:
    class Inner:
        def method(self):
            return [x for x in rows if x if not x]
    assert rows
    check = lambda v: v and rows or None
"""


def test_trimming_what_radon_visits_changes_no_number() -> None:
    """Methods and closures that decide nothing, a closure inside a `with`, a function whose
    body counts nothing, `else` branches of loops and `try`s that count nothing, an `elif`,
    `match` cases, a class inside a `with`: radon's numbers with the trimmed tree equal those of
    the whole one, and the trimmed tree is smaller."""
    tree = ast.parse(TRIMMED)
    decisions = facts_of(TRIMMED)[0].decision_lines
    by_line, total = cell_complexity(tree, decisions)
    assert (by_line, total) == cell_complexity(tree)
    assert by_line[8] == 1 and by_line[11] == 3 and by_line[21] == 2  # describe, total, decide
    assert total == cc_total(TRIMMED)
    assert ast.dump(tree) == ast.dump(ast.parse(TRIMMED))  # the cell's own tree is untouched
    kept = sum(1 for statement in _counted(tree.body, decisions) for _ in ast.walk(statement))
    assert kept < sum(1 for _ in ast.walk(tree)) * 0.8


def cc_total(source: str) -> int:
    """radon's own module total, from its own parse (asserts not counted, as nbcoach asks)."""
    visitor = ComplexityVisitor.from_code(source, no_assert=True)
    return int(visitor.total_complexity)


def test_trimming_keeps_decisions_after_digits_and_on_lines_ending_in_a_lone_cr() -> None:
    """`1if c else 2` is Python, and so is a cell whose lines end in a bare `\\r` (a line break
    to the parser): neither may hide a statement radon counts."""
    sources = [
        "def f(c):\n    z = c\n    y = 1if c else 2\n    return y\n",
        "def f(c):\n    z = c\n    y = 1or c\n    return y\n",
        "def f(c):\n    z = c\n    y = [0for _ in c]\n    return y\n",
        "class K:\n    x = 1if True else 2\n",
        "def f(c):\n    a = 1\r    b = 2\n    y = c if c else 2\n    return y\n",
    ]
    for source in sources:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "invalid decimal literal": still Python, warned
            tree = ast.parse(source)
            decisions = facts_of(source)[0].decision_lines
        assert cell_complexity(tree, decisions) == cell_complexity(tree), source


# Where radon's Halstead visitor counts and where it does not: a function's decorators, defaults
# and annotations (never), a class's bases and body (under the enclosing name), methods and
# closures (under their own names, two functions of one name sharing theirs), a lambda's body,
# augmented assignments, operators nested in operators, module level.
OPERATIONS = """import numpy as np
scale = -2 ** 3


@register(level=1 + 1)
def fit(x: int = 2 * 3, *rest, y=not True) -> 1 | 2:
    total = 0
    for item in rest:
        total += item * x if item > 0 and y else -item
    def helper(z=x - 1):
        return z ** 2 + (lambda w: w % 3)(z)
    return helper(total) >= x != y


class Model(Base if scale > 0 else object):
    size = 4 * 4
    def fit(self, data):
        return [d / self.size for d in data if d is not None and d not in (1, 2)]


def fit(a):
    return a + 1
"""


def test_radon_meets_only_the_operations_and_counts_as_on_the_whole_tree() -> None:
    facts = facts_of(OPERATIONS)
    assert halstead(facts) == h_visit_ast(ast.parse(OPERATIONS)).total
    assert halstead(facts) == h_visit(OPERATIONS).total
    contexts = sorted({function for function, _ in facts[0].operations})
    assert contexts == ["", "fit", "helper"]  # module level, both fits (and the method), helper
    # split over cells, the notebook counts as one program, as radon counts the joined code
    cells = OPERATIONS.split("\n\n\n")
    assert halstead(facts_of(*cells)) == h_visit("\n\n\n".join(cells)).total
    assert halstead([]) == h_visit("").total


def test_visiting_only_what_radon_counts_changes_no_number(corpus: Path) -> None:
    """radon's complexity visitor skips the statements holding nothing it counts, and its
    Halstead visitor meets only the operations: on every cell of every corpus notebook, and on
    each notebook as one program, the numbers stay radon's own."""
    from nbcoach.analysis.notebook import read
    from nbcoach.analysis.parse import parse_cells

    cells = statements = left_out = nodes = visited = 0
    for path in sorted(corpus.glob("*.ipynb")):
        try:
            notebook = read(path)
        except Exception:  # unreadable corpus files are the report's business, not this test's
            continue
        parsed = [c for c in parse_cells(notebook) if c.tree is not None]
        trees = [c.tree for c in parsed if c.tree is not None]
        facts = [collect(cell) for cell in parsed]
        for cell, tree, cell_facts in zip(parsed, trees, facts, strict=True):
            decisions = cell_facts.decision_lines
            assert cell_complexity(tree, decisions) == cell_complexity(tree), path
            assert halstead([cell_facts]) == h_visit_ast(tree).total, (path, cell.number)
            cells += 1
            statements += len(tree.body)
            left_out += len(tree.body) - len(_counted(tree.body, decisions))
            nodes += sum(1 for _ in ast.walk(tree))
            visited += sum(1 for _, node in cell_facts.operations for _ in ast.walk(node))
        if trees:
            whole = ast.Module(body=[s for tree in trees for s in tree.body], type_ignores=[])
            assert halstead(facts) == h_visit_ast(whole).total, path
    # the savings are real, not a no-op
    assert cells > 4000 and left_out > statements / 4 and visited < nodes / 3
