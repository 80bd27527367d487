"""Isolated environments built from a lock, and the upgrade check, against the real registry.

These install `six` (small, pure Python) and ipykernel from the package index into fresh virtual
environments, so they are slow; they still run in CI. `six==1.16.0` is not the newest release,
which lets the upgrade check find a real newer version.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

from nbcoach.core.errors import KernelEnvironmentError
from nbcoach.execution.envs import MARKER, isolated_environment
from nbcoach.execution.lock import read_lock
from nbcoach.execution.runs import read_records
from support import run_cli

pytestmark = pytest.mark.slow

LOCKED = "1.16.0"


@pytest.fixture(scope="module")
def env_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("envs")


@pytest.fixture
def project(tmp_path: Path, make_notebook) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n")
    (tmp_path / "lock.txt").write_text(f"six=={LOCKED}\n")
    make_notebook(
        [
            ("markdown", "# Which six?"),
            "import sys\nimport six\nprint(six.__version__)\nprint(sys.prefix)",
        ],
        name="which.ipynb",
    )
    make_notebook(["import six\nprint(six.PY3, six.moves.range(3)[-1])"], name="stable.ipynb")
    return tmp_path


def printed(path: Path, cell: int) -> list[str]:
    notebook = json.loads(path.read_text())
    return "".join(notebook["cells"][cell - 1]["outputs"][0]["text"]).splitlines()


def test_an_isolated_run_uses_exactly_the_locked_versions_and_is_cached(project, env_dir):
    environment = {"NBCOACH_ENV_DIR": str(env_dir)}
    first = run_cli(
        "run", "which.ipynb", "--lock", "lock.txt", "--isolated", cwd=project, env=environment
    )
    assert first.returncode == 0, first.stdout + first.stderr
    assert "building an environment from lock.txt (1 pin + ipykernel)" in first.stderr
    assert first.stdout.startswith("which.ipynb: ok in ")
    assert "isolated environment" in first.stdout
    version, prefix = printed(project / ".nbcoach" / "runs" / "which.ipynb", 2)
    assert version == LOCKED  # this test environment has another six, or none
    assert Path(prefix).parent == env_dir
    assert (Path(prefix) / MARKER).is_file()

    started = time.monotonic()
    second = run_cli(
        "run", "which.ipynb", "--lock", "lock.txt", "--isolated", cwd=project, env=environment
    )
    assert second.returncode == 0, second.stderr
    assert f"using the cached environment {prefix}" in second.stderr
    assert time.monotonic() - started < 30

    records = read_records(project)
    assert [r["environment"] for r in records] == ["isolated", "isolated"]
    assert records[0]["packages"] == {"six": LOCKED}
    assert records[0]["lock_hash"] == read_lock(project / "lock.txt").digest


def test_an_environment_whose_build_was_cut_short_is_built_again(project, env_dir, monkeypatch):
    monkeypatch.setenv("NBCOACH_ENV_DIR", str(env_dir))
    lock = read_lock(project / "lock.txt")
    python = isolated_environment(lock)
    folder = python.parent.parent
    (folder / MARKER).unlink()  # as if the install had been interrupted
    (folder / "half-written").write_text("")
    messages: list[str] = []
    again = isolated_environment(lock, messages.append)
    assert again == python
    assert (folder / MARKER).is_file()
    assert not (folder / "half-written").exists()
    assert messages and messages[0].startswith("building an environment from lock.txt")


def test_a_lock_that_cannot_be_installed_is_a_clear_error(tmp_path, env_dir, monkeypatch):
    monkeypatch.setenv("NBCOACH_ENV_DIR", str(env_dir))
    lock_path = tmp_path / "lock.txt"
    lock_path.write_text("nbcoach-surely-not-a-real-package==0.0.1\n")
    with pytest.raises(
        KernelEnvironmentError, match=r"(pip|uv) install failed: .*nbcoach-surely-not"
    ):
        isolated_environment(read_lock(lock_path))
    assert not [p for p in env_dir.iterdir() if p.is_dir() and not (p / MARKER).exists()]


def test_the_upgrade_check_names_the_cells_a_newer_release_changes(project, env_dir):
    environment = {"NBCOACH_ENV_DIR": str(env_dir)}
    done = run_cli(
        "run", "which.ipynb", "--lock", "lock.txt", "--isolated", "--upgrade-check",
        cwd=project, env=environment,
    )  # fmt: skip
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert (
        lines[0]
        == "Upgrade check for which.ipynb: not safe to upgrade: 1 cell gives different output"
    )
    assert lines[1] == "  1 of 1 package has a newer release:"
    assert lines[2].startswith(f"    six {LOCKED} -> ")
    newest = lines[2].rsplit(" ", 1)[1]
    assert newest != LOCKED
    assert "  which.ipynb:cell 2: output changed" in lines
    assert f"      - [stdout] {LOCKED}" in lines
    assert f"      + [stdout] {newest}" in lines
    executed = project / ".nbcoach" / "runs"
    assert printed(executed / "which.newest.ipynb", 2)[0] == newest
    records = read_records(project)
    assert [(r["environment"], r["packages"]) for r in records] == [
        ("isolated", {"six": LOCKED}),
        ("newest", {"six": newest}),
    ]


def test_the_upgrade_check_passes_when_every_cell_gives_the_same_output(project, env_dir):
    done = run_cli(
        "run", "stable.ipynb", "--lock", "lock.txt", "--isolated", "--upgrade-check",
        cwd=project, env={"NBCOACH_ENV_DIR": str(env_dir)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.splitlines()[0] == (
        "Upgrade check for stable.ipynb: safe to upgrade: "
        "both runs pass and every cell's output is the same"
    )
    assert os.path.isfile(project / ".nbcoach" / "runs" / "stable.newest.ipynb")


def test_without_a_lock_the_upgrade_check_pins_what_the_notebook_imports(project, env_dir):
    from importlib.metadata import version

    installed = version("six")
    done = run_cli(
        "run", "stable.ipynb", "--upgrade-check", cwd=project, env={"NBCOACH_ENV_DIR": str(env_dir)}
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "run 1 of 2: the current environment (1 locked package)" in done.stderr
    records = read_records(project)
    assert [(r["environment"], r["lock"]) for r in records] == [("current", None), ("newest", None)]
    assert records[0]["packages"] == {"six": installed}


@pytest.mark.parametrize("tool", ["pip", "uv"])
def test_pip_and_uv_build_the_same_locked_environment(project, tmp_path, tool):
    if tool == "uv" and shutil.which("uv") is None:
        pytest.skip("uv is not on PATH (pip install uv)")
    environment = {"NBCOACH_ENV_DIR": str(tmp_path / f"envs-{tool}"), "NBCOACH_INSTALLER": tool}
    done = run_cli(
        "run", "which.ipynb", "--lock", "lock.txt", "--isolated", cwd=project, env=environment
    )
    assert done.returncode == 0, done.stdout + done.stderr
    version, prefix = printed(project / ".nbcoach" / "runs" / "which.ipynb", 2)
    assert version == LOCKED
    assert Path(prefix).parent == tmp_path / f"envs-{tool}"
    has_pip = (Path(prefix) / "bin" / "pip").exists()
    assert has_pip == (tool == "pip")  # uv's environments carry no pip of their own


def test_a_pylock_written_by_pip_lock_installs_with_uv_and_drives_the_drift_check(tmp_path):
    """PEP 751: nbcoach writes pylock.toml through pip's own `pip lock`, and another installer
    (uv) reads it back; nbcoach reads its pins for the drift check."""
    uv = shutil.which("uv")
    if uv is None:
        pytest.skip("uv is not on PATH (pip install uv)")
    import nbformat

    from support import build_notebook

    nbformat.write(build_notebook(["import yaml\nprint(yaml.__version__)"]), tmp_path / "nb.ipynb")
    done = run_cli("lock", ".", "-o", "pylock.toml", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    text = (tmp_path / "pylock.toml").read_text(encoding="utf-8")
    assert text.startswith("# Exact pins") and 'lock-version = "1.0"' in text
    pins = {e.name: e.version for e in read_lock(tmp_path / "pylock.toml").entries}
    import yaml

    assert pins["pyyaml"] == yaml.__version__
    venv = tmp_path / "venv"
    subprocess.run([uv, "venv", "--quiet", str(venv)], check=True)
    installed = subprocess.run(
        [
            uv,
            "pip",
            "install",
            "-r",
            str(tmp_path / "pylock.toml"),
            "--python",
            str(venv / "bin" / "python"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert installed.returncode == 0, installed.stderr
    listed = subprocess.run(
        [uv, "pip", "list", "--format", "json", "--python", str(venv / "bin" / "python")],
        capture_output=True,
        text=True,
        check=True,
    )
    versions = {item["name"].lower(): item["version"] for item in json.loads(listed.stdout)}
    assert versions["pyyaml"] == pins["pyyaml"]
    matching = run_cli("run", "nb.ipynb", "--lock", "pylock.toml", cwd=tmp_path)
    assert matching.returncode == 0, matching.stdout + matching.stderr
    stale = tmp_path / "pylock.old.toml"
    stale.write_text(
        text.replace(f'version = "{pins["pyyaml"]}"', 'version = "5.1"'), encoding="utf-8"
    )
    drift = run_cli("run", "nb.ipynb", "--lock", stale.name, cwd=tmp_path)
    assert drift.returncode != 0 and "pyyaml" in drift.stderr.lower()
