"""Change sizes and comparability: the pure rules behind every trend."""

from __future__ import annotations

from nbcoach.config import CommitSize
from nbcoach.history.changes import (
    Shape,
    change_size,
    classify,
    function_digest,
    is_big_bang,
    shape_of,
)
from nbcoach.history.records import BlobFacts, FunctionFacts
from nbcoach.model import Cell, Notebook


def notebook(*sources: str) -> Notebook:
    cells = [Cell(number=1, kind="markdown", source="# title")]
    cells += [Cell(number=i, kind="code", source=s) for i, s in enumerate(sources, start=2)]
    return Notebook(path="n.ipynb", format="ipynb", cells=tuple(cells))


def facts(score: float | None, python: int = 3, analysed: int = 3, status: str = "ok") -> BlobFacts:
    return BlobFacts(
        key="k", status=status, score=score, python_cells=python, analysed_cells=analysed
    )


def test_shape_counts_code_lines_not_markdown_or_blank_lines() -> None:
    shape = shape_of(notebook("a = 1\n\nb = 2", "print(a)"))
    assert [number for number, _ in shape.cells] == [2, 3]
    assert change_size(None, shape).lines_added == 3  # the blank line does not count


def test_moving_a_cell_costs_nothing_editing_one_line_costs_two() -> None:
    before = shape_of(notebook("a = 1", "b = 2", "c = 3"))
    moved = shape_of(notebook("c = 3", "a = 1", "b = 2"))
    edited = shape_of(notebook("a = 1", "b = 20", "c = 3"))
    assert change_size(before, moved) == change_size(before, before)
    size = change_size(before, edited)
    assert (size.lines_added, size.lines_removed, size.cells_changed) == (1, 1, 1)


def test_functions_changed_by_content_not_by_position() -> None:
    shape = Shape(((2, (11, 12, 13)), (3, (21, 22))))
    moved = Shape(((2, (21, 22)), (3, (11, 12, 13))))
    digest = function_digest(shape, 2, 1, 3)
    assert function_digest(moved, 3, 1, 3) == digest
    assert function_digest(shape, 3, 1, 2) != digest

    def fn(name: str, digest: str) -> FunctionFacts:
        return FunctionFacts(name, 2, 1, 3, 3, 1, 0, 0, 100.0, digest)

    old = [fn("f", "aa"), fn("g", "bb")]
    assert change_size(None, None, old, [fn("f", "aa"), fn("g", "cc")]).functions_changed == 1
    assert change_size(None, None, old, [fn("f", "aa")]).functions_changed == 1
    assert change_size(None, None, old, [*old, fn("h", "dd")]).functions_changed == 1


def test_classify_never_compares_across_a_coverage_drop() -> None:
    reference = facts(60.0)
    assert classify(None, facts(70.0)) == ("new", None, True)
    assert classify(reference, facts(70.0)) == ("", 10.0, True)
    assert classify(reference, facts(95.0, analysed=2)) == ("coverage-drop", None, False)
    assert classify(facts(60.0, analysed=2), facts(50.0)) == ("coverage-rise", None, True)
    assert classify(reference, facts(None, status="error")) == ("unreadable", None, False)
    assert classify(reference, facts(None, status="skipped")) == ("skipped", None, False)


def test_big_bang_limits_are_the_commit_size_coachings_and_merges_are_exempt() -> None:
    limits = CommitSize(max_lines=50, max_functions=2, max_notebooks=1)
    assert not is_big_bang(50, 2, 1, merge=False, limits=limits)
    assert is_big_bang(51, 0, 1, merge=False, limits=limits)
    assert is_big_bang(10, 3, 1, merge=False, limits=limits)
    assert is_big_bang(10, 0, 2, merge=False, limits=limits)
    assert not is_big_bang(500, 100, 100, merge=True, limits=limits)
    assert not is_big_bang(400, 10, 3, merge=False, limits=CommitSize())  # the defaults
    assert is_big_bang(401, 10, 3, merge=False, limits=CommitSize())
