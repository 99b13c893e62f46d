"""The rest of a person's visit in a real browser: create an API key and use it, revoke it;
import a bookmark file and export the account; open the folder tree; share a folder and
read it signed out."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

from playwright.sync_api import Browser, Dialog, Page, expect

from markhive.context import Context
from markhive.folders import service as folders
from tests.web.conftest import DESKTOP
from tests.web.test_browser_flow import _sign_in

BOOKMARK_FILE = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
    <DT><H3 ADD_DATE="1700000000">Travel</H3>
    <DL><p>
        <DT><H3 ADD_DATE="1700000000">Maps</H3>
        <DL><p>
            <DT><A HREF="https://maps.example/alps" ADD_DATE="1700000100" TAGS="hiking">Alps map</A>
        </DL><p>
        <DT><A HREF="https://trains.example/" ADD_DATE="1700000200" TAGS="rail">Night trains</A>
        <DD>Sleeper routes
    </DL><p>
    <DT><A HREF="https://private.example/" ADD_DATE="1700000300">Private note</A>
</DL><p>
"""


def _api_status(live_server: str, key: str) -> int:
    """The status of a linkding API call made with ``key``, as a client program would."""
    request = urllib.request.Request(
        f"{live_server}/api/bookmarks/", headers={"Authorization": f"Token {key}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            json.load(response)
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def _accept(dialog: Dialog) -> None:
    dialog.accept()


def test_keys_import_export_tree_and_a_shared_folder(
    live_server: str, page: Page, browser: Browser, ctx: Context, alice, tmp_path: Path
) -> None:
    page.on("dialog", _accept)  # the "are you sure?" of revoking and sharing
    _sign_in(page, live_server)

    # Create a key: its secret is shown once and works against the API; revoked, it fails.
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("link", name="API keys").first.click()
    page.get_by_label("Name").fill("laptop script")
    page.get_by_role("button", name="Create key").click()
    secret = page.get_by_label("The new API key").input_value()
    assert secret.startswith("lgg_")
    assert _api_status(live_server, secret) == 200
    page.goto(f"{live_server}/settings/keys")
    expect(page.get_by_label("The new API key")).to_have_count(0)  # shown only that once
    page.get_by_role("button", name="Revoke the key laptop script").click()
    expect(page.get_by_role("status")).to_contain_text("revoked")
    assert _api_status(live_server, secret) == 401

    # Import a file: the report says what happened and the folders arrive.
    page.get_by_role("link", name="Import and export").first.click()
    page.get_by_label("Bookmark file").set_input_files(
        files=[{"name": "bookmarks.html", "mimeType": "text/html", "buffer": BOOKMARK_FILE}]
    )
    page.get_by_role("button", name="Import").click()
    report = page.get_by_role("status")
    expect(report.get_by_role("row", name="New bookmarks")).to_contain_text("3")
    expect(report.get_by_role("row", name="Folders created")).to_contain_text("2")

    # Export it again: the download holds what was imported.
    with page.expect_download() as download:
        page.get_by_role("link", name="Netscape HTML").click()
    exported = tmp_path / "export.html"
    download.value.save_as(exported)
    text = exported.read_text(encoding="utf-8")
    for url in ("https://maps.example/alps", "https://trains.example/", "https://private.example/"):
        assert f'HREF="{url}"' in text
    assert re.search(r"<H3[^>]*>Maps</H3>", text)

    # The folder tree: Travel's toggle shows and hides Maps without leaving the page.
    page.goto(f"{live_server}/bookmarks")
    side = page.get_by_role("complementary", name="Filters")
    toggle = side.get_by_role("button", name="Subfolders of Travel")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(side.get_by_role("link", name="Maps")).to_have_count(0)
    toggle.click()
    expect(side.get_by_role("link", name="Maps")).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    toggle.click()
    expect(side.get_by_role("link", name="Maps")).to_be_hidden()
    toggle.click()
    side.get_by_role("link", name="Maps").click()
    expect(page.get_by_role("status")).to_have_text("1 bookmark")
    expect(page.get_by_role("link", name="Alps map")).to_be_visible()

    # Share Travel publicly, then read it signed out, in a browser with no cookies.
    page.goto(f"{live_server}/folders")
    page.get_by_role("button", name="Share publicly Travel", exact=True).click()
    link = page.locator('a[href^="/public/folders/"]')
    expect(link).to_have_count(1)
    address = live_server + (link.get_attribute("href") or "")
    with ctx.db.unit(write=False) as session:
        travel = next(f for f in folders.list_folders(session, alice.id) if f.path == "Travel")
        assert travel.is_public
    stranger = browser.new_context(viewport=DESKTOP)
    try:
        public = stranger.new_page()
        public.goto(address)
        expect(public.get_by_role("heading", level=1)).to_have_text("Travel")
        expect(public.get_by_role("link", name="Night trains")).to_be_visible()
        expect(public.get_by_text("Private note")).to_have_count(0)
        expect(public.get_by_role("link", name="Sign in")).to_be_visible()
        public.goto(f"{live_server}/bookmarks")  # nothing else is open to them
        expect(public).to_have_url(re.compile(r"/login\?next="))
    finally:
        stranger.close()
