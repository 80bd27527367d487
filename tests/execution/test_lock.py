"""Lock inference against the real environment, the lock file format, and drift."""

from __future__ import annotations

import re
import shutil
from importlib.metadata import version
from pathlib import Path

import pytest

from nbcoach.core.errors import LockError
from nbcoach.core.model import Mismatch
from nbcoach.execution.environment import describe
from nbcoach.execution.lock import check_drift, infer_lock, read_lock, render_lock
from support import EXAMPLES

# What a timestamp in the file would look like: an ISO or numeric date, a clock time, a month
# name with a day or year, or a Unix time.
DATE_OR_TIME = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}/\d{1,2}/\d{2,4}|\d{1,2}\.\d{1,2}\.\d{4}\b"
    r"|\b\d{1,2}:\d{2}(?::\d{2})?\b"
    r"|\b(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.? +\d"
    r"|\b\d{1,2} +(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
    r"|\b1[5-9]\d{8}\b",
    re.IGNORECASE,
)


@pytest.fixture(scope="module")
def environment():
    return describe()


def test_the_examples_use_only_the_standard_library_and_their_own_package(tmp_path, environment):
    examples = tmp_path / "examples"
    shutil.copytree(EXAMPLES, examples)
    lock = infer_lock([str(examples)], environment)
    assert lock.pins == ()
    assert lock.unmapped == ()  # `churn` is the project's own package in src/, not unmapped
    assert lock.errors == ()
    assert [Path(source).name for source in lock.sources] == [
        "clean.ipynb",
        "make_customers.py",
        "newcomer.ipynb",
        "__init__.py",
        "features.py",
        "report.py",
    ]
    assert len(lock.skipped) == 1 and "r_kernel.ipynb: a R notebook" in lock.skipped[0]


def test_installed_third_party_imports_are_pinned_with_what_they_need(make_notebook, environment):
    notebook = make_notebook(
        [
            "%pip install -q rich\nimport numpy as np",
            "from typer import Typer\nimport nbformat.v4",
            "def show():\n    from rich.console import Console\n    return Console",
        ]
    )
    lock = infer_lock([str(notebook)], environment)
    pins = {pin.name: pin for pin in lock.pins}
    for name in ("rich", "typer", "nbformat"):
        assert pins[name].direct
        assert pins[name].version == version(name)
    assert pins["rich"].via[:2] == ("%pip install", "import rich")
    # What rich needs is pinned too, as installed, and says why it is there.
    assert not pins["markdown-it-py"].direct
    assert pins["markdown-it-py"].version == version("markdown-it-py")
    assert "rich" in pins["markdown-it-py"].via
    assert "pip" not in pins
    # numpy is not installed here: the alias import is named, with its place.
    assert [(u.module, [str(loc) for loc in u.locations], u.optional) for u in lock.unmapped] == [
        ("numpy", [f"{notebook}:cell 1:line 2"], False)
    ]


def test_a_pip_request_for_something_not_installed_is_unmapped(make_notebook, environment):
    notebook = make_notebook(["%pip install surely-not-installed-pkg==1.0"])
    lock = infer_lock([str(notebook)], environment)
    assert lock.pins == ()
    assert lock.unmapped[0].module == "surely-not-installed-pkg"
    assert lock.unmapped[0].reason == "named by %pip install but not installed"


def test_a_python_2_standard_library_import_is_named_as_such(make_notebook, environment):
    notebook = make_notebook(["import SocketServer\nimport surely_not_a_module_here"])
    lock = infer_lock([str(notebook)], environment)
    reasons = {item.module: item.reason for item in lock.unmapped}
    assert reasons == {
        "SocketServer": "Python 2's standard library (Python 3: `socketserver`); port the import",
        "surely_not_a_module_here": "no installed distribution provides it",
    }


def test_the_rendered_lock_reads_back_to_the_same_pins(make_notebook, tmp_path, environment):
    notebook = make_notebook(["import rich", "import numpy"])
    lock = infer_lock([str(notebook)], environment)
    text = render_lock(lock, "nbcoach lock notebook.ipynb --output lock.txt")
    assert "\n# Regenerate: nbcoach lock notebook.ipynb --output lock.txt\n" in text
    assert f"\nrich=={version('rich')}\n    # via import rich\n" in text
    assert "#   numpy: no installed distribution provides it" in text
    # no date or time anywhere, so regenerating an unchanged lock gives no diff
    assert [m.group() for m in DATE_OR_TIME.finditer(text)] == []
    path = tmp_path / "lock.txt"
    path.write_text(text)
    read = read_lock(path)
    assert [(e.name, e.version) for e in read.entries] == [(p.name, p.version) for p in lock.pins]
    assert check_drift(read, environment) == []


def test_the_hash_ignores_comments_and_order(tmp_path):
    first = tmp_path / "a.txt"
    second = tmp_path / "b.txt"
    first.write_text("# made by hand\nSix==1.16.0\nattrs==23.1.0  # why\n")
    second.write_text("attrs==23.1.0\n\nsix==1.16.0\n")
    assert read_lock(first).digest == read_lock(second).digest
    second.write_text("attrs==23.1.0\nsix==1.17.0\n")
    assert read_lock(first).digest != read_lock(second).digest


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("rich>=13", "lock.txt:2: rich>=13: a lock holds exact pins only"),
        ("rich==13.*", "lock.txt:2: rich==13.*: a lock holds exact pins only"),
        ("--index-url https://example.org", "lock.txt:2: pip options are not supported"),
        ("rich==13 ==", "lock.txt:2: not a requirement"),
        ("six==1.16.0", "lock.txt:2: six is pinned twice"),
    ],
)
def test_a_lock_holding_anything_but_exact_pins_is_refused(tmp_path, line, message):
    path = tmp_path / "lock.txt"
    path.write_text(f"six==1.16.0\n{line}\n")
    with pytest.raises(LockError) as error:
        read_lock(path)
    assert message in str(error.value)
    assert error.value.exit_code == 2


def test_a_missing_lock_is_a_clear_error(tmp_path):
    with pytest.raises(LockError, match=r"nope\.txt: cannot read the lock"):
        read_lock(tmp_path / "nope.txt")


def test_drift_lists_other_versions_and_missing_distributions(tmp_path, environment):
    installed = version("rich")
    path = tmp_path / "lock.txt"
    path.write_text(
        f"rich==0.0.1\ntyper=={version('typer')}\nsurely-not-installed-pkg==1.0\n"
        'windows-only-thing==1.0 ; sys_platform == "win32" and sys_platform == "nowhere"\n'
    )
    assert check_drift(read_lock(path), environment) == [
        Mismatch("rich", "0.0.1", installed),
        Mismatch("surely-not-installed-pkg", "1.0", None),
    ]
    assert str(Mismatch("rich", "0.0.1", installed)) == f"rich: lock 0.0.1, installed {installed}"


def test_equal_releases_written_differently_are_no_drift(tmp_path, environment):
    installed = version("typer")
    path = tmp_path / "lock.txt"
    path.write_text(f"Typer=={installed}.0\n")
    assert check_drift(read_lock(path), environment) == []
