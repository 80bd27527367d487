"""How JupyterLab finds `nbcoach server`: jupyter-lsp's own manager (the real code JupyterLab
runs) finds it through the entry point, and `nbcoach init --jupyterlab` writes a setting that
jupyter-lsp's schema accepts, without ever replacing a file that is not nbcoach's."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from nbcoach.integrations.jupyterlab import SETTING_FILE, write_server_setting
from support import run_cli_ok


def test_jupyter_lsp_finds_nbcoach_server_by_its_entry_point() -> None:
    manager_module = pytest.importorskip("jupyter_lsp.manager")
    manager = manager_module.LanguageServerManager()
    manager.init_language_servers()
    spec = manager.language_servers["nbcoach"]  # found, installed, and valid by its schema
    assert spec["argv"] == [sys.executable, "-m", "nbcoach", "server"]
    assert spec["requires_documents_on_disk"] is False
    assert "python" in spec["languages"]


def test_init_writes_the_setting_jupyter_lsp_accepts(tmp_path: Path) -> None:
    schema = pytest.importorskip("jupyter_lsp.schema")
    project, config = tmp_path / "project", tmp_path / "config"
    project.mkdir()
    command = ["init", "--no-baseline", "--jupyterlab", "--jupyter-config-dir", str(config)]
    result = run_cli_ok(*command, str(project))
    setting = config / SETTING_FILE
    assert f"created     {setting}" in result.stdout
    servers = json.loads(setting.read_text())["LanguageServerManager"]["language_servers"]
    assert not list(schema.LANGUAGE_SERVER_SPEC_MAP.iter_errors(servers))
    again = run_cli_ok(*command, str(project))
    assert f"unchanged   {setting}" in again.stdout


def test_a_setting_file_that_is_not_ours_is_kept(tmp_path: Path) -> None:
    target = tmp_path / SETTING_FILE
    target.parent.mkdir(parents=True)
    theirs = '{"LanguageServerManager": {"language_servers": {"pylsp": {}}}}\n'
    target.write_text(theirs)
    assert write_server_setting(tmp_path) == (target, "kept")
    assert target.read_text() == theirs
    assert write_server_setting(tmp_path, force=True) == (target, "updated")
    assert "nbcoach" in target.read_text()
