"""A real team's first day, end to end, on real repositories with their git history.

For each of ../shared/repos/*.bundle, and for a repository built from ../shared/corpus-legacy
(nbformat 3, Python 2) plus the Colab notebooks of ../shared/corpus: the team already has a
pre-commit configuration -> `nbcoach init` -> `pre-commit install` -> `nbcoach sync` (no
notebook changes) -> a second sync (nothing written) -> a commit through the hooks -> an edit on
a .py side (a cell added, a line changed) -> sync (only those cells differ, byte-compared) ->
commit -> a worse function is blocked -> an excluded notebook is not -> `history` on the full
clone and on a shallow one (warned) -> `trend` and `dashboard`. Real git, the real pre-commit
framework (nbcoach's hooks installed from this checkout, upstream hook repositories through
local stand-ins: see hook_mirrors.py), nothing mocked. Each step asserts what it promises.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from gitrepo import GIT_ENV
from nbcoach.analysis.notebook_json import cell_spans
from support import CORPUS, LEGACY, REPOS, run_cli

pytestmark = pytest.mark.slow

TEAM_CONFIG = """\
# our hooks: nbcoach must keep this comment and this hook
repos:
  - repo: local
    hooks:
      - id: no-merge-markers
        name: no merge markers
        entry: '^(<<<<<<<|>>>>>>>) '
        language: pygrep
"""
COLAB = (
    "ageron__handson-ml2__math_differential_calculus.ipynb",
    "norvig__pytudes__ipynb__Probability.ipynb",
)
LONG_FUNCTION = (
    "def load_all(x):\n" + "\n".join(f"    v{i} = x + {i}" for i in range(70)) + "\n    return v0\n"
)


def _sources() -> list[pytest.param]:  # type: ignore[type-arg]
    bundles = sorted(REPOS.glob("*.bundle")) if REPOS.is_dir() else []
    params = [pytest.param(str(b), id=b.stem) for b in bundles]
    params.append(pytest.param("legacy", id="legacy-and-colab"))
    return params


class Team:
    def __init__(self, path: Path, env: dict[str, str]) -> None:
        self.path = path
        self.env = env

    def git(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        done = subprocess.run(
            ["git", *args], cwd=self.path, env=self.env, capture_output=True, text=True
        )
        assert not check or done.returncode == 0, f"git {args}: {done.stderr}"
        return done

    def nbcoach(self, *args: str) -> subprocess.CompletedProcess[str]:
        return run_cli(*args, cwd=self.path, env=self.env)

    def commit(self, message: str) -> subprocess.CompletedProcess[str]:
        """A commit through the hooks; a first commit of notebooks with outputs stops once
        (nbstripout strips them) and goes through when staged again, as WORKFLOW.md says."""
        done = self.git("commit", "-qm", message, check=False)
        if done.returncode != 0 and "nbstripout" in done.stdout + done.stderr:
            self.git("add", "-A")
            done = self.git("commit", "-qm", message, check=False)
        return done

    def status(self) -> list[str]:
        return self.git("status", "--porcelain", "--untracked-files=all").stdout.splitlines()

    def snapshot(self) -> dict[str, bytes]:
        return {
            str(p.relative_to(self.path)): p.read_bytes()
            for p in self.path.rglob("*")
            if p.is_file() and ".git" not in p.parts and ".nbcoach" not in p.parts
        }


def _legacy_repository(path: Path, env: dict[str, str]) -> None:
    if not LEGACY.is_dir() or not CORPUS.is_dir():
        pytest.skip(f"the legacy corpus ({LEGACY}) or the corpus ({CORPUS}) is not here")
    subprocess.run(["git", "init", "-q", "-b", "main", str(path)], env=env, check=True)
    (path / "sandbox").mkdir()
    (path / "notebooks").mkdir()
    for index, source in enumerate(sorted(LEGACY.glob("*.ipynb"))):
        shutil.copy(source, path / "sandbox" / source.name)
        subprocess.run(["git", "add", "-A"], cwd=path, env=env, check=True)
        subprocess.run(["git", "commit", "-qm", f"lecture {index}"], cwd=path, env=env, check=True)
    for name in COLAB:
        shutil.copy(CORPUS / name, path / "notebooks" / name)
    subprocess.run(["git", "add", "-A"], cwd=path, env=env, check=True)
    subprocess.run(["git", "commit", "-qm", "colab notebooks"], cwd=path, env=env, check=True)


@pytest.mark.parametrize("source", _sources())
def test_a_teams_first_day(
    source: str,
    tmp_path: Path,
    hook_source: tuple[str, str],
    pre_commit_home: str,
    mirrors: dict[str, str],
) -> None:
    env = {**os.environ, **GIT_ENV, **mirrors, "PRE_COMMIT_HOME": pre_commit_home}
    path = tmp_path / "team"
    if source == "legacy":
        _legacy_repository(path, env)
    else:
        subprocess.run(["git", "clone", "-q", source, str(path)], env=env, check=True)
    team = Team(path, env)
    team.git("config", "commit.gpgsign", "false")

    # 1. the team's own pre-commit configuration
    (path / ".pre-commit-config.yaml").write_text(TEAM_CONFIG, encoding="utf-8")
    team.git("add", ".pre-commit-config.yaml")
    team.git("commit", "-qm", "our hooks")

    # 2. init merges into it, keeping every byte of the team's part
    url, rev = hook_source
    init = team.nbcoach("init", ".", "--hooks-repo", url, "--hooks-rev", rev)
    assert init.returncode == 0, init.stderr
    assert "Traceback" not in init.stdout + init.stderr
    config = (path / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert config.startswith(TEAM_CONFIG)
    for hook in ("nbstripout", "nbcoach-sync", "id: nbcoach\n", "nbcoach-commit-size"):
        assert hook in config, hook
    again = team.nbcoach("init", ".", "--hooks-repo", url, "--hooks-rev", rev)
    assert again.returncode == 0 and (path / ".pre-commit-config.yaml").read_text() == config

    # 3. pre-commit install
    installed = subprocess.run(
        ["python", "-m", "pre_commit", "install"], cwd=path, env=env, capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr

    # 4. the first sync writes .py files and changes no notebook byte
    notebooks = sorted(
        str(p.relative_to(path)) for p in path.rglob("*.ipynb") if ".git" not in p.parts
    )
    before = {name: (path / name).read_bytes() for name in notebooks}
    first = team.nbcoach("sync")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "Traceback" not in first.stdout + first.stderr
    assert {name: (path / name).read_bytes() for name in notebooks} == before
    assert not [line for line in team.status() if line.endswith(".ipynb")]

    # 5. a second sync writes nothing
    snapshot = team.snapshot()
    second = team.nbcoach("sync")
    assert second.returncode == 0 and "wrote" not in second.stdout, second.stdout
    assert team.snapshot() == snapshot

    # 6. the adoption commit goes through the hooks
    team.git("add", "-A")
    adopted = team.commit("adopt nbcoach")
    assert adopted.returncode == 0, adopted.stdout + adopted.stderr
    assert team.status() == []

    # 7. an edit on the .py side: one line changed, one cell added; sync touches only those
    script = next(
        path / (name[: -len(".ipynb")] + ".py")
        for name in notebooks
        if (path / (name[: -len(".ipynb")] + ".py")).is_file()
        and "\nimport " in (path / (name[: -len(".ipynb")] + ".py")).read_text(encoding="utf-8")
    )
    notebook = script.with_suffix(".ipynb")
    old_cells = _cells(notebook)
    text = script.read_text(encoding="utf-8")
    first_import = text.index("\nimport ") + 1
    text = text[:first_import] + "import os  # noqa: F401, for the test\n" + text[first_import:]
    script.write_text(text + "\n# %%\nprint('checked')\n", encoding="utf-8")
    synced = team.nbcoach("sync", str(script.relative_to(path)))
    assert synced.returncode == 0 and "wrote" in synced.stdout, synced.stdout + synced.stderr
    new_cells = _cells(notebook)
    if "written as nbformat 4" not in synced.stdout:  # nbformat 4: edited in place
        assert len(new_cells) == len(old_cells) + 1
        changed = [i for i, (a, b) in enumerate(zip(old_cells, new_cells, strict=False)) if a != b]
        assert len(changed) == 1 and "import os" in new_cells[changed[0]]
        assert "checked" in new_cells[-1]

    # 8. ...and commits
    team.git("add", "-A")
    edited = team.commit("a small edit from the .py side")
    assert edited.returncode == 0, edited.stdout + edited.stderr

    # 9. a worse function is blocked
    script.write_text(script.read_text(encoding="utf-8") + "\n# %%\n" + LONG_FUNCTION, "utf-8")
    team.nbcoach("sync", str(script.relative_to(path)))
    team.git("add", "-A")
    worse = team.commit("a 70-line function")
    assert worse.returncode != 0
    assert "over the limits" in worse.stdout + worse.stderr or "WORSE" in worse.stdout
    team.git("reset", "-q", "--hard", "HEAD")

    # 10. an excluded notebook is not blocked
    pyproject = path / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text(encoding="utf-8").replace(
            "[tool.nbcoach]\n", '[tool.nbcoach]\nexclude = ["scratch/*"]\n', 1
        ),
        encoding="utf-8",
    )
    (path / "scratch").mkdir()
    shutil.copy(notebook, path / "scratch" / "try.ipynb")
    scratch_text = path / "scratch" / "try.py"
    shutil.copy(script, scratch_text)
    scratch_text.write_text(
        scratch_text.read_text(encoding="utf-8") + "\n# %%\n" + LONG_FUNCTION, "utf-8"
    )
    team.git("add", "-A")
    excluded = team.commit("a scratch notebook")
    assert excluded.returncode == 0, excluded.stdout + excluded.stderr

    # 11. history on the full clone, and on a shallow one (warned)
    history = team.nbcoach("history")
    assert history.returncode == 0, history.stderr
    assert "Traceback" not in history.stdout + history.stderr
    assert "shallow" not in history.stdout
    shallow = tmp_path / "shallow"
    subprocess.run(
        ["git", "clone", "-q", "--depth", "1", f"file://{path}", str(shallow)], env=env, check=True
    )
    warned = run_cli("history", cwd=shallow, env=env)
    assert warned.returncode == 0 and "this clone is shallow" in warned.stdout

    # 12. trend and dashboard
    trend = team.nbcoach("trend")
    assert trend.returncode == 0 and "Team score" in trend.stdout, trend.stdout + trend.stderr
    page = tmp_path / "dashboard.html"
    dashboard = team.nbcoach("dashboard", "-o", str(page))
    assert dashboard.returncode == 0 and page.stat().st_size > 10_000, dashboard.stderr


def _cells(notebook: Path) -> list[str]:
    text = notebook.read_text(encoding="utf-8")
    return [text[s.start : s.end] for s in cell_spans(text)]
