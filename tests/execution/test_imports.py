"""Which imports count as third-party, and what `%pip install` lines ask for."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbcoach.execution.imports import pip_install_arguments, scan


def modules(result) -> list[tuple[str, str, bool]]:
    return [(use.module, str(use.location), use.optional) for use in result.uses]


def test_every_import_counts_and_the_stdlib_and_local_modules_do_not(make_notebook, tmp_path):
    (tmp_path / "helpers.py").write_text("import json\n")
    (tmp_path / "src" / "churn").mkdir(parents=True)
    (tmp_path / "src" / "churn" / "__init__.py").write_text("")
    notebook = make_notebook(
        [
            ("markdown", "# Imports"),
            "import os, sys\nimport numpy as np\nfrom pandas import DataFrame",
            "def fit():\n    from sklearn.linear_model import Ridge\n    return Ridge",
            "from helpers import thing\nfrom churn.features import load\nfrom . import sibling",
            "if True:\n    import scipy.stats",
        ]
    )
    result = scan([notebook], ["analysis.ipynb"])
    assert modules(result) == [
        ("numpy", "analysis.ipynb:cell 2:line 2", False),
        ("pandas", "analysis.ipynb:cell 2:line 3", False),
        ("sklearn.linear_model", "analysis.ipynb:cell 3:line 2", False),
        ("scipy.stats", "analysis.ipynb:cell 5:line 2", False),
    ]
    assert result.sources == ["analysis.ipynb"]


def test_magics_are_understood_and_pip_lines_name_distributions(make_notebook):
    notebook = make_notebook(
        [
            "%pip install -q 'rich>=13' typer\n!pip install --upgrade -r requirements.txt\n%matplotlib inline",
            "%time import numpy as np",
            "if verbose:\n    %timeit import polars",
            "%%bash\nimport not_python",
        ]
    )
    result = scan([notebook])
    assert [use.module for use in result.uses] == ["numpy", "polars"]
    assert [(r.requirement, str(r.location)) for r in result.pip_requests] == [
        ("rich>=13", f"{notebook}:cell 1:line 1"),
        ("typer", f"{notebook}:cell 1:line 1"),
    ]


def test_imports_guarded_by_import_error_are_optional(make_notebook):
    notebook = make_notebook(
        [
            "try:\n    import ujson as json\nexcept ImportError:\n    import json",
            "try:\n    import orjson\nexcept (ModuleNotFoundError, ValueError):\n    orjson = None",
            "try:\n    import requests\nexcept KeyError:\n    pass",
        ]
    )
    assert [(use.module, use.optional) for use in scan([notebook]).uses] == [
        ("ujson", True),
        ("orjson", True),
        ("requests", False),
    ]


def test_modules_read_together_are_local_to_each_other(tmp_path):
    package = tmp_path / "lib" / "mypkg"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("")
    (package / "core.py").write_text("import attrs\nfrom mypkg import helpers\n")
    (package / "helpers.py").write_text("import mypkg.core\n")
    result = scan(sorted(package.glob("*.py")))
    assert [use.module for use in result.uses] == ["attrs"]


def test_unreadable_and_non_python_inputs_are_reported_not_fatal(make_notebook, tmp_path):
    good = make_notebook(["import attrs"], name="good.ipynb")
    r_notebook = make_notebook(["library(dplyr)"], name="r.ipynb", language="R")
    broken = tmp_path / "broken.ipynb"
    broken.write_text("<<<<<<< HEAD\n{}\n")
    result = scan([broken, r_notebook, good], ["broken.ipynb", "r.ipynb", "good.ipynb"])
    assert [use.module for use in result.uses] == ["attrs"]
    assert result.errors[0].startswith("broken.ipynb: ")
    assert result.skipped == ["r.ipynb: a R notebook, not Python"]


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("%pip install pandas==2.1 'scikit-learn>=1.3'", ["pandas==2.1", "scikit-learn>=1.3"]),
        ("!pip3 install -U seaborn  # plots", ["seaborn"]),
        ("!{sys.executable} -m pip install --quiet polars", ["polars"]),
        ("!python -m pip install -r requirements.txt tqdm", ["tqdm"]),
        ("%pip install -e . git+https://x/y.git ./wheel.whl $PKG", []),
        ("%pip list", []),
        ("!conda install numpy", []),
        ("%pip install 'unclosed", []),
    ],
)
def test_pip_install_arguments(line: str, expected: list[str]) -> None:
    assert pip_install_arguments(line) == expected


def test_a_plain_script_has_no_cell_numbers(tmp_path: Path) -> None:
    script = tmp_path / "job.py"
    script.write_text("import os\n\nimport attrs\n")
    assert [str(use.location) for use in scan([script], ["job.py"]).uses] == ["job.py:line 3"]
