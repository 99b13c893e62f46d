"""A person's whole visit in a real browser (Debian's Chromium through Playwright): sign in,
add a bookmark through the form, find it, edit it, bulk-tag and move a selection, use the
keyboard; every main page passes axe-core in both themes and is photographed at desktop
and phone widths."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import Page, expect

from markhive.bookmarks import service as bookmarks
from markhive.context import Context
from markhive.folders import service as folders
from markhive.tags import repository as tag_rows
from markhive.users import repository as users

Shots = Callable[[Page, str], list[Path]]


def _sign_in(page: Page, live_server: str) -> None:
    page.goto(f"{live_server}/bookmarks")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("password123")
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(f"{live_server}/bookmarks")


def test_sign_in_add_find_edit_bulk_and_move(
    live_server: str, page: Page, ctx: Context, alice, pages, check_accessibility, screenshot: Shots
) -> None:
    url = pages.page(
        "/article",
        "<html><head><title>Fetched title</title>"
        '<meta name="description" content="Fetched description"></head><body>x</body></html>',
    )
    with ctx.db.unit() as session:
        folder = folders.create(session, alice.id, "Reading list")
        for i in range(3):
            bookmarks.create(
                session,
                alice.id,
                {"url": f"https://other{i}.example/", "title": f"Other {i}"},
                merge=False,
            )
    _sign_in(page, live_server)

    # Add through the form: the URL check fills the empty title and description.
    page.get_by_role("link", name="Add", exact=True).click()
    page.get_by_label("URL").fill(url)
    page.get_by_label("URL").press("Tab")
    expect(page.get_by_label("Title")).to_have_value("Fetched title")
    expect(page.get_by_label("Description")).to_have_value("Fetched description")
    page.get_by_label("Tags").fill("reading python")
    page.get_by_label("Favourite").check()
    page.get_by_label("Notes").fill("Read **slowly**")
    check_accessibility(page)
    screenshot(page, "bookmark-form")
    page.get_by_role("button", name="Add bookmark").click()
    expect(page).to_have_url(f"{live_server}/bookmarks")

    # Find it with a search.
    page.get_by_label("Search", exact=True).fill("#python fetched")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 bookmark")
    expect(page.get_by_role("link", name="Fetched title")).to_be_visible()

    # Edit it.
    page.get_by_role("link", name="Edit").click()
    page.get_by_label("Title").fill("Edited title")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("link", name="Edited title")).to_be_visible()
    expect(page).to_have_url(re.compile(r"q=%23python"))  # back to the same search

    # Bulk: tag two bookmarks, then move them into the folder.
    page.goto(f"{live_server}/bookmarks")
    page.get_by_label("Select Edited title").check()
    page.get_by_label("Select Other 1").check()
    page.get_by_label("Action", exact=True).select_option("add_tags")
    page.get_by_label("Tags for the action").fill("picked")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    page.get_by_label("Select Edited title").check()
    page.get_by_label("Select Other 1").check()
    page.get_by_label("Action", exact=True).select_option("move")
    page.get_by_label("Folder for the action").select_option(label="Reading list")
    with page.expect_navigation():
        page.get_by_role("button", name="Apply").click()
    page.get_by_role("link", name="Reading list").click()
    expect(page.get_by_role("status")).to_have_text("2 bookmarks")

    with ctx.db.unit(write=False) as session:
        found = bookmarks.find_by_url(session, alice.id, url)
        assert found is not None
        assert (found.title, found.is_favorite, found.folder_id) == (
            "Edited title",
            True,
            folder.id,
        )
        assert found.notes == "Read **slowly**"
        names = tag_rows.names_for(session, [found.id])[found.id]
        assert names == ["picked", "python", "reading"]

    # The notes render as Markdown; the page passes axe.
    page.get_by_text("Notes").first.click()
    expect(page.locator(".markdown strong")).to_have_text("slowly")
    check_accessibility(page)


def test_keyboard_only(live_server: str, page: Page, ctx: Context, alice) -> None:
    with ctx.db.unit() as session:
        for i in range(3):
            bookmarks.create(
                session,
                alice.id,
                {"url": f"https://k{i}.example/", "title": f"Key {i}"},
                merge=False,
            )
    _sign_in(page, live_server)
    page.keyboard.press("/")
    expect(page.get_by_label("Search", exact=True)).to_be_focused()
    page.keyboard.press("Escape")
    page.keyboard.press("j")
    expect(page.get_by_role("link", name="Key 2")).to_be_focused()
    page.keyboard.press("j")
    expect(page.get_by_role("link", name="Key 1")).to_be_focused()
    page.keyboard.press("k")
    expect(page.get_by_role("link", name="Key 2")).to_be_focused()
    page.keyboard.press("e")
    expect(page).to_have_url(re.compile(r"/bookmarks/\d+/edit"))
    expect(page.get_by_label("Title")).to_have_value("Key 2")
    # On a list page, the skip link is the first stop of the Tab key.
    page.goto(f"{live_server}/bookmarks")
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Skip to content")).to_be_focused()


def test_main_pages_are_accessible_in_both_themes(
    live_server: str, page: Page, ctx: Context, alice, check_accessibility, screenshot: Shots
) -> None:
    with ctx.db.unit() as session:
        folder = folders.create(session, alice.id, "Work")
        folders.create(session, alice.id, "Inside", parent_id=folder.id)  # a tree toggle
        bookmarks.create(
            session,
            alice.id,
            {
                "url": "https://a.example/",
                "title": "A page",
                "description": "Described",
                "unread": True,
                "tag_names": ["x", "y"],
                "folder_id": folder.id,
                "notes": "n",
                "rating": 3,
            },
            merge=False,
        )
    page.goto(f"{live_server}/login")
    check_accessibility(page)
    screenshot(page, "login")
    _sign_in(page, live_server)
    for theme in ("light", "dark"):
        with ctx.db.unit() as session:
            user = users.get(session, alice.id)
            assert user is not None
            user.profile = {**(user.profile or {}), "theme": theme, "enable_favicons": True}
        for path, name in (
            ("/bookmarks", "bookmarks"),
            ("/bookmarks/new", "add"),
            ("/bookmarks/archived", "archived"),
            ("/settings/password", "password"),
        ):
            page.goto(f"{live_server}{path}")
            expect(page.locator("html")).to_have_attribute("data-theme", theme)
            check_accessibility(page)
            screenshot(page, f"{name}-{theme}")
