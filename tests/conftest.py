"""Shared fixtures: the shipped examples, the shared corpus, notebook builders, the real CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import nbformat
import pytest

from gitrepo import GIT_ENV

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
DATA = Path(__file__).resolve().parent / "data"
GOLDEN = Path(__file__).resolve().parent / "golden"
CORPUS = Path(os.environ.get("NBCOACH_CORPUS", ROOT.parent / "shared" / "corpus"))

Cells = Sequence[str | tuple[str, str] | dict[str, Any]]


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set NBCOACH_CORPUS to its folder)")
    return CORPUS


def build_notebook(
    cells: Cells, language: str | None = "python", **metadata: Any
) -> nbformat.NotebookNode:
    """A valid nbformat 4 notebook. A cell is source text (code), (kind, source), or a dict of
    new_code_cell arguments (source, execution_count, outputs)."""
    notebook = nbformat.v4.new_notebook()
    if language is not None:
        notebook.metadata["kernelspec"] = {
            "name": "python3" if language == "python" else language,
            "display_name": language,
            "language": language,
        }
        notebook.metadata["language_info"] = {"name": language}
    notebook.metadata.update(metadata)
    for cell in cells:
        if isinstance(cell, str):
            notebook.cells.append(nbformat.v4.new_code_cell(cell))
        elif isinstance(cell, dict):
            notebook.cells.append(nbformat.from_dict(nbformat.v4.new_code_cell(**cell)))
        else:
            kind, source = cell
            maker = {
                "code": nbformat.v4.new_code_cell,
                "markdown": nbformat.v4.new_markdown_cell,
                "raw": nbformat.v4.new_raw_cell,
            }[kind]
            notebook.cells.append(maker(source))
    nbformat.validate(notebook)
    return notebook


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


def run_cli(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """The real command line, as a user runs it (a fresh process, real exit code)."""
    environment = {**os.environ, "NO_COLOR": "1", **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "nbcoach", *args],
        cwd=cwd,
        env=environment,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )


def run_cli_ok(
    *args: str, cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """run_cli for a run that must succeed: exit code 0, or the test fails showing stderr."""
    done = run_cli(*args, cwd=cwd, env=env)
    assert done.returncode == 0, f"nbcoach {' '.join(args)}: exit {done.returncode}\n{done.stderr}"
    return done
