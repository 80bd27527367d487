"""Local stand-ins for the hook repositories `nbcoach init` pins on GitHub, for real pre-commit runs.

This machine reaches package indexes, not GitHub. Each stand-in is a git repository with the
same hook ids and commands as its upstream (kynan/nbstripout, astral-sh/ruff-pre-commit,
nbQA-dev/nbQA), tagged with the revision the scaffolded configuration pins, whose package
depends on the real tool from the package index at that version; git's `url.<x>.insteadOf`
(passed in the environment, which pre-commit hands to git) sends pre-commit's clones there.
Everything after the clone is the real thing: pre-commit builds the environments, pip installs
the real nbstripout, ruff and nbqa, and the hooks run them.
"""

from __future__ import annotations

import subprocess
from importlib.metadata import version
from pathlib import Path

from gitrepo import GIT_ENV

# upstream URL -> (tag pinned by templates/pre-commit-config.yaml, requirement, manifest)
UPSTREAMS = {
    "https://github.com/kynan/nbstripout": (
        "0.9.1",
        "nbstripout==0.9.1",
        """\
- id: nbstripout
  name: nbstripout
  entry: nbstripout
  language: python
  types: [jupyter]
""",
    ),
    "https://github.com/astral-sh/ruff-pre-commit": (
        f"v{version('ruff')}",
        f"ruff=={version('ruff')}",
        """\
- id: ruff-check
  name: ruff check
  entry: ruff check --force-exclude
  language: python
  types_or: [python, pyi, jupyter]
  require_serial: true
- id: ruff-format
  name: ruff format
  entry: ruff format --force-exclude
  language: python
  types_or: [python, pyi, jupyter]
  require_serial: true
""",
    ),
    "https://github.com/nbQA-dev/nbQA": (
        "1.9.1",
        "nbqa==1.9.1",
        """\
- id: nbqa-mypy
  name: nbqa-mypy
  entry: nbqa mypy
  language: python
  types_or: [jupyter, markdown]
  require_serial: true
""",
    ),
}


def hook_mirrors(base: Path) -> dict[str, str]:
    """Build the stand-ins under `base`; returns the environment that routes clones to them."""
    env: dict[str, str] = {}
    for index, (url, (tag, requirement, manifest)) in enumerate(UPSTREAMS.items()):
        folder = base / url.rsplit("/", 1)[1]
        folder.mkdir(parents=True, exist_ok=True)
        (folder / ".pre-commit-hooks.yaml").write_text(manifest, encoding="utf-8")
        name = folder.name.lower() + "-hook-stand-in"
        (folder / "setup.py").write_text(
            "from setuptools import setup\n\n"
            f"setup(name={name!r}, version='0', install_requires=[{requirement!r}], py_modules=[])\n",
            encoding="utf-8",
        )
        for args in (
            ["init", "-q", "-b", "main"],
            ["add", "-A"],
            ["commit", "-qm", tag],
            ["tag", tag],
        ):
            subprocess.run(["git", *args], cwd=folder, env={**_base_env(), **GIT_ENV}, check=True)
        env[f"GIT_CONFIG_KEY_{index}"] = f"url.{folder}.insteadOf"
        env[f"GIT_CONFIG_VALUE_{index}"] = url
    env["GIT_CONFIG_COUNT"] = str(len(UPSTREAMS))
    return env


def _base_env() -> dict[str, str]:
    import os

    return dict(os.environ)
