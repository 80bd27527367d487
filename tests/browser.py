"""Open a local HTML file in real headless Chromium and report what a user would see.

Uses the system's chromium (Debian's package; `.ci/run` installs it) through playwright, which
never downloads a browser of its own. Without chromium the test is skipped with the reason, unless
NBCOACH_REQUIRE_BROWSER=1 (set by CI), where a missing browser is a failure.
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    found = (
        os.environ.get("NBCOACH_CHROMIUM")
        or shutil.which("chromium")
        or shutil.which("chromium-browser")
    )
    if not found:
        message = "headless Chromium is not installed (apt-get install chromium)"
        if os.environ.get("NBCOACH_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    return found


@dataclass
class PageVisit:
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    screenshot: Path | None = None
    evaluated: Any = None


def visit(
    html: Path, screenshot: Path, script: str | None = None, width: int = 1280, height: int = 900
) -> PageVisit:
    """Load `html` from a file URL, wait for it to settle, screenshot it, optionally evaluate JS."""
    from playwright.sync_api import sync_playwright

    result = PageVisit()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": width, "height": height})
            page.on(
                "console",
                lambda m: result.console_errors.append(m.text) if m.type == "error" else None,
            )
            page.on("pageerror", lambda e: result.page_errors.append(str(e)))
            page.on("requestfailed", lambda r: result.failed_requests.append(r.url))
            page.goto(html.resolve().as_uri(), wait_until="load")
            page.wait_for_timeout(300)
            if script is not None:
                result.evaluated = page.evaluate(script)
            page.screenshot(path=str(screenshot), full_page=True)
            result.screenshot = screenshot
        finally:
            browser.close()
    return result


def is_blank(png: Path) -> bool:
    """True when every pixel of the screenshot has the same colour."""
    from PIL import Image

    with Image.open(png) as image:
        return all(low == high for low, high in image.convert("RGB").getextrema())
