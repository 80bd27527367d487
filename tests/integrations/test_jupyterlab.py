"""JupyterLab with jupyterlab-lsp, from the package index, starting `nbcoach server` from the
setting `nbcoach init --jupyterlab` writes, driven in headless Chromium: a newcomer opens
examples/newcomer.ipynb and, without typing anything, sees the 341-line function underlined in
its cell with its message on hover, the notebook's grade on the first code cell, and the
"Move to module" note on `parse_date`; then types a line, unsaved, and sees what it does to the
whole notebook. Screenshots go to the test's folder (and to
$NBCOACH_SCREENSHOTS when set, for a review by eye)."""

from __future__ import annotations

import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from browser import CHROMIUM_ARGS, chromium_path, is_blank
from nbcoach.analysis.review import ReviewOptions, review
from support import EXAMPLES

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    pytest.importorskip("jupyterlab")
    pytest.importorskip("jupyter_lsp")
    pytest.importorskip("pygls")
    root = tmp_path_factory.mktemp("jupyterlab")
    project = root / "project"
    shutil.copytree(EXAMPLES, project)
    config = root / "config"
    init = subprocess.run(
        [
            sys.executable,
            "-m",
            "nbcoach",
            "init",
            "--no-baseline",
            "--jupyterlab",
            "--jupyter-config-dir",
            str(config),
            str(project),
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    assert init.returncode == 0, init.stderr
    assert (config / "jupyter_server_config.d" / "nbcoach.json").is_file()
    settings = root / "settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)  # no "official Jupyter news?" popup over the cells
    (settings / "notification.jupyterlab-settings").write_text('{"fetchNews": "false"}')
    port = _free_port()
    environment = {
        **os.environ,
        "JUPYTER_CONFIG_DIR": str(config),
        "JUPYTER_DATA_DIR": str(root / "data"),
        "JUPYTER_RUNTIME_DIR": str(root / "runtime"),
    }
    log = (root / "lab.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "jupyterlab",
            "--no-browser",
            "--allow-root",
            f"--port={port}",
            "--IdentityProvider.token=",
            "--ServerApp.password=",
            f"--ServerApp.root_dir={project}",
            f"--LabApp.user_settings_dir={root / 'settings'}",
            f"--LabApp.workspaces_dir={root / 'workspaces'}",
        ],
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        status = _wait_for(f"{url}/lsp/status", server, root / "lab.log")
        assert "nbcoach" in status["sessions"], status
        yield url, root
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _wait_for(url: str, server: subprocess.Popen[bytes], log: Path) -> dict[str, object]:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"jupyter lab stopped: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return dict(json.loads(response.read()))
        except OSError:
            time.sleep(0.5)
    pytest.fail(f"jupyter lab did not answer in 90 s: {log.read_text()[-2000:]}")


def _tooltip_of(page: object, css: str, text: str | re.Pattern[str], shot: Path) -> str:
    """Hover the underlined range holding `text` and read the tooltip that opens."""
    locator = page.locator(css, has_text=text).first  # type: ignore[attr-defined]
    locator.scroll_into_view_if_needed()
    page.wait_for_timeout(500)  # type: ignore[attr-defined]
    page.mouse.move(0, 0)  # type: ignore[attr-defined]
    locator = page.locator(css, has_text=text).first  # type: ignore[attr-defined]
    locator.hover(position={"x": 30, "y": 5})
    tooltip = page.locator(".cm-tooltip-hover").first  # type: ignore[attr-defined]
    tooltip.wait_for(state="visible", timeout=10_000)
    page.screenshot(path=str(shot))  # type: ignore[attr-defined]
    return str(tooltip.inner_text())


def test_a_newcomer_sees_the_coaching_in_jupyterlab_without_typing(
    lab: tuple[str, Path],
) -> None:
    from playwright.sync_api import sync_playwright

    url, root = lab
    shots = root / "screenshots"
    shots.mkdir()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(f"{url}/lab/tree/newcomer.ipynb")
            page.wait_for_selector(".cm-lintRange", timeout=90_000)
            page.wait_for_timeout(1000)

            giant = _tooltip_of(
                page, ".cm-lintRange-error", "def analyse_customers", shots / "long-function.png"
            )
            assert "`analyse_customers` is 341 lines long (limit 50)" in giant
            assert "Split it:" in giant  # the why and how to fix

            move = _tooltip_of(
                page, ".cm-lintRange-info", "def parse_date", shots / "move-to-module.png"
            )
            assert "Move to module: `parse_date` can move to a module as it is" in move
            assert "nbcoach extract newcomer.ipynb -f parse_date" in move

            grade = _tooltip_of(page, ".cm-lintRange-info", "import csv", shots / "grade.png")
            card = review([str(EXAMPLES / "newcomer.ipynb")], ReviewOptions(use_cache=False))
            score = card.cards[0].score  # the report's own grade, an F
            assert (
                f"nbcoach: grade F ({score:.1f}/100). Next step: Split `analyse_customers`" in grade
            )

            # typed, not saved: a second parse_date in the first code cell is a redefinition
            # the whole notebook has to be read again to see
            editor = page.locator(".jp-Cell .cm-content", has_text="import csv").first
            editor.click()
            page.keyboard.press("Control+End")
            # as pasted: the Enter key would indent the new line into the `if` above it
            page.keyboard.insert_text("\ndef parse_date(text): return text")
            typed = _tooltip_of(
                page, ".cm-lintRange", "def parse_date(text): return text", shots / "typed.png"
            )
            assert "`parse_date` can move to a module as it is" in typed  # graded unsaved
            expected = "function `parse_date` is defined 2 times (cells 2, 4)"
            redefined = ""
            for _ in range(10):  # the earlier definition in cell 4 now carries the finding
                redefined = _tooltip_of(
                    page,
                    ".cm-lintRange-warning",
                    re.compile(r"^def parse_date\(text\):$"),
                    shots / "redefined.png",
                )
                if expected in redefined:
                    break
                page.wait_for_timeout(500)
            assert expected in redefined
        finally:
            browser.close()
    for shot in shots.iterdir():
        assert not is_blank(shot)
    keep = os.environ.get("NBCOACH_SCREENSHOTS")
    if keep:
        shutil.copytree(shots, keep, dirs_exist_ok=True)
    # jupyter-lsp was told nbcoach needs no copy of unsaved cells on disk: none was written
    assert not (root / "project" / ".virtual_documents").exists()
