"""Change sizes and comparability: the pure rules behind every trend."""

from __future__ import annotations

from nbcoach.core.config import CommitSize
from nbcoach.core.model import Cell, Notebook
from nbcoach.history.changes import (
    Shape,
    change_size,
    classify,
    function_digest,
    is_big_bang,
    shape_of,
)
from nbcoach.history.records import BlobFacts


def notebook(*sources: str) -> Notebook:
    cells = [Cell(number=1, kind="markdown", source="# title")]
    cells += [Cell(number=i, kind="code", source=s) for i, s in enumerate(sources, start=2)]
    return Notebook(path="n.ipynb", format="ipynb", cells=tuple(cells))


def facts(score: float | None, python: int = 3, analysed: int = 3, status: str = "ok") -> BlobFacts:
    return BlobFacts(
        key="k", status=status, score=score, python_cells=python, analysed_cells=analysed
    )


def test_sizes_are_counted_as_commit_size_counts_them() -> None:
    """One definition (commitsize.count_change): every line of every cell's source, markdown
    and blank lines included, and each cell's start (a split or merged cell is a change)."""
    shape = shape_of(notebook("a = 1\n\nb = 2", "print(a)"))
    assert [number for number, _ in shape.cells] == [2, 3]
    assert change_size(None, shape).lines_added == 8  # 3 cells: 3 starts and 5 lines
    assert change_size(shape, None).lines_removed == 8


def test_a_re_run_costs_nothing_editing_one_line_costs_two() -> None:
    before = shape_of(notebook("a = 1", "b = 2", "c = 3"))
    again = shape_of(notebook("a = 1", "b = 2", "c = 3"))
    edited = shape_of(notebook("a = 1", "b = 20", "c = 3"))
    size = change_size(before, again)
    assert not size.counts and (size.lines_added, size.lines_removed) == (0, 0)
    size = change_size(before, edited)
    assert (size.lines_added, size.lines_removed, size.cells_changed) == (1, 1, 1)
    assert size.counts


def test_functions_changed_by_syntax_tree_not_by_position() -> None:
    f, g = "def f(x):\n    return x", "def g(x):\n    return 2 * x"
    before = shape_of(notebook(f, g))
    moved = shape_of(notebook(g, "# a comment", f))
    assert change_size(before, moved).functions_changed == 0
    changed = shape_of(notebook(f, g.replace("2 *", "3 *")))
    assert change_size(before, changed).functions_changed == 1
    added = shape_of(notebook(f, g, "def h():\n    pass"))
    assert change_size(before, added).functions_changed == 1
    assert change_size(before, shape_of(notebook(f))).functions_changed == 1


def test_function_digests_follow_content_not_position() -> None:
    shape = Shape(((2, (11, 12, 13)), (3, (21, 22))))
    moved = Shape(((2, (21, 22)), (3, (11, 12, 13))))
    digest = function_digest(shape, 2, 1, 3)
    assert function_digest(moved, 3, 1, 3) == digest
    assert function_digest(shape, 3, 1, 2) != digest


def test_classify_never_compares_across_a_coverage_drop() -> None:
    reference = facts(60.0)
    assert classify(None, facts(70.0)) == ("new", None, True)
    assert classify(reference, facts(70.0)) == ("", 10.0, True)
    assert classify(reference, facts(95.0, analysed=2)) == ("coverage-drop", None, False)
    assert classify(facts(60.0, analysed=2), facts(50.0)) == ("coverage-rise", None, True)
    assert classify(reference, facts(None, status="error")) == ("unreadable", None, False)
    assert classify(reference, facts(None, status="skipped")) == ("skipped", None, False)


def test_after_a_coverage_drop_the_comparison_point_moves_on_once_coverage_is_stable() -> None:
    """A Python 2 `print` that stays for years must not freeze the file's trend at the version
    before it; the drop itself is still never counted."""
    reference = facts(60.0)
    dropped = facts(95.0, analysed=2)  # a cell stopped parsing: 95 is not to be trusted
    assert classify(reference, dropped, previous=reference) == ("coverage-drop", None, False)
    later = facts(90.0, analysed=2)  # the same cells hidden, code edited elsewhere
    assert classify(reference, later, previous=dropped) == ("", -5.0, True)
    worse = facts(99.0, analysed=1)  # one more cell hidden: another drop, not a win
    assert classify(later, worse, previous=later) == ("coverage-drop", None, False)


def test_big_bang_limits_are_the_commit_size_coachings_and_merges_are_exempt() -> None:
    limits = CommitSize(max_lines=50, max_functions=2, max_notebooks=1)
    assert not is_big_bang(50, 2, 1, merge=False, limits=limits)
    assert is_big_bang(51, 0, 1, merge=False, limits=limits)
    assert is_big_bang(10, 3, 1, merge=False, limits=limits)
    assert is_big_bang(10, 0, 2, merge=False, limits=limits)
    assert not is_big_bang(500, 100, 100, merge=True, limits=limits)
    assert not is_big_bang(400, 10, 3, merge=False, limits=CommitSize())  # the defaults
    assert is_big_bang(401, 10, 3, merge=False, limits=CommitSize())
