"""Shared fixtures: the shared corpus, notebooks built in tmp_path, an isolated git and cache.

Plain helpers (paths, builders, the real CLI) live in support.py, which tests import by name."""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import nbformat
import pytest

from gitrepo import GIT_ENV, Repo
from hook_mirrors import hook_mirrors
from support import CORPUS, LEGACY, REPOS, ROOT, Cells, build_notebook


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set NBCOACH_CORPUS to its folder)")
    return CORPUS


@pytest.fixture
def legacy_corpus() -> Path:
    if not LEGACY.is_dir():
        pytest.skip(f"the legacy corpus is not at {LEGACY} (set NBCOACH_LEGACY_CORPUS)")
    return LEGACY


@pytest.fixture
def repo_bundles() -> Path:
    if not REPOS.is_dir() or not list(REPOS.glob("*.bundle")):
        pytest.skip(f"the shared repository bundles are not at {REPOS} (set NBCOACH_REPOS)")
    return REPOS


@pytest.fixture
def make_notebook(tmp_path: Path) -> Callable[..., Path]:
    def make(
        cells: Cells, name: str = "notebook.ipynb", language: str | None = "python", **metadata: Any
    ) -> Path:
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(build_notebook(cells, language, **metadata), path)
        return path

    return make


@pytest.fixture(scope="session", autouse=True)
def isolated_environment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """The whole session, and every process it starts, runs git blind to the developer's git
    configuration (GIT_ENV) and caches reports in a throwaway folder, never in the checkout."""
    with pytest.MonkeyPatch.context() as patch:
        for name, value in GIT_ENV.items():
            patch.setenv(name, value)
        if not os.environ.get("NBCOACH_CACHE_DIR"):
            patch.setenv("NBCOACH_CACHE_DIR", str(tmp_path_factory.mktemp("nbcoach-cache")))
        yield


# --- the real pre-commit framework (tests/workflow/test_precommit.py, tests/test_adoption.py) ---


@pytest.fixture(scope="session")
def hook_source(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, str]:
    """This checkout, working-tree changes included, as a git repository pre-commit can clone."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        check=True,
    ).stdout.decode()
    source = Repo(tmp_path_factory.mktemp("nbcoach-hooks") / "nbcoach")
    for name in filter(None, listed.split("\0")):
        origin = ROOT / name
        if origin.is_file():
            target = source.path / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(origin, target)
    source.git("add", "-A")
    fixed = {"GIT_AUTHOR_DATE": "2026-01-01T00:00:00", "GIT_COMMITTER_DATE": "2026-01-01T00:00:00"}
    source.commit("nbcoach as tested", env=fixed)
    return str(source.path), source.git("rev-parse", "HEAD").strip()


@pytest.fixture(scope="session")
def pre_commit_home(tmp_path_factory: pytest.TempPathFactory) -> str:
    configured = os.environ.get("NBCOACH_TEST_PRE_COMMIT_HOME")
    return configured or str(tmp_path_factory.mktemp("pre-commit-home"))


@pytest.fixture(scope="session")
def mirrors(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The upstream hook repositories `init` pins, as local stand-ins (see hook_mirrors.py)."""
    return hook_mirrors(tmp_path_factory.mktemp("hook-mirrors"))
