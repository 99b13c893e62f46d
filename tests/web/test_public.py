"""Public folder pages and the RSS feeds: what anyone may read, and nothing more."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

from fastapi.testclient import TestClient
from sqlalchemy import update

from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.models import Bookmark
from markhive.context import Context
from markhive.folders import service as folders
from markhive.users.models import FeedToken, User
from tests.web.pages import sign_in

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
RSS = "application/rss+xml; charset=utf-8"
SHARING = {"enable_sharing": True}
PUBLIC = {"enable_sharing": True, "enable_public_sharing": True}


def add(ctx: Context, user_id: int, url: str, **values: object) -> int:
    with ctx.db.unit() as session:
        bookmark, _ = bookmarks.create(session, user_id, {"url": url, **values}, merge=False)
        return bookmark.id


def folder(ctx: Context, user_id: int, name: str, public: bool, parent: int | None = None) -> int:
    with ctx.db.unit() as session:
        created = folders.create(session, user_id, name, parent)
        folders.update(session, user_id, created.id, {"is_public": public})
        return created.id


def give_token(ctx: Context, user_id: int, key: str) -> None:
    with ctx.db.unit() as session:
        session.add(FeedToken(user_id=user_id, key=key))


def items(response) -> list[dict[str, object]]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == RSS
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    found = []
    for item in root.iter("item"):
        found.append(
            {
                "title": item.findtext("title"),
                "link": item.findtext("link"),
                "description": item.findtext("description"),
                "date": parsedate_to_datetime(item.findtext("pubDate") or ""),
                "guid": item.findtext("guid"),
                "tags": [c.text for c in item.iter("category")],
            }
        )
    return found


def links(response) -> list[object]:  # type: ignore[no-untyped-def]
    return [item["link"] for item in items(response)]


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'<li class="bookmark" id="b(\d+)"', html)]


# --- public folders ---------------------------------------------------------------------


def test_a_public_folder_is_readable_without_signing_in(
    ctx: Context, client: TestClient, alice
) -> None:
    shelf = folder(ctx, alice.id, "Reading <list>", True)
    open_child = folder(ctx, alice.id, "Open child", True, shelf)
    folder(ctx, alice.id, "Secret child", False, shelf)
    other = folder(ctx, alice.id, "Elsewhere", False)
    old = add(
        ctx,
        alice.id,
        "https://a.example/old",
        title=EVIL,
        folder_id=shelf,
        date_added=datetime(2024, 1, 1, tzinfo=UTC),
        tag_names=["python"],
    )
    new = add(ctx, alice.id, "https://a.example/new", title="New one", folder_id=shelf)
    add(ctx, alice.id, "https://a.example/child", folder_id=open_child)
    add(ctx, alice.id, "https://a.example/other", shared=True, folder_id=other)
    add(ctx, alice.id, "https://a.example/root", shared=True)
    page = client.get(f"/public/folders/{shelf}")
    assert page.status_code == 200
    assert "Reading &lt;list&gt;" in page.text
    assert ids_on(page.text) == [new, old]  # direct children, newest first
    assert '<a class="open" href="https://a.example/new" rel="noopener noreferrer nofollow">' in (
        page.text
    )
    assert "&lt;script&gt;alert(2)" in page.text and "<script>alert(2)" not in page.text
    assert f'<a href="/public/folders/{open_child}">Open child</a>' in page.text
    assert "Secret child" not in page.text and "Elsewhere" not in page.text
    for hidden in ("/child", "/other", "/root"):
        assert f"a.example{hidden}" not in page.text
    assert f'href="/public/folders/{shelf}/feed"' in page.text
    assert client.get(f"/public/folders/{open_child}").status_code == 200


def test_a_private_or_missing_folder_is_the_same_404(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    make_account("bob")
    private = folder(ctx, alice.id, "Diary", False)
    add(ctx, alice.id, "https://a.example/secret", folder_id=private, shared=True)
    anonymous = client.get(f"/public/folders/{private}")
    missing = client.get("/public/folders/987654")
    assert anonymous.status_code == missing.status_code == 404
    assert anonymous.text == missing.text and "Diary" not in anonymous.text
    for path in (f"/public/folders/{private}/feed", "/public/folders/987654/feed"):
        assert client.get(path).status_code == 404
    sign_in(client, "bob")
    assert client.get(f"/public/folders/{private}").status_code == 404
    assert client.get(f"/public/folders/{private}/feed").status_code == 404
    assert "secret" not in client.get(f"/public/folders/{private}").text


def test_a_disabled_owner_takes_the_folder_offline(ctx: Context, client: TestClient, alice) -> None:
    shelf = folder(ctx, alice.id, "Reading", True)
    assert client.get(f"/public/folders/{shelf}").status_code == 200
    with ctx.db.unit() as session:
        session.execute(update(User).where(User.id == alice.id).values(is_active=False))
    assert client.get(f"/public/folders/{shelf}").status_code == 404
    assert client.get(f"/public/folders/{shelf}/feed").status_code == 404


def test_public_folders_page_thirty_at_a_time(ctx: Context, client: TestClient, alice) -> None:
    shelf = folder(ctx, alice.id, "Many", True)
    start = datetime(2024, 1, 1, tzinfo=UTC)
    when = [start + timedelta(hours=i) for i in range(35)]
    made = [
        add(ctx, alice.id, f"https://a.example/{i}", folder_id=shelf, date_added=when[i])
        for i in range(35)
    ]
    first = client.get(f"/public/folders/{shelf}").text
    assert ids_on(first) == made[::-1][:30]
    assert f'href="/public/folders/{shelf}?page=2"' in first and "Page 1 of 2" in first
    second = client.get(f"/public/folders/{shelf}", params={"page": "2"}).text
    assert ids_on(second) == made[::-1][30:]
    assert ids_on(client.get(f"/public/folders/{shelf}", params={"page": "x"}).text) == ids_on(
        first
    )


def test_script_urls_are_never_links(ctx: Context, client: TestClient, alice) -> None:
    shelf = folder(ctx, alice.id, "Odd", True)
    odd = add(ctx, alice.id, "https://a.example/odd", title="Odd one", folder_id=shelf)
    with ctx.db.unit() as session:  # as an old import might have left it
        session.execute(
            update(Bookmark).where(Bookmark.id == odd).values(url="javascript:alert(1)")
        )
    page = client.get(f"/public/folders/{shelf}").text
    assert ids_on(page) == [odd] and "javascript:" not in page
    [item] = items(client.get(f"/public/folders/{shelf}/feed"))
    assert item["title"] == "Odd one" and item["link"] is None


def test_the_public_folder_feed(ctx: Context, client: TestClient, alice) -> None:
    shelf = folder(ctx, alice.id, "Reading", True)
    elsewhere = folder(ctx, alice.id, "Elsewhere", False)
    first = add(
        ctx,
        alice.id,
        "https://a.example/1",
        title="One",
        description="About one",
        folder_id=shelf,
        tag_names=["python", "web"],
        date_added=datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
    )
    add(
        ctx,
        alice.id,
        "https://a.example/2",
        folder_id=shelf,
        date_added=datetime(2024, 6, 1, tzinfo=UTC),
    )
    add(ctx, alice.id, "https://a.example/3", folder_id=elsewhere, shared=True)
    found = items(client.get(f"/public/folders/{shelf}/feed"))
    assert [i["link"] for i in found] == ["https://a.example/2", "https://a.example/1"]
    assert found[1] == {
        "title": "One",
        "link": "https://a.example/1",
        "description": "About one",
        "date": datetime(2024, 5, 6, 7, 8, 9, tzinfo=UTC),
        "guid": f"http://testserver/bookmarks/{first}",
        "tags": ["python", "web"],
    }
    assert links(client.get(f"/public/folders/{shelf}/feed", params={"limit": "1"})) == [
        "https://a.example/2"
    ]


# --- feeds --------------------------------------------------------------------------------


def _people(ctx: Context, make_account) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """alice shares publicly, bob shares with users only, carol does not share; each has a
    shared, an unshared, an unread and an archived bookmark."""
    ids = {}
    for name, profile in (("alice", PUBLIC), ("bob", SHARING), ("carol", {})):
        user = make_account(name, **profile)
        ids[name] = user.id
        host = f"https://{name}.example"
        add(
            ctx, user.id, f"{host}/shared", shared=True, date_added=datetime(2024, 1, 2, tzinfo=UTC)
        )
        add(ctx, user.id, f"{host}/private", date_added=datetime(2024, 1, 3, tzinfo=UTC))
        add(
            ctx, user.id, f"{host}/unread", unread=True, date_added=datetime(2024, 1, 4, tzinfo=UTC)
        )
        add(
            ctx,
            user.id,
            f"{host}/archived",
            is_archived=True,
            shared=True,
            date_added=datetime(2024, 1, 5, tzinfo=UTC),
        )
        give_token(ctx, user.id, f"token-of-{name}")
    return ids


def test_the_public_feed_has_only_publicly_shared_bookmarks(
    ctx: Context, client: TestClient, make_account
) -> None:
    _people(ctx, make_account)
    expected = ["https://alice.example/archived", "https://alice.example/shared"]
    assert links(client.get("/feeds/public/shared")) == expected
    assert links(client.get("/feeds/shared")) == expected  # linkding's own URL
    # and the public shared list page agrees
    page = client.get("/bookmarks/shared").text
    for name in ("bob", "carol"):
        assert f"{name}.example" not in page
    assert "alice.example/private" not in page and "alice.example/unread" not in page


def test_token_feeds(ctx: Context, client: TestClient, make_account) -> None:
    _people(ctx, make_account)
    assert links(client.get("/feeds/token-of-carol/all")) == [
        "https://carol.example/unread",
        "https://carol.example/private",
        "https://carol.example/shared",
    ]
    assert links(client.get("/feeds/token-of-carol/unread")) == ["https://carol.example/unread"]
    # shared with signed-in users: alice's and bob's, never carol's own unshared ones;
    # on equal dates the newer bookmark (bob's) comes first
    assert links(client.get("/feeds/token-of-carol/shared")) == [
        "https://bob.example/archived",
        "https://alice.example/archived",
        "https://bob.example/shared",
        "https://alice.example/shared",
    ]
    assert links(client.get("/feeds/token-of-bob/all", params={"q": "unread"})) == [
        "https://bob.example/unread"
    ]
    assert len(links(client.get("/feeds/token-of-bob/all", params={"limit": "2"}))) == 2
    for path in ("/feeds/nope/all", "/feeds/nope/unread", "/feeds/nope/shared", "/feeds/x/all"):
        assert client.get(path).status_code == 404
    # a feed reader is sent no cookie (a page's first visit gets its CSRF cookie)
    client.cookies.clear()
    assert "set-cookie" not in client.get("/feeds/token-of-carol/all").headers
    assert "set-cookie" not in client.get("/feeds/public/shared").headers
    assert "set-cookie" in client.get("/login").headers


def test_feed_items_carry_every_field(ctx: Context, client: TestClient, alice) -> None:
    give_token(ctx, alice.id, "t" * 40)
    made = add(
        ctx,
        alice.id,
        "https://a.example/x?a=1&b=2",
        title=EVIL,
        description="Fish & <chips>",
        tag_names=["food", "c++"],
        date_added=datetime(2024, 2, 29, 23, 0, tzinfo=UTC),
    )
    response = client.get(f"/feeds/{'t' * 40}/all")
    assert b"<script>" not in response.content
    [item] = items(response)
    assert item == {
        "title": EVIL,
        "link": "https://a.example/x?a=1&b=2",
        "description": "Fish & <chips>",
        "date": datetime(2024, 2, 29, 23, 0, tzinfo=UTC),
        "guid": f"http://testserver/bookmarks/{made}",
        "tags": ["c++", "food"],
    }
    assert b"<pubDate>Thu, 29 Feb 2024 23:00:00 GMT</pubDate>" in response.content


def test_characters_xml_cannot_hold_are_dropped(ctx: Context, client: TestClient, alice) -> None:
    give_token(ctx, alice.id, "k" * 40)
    add(ctx, alice.id, "https://a.example/", title="bad\x01ti\x1ftle\ufffe", description="a\x0bb")
    [item] = items(client.get(f"/feeds/{'k' * 40}/all"))
    assert item["title"] == "badtitle" and item["description"] == "ab"


def test_limits_are_capped(ctx: Context, client: TestClient, alice) -> None:
    give_token(ctx, alice.id, "c" * 40)
    with ctx.db.unit() as session:
        for i in range(120):
            bookmarks.create(session, alice.id, {"url": f"https://a.example/{i}"}, merge=False)
    assert len(links(client.get(f"/feeds/{'c' * 40}/all"))) == 100
    assert len(links(client.get(f"/feeds/{'c' * 40}/all", params={"limit": "110"}))) == 110
    assert len(links(client.get(f"/feeds/{'c' * 40}/all", params={"limit": "9999"}))) == 120
    assert len(links(client.get(f"/feeds/{'c' * 40}/all", params={"limit": "-3"}))) == 100


def test_a_disabled_user_token_is_404(ctx: Context, client: TestClient, alice) -> None:
    give_token(ctx, alice.id, "d" * 40)
    assert client.get(f"/feeds/{'d' * 40}/all").status_code == 200
    with ctx.db.unit() as session:
        session.execute(update(User).where(User.id == alice.id).values(is_active=False))
    assert client.get(f"/feeds/{'d' * 40}/all").status_code == 404
