"""Which notebook is this kernel running? Jupyter has no standard way to tell a kernel.

Asked from the most to the least reliable source; each answer says how it was found, so the
card can say when it is only a guess.
"""

from __future__ import annotations

import json
import os
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

# Where the answer came from; what the card says of unsaved edits depends on it.
Source = Literal["given", "editor", "papermill", "guess"]


@dataclass(frozen=True, slots=True)
class Found:
    """The notebook the kernel runs, and how we know (said under the card)."""

    path: Path | None
    how: str
    source: Source = "editor"  # VS Code, the Jupyter session or server: the kernel's own


def find_notebook(user_ns: dict[str, Any], kernel_id: str | None) -> Found:
    """The notebook this kernel runs, from the most to the least reliable source.

    VS Code puts the path in `__vsc_ipynb_file__`; jupyter_server (JupyterLab, Notebook 7)
    starts each kernel with `JPY_SESSION_NAME`, which goes stale when the notebook is renamed,
    so it is used only if the file exists; the running servers' sessions API knows the current
    path of the session that owns this kernel. papermill and plain consoles set none of these:
    then the working folder is a guess, and the message says so.
    """
    vscode = user_ns.get("__vsc_ipynb_file__")
    if isinstance(vscode, str) and Path(vscode).is_file():
        return Found(Path(vscode), "from VS Code")
    session = os.environ.get("JPY_SESSION_NAME", "")
    if session.endswith(".ipynb"):
        for candidate in (Path(session), Path.cwd() / Path(session).name):
            if candidate.is_file():
                return Found(candidate, "from the Jupyter session")
    injected = user_ns.get("PAPERMILL_INPUT_PATH")  # papermill's inject_paths
    if isinstance(injected, str) and Path(injected).is_file():
        return Found(Path(injected), "from papermill's input path", "papermill")
    if kernel_id:
        served = from_server_sessions(kernel_id)
        if served is not None:
            return Found(served, "from the Jupyter server's sessions")
    return _not_papermills_output(_guess_from_folder(Path.cwd()))


def papermill_input(path: Path) -> Path | None:
    """The input notebook of a papermill output (papermill writes its output as it runs, with
    the input's path in the metadata): the code to grade is the input's, not a half-written
    copy. None for any other notebook."""
    try:
        document = json.loads(path.read_bytes())
        meta = document["metadata"]["papermill"]
        given = meta["input_path"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    if not isinstance(given, str) or not given.endswith(".ipynb"):
        return None
    for candidate in (Path(given), Path.cwd() / given, path.parent / Path(given).name):
        if candidate.is_file() and candidate.resolve() != path.resolve():
            return candidate
    return None


def _not_papermills_output(found: Found) -> Found:
    if found.path is None:
        return found
    source = papermill_input(found.path)
    if source is None:
        return found
    how = f"the input of papermill's output {found.path.name}: the notebook this kernel runs"
    return Found(source, how, "papermill")


def current_kernel_id() -> str | None:
    try:
        from ipykernel.connect import get_connection_file

        name = Path(get_connection_file()).stem
    except Exception:  # not in a kernel (a terminal IPython), or an unusual connection file
        return None
    return name.removeprefix("kernel-") or None


def from_server_sessions(kernel_id: str) -> Path | None:
    try:
        from jupyter_server.serverapp import list_running_servers
    except ImportError:
        return None
    for server in list_running_servers():
        url = str(server.get("url", "")).rstrip("/") + "/api/sessions"
        if not url.startswith(("http://", "https://")):
            continue
        request = urllib.request.Request(
            url, headers={"Authorization": f"token {server.get('token', '')}"}
        )
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                sessions = json.load(response)
        except (OSError, ValueError):
            continue
        for session in sessions if isinstance(sessions, list) else []:
            if (session.get("kernel") or {}).get("id") != kernel_id:
                continue
            relative = session.get("path") or (session.get("notebook") or {}).get("path")
            root = server.get("root_dir") or server.get("notebook_dir") or ""
            if isinstance(relative, str) and relative:
                path = Path(str(root)) / relative
                if path.is_file():
                    return path
    return None


def _guess_from_folder(folder: Path) -> Found:
    notebooks = sorted(
        (p for p in folder.glob("*.ipynb") if p.is_file()),
        key=lambda p: p.stat().st_mtime,
        reverse=True,
    )
    hint = "Pass the path to be sure: %nbcoach path/to/notebook.ipynb"
    if not notebooks:
        return Found(
            None,
            f"nbcoach: this kernel does not say which notebook it runs, and {folder} holds no "
            f"notebook. {hint}",
            "guess",
        )
    if len(notebooks) == 1:
        return Found(
            notebooks[0],
            "guessed: the kernel does not say which notebook it runs; it is the only notebook "
            f"in {folder}. {hint}",
            "guess",
        )
    return Found(
        notebooks[0],
        f"guessed: the kernel does not say which notebook it runs; of the {len(notebooks)} "
        f"notebooks in {folder} this is the one saved last. {hint}",
        "guess",
    )
