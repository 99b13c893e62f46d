"""The browser test infrastructure itself: the live server in Chromium, the accessibility
check (passing and failing), screenshots, and the rest of the suite beside the browser."""

from __future__ import annotations

import asyncio
import json
import struct
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import Browser, Page

from markhive import LINKDING_API_VERSION
from tests.fetch.pageserver import PageServer
from tests.web.conftest import accessibility_violations, screenshot_dir

ACCESSIBLE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Search</title></head>
<body>
<main>
<h1>Search bookmarks</h1>
<form role="search">
<label for="q">Words</label> <input id="q" name="q" type="search">
<button type="submit">Search</button>
</form>
</main>
</body>
</html>
"""

INACCESSIBLE = """<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><title>Broken</title></head>
<body>
<main>
<h1>Broken</h1>
<img src="/pixel.png">
<input id="q" name="q" type="text">
</main>
</body>
</html>
"""


def test_live_server_health_in_the_browser(live_server: str, page: Page) -> None:
    response = page.goto(f"{live_server}/health")
    assert response is not None and response.status == 200
    assert response.headers["content-type"].startswith("application/json")
    shown = json.loads(page.locator("pre").first.inner_text())
    assert shown == {"version": LINKDING_API_VERSION, "status": "healthy"}


def test_browser_tests_run_on_sqlite_only(backend: str, page: Page) -> None:
    assert backend == "sqlite"


def test_live_server_without_the_browser(backend: str, live_server: str) -> None:
    """Plain HTTP tests against the live server run on both backends."""
    response = httpx.get(f"{live_server}/health", timeout=10.0)
    assert response.status_code == 200, response.text
    assert response.json()["status"] == "healthy"


def test_accessible_page_passes(
    pages: PageServer, page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    # Served with a strict Content-Security-Policy: axe is injected all the same.
    csp = "default-src 'none'; form-action 'self'"
    pages.page(
        "/ok", ACCESSIBLE, headers={"Content-Type": "text/html", "Content-Security-Policy": csp}
    )
    page.goto(pages.url("/ok"))
    check_accessibility(page)


def test_accessibility_check_reports_violations(
    pages: PageServer, page: Page, check_accessibility: Callable[[Page], None]
) -> None:
    page.goto(pages.page("/broken", INACCESSIBLE))
    ids = {str(v["id"]) for v in accessibility_violations(page)}
    assert {"image-alt", "label"} <= ids
    with pytest.raises(pytest.fail.Exception) as failure:
        check_accessibility(page)
    report = str(failure.value)
    assert "2 serious or critical accessibility violation(s)" in report
    assert "- image-alt (critical): Images must have alternative text" in report
    assert "- label (critical): Form elements must have labels" in report
    assert '    img: <img src="/pixel.png">' in report
    assert "    #q: " in report


def test_screenshots_at_desktop_and_phone_width(
    pages: PageServer,
    page: Page,
    screenshot: Callable[[Page, str], list[Path]],
) -> None:
    page.goto(pages.page("/ok", ACCESSIBLE))
    for stale in screenshot_dir().glob("smoke-*.png"):
        stale.unlink()
    paths = screenshot(page, "smoke")
    assert [p.name for p in paths] == ["smoke-desktop.png", "smoke-phone.png"]
    widths = []
    for path in paths:
        data = path.read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n")
        widths.append(struct.unpack(">I", data[16:20])[0])  # IHDR width
    assert widths == [1280, 390]
    assert page.viewport_size == {"width": 1280, "height": 800}  # put back


def test_asyncio_beside_the_browser(worker_browser: tuple[Browser, object]) -> None:
    """Between browser tests, Playwright's loop is not left marked as running in this
    process, so tests that call asyncio.run() (tests/clients) work on the same worker."""
    assert asyncio.run(asyncio.sleep(0, result="ran")) == "ran"
