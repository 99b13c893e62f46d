"""The bookmark lists, the add/edit form, bulk edit and the visit redirect, over HTTP."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from sqlalchemy import event

from markhive.bookmarks import service as bookmarks
from markhive.context import Context
from markhive.folders import service as folders
from markhive.tags import repository as tag_rows
from tests.web.pages import post, sign_in

EVIL = '<img src=x onerror="alert(1)"><script>alert(2)</script>'


def add(ctx: Context, user_id: int, url: str, **values: object) -> int:
    with ctx.db.unit() as session:
        bookmark, _ = bookmarks.create(session, user_id, {"url": url, **values}, merge=False)
        return bookmark.id


def state(ctx: Context, user_id: int, bookmark_id: int) -> dict[str, object]:
    with ctx.db.unit(write=False) as session:
        b = bookmarks.get(session, user_id, bookmark_id)
        names = tag_rows.names_for(session, [bookmark_id]).get(bookmark_id, [])
        return {
            "url": b.url,
            "title": b.title,
            "description": b.description,
            "notes": b.notes,
            "tags": names,
            "folder_id": b.folder_id,
            "rating": b.rating,
            "favorite": b.is_favorite,
            "unread": b.unread,
            "shared": b.shared,
            "archived": b.is_archived,
            "reminder": b.reminder_at,
            "visits": b.visit_count,
        }


def ids_on(html: str) -> list[int]:
    return [int(i) for i in re.findall(r'data-id="(\d+)"', html)]


def test_add_through_the_form_then_find_and_edit(ctx: Context, client: TestClient, alice) -> None:
    csrf = sign_in(client)
    with ctx.db.unit() as session:
        folder = folders.create(session, alice.id, "Reading")
    response = post(
        client,
        "/bookmarks/new",
        csrf,
        url="https://example.com/article",
        title="An article",
        description="About things",
        tags="python web",
        notes="*slow* read",
        folder=str(folder.id),
        rating="4",
        favorite="on",
        unread="on",
        reminder="2030-01-02T03:04",
        next="/bookmarks",
    )
    assert response.status_code == 303 and response.headers["location"] == "/bookmarks"
    found = client.get("/bookmarks", params={"q": "#python article"})
    [bookmark_id] = ids_on(found.text)
    assert state(ctx, alice.id, bookmark_id) == {
        "url": "https://example.com/article",
        "title": "An article",
        "description": "About things",
        "notes": "*slow* read",
        "tags": ["python", "web"],
        "folder_id": folder.id,
        "rating": 4,
        "favorite": True,
        "unread": True,
        "shared": False,
        "archived": False,
        "reminder": state(ctx, alice.id, bookmark_id)["reminder"],
        "visits": 0,
    }
    assert str(state(ctx, alice.id, bookmark_id)["reminder"]).startswith("2030-01-02 03:04")
    assert "<em>slow</em>" in found.text  # the notes, rendered
    form = client.get(f"/bookmarks/{bookmark_id}/edit")
    assert 'value="python web"' in form.text and "selected>Reading" in form.text
    edited = post(
        client,
        f"/bookmarks/{bookmark_id}/edit",
        csrf,
        url="https://example.com/article",
        title="Renamed",
        tags="python",
        rating="0",
    )
    assert edited.status_code == 303
    after = state(ctx, alice.id, bookmark_id)
    assert after["title"] == "Renamed" and after["tags"] == ["python"]
    # unticked boxes and an empty folder are what the form says
    assert after["favorite"] is False and after["unread"] is False and after["folder_id"] is None


def test_bad_input_shows_the_form_again_and_writes_nothing(
    ctx: Context, client: TestClient, alice
) -> None:
    csrf = sign_in(client)
    for form, message in (
        ({"url": "not a url"}, "Enter a valid URL"),
        ({"url": "https://a.example/", "rating": "9"}, "between 0 and 5"),
        ({"url": "https://a.example/", "reminder": "soon"}, "Enter a date and time"),
        ({"url": "https://a.example/", "tags": "x" * 100}, "characters"),
    ):
        response = post(client, "/bookmarks/new", csrf, title="Kept", **form)
        assert response.status_code == 400, form
        assert message in response.text
        assert 'value="Kept"' in response.text  # what was typed comes back
    assert ids_on(client.get("/bookmarks").text) == []


def test_duplicate_url_offers_the_existing_bookmark(
    ctx: Context, client: TestClient, alice
) -> None:
    existing = add(ctx, alice.id, "https://example.com/page")
    csrf = sign_in(client)
    prefilled = client.get(
        "/bookmarks/new", params={"url": "https://EXAMPLE.com/page", "title": "T", "tags": "a b"}
    )
    assert f'href="/bookmarks/{existing}/edit"' in prefilled.text
    assert 'value="a b"' in prefilled.text and 'value="T"' in prefilled.text
    again = post(client, "/bookmarks/new", csrf, url="https://example.com/page")
    assert again.status_code == 400
    assert f'href="/bookmarks/{existing}/edit"' in again.text


def test_check_fragment_reports_page_title(ctx: Context, client: TestClient, alice, pages) -> None:
    url = pages.page(
        "/doc",
        '<html><head><title>Local page</title><meta name="description" content="Described">'
        "</head></html>",
    )
    sign_in(client)
    fragment = client.get("/bookmarks/check", params={"url": url})
    assert 'data-title="Local page"' in fragment.text
    assert 'data-description="Described"' in fragment.text


def test_user_data_is_inert_in_pages(ctx: Context, client: TestClient, alice) -> None:
    bookmark_id = add(
        ctx,
        alice.id,
        "https://example.com/x",
        title=EVIL,
        description=EVIL,
        notes=EVIL + " [link](javascript:alert(3))",
        tag_names=["<b>tag</b>"],
    )
    csrf = sign_in(client)
    refused = post(client, "/bookmarks/new", csrf, url="javascript:alert(4)")
    assert refused.status_code == 400 and "Enter a valid URL" in refused.text
    html = client.get("/bookmarks").text
    assert "<script>alert" not in html and "<img src=x" not in html
    assert "javascript:alert(3)" not in html.replace("[link](javascript:alert(3))", "")
    assert 'href="javascript:' not in html
    assert "&lt;b&gt;tag&lt;/b&gt;" in html
    edit = client.get(f"/bookmarks/{bookmark_id}/edit").text
    assert "<script>alert" not in edit


def test_other_users_bookmarks_are_404(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    theirs = add(ctx, bob.id, "https://bob.example/", title="Bob's")
    csrf = sign_in(client)
    assert "Bob&#39;s" not in client.get("/bookmarks").text
    assert client.get(f"/bookmarks/{theirs}/edit").status_code == 404
    assert client.get(f"/bookmarks/{theirs}/visit", follow_redirects=False).status_code == 404
    for action in ("archive", "delete", "read"):
        assert post(client, f"/bookmarks/{theirs}/{action}", csrf).status_code == 404
    edit = post(client, f"/bookmarks/{theirs}/edit", csrf, url="https://x.example/")
    assert edit.status_code == 404
    bulk = post(client, "/bookmarks/bulk", csrf, ids=[str(theirs)], action="delete")
    assert bulk.status_code == 404
    assert state(ctx, bob.id, theirs)["title"] == "Bob's"


def test_visit_redirect_counts(ctx: Context, client: TestClient, alice) -> None:
    bookmark_id = add(ctx, alice.id, "https://example.com/v")
    sign_in(client)
    response = client.get(f"/bookmarks/{bookmark_id}/visit", follow_redirects=False)
    assert response.status_code == 302 and response.headers["location"] == "https://example.com/v"
    assert state(ctx, alice.id, bookmark_id)["visits"] == 1


def test_archive_and_single_actions(ctx: Context, client: TestClient, alice) -> None:
    bookmark_id = add(ctx, alice.id, "https://example.com/a", unread=True)
    csrf = sign_in(client)
    post(client, f"/bookmarks/{bookmark_id}/read", csrf)
    post(client, f"/bookmarks/{bookmark_id}/archive", csrf)
    assert state(ctx, alice.id, bookmark_id)["archived"] is True
    assert ids_on(client.get("/bookmarks").text) == []
    assert ids_on(client.get("/bookmarks/archived").text) == [bookmark_id]
    assert state(ctx, alice.id, bookmark_id)["unread"] is False
    post(client, f"/bookmarks/{bookmark_id}/delete", csrf)
    assert ids_on(client.get("/bookmarks/archived").text) == []


def test_bulk_edit_on_a_selection_and_on_everything_matching(
    ctx: Context, client: TestClient, alice
) -> None:
    ids = [
        add(ctx, alice.id, f"https://example.com/{i}", tag_names=["t"] if i < 4 else [])
        for i in range(6)
    ]
    with ctx.db.unit() as session:
        target = folders.create(session, alice.id, "Target")
    csrf = sign_in(client)
    picked = [str(ids[0]), str(ids[5])]
    assert (
        post(
            client, "/bookmarks/bulk", csrf, ids=picked, action="add_tags", tags="new more"
        ).status_code
        == 303
    )
    assert state(ctx, alice.id, ids[5])["tags"] == ["more", "new"]
    post(client, "/bookmarks/bulk", csrf, ids=picked, action="move", target_folder=str(target.id))
    assert state(ctx, alice.id, ids[0])["folder_id"] == target.id
    post(client, "/bookmarks/bulk", csrf, ids=picked, action="rate", rating="5")
    post(client, "/bookmarks/bulk", csrf, ids=picked, action="favorite")
    post(client, "/bookmarks/bulk", csrf, ids=picked, action="share")
    after = state(ctx, alice.id, ids[0])
    assert (after["rating"], after["favorite"], after["shared"]) == (5, True, True)
    assert state(ctx, alice.id, ids[1])["rating"] == 0  # not picked
    # everything matching "#t": four bookmarks, whatever was picked
    post(client, "/bookmarks/bulk", csrf, everything="on", q="#t", kind="active", action="archive")
    assert [state(ctx, alice.id, i)["archived"] for i in ids] == [True] * 4 + [False] * 2
    post(
        client,
        "/bookmarks/bulk",
        csrf,
        everything="on",
        q="",
        kind="archived",
        action="remove_tags",
        tags="t",
    )
    assert state(ctx, alice.id, ids[2])["tags"] == []
    # nothing picked, or no action: a clear 400 and no change
    none = post(client, "/bookmarks/bulk", csrf, action="archive")
    assert none.status_code == 400 and "Pick at least one" in none.text
    assert post(client, "/bookmarks/bulk", csrf, ids=picked, action="").status_code == 400
    post(client, "/bookmarks/bulk", csrf, ids=picked, action="delete")
    assert ids_on(client.get("/bookmarks/archived").text) == [ids[3], ids[2], ids[1]]


def test_search_filters_sort_and_paging_keep_the_query(
    ctx: Context, client: TestClient, alice
) -> None:
    for i in range(35):
        add(
            ctx,
            alice.id,
            f"https://example.com/p{i:02}",
            title=f"Page {i:02}",
            tag_names=["many"],
            unread=i % 2 == 0,
        )
    sign_in(client)
    first = client.get("/bookmarks", params={"q": "#many", "sort": "title_asc"})
    assert "35 bookmarks" in first.text and "Page 1 of 2" in first.text
    assert 'href="/bookmarks?q=%23many&amp;sort=title_asc&amp;page=2"' in first.text
    second = client.get("/bookmarks", params={"q": "#many", "sort": "title_asc", "page": "2"})
    assert len(ids_on(second.text)) == 5 and "Page 30" in second.text
    unread = client.get("/bookmarks", params={"unread": "yes"})
    assert "18 bookmarks" in unread.text
    assert client.get("/bookmarks", params={"page": "999999999999"}).status_code == 200


def test_list_query_count_does_not_grow(ctx: Context, client: TestClient, alice) -> None:
    def count() -> int:
        statements: list[str] = []

        def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
            statements.append(statement)

        event.listen(ctx.db.engine, "before_cursor_execute", record)
        try:
            assert client.get("/bookmarks").status_code == 200
        finally:
            event.remove(ctx.db.engine, "before_cursor_execute", record)
        return len(statements)

    sign_in(client)
    add(ctx, alice.id, "https://example.com/one", tag_names=["a"])
    few = count()
    for i in range(25):
        add(ctx, alice.id, f"https://example.com/n{i}", tag_names=["b", f"c{i}"])
    assert count() == few


def tree_names(html: str) -> list[str]:
    """The folder names in the side panel's tree, in page order."""
    side = html.split('<aside class="side"', 1)[-1]
    return re.findall(r'<a href="/bookmarks[^"]*folder=\d+"[^>]*>([^<]+)</a>', side)


def test_the_folder_tree_opens_one_level_at_a_time(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    with ctx.db.unit() as session:
        dev = folders.create(session, alice.id, "Dev").id
        python = folders.create(session, alice.id, "Python", parent_id=dev).id
        folders.create(session, alice.id, "Async", parent_id=python)
        folders.create(session, alice.id, "Reading")
    add(ctx, alice.id, "https://py.example/", folder_id=python)
    sign_in(client)
    top = client.get("/bookmarks", params={"q": "py"})
    assert tree_names(top.text) == ["Dev", "Reading"]
    assert f'aria-controls="tree-{dev}"' in top.text  # Dev has a toggle, Reading none
    assert top.text.count('class="toggle" aria-expanded="false"') == 1
    # the toggle's source keeps the list's search; it answers with Dev's subfolders
    src = re.search(r'data-src="([^"]+)"', top.text).group(1).replace("&amp;", "&")
    assert src == f"/bookmarks/tree?kind=active&q=py&parent={dev}"
    level = client.get(src)
    assert level.status_code == 200
    assert tree_names(level.text) == ["Python"]
    assert f'href="/bookmarks?q=py&amp;folder={python}"' in level.text
    # choosing a folder opens the path down to it, and its own subfolders
    opened = client.get("/bookmarks", params={"folder": python})
    assert tree_names(opened.text) == ["Dev", "Python", "Async", "Reading"]
    current = rf'folder={python}" aria-current="true">Python</a> <span class="n">1<'
    assert re.search(current, opened.text)
    archived = client.get(f"/bookmarks/tree?kind=archived&parent={dev}")
    assert f'href="/bookmarks/archived?folder={python}"' in archived.text
    # the bulk form still offers every folder by its path
    assert re.findall(r'<option value="\d+">(Dev[^<]*)</option>', top.text) == [
        "Dev",
        "Dev/Python",
        "Dev/Python/Async",
    ]


def test_the_folder_tree_is_the_viewers_own(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    with ctx.db.unit() as session:
        theirs = folders.create(session, bob.id, "Bobs").id
        folders.create(session, bob.id, "Inner", parent_id=theirs)
    signed_out = client.get(f"/bookmarks/tree?parent={theirs}", follow_redirects=False)
    assert signed_out.status_code in (302, 303) and "/login" in signed_out.headers["location"]
    sign_in(client)
    response = client.get(f"/bookmarks/tree?parent={theirs}")
    assert response.status_code == 404 and "Inner" not in response.text
    assert "Bobs" not in client.get("/bookmarks/tree").text


def test_tag_suggestions_complete_the_last_word(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    add(ctx, alice.id, "https://a.example/", tag_names=["Straße", "python", "pytest", "web"])
    add(ctx, bob.id, "https://b.example/", tag_names=["pyramid"])
    sign_in(client)

    def options(text: str) -> list[str]:
        page = client.get("/bookmarks/tags", params={"tags": text})
        assert page.status_code == 200
        return re.findall(r'<option value="([^"]*)"', page.text)

    assert options("web PY") == ["web pytest ", "web python "]  # not bob's pyramid
    assert options("STRAß") == ["Straße "]  # folded as the stored names are
    assert options("web ") == []


def test_bulk_delete_takes_the_files_and_links_and_nothing_else(
    ctx: Context, client: TestClient, alice
) -> None:
    doomed = [add(ctx, alice.id, f"https://gone{i}.example/", tag_names=["t"]) for i in range(3)]
    kept = add(ctx, alice.id, "https://kept.example/", tag_names=["t"])
    for bookmark_id in (doomed[0], kept):
        upload = client.post(
            f"/api/bookmarks/{bookmark_id}/assets/upload/",
            files={"file": ("a.txt", b"hi", "text/plain")},
            headers=alice.auth,
        )
        assert upload.status_code == 201
    files = sorted(p.name for p in ctx.settings.assets_dir.iterdir())
    assert len(files) == 2
    csrf = sign_in(client)
    response = post(client, "/bookmarks/bulk", csrf, ids=[str(i) for i in doomed], action="delete")
    assert response.status_code == 303
    assert ids_on(client.get("/bookmarks").text) == [kept]
    with ctx.db.unit(write=False) as session:
        assert tag_rows.names_for(session, [*doomed, kept]) == {kept: ["t"]}
    left = [p.name for p in ctx.settings.assets_dir.iterdir()]
    assert len(left) == 1 and left[0] in files
    assert client.get(f"/api/bookmarks/{kept}/assets/", headers=alice.auth).json()["count"] == 1
