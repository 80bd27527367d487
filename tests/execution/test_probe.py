"""Which modules each installed distribution provides: the standard library's
`packages_distributions()` for top-level names, the file list for namespace packages."""

from __future__ import annotations

from importlib import metadata

from nbcoach.execution.probe import describe, modules_of


def test_top_level_names_come_from_packages_distributions_and_lose_nothing() -> None:
    top_level = {k: list(v) for k, v in metadata.packages_distributions().items()}
    checked = 0
    for distribution in metadata.distributions():
        by_files = {m for m in modules_of(distribution) if "." not in m}
        standard = {m for m in modules_of(distribution, top_level) if "." not in m}
        assert by_files <= standard, distribution.metadata["Name"]
        checked += 1
    assert checked > 30


def test_described_modules_map_imports_to_their_distributions() -> None:
    described = {d["name"].lower(): set(d["modules"]) for d in describe()["distributions"]}  # type: ignore[index,union-attr]
    assert "yaml" in described["pyyaml"]
    assert "nbformat" in described["nbformat"]
    assert "nbcoach" in described["nbcoach"]  # an editable install too (its files say nothing)
