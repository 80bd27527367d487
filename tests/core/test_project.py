"""project.py: the project root and the one rule that names a project's package."""

from __future__ import annotations

import keyword
from collections.abc import Callable
from pathlib import Path

import pytest

from nbcoach.core.project import identifier, importable, package_name
from nbcoach.extract.module import module_target
from nbcoach.workflow.scaffold import init

NAMES = ["2048-game", "My Project.v2", "class", "Café Stats", "---", "data__science", "src"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2048-game", "nb_2048_game"),  # a leading `_` would read as private
        ("My Project.v2", "my_project_v2"),
        ("class", "class_"),
        ("Café Stats", "cafe_stats"),
        ("---", "notebook"),
        ("data__science", "data_science"),
        ("churn-study", "churn_study"),
    ],
)
def test_identifier_is_an_importable_pep8_name(text: str, expected: str) -> None:
    assert identifier(text) == expected
    assert importable(expected) and expected.isascii() and expected == expected.lower()


def test_importable_refuses_keywords_and_non_identifiers() -> None:
    assert not importable("class") and not importable("my-pkg") and not importable("2048")
    assert all(not importable(word) for word in keyword.kwlist)
    assert importable("nb_2048_game")


def test_package_name_prefers_the_pyproject_name(tmp_path: Path) -> None:
    project = tmp_path / "My Project.v2"
    project.mkdir()
    (project / "pyproject.toml").write_text('[project]\nname = "Churn-Study"\n')
    assert package_name(project) == "churn_study"
    (project / "pyproject.toml").write_text("not toml [")
    assert package_name(project) == "my_project_v2"  # the folder's name, made importable


@pytest.mark.parametrize("name", NAMES)
def test_init_and_extract_name_a_project_the_same(
    name: str, tmp_path: Path, make_notebook: Callable[..., Path]
) -> None:
    # extract, in a project that has no package yet (a git folder): the package it would create
    notebook = make_notebook(["def f():\n    return 1\n"], name=f"b/{name}/analysis.ipynb")
    (notebook.parent / ".git").mkdir()
    extracted = module_target(notebook).name.split(".")[0]
    # init, of a folder with the same name
    scaffolded, _ = init(tmp_path / "a" / name)
    assert scaffolded == extracted
    assert importable(scaffolded)
    assert (tmp_path / "a" / name / "src" / scaffolded / "__init__.py").is_file()
