"""`nbcoach init`: templates into a team's repository, idempotent, pyproject merged losslessly."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
from pathlib import Path

import pytest
import tomllib
import yaml

from gitrepo import Repo
from nbcoach.analysis.pairs import find_pair
from nbcoach.core.config import load_config
from nbcoach.core.errors import UsageError
from nbcoach.workflow.origin import Origin, nbcoach_origin
from nbcoach.workflow.scaffold import InitOptions, hooks_block, init
from support import EXAMPLES, ROOT, run_cli

EXISTING = """# The team's project file: comments must survive
[project]
name = "Churn-Study"  # the distribution name
version = "1.0"

[tool.black]
line-length = 88  # house style
"""


def test_init_merges_into_an_existing_pyproject_and_keeps_everything(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(EXISTING)
    package, changes = init(tmp_path)
    assert package == "churn_study"
    text = (tmp_path / "pyproject.toml").read_text()
    assert text.startswith(EXISTING)  # every byte of the original, comments included
    data = tomllib.loads(text)
    assert data["tool"]["jupytext"]["formats"] == "ipynb,py:percent"
    assert data["tool"]["black"]["line-length"] == 88
    config = load_config(tmp_path)  # and nbcoach accepts what it wrote
    assert config.fail_under == 70 and config.commit_size.max_lines == 400
    actions = {c.path: c.action for c in changes}
    assert actions["pyproject.toml"] == "merged"
    assert actions["src/churn_study/__init__.py"] == "created"
    assert actions["tests/test_churn_study.py"] == "created"
    for name in (".pre-commit-config.yaml", "WORKFLOW.md", "notebooks/README.md"):
        assert actions[name] == "created" and (tmp_path / name).is_file()
    config_text = (tmp_path / ".pre-commit-config.yaml").read_text()
    hooks = [h["id"] for r in yaml.safe_load(config_text)["repos"] for h in r["hooks"]]
    assert "{{" not in config_text
    assert hooks == [
        "nbstripout", "nbcoach-sync", "nbcoach", "nbcoach-commit-size", "ruff-check",
        "ruff-format", "nbqa-mypy",
    ]  # fmt: skip
    # the scaffolded pairing applies to notebooks in the project
    (tmp_path / "notebooks" / "a.ipynb").write_text("{}")
    pair = find_pair(tmp_path / "notebooks" / "a.ipynb")
    assert pair is not None and pair.text.name == "a.py"


def test_init_twice_changes_nothing_and_never_overwrites(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(EXISTING)
    init(tmp_path)
    snapshot = {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()}
    _, again = init(tmp_path)
    assert {c.action for c in again} == {"unchanged"}
    assert {p: p.read_bytes() for p in tmp_path.rglob("*") if p.is_file()} == snapshot

    (tmp_path / "WORKFLOW.md").write_text("our own workflow\n")
    _, kept = init(tmp_path)
    assert {c.path: c.action for c in kept}["WORKFLOW.md"] == "kept"
    assert (tmp_path / "WORKFLOW.md").read_text() == "our own workflow\n"
    _, forced = init(tmp_path, InitOptions(force=True))
    assert {c.path: c.action for c in forced}["WORKFLOW.md"] == "overwritten"


def test_init_creates_a_pyproject_when_there_is_none(tmp_path: Path) -> None:
    project = tmp_path / "my-analysis"
    package, _ = init(project)
    assert package == "my_analysis"
    data = tomllib.loads((project / "pyproject.toml").read_text())
    assert data["project"]["name"] == "my-analysis"
    assert "nbcoach" in data["tool"] and "jupytext" in data["tool"]


def test_hooks_from_a_repository(tmp_path: Path) -> None:
    init(
        tmp_path,
        InitOptions(package="pkg", hooks_repo="https://example.org/nbcoach", hooks_rev="v9"),
    )
    text = (tmp_path / ".pre-commit-config.yaml").read_text()
    assert "repo: https://example.org/nbcoach\n    rev: v9" in text
    assert "- id: nbcoach-commit-size" in text


# What a hook does in pre-commit, beyond its id: the keys a copy of it must keep as they are.
HOOK_BEHAVIOUR = ("name", "entry", "stages", "types_or", "pass_filenames", "always_run",
                  "require_serial")  # fmt: skip


def _nbcoach_hooks(config: Path, repo: str) -> list[dict[str, object]]:
    """nbcoach's hooks in a scaffolded .pre-commit-config.yaml: those of the `repos:` entry
    for `repo` (there may be other `local` entries) whose ids start with nbcoach."""
    entries = [r for r in yaml.safe_load(config.read_text())["repos"] if r["repo"] == repo]
    [hooks] = [
        list(e["hooks"]) for e in entries if any(h["id"].startswith("nbcoach") for h in e["hooks"])
    ]
    return hooks


def test_the_hook_templates_stay_in_step_with_pre_commit_hooks_yaml(tmp_path: Path) -> None:
    """pre-commit reads .pre-commit-hooks.yaml; `nbcoach init` writes templates/hooks-*.yaml
    into a team's config, and hooks/pre-commit serves teams without pre-commit. All three must
    name the same hooks, in the same order, running the same commands at the same stages."""
    root = ROOT
    published = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    ids = [hook["id"] for hook in published]
    assert ids == ["nbcoach-sync", "nbcoach", "nbcoach-commit-size"]  # sync first: see its notes
    by_id = {hook["id"]: hook for hook in published}

    # nbcoach from a package index: local hooks pre-commit installs with pip
    block = hooks_block(InitOptions(), Origin("index", "nbcoach==9.0"))
    local = [h for r in yaml.safe_load("repos:\n" + block)["repos"] for h in r["hooks"]]
    assert [hook["id"] for hook in local] == ids
    for hook in local:
        expected = {key: by_id[hook["id"]].get(key) for key in HOOK_BEHAVIOUR}
        assert {key: hook.get(key) for key in HOOK_BEHAVIOUR} == expected, hook["id"]
        assert hook["language"] == "python"  # never `system`: pre-commit 4 calls it unsupported
        assert hook["additional_dependencies"] == ["nbcoach==9.0"]

    options = InitOptions(package="pkg", hooks_repo="https://example.org/nbcoach", hooks_rev="v9")
    init(tmp_path / "remote", options)
    remote = _nbcoach_hooks(
        tmp_path / "remote" / ".pre-commit-config.yaml", "https://example.org/nbcoach"
    )
    assert [hook["id"] for hook in remote] == ids
    for hook in remote:  # whatever it sets beyond the id overrides the published hook: the same
        assert {k: v for k, v in hook.items() if k != "id"} == {
            k: by_id[hook["id"]][k] for k in hook if k != "id"
        }, hook["id"]

    script = (root / "hooks" / "pre-commit").read_text()
    commands = re.findall(r'^"\$@" (.+?)(?: \|\| exit \$\?)?$', script, re.M)
    assert [f"nbcoach {command}" for command in commands] == [by_id[i]["entry"] for i in ids]


def test_a_bad_package_name_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a valid Python package name"):
        init(tmp_path, InitOptions(package="my-pkg"))


def test_init_records_the_baseline_of_existing_notebooks(tmp_path: Path) -> None:
    repo = Repo(tmp_path / "repo")
    shutil.copy(EXAMPLES / "newcomer.ipynb", repo.path / "newcomer.ipynb")
    result = run_cli("init", cwd=repo.path)
    assert result.returncode == 0, result.stderr
    assert "recorded    .nbcoach/baseline.json" in result.stdout
    assert '"newcomer.ipynb"' in (repo.path / ".nbcoach" / "baseline.json").read_text()


def _commands(workflow: str) -> list[str]:
    """The commands WORKFLOW.md tells the team to run (in backquotes)."""
    import re

    spans = re.findall(r"`([^`]+)`", workflow)
    return list(
        dict.fromkeys(
            span for span in spans if span.split()[0] in ("nbcoach", "pytest", "pre-commit", "pip")
        )
    )


def test_every_command_workflow_md_names_works_in_a_fresh_project(tmp_path: Path) -> None:
    """WORKFLOW.md said `pip install -e '.[dev]'` where init had merged into a pyproject without
    a `dev` extra. In a fresh project the extra it names exists and holds the tools, and every
    other command it names runs."""
    import subprocess

    repo = Repo(tmp_path / "fresh")
    assert run_cli("init", cwd=repo.path).returncode == 0
    workflow = (repo.path / "WORKFLOW.md").read_text()
    commands = _commands(workflow)
    # nbcoach is installed as this one was (a checkout here), never by a name an index may lack
    origin = nbcoach_origin()
    setup = "pip install -e '.[dev]'" + ("" if origin.shared else f" {origin.requirement}")
    assert commands == [
        "nbcoach sync",
        "nbcoach report notebooks/my.ipynb",
        "nbcoach extract",
        "pytest",
        setup,
        "pre-commit install",
        "nbcoach install-hooks",
        "pip install nbstripout && nbstripout --install",
        "nbcoach baseline notebooks/my.ipynb",
    ]
    extras = tomllib.loads((repo.path / "pyproject.toml").read_text())["project"][
        "optional-dependencies"
    ]
    assert {"pre-commit", "pytest"} <= set(extras["dev"])
    assert (origin.requirement in extras["dev"]) == origin.shared
    shutil.copy(EXAMPLES / "clean.ipynb", repo.path / "notebooks" / "my.ipynb")

    def run(command: str) -> subprocess.CompletedProcess[str]:
        words = command.split()
        if words[0] == "nbcoach":
            return run_cli(*words[1:], cwd=repo.path)
        module = {"pytest": "pytest", "pre-commit": "pre_commit"}[words[0]]
        return subprocess.run(
            [sys.executable, "-m", module, *words[1:]],
            cwd=repo.path,
            capture_output=True,
            text=True,
            check=False,
            timeout=300,
        )

    for command in commands:
        if command.startswith("pip "):
            continue  # installs from the package index: checked above, by the extra it names
        if command == "nbcoach extract":
            command = "nbcoach extract notebooks/my.ipynb"  # it names the notebook in use
        if command == "nbcoach install-hooks":  # the alternative to pre-commit's hook
            assert run("pre-commit uninstall").returncode == 0
        done = run(command)
        assert done.returncode == 0, f"{command}: {done.stdout}{done.stderr}"


def test_workflow_md_names_the_tools_when_the_pyproject_has_no_dev_extra(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(EXISTING)
    init(tmp_path)
    workflow = (tmp_path / "WORKFLOW.md").read_text()
    requirement = shlex.quote(nbcoach_origin().requirement)
    assert f"Set up once: `pip install {requirement} pre-commit pytest`, then" in workflow
    assert ".[dev]" not in workflow


@pytest.mark.slow
def test_the_built_wheel_carries_the_templates_and_hooks(tmp_path: Path) -> None:
    """Build the wheel, install it into a fresh venv, and run init and install-hooks from it."""
    import subprocess

    root = ROOT
    dist = tmp_path / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--outdir", str(dist), str(root)],
        check=True,
        capture_output=True,
        timeout=600,
    )
    [wheel] = dist.glob("nbcoach-*.whl")
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / "bin" / "python"
    subprocess.run(
        [str(python), "-m", "pip", "install", "--quiet", str(wheel)],
        check=True,
        capture_output=True,
        timeout=900,
    )
    repo = Repo(tmp_path / "team")
    repo.write("pyproject.toml", EXISTING)
    nbcoach = str(venv / "bin" / "nbcoach")
    done = subprocess.run(
        [nbcoach, "init"], cwd=repo.path, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert "created     WORKFLOW.md" in done.stdout
    location = subprocess.run(
        [str(python), "-c", "import nbcoach.core.resources as r; print(r.shipped('templates'))"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "site-packages/nbcoach/templates" in location  # from the wheel, not this checkout
    assert (repo.path / "src" / "churn_study" / "__init__.py").is_file()
    hooks = subprocess.run(
        [nbcoach, "install-hooks"], cwd=repo.path, capture_output=True, text=True, timeout=120
    )
    assert hooks.returncode == 0, hooks.stderr
    assert "installed  pre-commit" in hooks.stdout
    assert (repo.path / ".git" / "hooks" / "post-merge").is_file()
