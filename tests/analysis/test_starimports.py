"""Resolving `from module import *` without running the notebook."""

from __future__ import annotations

from pathlib import Path

import pytest

from nbcoach.analysis.starimports import star_exports


def test_built_in_and_source_modules_of_the_standard_library() -> None:
    math = star_exports("math")
    assert math is not None and {"sqrt", "exp", "pi"} <= math and "__name__" not in math
    assert star_exports("collections") is not None
    assert "Counter" in (star_exports("collections") or ())
    assert "join" in (star_exports("os.path") or ())  # os.path is posixpath: found by import
    assert "getcwd" in (star_exports("os") or ())  # os extends __all__ in code: imported


def test_a_package_is_read_not_imported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    package = tmp_path / "shapes"
    package.mkdir()
    (package / "__init__.py").write_text(
        "raise RuntimeError('never imported')\nfrom .circle import *\nfrom .square import side\n"
        "_private = 1\nVERSION = '1'\n"
    )
    (package / "circle.py").write_text(
        "__all__ = ['area']\n__all__ += ['radius']\ndef area(): pass\n"
    )
    (package / "square.py").write_text("side = 1\n")
    (tmp_path / "dynamic.py").write_text("__all__ = ['a']\n__all__.extend(['b'])\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    assert star_exports("shapes") == frozenset({"area", "radius", "side", "VERSION"})
    assert star_exports("shapes.circle") == frozenset({"area", "radius"})
    assert star_exports("dynamic") is None  # only running it would tell, and it is not stdlib
    assert star_exports("no_such_module_anywhere") is None
    assert star_exports(".relative") is None
