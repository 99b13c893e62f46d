"""Fixtures for the web UI tests: the application on a real HTTP server, and a real
browser (Debian's Chromium driven by Playwright) with screenshot and accessibility helpers.

Tests that use the browser run on SQLite only; the other tests here run on both backends.
"""

from __future__ import annotations

import asyncio
import os
import re
import socket
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page, ViewportSize, sync_playwright

from markhive.app import create_app
from markhive.context import Context
from markhive.settings import Settings
from tests.serverproc import REPO, wait_healthy

REQUIRE_BROWSER = os.environ.get("MARKHIVE_TEST_REQUIRE_BROWSER") == "1"

# Debian's package (scripts/system-deps.sh installs it); Playwright's own browser download
# (`playwright install`) does not work here.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # we run as root
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # without these Chromium keeps trying to reach Google's services on a closed network
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Even so it looks up accounts.google.com: resolve nothing but the test servers' names,
    # so that no DNS query leaves and a page asking for another host fails at once.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
PHONE: ViewportSize = {"width": 390, "height": 844}
ACTION_TIMEOUT_MS = 15_000
STARTUP_SECONDS = 30.0


# --- browser tests run on SQLite only ----------------------------------------------------


def _parametrizes(metafunc: pytest.Metafunc, argname: str) -> bool:
    for mark in metafunc.definition.iter_markers("parametrize"):
        names = mark.args[0] if mark.args else mark.kwargs.get("argnames", ())
        if isinstance(names, str):
            names = [name.strip() for name in names.split(",")]
        if argname in names:
            return True
    return False


@pytest.hookimpl(tryfirst=True)
def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    # A parametrize mark on the test takes precedence over the parametrised `backend`
    # fixture of tests/conftest.py, so a browser test gets [sqlite] and no [postgres].
    uses = metafunc.fixturenames
    if "browser" in uses and "backend" in uses and not _parametrizes(metafunc, "backend"):
        metafunc.definition.add_marker(
            pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
        )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:  # all of the session's items: select with -m browser / not browser
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


# --- the application on a real HTTP server -----------------------------------------------


@pytest.fixture
def live_server(settings: Settings, ctx: Context) -> Iterator[str]:
    """The application, built on the test's ``settings`` and ``ctx``, served by uvicorn in a
    thread on 127.0.0.1; yields its base URL (no trailing slash)."""
    app = create_app(settings, ctx)  # its lifespan closes ctx at shutdown, as `client` does
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))  # bound here and handed over: no race for the port
    url = f"http://127.0.0.1:{sock.getsockname()[1]}"
    config = uvicorn.Config(
        app, lifespan="on", log_level="warning", access_log=False, timeout_graceful_shutdown=5
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(
        target=server.run, kwargs={"sockets": [sock]}, name="live-server", daemon=True
    )
    thread.start()
    try:
        wait_healthy(url, STARTUP_SECONDS, lambda: _stopped(thread))
        yield url
    finally:
        server.should_exit = True
        thread.join(10)
        if thread.is_alive():
            server.force_exit = True
            thread.join(5)
        sock.close()
    assert not thread.is_alive(), "the live server did not stop"


def _stopped(thread: threading.Thread) -> str | None:
    if thread.is_alive():
        return None
    return "the live server stopped while starting (see the captured log)"


# --- the browser ------------------------------------------------------------------------


@pytest.fixture(scope="session")
def worker_browser() -> Iterator[tuple[Browser, asyncio.AbstractEventLoop]]:
    """The one Chromium of this test process (one per xdist worker) and Playwright's loop."""
    if not os.access(CHROMIUM, os.X_OK):
        if REQUIRE_BROWSER:
            pytest.fail(
                f"Chromium is not installed at {CHROMIUM} (run `make test`, which installs it)"
            )
        pytest.skip(f"Chromium is not installed at {CHROMIUM}")
    playwright = sync_playwright().start()
    # Playwright's sync API leaves its event loop marked as running in this thread between
    # its calls, so asyncio.run() (tests/clients) would fail for the rest of the process.
    # It is marked only while a test uses the browser (the `browser` fixture).
    loop = asyncio.get_running_loop()
    try:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
    except BaseException:
        playwright.stop()
        raise
    try:
        with _released(loop):
            yield browser, loop
    finally:
        try:
            browser.close()
        finally:
            playwright.stop()


@contextmanager
def _released(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    asyncio._set_running_loop(None)
    try:
        yield
    finally:
        asyncio._set_running_loop(loop)


@contextmanager
def _marked_running(loop: asyncio.AbstractEventLoop) -> Iterator[None]:
    asyncio._set_running_loop(loop)
    try:
        yield
    finally:
        asyncio._set_running_loop(None)


@pytest.fixture
def browser(
    worker_browser: tuple[Browser, asyncio.AbstractEventLoop],
) -> Iterator[Browser]:
    """This process's Chromium, usable for the duration of the test."""
    chromium, loop = worker_browser
    with _marked_running(loop):
        yield chromium


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A page in a fresh browser context (no cookies, no storage), 1280x800."""
    context = browser.new_context(viewport=DESKTOP)
    context.set_default_timeout(ACTION_TIMEOUT_MS)
    try:
        yield context.new_page()
    finally:
        context.close()


# --- screenshots ------------------------------------------------------------------------


def screenshot_dir() -> Path:
    configured = os.environ.get("MARKHIVE_SCREENSHOTS")
    return Path(configured) if configured else REPO / ".artifacts" / "screenshots"


def take_screenshots(page: Page, name: str) -> list[Path]:
    """Full-page PNGs of ``page`` at desktop width (1280) and phone width (390x844):
    ``NAME-desktop.png`` and ``NAME-phone.png`` in ``screenshot_dir()``."""
    directory = screenshot_dir()
    directory.mkdir(parents=True, exist_ok=True)
    stem = re.sub(r"[^A-Za-z0-9._-]+", "-", name).strip("-") or "page"
    original = page.viewport_size
    paths = []
    try:
        for label, size in (("desktop", DESKTOP), ("phone", PHONE)):
            page.set_viewport_size(size)
            path = directory / f"{stem}-{label}.png"
            page.screenshot(path=path, full_page=True, animations="disabled")
            paths.append(path)
    finally:
        if original is not None:
            page.set_viewport_size(original)
    return paths


@pytest.fixture
def screenshot() -> Callable[[Page, str], list[Path]]:
    return take_screenshots


# --- accessibility ----------------------------------------------------------------------

# axe-core as shipped inside axe-playwright-python (axe.min.js), injected into the page:
# nothing is fetched.
AXE = Axe()
FAILING_IMPACTS = ("serious", "critical")


def accessibility_violations(page: Page) -> list[dict[str, object]]:
    """axe-core's violations on the page as it is now, of every impact."""
    violations: list[dict[str, object]] = AXE.run(page).response["violations"]
    return violations


def check_accessibility(page: Page) -> None:
    """Fails the test listing every serious or critical axe-core violation on the page."""
    failing = [v for v in accessibility_violations(page) if v["impact"] in FAILING_IMPACTS]
    if not failing:
        return
    lines = [f"{len(failing)} serious or critical accessibility violation(s) on {page.url}:"]
    for violation in failing:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']}")
        for node in violation["nodes"]:  # type: ignore[attr-defined]
            target = " ".join(str(part) for part in node["target"])
            lines.append(f"    {target}: {node['html'][:200]}")
    pytest.fail("\n".join(lines), pytrace=False)


@pytest.fixture(name="check_accessibility")
def check_accessibility_fixture() -> Callable[[Page], None]:
    return check_accessibility
