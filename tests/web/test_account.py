"""The settings pages: profile, plan and usage, feeds, bookmarklet, API keys, import and
export."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import Page, expect

from markhive.bookmarks.models import Bookmark
from markhive.context import Context
from markhive.users import repository as users
from markhive.users import service as user_service
from markhive.users.profile import effective
from tests.conftest import Account
from tests.web.pages import post, sign_in

SETTINGS = {
    "theme": "dark",
    "bookmark_date_display": "absolute",
    "bookmark_link_target": "_self",
    "web_archive_integration": "enabled",
    "tag_search": "lax",
    "enable_sharing": "on",
    "enable_public_sharing": "on",
    "display_url": "on",
}

FILE = b"""<!DOCTYPE NETSCAPE-Bookmark-file-1>
<TITLE>Bookmarks</TITLE>
<DL><p>
<DT><A HREF="https://example.com/one" PRIVATE="0">One &lt;b&gt;bold&lt;/b&gt;</A>
<DT><A HREF="javascript:alert(1)//&lt;script&gt;">Script</A>
<DT><H3>Reading</H3>
<DL><p>
<DT><A HREF="https://example.com/two" TAGS="a,b">Two</A>
</DL><p>
</DL><p>
"""


def profile_of(ctx: Context, user_id: int) -> dict[str, Any]:
    with ctx.db.unit() as session:
        user = users.get(session, user_id)
        assert user is not None
        return dict(user.profile or {})


def bookmark_urls(ctx: Context, user_id: int) -> set[str]:
    with ctx.db.unit() as session:
        rows = session.query(Bookmark.url, Bookmark.shared).filter(Bookmark.user_id == user_id)
        return {url for url, _ in rows}


def keys_of(ctx: Context, user_id: int) -> list[tuple[str, bool]]:
    with ctx.db.unit() as session:
        return [(k.name, k.revoked_at is None) for k in users.keys(session, user_id)]


def upload(client: TestClient, csrf: str, body: bytes, **form: str) -> Any:
    return client.post(
        "/settings/import",
        data={"csrf_token": csrf, **form},
        files={"file": ("bookmarks.html", body, "text/html")},
        follow_redirects=False,
    )


def set_plan(ctx: Context, username: str, plan: str) -> None:
    with ctx.db.unit() as session:
        user_service.set_plan(session, username, plan)


# --- profile ----------------------------------------------------------------------------


def test_settings_page_shows_every_profile_field(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    sign_in(client)
    page = client.get("/settings")
    assert page.status_code == 200
    for name in (*SETTINGS, "enable_favicons", "permanent_notes"):
        assert f'name="{name}"' in page.text
    assert '<option value="auto" selected>' in page.text  # the default theme
    assert 'href="/settings/password"' in page.text
    assert "only while sharing is enabled" in page.text


def test_saving_settings_stores_the_profile(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    response = post(client, "/settings", csrf, **SETTINGS)
    assert response.status_code == 303
    assert response.headers["location"] == "/settings?saved"
    stored = effective(profile_of(ctx, alice.id))
    assert stored["theme"] == "dark" and stored["tag_search"] == "lax"
    assert stored["enable_sharing"] is True and stored["enable_public_sharing"] is True
    assert stored["enable_favicons"] is False and stored["permanent_notes"] is False
    page = client.get("/settings?saved")
    assert "Your settings are saved." in page.text
    assert 'data-theme="dark"' in page.text
    assert '<option value="lax" selected>' in page.text


def test_unticked_boxes_turn_flags_off(client: TestClient, ctx: Context, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account("alice", enable_favicons=True, search_preferences={"sort": "title"})
    csrf = sign_in(client)
    form = {name: value for name, value in SETTINGS.items() if value != "on"}
    assert post(client, "/settings", csrf, **form).status_code == 303
    stored = profile_of(ctx, account.id)
    assert stored["enable_favicons"] is False and stored["enable_sharing"] is False
    assert stored["search_preferences"] == {"sort": "title"}  # kept


def test_a_bad_choice_is_a_400_and_saves_nothing(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    response = post(client, "/settings", csrf, **{**SETTINGS, "theme": "<b>neon</b>"})
    assert response.status_code == 400
    assert "Theme:" in response.text and "not a valid choice" in response.text
    assert "<b>neon</b>" not in response.text and "&lt;b&gt;neon" in response.text
    assert profile_of(ctx, alice.id) == {}


def test_public_sharing_without_sharing_is_pointed_out(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    form = {**SETTINGS}
    del form["enable_sharing"]
    assert post(client, "/settings", csrf, **form).status_code == 303
    stored = profile_of(ctx, alice.id)
    assert stored["enable_public_sharing"] is True and stored["enable_sharing"] is False
    assert "nothing is shared publicly" in client.get("/settings").text


def test_settings_without_csrf_are_refused(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    sign_in(client)
    response = client.post("/settings", data=SETTINGS, follow_redirects=False)
    assert response.status_code == 403
    wrong = post(client, "/settings", "not-the-token", **SETTINGS)
    assert wrong.status_code == 403
    assert profile_of(ctx, alice.id) == {}


def test_settings_need_signing_in(client: TestClient, alice: Account) -> None:
    response = client.get("/settings", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/login?next=")


# --- plan, usage, bookmarklet, feeds ----------------------------------------------------


def test_plan_and_todays_usage_per_key(client: TestClient, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account("alice", plan="plus")
    for _ in range(3):
        assert client.get("/api/v1/auth/me", headers=account.auth).status_code == 200
    sign_in(client)
    page = client.get("/settings").text
    assert '<span class="badge">plus</span>' in page
    assert "1 active; the plan allows 3" in page
    assert "3 / 5000" in page


def test_free_plan_has_no_api(client: TestClient, ctx: Context, alice: Account) -> None:
    set_plan(ctx, "alice", "free")
    sign_in(client)
    assert "does not include API access" in client.get("/settings").text


def test_bookmarklet_opens_the_add_form_of_this_site(client: TestClient, alice: Account) -> None:
    sign_in(client)
    page = client.get("/settings").text
    assert (
        'href="javascript:void(window.open(&#34;http://testserver/bookmarks/new?url=&#34;'
        "+encodeURIComponent(location.href)+&#39;&amp;title=&#39;"
        '+encodeURIComponent(document.title)))"'
    ) in page


def test_feed_links_use_a_token_made_on_first_visit(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    sign_in(client)
    page = client.get("/settings").text
    with ctx.db.unit() as session:
        token = user_service.feed_token(session, alice.id).key
    assert len(token) >= 40
    for feed in ("all", "unread", "shared"):
        assert f"http://testserver/feeds/{token}/{feed}" in page
    assert "http://testserver/feeds/public/shared" in page
    client.get("/settings")
    with ctx.db.unit() as session:
        assert user_service.feed_token(session, alice.id).key == token  # the same one


def test_feed_token_reset_replaces_it(client: TestClient, ctx: Context, alice: Account) -> None:
    csrf = sign_in(client)
    client.get("/settings")
    with ctx.db.unit() as session:
        old = user_service.feed_token(session, alice.id).key
    assert (
        post(
            client,
            "/settings/feed-token/reset",
            "wrong",
        ).status_code
        == 403
    )
    with ctx.db.unit() as session:
        assert user_service.feed_token(session, alice.id).key == old
    response = post(client, "/settings/feed-token/reset", csrf)
    assert response.status_code == 303
    with ctx.db.unit() as session:
        new = user_service.feed_token(session, alice.id).key
    assert new != old
    page = client.get(response.headers["location"]).text
    assert new in page and old not in page
    assert "new addresses" in page


# --- API keys ---------------------------------------------------------------------------


def test_keys_page_lists_keys(client: TestClient, alice: Account) -> None:
    sign_in(client)
    page = client.get("/settings/keys")
    assert page.status_code == 200
    assert "<td>test<br>" in page.text
    assert f"lgg_{alice.key[4:12]}" in page.text
    assert alice.key not in page.text  # never the whole secret
    assert "Last used never" in page.text and '<span class="badge">active</span>' in page.text


def test_creating_a_key_shows_the_secret_once(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    response = post(client, "/settings/keys", csrf, name="<script>x</script>")
    assert response.status_code == 200
    assert response.headers["cache-control"] == "no-store"
    assert keys_of(ctx, alice.id) == [("test", True), ("<script>x</script>", True)]
    secret = response.text.split('id="secret" class="secret" value="')[1].split('"')[0]
    assert secret.startswith("lgg_") and len(secret) == 44
    assert "<script>x</script>" not in response.text
    assert "&lt;script&gt;x&lt;/script&gt;" in response.text
    again = client.get("/settings/keys").text
    assert secret not in again and secret[4:12] in again
    # The key works.
    assert client.get("/api/v1/auth/me", headers={"Authorization": f"Token {secret}"}).is_success


def test_the_plans_key_limit_holds(client: TestClient, ctx: Context, make_account) -> None:  # type: ignore[no-untyped-def]
    account = make_account("alice", plan="plus")  # 3 keys; one made already
    csrf = sign_in(client)
    for name in ("two", "three"):
        assert post(client, "/settings/keys", csrf, name=name).status_code == 200
    response = post(client, "/settings/keys", csrf, name="four")
    assert response.status_code == 403
    assert "The plus plan allows 3 API keys" in response.text
    assert [name for name, _ in keys_of(ctx, account.id)] == ["test", "two", "three"]


def test_a_too_long_key_name_is_refused(client: TestClient, ctx: Context, alice: Account) -> None:
    csrf = sign_in(client)
    response = post(client, "/settings/keys", csrf, name="x" * 101)
    assert response.status_code == 400
    assert "Name: At most 100 characters." in response.text
    assert keys_of(ctx, alice.id) == [("test", True)]


def test_creating_a_key_needs_csrf(client: TestClient, ctx: Context, alice: Account) -> None:
    sign_in(client)
    response = client.post("/settings/keys", data={"name": "sneaky"}, follow_redirects=False)
    assert response.status_code == 403
    assert keys_of(ctx, alice.id) == [("test", True)]


def test_revoking_a_key(client: TestClient, ctx: Context, alice: Account) -> None:
    csrf = sign_in(client)
    with ctx.db.unit() as session:
        key_id = users.keys(session, alice.id)[0].id
    assert post(client, f"/settings/keys/{key_id}/revoke", "bad").status_code == 403
    assert keys_of(ctx, alice.id) == [("test", True)]
    response = post(client, f"/settings/keys/{key_id}/revoke", csrf)
    assert response.status_code == 303
    assert keys_of(ctx, alice.id) == [("test", False)]
    page = client.get(response.headers["location"]).text
    assert "revoked" in page
    assert client.get("/api/v1/auth/me", headers=alice.auth).status_code == 401


def test_another_users_key_is_not_found(client: TestClient, ctx: Context, make_account) -> None:  # type: ignore[no-untyped-def]
    make_account("alice")
    bob = make_account("bob")
    csrf = sign_in(client)
    with ctx.db.unit() as session:
        key_id = users.keys(session, bob.id)[0].id
    assert post(client, f"/settings/keys/{key_id}/revoke", csrf).status_code == 404
    assert post(client, "/settings/keys/999999/revoke", csrf).status_code == 404
    assert keys_of(ctx, bob.id) == [("test", True)]
    assert "<td>test<br>" in client.get("/settings/keys").text  # alice's own only
    assert client.get("/settings/keys").text.count("<td>test<br>") == 1


# --- import and export ------------------------------------------------------------------


def test_import_export_page_renders(client: TestClient, alice: Account) -> None:
    sign_in(client)
    page = client.get("/settings/import-export")
    assert page.status_code == 200
    assert 'enctype="multipart/form-data"' in page.text
    assert 'href="/settings/export.html"' in page.text
    assert 'href="/settings/export.xbel"' in page.text


def test_importing_a_file_shows_the_report(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    response = upload(client, csrf, FILE, format="auto", map_private="on")
    assert response.status_code == 200, response.text
    page = response.text
    assert '<th scope="row">New bookmarks</th><td>2</td>' in page
    assert '<th scope="row">Skipped</th><td>1</td>' in page
    assert '<th scope="row">Folders created</th><td>1</td>' in page
    assert "<td>1</td><td><code>javascript:alert(1)//&lt;script&gt;</code></td>" in page
    assert "<script>" not in page.split("</head>")[1]
    assert bookmark_urls(ctx, alice.id) == {"https://example.com/one", "https://example.com/two"}
    with ctx.db.unit() as session:
        shared = session.query(Bookmark.shared).filter(Bookmark.url.like("%/one")).scalar()
    assert shared is True  # map_private

    again = upload(client, csrf, FILE, format="html")
    assert '<th scope="row">Unchanged</th><td>2</td>' in again.text


def test_importing_an_unreadable_file_is_a_400(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    xml = b'<?xml version="1.0"?><xbel version="1.0"></xbel>'
    response = upload(client, csrf, xml, format="html")
    assert response.status_code == 400
    assert "File: this is an XML document" in response.text
    assert bookmark_urls(ctx, alice.id) == set()


def test_import_needs_a_file_and_a_known_format(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    csrf = sign_in(client)
    missing = post(client, "/settings/import", csrf, format="auto")
    assert missing.status_code == 400 and "Choose a bookmark file" in missing.text
    odd = upload(client, csrf, FILE, format="csv")
    assert odd.status_code == 400 and "Format: Choose one of" in odd.text
    assert bookmark_urls(ctx, alice.id) == set()


def test_import_needs_csrf(client: TestClient, ctx: Context, alice: Account) -> None:
    sign_in(client)
    response = upload(client, "forged", FILE)
    assert response.status_code == 403
    assert bookmark_urls(ctx, alice.id) == set()


def test_the_free_plan_may_not_import_or_export_xbel(
    client: TestClient, ctx: Context, alice: Account
) -> None:
    set_plan(ctx, "alice", "free")
    csrf = sign_in(client)
    response = upload(client, csrf, FILE)
    assert response.status_code == 403
    assert "does not include importing" in response.text
    assert bookmark_urls(ctx, alice.id) == set()
    assert client.get("/settings/export.xbel").status_code == 403
    assert client.get("/settings/export.html").status_code == 200
    assert 'href="/settings/export.xbel"' not in client.get("/settings/import-export").text


def test_export_downloads_the_users_bookmarks(
    client: TestClient, ctx: Context, make_account
) -> None:  # type: ignore[no-untyped-def]
    make_account("alice")
    make_account("bob")
    csrf = sign_in(client, "bob")
    other = FILE.replace(b"example.com/one", b"example.org/bobs")
    assert upload(client, csrf, other).status_code == 200
    client.cookies.clear()
    csrf = sign_in(client)
    assert upload(client, csrf, FILE).status_code == 200
    html = client.get("/settings/export.html")
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert html.headers["content-disposition"].startswith('attachment; filename="markhive-')
    assert "https://example.com/one" in html.text and "example.org/bobs" not in html.text
    xbel = client.get("/settings/export.xbel")
    assert xbel.status_code == 200
    assert xbel.headers["content-type"].startswith("application/xml")
    assert xbel.headers["content-disposition"].endswith('.xbel"')
    assert "<xbel" in xbel.text and "https://example.com/two" in xbel.text


def test_export_needs_signing_in(client: TestClient, alice: Account) -> None:
    response = client.get("/settings/export.html", follow_redirects=False)
    assert response.status_code == 303


# --- in a real browser ------------------------------------------------------------------


def test_settings_pages_in_the_browser(
    live_server: str,
    page: Page,
    alice: Account,
    check_accessibility: Callable[[Page], None],
    screenshot: Callable[[Page, str], list[Path]],
) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("password123")
    page.get_by_role("button", name="Sign in").click()

    page.goto(f"{live_server}/settings")
    check_accessibility(page)  # the auto theme, light
    page.get_by_label("Theme").select_option("dark")
    page.get_by_label("Enable sharing", exact=False).first.check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your settings are saved.")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("data-theme", "dark")
    check_accessibility(page)
    screenshot(page, "settings")

    page.get_by_role("link", name="Manage API keys").click()
    page.get_by_label("Name").fill("phone")
    page.get_by_role("button", name="Create key").click()
    expect(page.get_by_label("The new API key")).to_have_value(re.compile(r"^lgg_[0-9a-f]{40}$"))
    check_accessibility(page)
    screenshot(page, "settings-keys")

    page.goto(f"{live_server}/settings/import-export")
    page.get_by_label("Bookmark file").set_input_files(
        files=[{"name": "bookmarks.html", "mimeType": "text/html", "buffer": FILE}]
    )
    page.get_by_role("button", name="Import").click()
    expect(page.get_by_role("heading", name="Import finished")).to_be_visible()
    check_accessibility(page)
    screenshot(page, "settings-import")


def test_the_free_plan_offers_no_keys(client: TestClient, make_account) -> None:
    carol = make_account("carol", plan="free")
    assert carol.key == ""
    csrf = sign_in(client, "carol")
    page = client.get("/settings/keys")
    assert "The free plan does not include API access or API keys." in page.text
    assert post(client, "/settings/keys", csrf, name="x").status_code == 403
    assert "You have no API keys yet." in client.get("/settings/keys").text
