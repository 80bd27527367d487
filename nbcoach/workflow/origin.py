"""Where this nbcoach was installed from, so that hooks and teammates install the same one.

`nbcoach init` writes a pre-commit hook that installs nbcoach, and a setup line for WORKFLOW.md;
both fail if they name a package index that does not carry nbcoach. pip records where a package
came from (PEP 610, `direct_url.json`): a git URL and commit, a local folder, or nothing for an
index. That record decides.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, distribution
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlparse

Kind = Literal["git", "folder", "index"]


@dataclass(frozen=True, slots=True)
class Origin:
    kind: Kind
    requirement: str  # what `pip install` takes to install this nbcoach
    repo: str = ""  # a git repository pre-commit can clone ("" for an index)
    rev: str = ""  # the commit or tag in it
    shared: bool = True  # False: a folder on this machine; teammates cannot use it as it is


def nbcoach_origin() -> Origin:
    try:
        dist = distribution("nbcoach")
    except PackageNotFoundError:  # running from a source tree on the path
        return _folder(Path(__file__).resolve().parents[2])
    raw = dist.read_text("direct_url.json")
    version = dist.version
    if not raw:
        return Origin("index", f"nbcoach=={version}")
    try:
        data = json.loads(raw)
    except ValueError:
        return Origin("index", f"nbcoach=={version}")
    url = str(data.get("url", ""))
    vcs = data.get("vcs_info")
    if isinstance(vcs, dict) and vcs.get("vcs") == "git":
        commit = str(vcs.get("commit_id") or vcs.get("requested_revision") or "")
        return Origin("git", f"nbcoach @ git+{url}@{commit}", url, commit)
    if url.startswith("file://"):
        return _folder(Path(unquote(urlparse(url).path)))
    return Origin("index", f"nbcoach=={version}")


def _folder(folder: Path) -> Origin:
    """A checkout: its pushed commit on its `origin` remote when there is one (a teammate can
    clone that), else the folder itself (this machine only)."""
    head = _git(folder, "rev-parse", "HEAD")
    if not head:
        return Origin("folder", str(folder), shared=False)
    remote = _git(folder, "remote", "get-url", "origin")
    pushed = _git(folder, "branch", "-r", "--contains", head) if remote else ""
    if remote and pushed:
        return Origin("git", f"nbcoach @ git+{remote}@{head}", remote, head)
    return Origin("folder", str(folder), str(folder), head, shared=False)


def _git(folder: Path, *args: str) -> str:
    try:
        done = subprocess.run(
            ["git", "-C", str(folder), *args], capture_output=True, text=True, check=False
        )
    except OSError:
        return ""
    return done.stdout.strip() if done.returncode == 0 else ""
