"""Which values a block hands on: the cases rope's own analysis gets wrong, and the ones a
conservative answer must not block."""

from __future__ import annotations

import ast
import textwrap

from nbcoach.extract.liveness import live_after


def _live(code: str, first: int, last: int) -> set[str]:
    function = ast.parse(textwrap.dedent(code)).body[0]
    assert isinstance(function, ast.FunctionDef)
    return live_after(function, first, last)


def test_a_value_read_after_the_enclosing_if_is_live() -> None:
    # rope gives nothing back for lines 4-5 and the function returns a stale `value`
    code = """\
    def f(row):
        value = None
        if row:
            aspect = row.strip()
            value = aspect.upper()
        return value
    """
    assert _live(code, 4, 5) == {"value"}


def test_a_name_bound_again_before_any_read_is_dead() -> None:
    code = """\
    def f(rows):
        for line in rows:
            rec = line.split()
        out = []
        for rec in rows:
            out.append(rec)
        line = 0
        return out, line
    """
    assert _live(code, 2, 3) == set()


def test_inside_a_loop_the_next_iteration_reads_what_the_block_wrote() -> None:
    code = """\
    def f(rows):
        total = 0
        for row in rows:
            print(total)
            total = total + row
            extra = 1
        return 0
    """
    assert _live(code, 5, 6) == {"total"}


def test_a_write_in_one_branch_does_not_hide_a_later_read() -> None:
    code = """\
    def f(flag):
        x = 1
        y = 2
        if flag:
            x = 3
        return x + y
    """
    assert _live(code, 2, 3) == {"x", "y"}


def test_a_comprehension_and_a_lambda_read_their_own_names_not_the_functions() -> None:
    """`[(m, d) for m, d in rows]` does not read the function's `m`; the first iterable is read
    outside the comprehension, and so are a lambda's defaults."""
    code = """\
    def f(rows, extra):
        for m, d in rows:
            print(m)
        pairs = [(m, d) for m, d in rows if d]
        key = lambda d: d[0]
        return pairs, key
    """
    assert _live(code, 2, 3) == set()
    reads_first_iterable = """\
    def f(rows):
        for m in rows:
            pass
        pairs = [x for x in m]
        return pairs
    """
    assert _live(reads_first_iterable, 2, 3) == {"m"}
    lambda_default = """\
    def f(rows):
        for m in rows:
            pass
        key = lambda d=m: d
        return key
    """
    assert _live(lambda_default, 2, 3) == {"m"}


def test_del_needs_the_name_bound() -> None:
    code = """\
    def f(rows):
        for row in rows:
            model = row * 2
        del model
        return rows
    """
    assert _live(code, 2, 3) == {"model"}


def test_a_loop_step_reads_on_the_next_pass_what_it_wrote_on_this_one() -> None:
    code = """\
    def carry(rows):
        out = []
        prev = None
        for r in rows:
            out.append(r)
            if prev is not None:
                out.append(r - prev)
            prev = r
        return out
    """
    assert _live(code, 5, 8) == {"prev"}  # the block reads `prev` before writing it


def test_a_loops_else_and_a_trys_handlers_and_finally_run_after_the_block() -> None:
    loop_else = """\
    def find(rows, goal):
        last = None
        for r in rows:
            if r == goal:
                break
            last = r
        else:
            return last
        return None
    """
    assert "last" in _live(loop_else, 6, 6)
    try_finally = """\
    def parse(text):
        value = None
        try:
            cleaned = text.strip()
            value = int(cleaned)
        finally:
            print("parsed", value)
        return None
    """
    assert _live(try_finally, 4, 5) == {"value"}
    handler = """\
    def parse(text):
        value = None
        try:
            value = int(text)
            check(value)
        except ValueError:
            print("bad", value)
        return None
    """
    assert _live(handler, 4, 4) == {"value"}


def test_a_write_a_break_may_skip_is_not_sure_but_one_after_a_return_is() -> None:
    skipped = """\
    def last(rows):
        x = None
        for r in rows:
            for x in r:
                pass
            if r and r[0] < 0:
                break
            x = None
        return x
    """
    assert _live(skipped, 4, 5) == {"x"}  # `break` leaves the loop with the inner loop's x
    returned = """\
    def f(rows, n):
        for r in rows:
            line = r
        if n == 0:
            return None
        line = "=" * n
        return line
    """
    assert _live(returned, 2, 3) == set()  # the return ends the function: nothing is skipped
