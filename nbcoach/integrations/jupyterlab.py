"""`nbcoach server` in JupyterLab, through jupyterlab-lsp (jupyter-lsp on the server side).

Two ways in, both real jupyter-lsp mechanisms:
- `spec`: a `jupyter_lsp_spec_v1` entry point (pyproject.toml). jupyter-lsp looks these up when
  it starts, so where nbcoach[server] is installed in the same environment as JupyterLab the
  server is found with no setting at all.
- `write_server_setting` (`nbcoach init --jupyterlab`): a `jupyter_server_config.d/nbcoach.json`
  in a Jupyter configuration folder (the user's, by default), naming this interpreter. That is
  for JupyterLab installed elsewhere (a pipx or conda JupyterLab, a shared one): the setting
  starts nbcoach from the environment it was installed in.

jupyter-lsp is never imported here: the entry point must load without it (and nbcoach without
JupyterLab).
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from nbcoach import __version__
from nbcoach.core.files import stamp_of, write_atomic

KEY = "nbcoach"
SETTING_FILE = Path("jupyter_server_config.d") / "nbcoach.json"


def server_spec(python: str = sys.executable) -> dict[str, Any]:
    """The language server spec jupyter-lsp validates (its schema's language-server-spec)."""
    return {
        "version": 2,
        "argv": [python, "-m", "nbcoach", "server"],
        "languages": ["python"],
        "mime_types": ["text/python", "text/x-ipython", "text/x-python"],
        "display_name": f"nbcoach {__version__}",
        # nbcoach grades the text it is sent: no copy of unsaved cells on disk is needed
        "requires_documents_on_disk": False,
        "urls": {
            "home": "https://github.com/nbcoach/nbcoach",
            "issues": "https://github.com/nbcoach/nbcoach/issues",
        },
    }


def _installed() -> bool:
    import importlib.util

    return importlib.util.find_spec("pygls") is not None


def spec(manager: object = None) -> dict[str, dict[str, Any]]:
    """The `jupyter_lsp_spec_v1` entry point: nbcoach's spec when the server extra is
    installed, nothing otherwise (jupyter-lsp then lists no broken server)."""
    return {KEY: server_spec()} if _installed() else {}


spec.is_installed = lambda manager=None: _installed()  # type: ignore[attr-defined]


def default_config_dir() -> Path:
    """Jupyter's user configuration folder, as `jupyter --config-dir` prints it."""
    configured = os.environ.get("JUPYTER_CONFIG_DIR")
    return Path(configured) if configured else Path.home() / ".jupyter"


def server_setting(python: str = sys.executable) -> str:
    document = {"LanguageServerManager": {"language_servers": {KEY: server_spec(python)}}}
    return json.dumps(document, indent=2) + "\n"


def write_server_setting(config_dir: Path, force: bool = False) -> tuple[Path, str]:
    """Write the setting; (its path, "created" | "updated" | "unchanged" | "kept"). A file that
    is not ours (no nbcoach spec in it) is kept unless forced."""
    target = config_dir / SETTING_FILE
    text = server_setting()
    stamp = stamp_of(target)
    if stamp is not None:
        old = target.read_text(encoding="utf-8")
        if old == text:
            return target, "unchanged"
        try:
            ours = KEY in json.loads(old)["LanguageServerManager"]["language_servers"]
        except (ValueError, KeyError, TypeError):
            ours = False
        if not ours and not force:
            return target, "kept"
        write_atomic(target, text, unchanged_since=stamp)
        return target, "updated"
    target.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(target, text, unchanged_since=None)
    return target, "created"
