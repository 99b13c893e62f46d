"""The pages that manage tags, folders and bundles, over HTTP."""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any

from fastapi.testclient import TestClient
from playwright.sync_api import expect

from markhive.bookmarks import repository as bookmark_rows
from markhive.bookmarks import service as bookmarks
from markhive.bundles import repository as bundle_rows
from markhive.bundles import service as bundles
from markhive.context import Context
from markhive.folders import service as folders
from markhive.tags import repository as tag_rows
from markhive.tags import service as tags
from markhive.users import repository as users
from tests.web.pages import post, sign_in

EVIL = "<b>x</b>"  # a tag name may hold no space; a folder or bundle name may
EVIL_LONG = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
OLD = datetime(2001, 1, 1)


def add(ctx: Context, user_id: int, url: str, *names: str, folder: int | None = None) -> int:
    with ctx.db.unit() as session:
        values = {"url": url, "tag_names": list(names), "folder_id": folder}
        bookmark, _ = bookmarks.create(session, user_id, values, merge=False)
        bookmark_rows.set_values(session, user_id, [bookmark.id], date_modified=OLD)
        return bookmark.id


def tag_names(ctx: Context, *ids: int) -> dict[int, list[str]]:
    with ctx.db.unit(write=False) as session:
        found = tag_rows.names_for(session, ids)
        return {i: found.get(i, []) for i in ids}


def user_tags(ctx: Context, user_id: int) -> dict[str, int]:
    with ctx.db.unit(write=False) as session:
        return {name: n for _, name, n in tag_rows.with_counts(session, user_id, "", 1000, 0)}


def tag_id(ctx: Context, user_id: int, name: str) -> int:
    with ctx.db.unit(write=False) as session:
        return tags.find_tag(session, user_id, name).id


def modified(ctx: Context, user_id: int, bookmark_id: int) -> datetime:
    with ctx.db.unit(write=False) as session:
        value = bookmarks.get(session, user_id, bookmark_id).date_modified
        return value.replace(tzinfo=None)


def version(ctx: Context, user_id: int) -> int:
    with ctx.db.unit(write=False) as session:
        return users.data_version(session, user_id)


def folder_state(ctx: Context, user_id: int) -> list[tuple[str, bool, int]]:
    with ctx.db.unit(write=False) as session:
        found = folders.list_folders(session, user_id)
        return [(f.path, f.is_public, f.bookmark_count) for f in found]


def make_folder(ctx: Context, user_id: int, name: str, parent: int | None = None) -> int:
    with ctx.db.unit() as session:
        return folders.create(session, user_id, name, parent).id


def bundle_state(ctx: Context, user_id: int) -> list[dict[str, Any]]:
    with ctx.db.unit(write=False) as session:
        found, _ = bundle_rows.page(session, user_id, 1000, 0)
        keys = ("id", "name", "search", "any_tags", "all_tags", "excluded_tags")
        return [
            {k: getattr(b, k) for k in (*keys, "filter_unread", "filter_shared", "order")}
            for b in found
        ]


def make_bundle(ctx: Context, user_id: int, name: str, **values: str) -> int:
    with ctx.db.unit() as session:
        return bundles.create(session, user_id, {"name": name, **values}).id


def errors_of(html: str) -> list[str]:
    found = re.findall(r'<p class="error" role="alert">([^<]*)</p>', html)
    return [unescape(line) for line in found]


# --- tags -----------------------------------------------------------------------------


def test_tags_page_lists_counts_by_name_and_filters(
    ctx: Context, client: TestClient, alice
) -> None:
    add(ctx, alice.id, "https://a.example/", "beta", "Alpha")
    add(ctx, alice.id, "https://b.example/", "beta")
    with ctx.db.unit() as session:
        tags.create_tag(session, alice.id, "gamma")
    sign_in(client)
    page = client.get("/tags")
    assert page.status_code == 200
    rows = re.findall(r'<a href="/bookmarks\?q=%23(\w+)">#\w+</a></td>\s*<td>(\d+)</td>', page.text)
    assert rows == [("Alpha", "1"), ("beta", "2"), ("gamma", "0")]
    filtered = client.get("/tags", params={"q": "B"})
    assert re.findall(r"q=%23(\w+)", filtered.text) == ["beta"]
    assert "No tag starts with “zz”" in client.get("/tags?q=zz").text


def test_tags_page_counts_only_its_page_and_the_tag_page_counts(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    for n in range(3):
        add(ctx, alice.id, f"https://a.example/{n}", "common", *(["rare"] if n == 0 else []))
    add(ctx, bob.id, "https://b.example/", "common")
    with ctx.db.unit() as session:
        for n in range(205):
            tags.create_tag(session, alice.id, f"zz{n:03}")
    sign_in(client)
    page = client.get("/tags")
    rows = re.findall(r'q=%23(\w+)">#\w+</a></td>\s*<td>(\d+)</td>', page.text)
    assert rows[:2] == [("common", "3"), ("rare", "1")] and len(rows) == 200
    assert '<a rel="next" href="/tags?q=&amp;page=2">' in page.text
    last = client.get("/tags?page=2")
    rows = re.findall(r'q=%23(\w+)">#\w+</a></td>\s*<td>(\d+)</td>', last.text)
    assert rows == [(f"zz{n:03}", "0") for n in range(198, 205)]
    common = client.get(f"/tags/{tag_id(ctx, alice.id, 'common')}")
    assert "3 bookmarks" in common.text


def test_rename_tag_changes_its_bookmarks(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "beta", "keep")
    two = add(ctx, alice.id, "https://b.example/", "beta")
    other = add(ctx, alice.id, "https://c.example/", "keep")
    before = version(ctx, alice.id)
    csrf = sign_in(client)
    beta = tag_id(ctx, alice.id, "beta")
    assert client.get(f"/tags/{beta}").status_code == 200
    response = post(client, f"/tags/{beta}/rename", csrf, name="  Beta two ")
    assert response.status_code == 303 and response.headers["location"] == "/tags"
    assert tag_names(ctx, one, two, other) == {
        one: ["Beta-two", "keep"],
        two: ["Beta-two"],
        other: ["keep"],
    }
    assert modified(ctx, alice.id, one) > OLD and modified(ctx, alice.id, other) == OLD
    assert version(ctx, alice.id) > before
    assert client.get("/bookmarks", params={"q": "#beta-two"}).text.count('data-id="') == 2


def test_rename_onto_another_tags_name_merges(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "beta", "Alpha")
    two = add(ctx, alice.id, "https://b.example/", "beta")
    csrf = sign_in(client)
    response = post(client, f"/tags/{tag_id(ctx, alice.id, 'beta')}/rename", csrf, name="ALPHA")
    assert response.status_code == 303
    assert tag_names(ctx, one, two) == {one: ["Alpha"], two: ["Alpha"]}
    assert user_tags(ctx, alice.id) == {"Alpha": 2}


def test_merge_by_name_or_id(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "py", "python")
    two = add(ctx, alice.id, "https://b.example/", "py")
    three = add(ctx, alice.id, "https://c.example/", "python3")
    csrf = sign_in(client)
    response = post(client, f"/tags/{tag_id(ctx, alice.id, 'py')}/merge", csrf, into="PYTHON")
    assert response.status_code == 303
    assert tag_names(ctx, one, two) == {one: ["python"], two: ["python"]}
    assert modified(ctx, alice.id, two) > OLD
    python = tag_id(ctx, alice.id, "python")
    response = post(client, f"/tags/{tag_id(ctx, alice.id, 'python3')}/merge", csrf, into=python)
    assert response.status_code == 303
    assert tag_names(ctx, three) == {three: ["python"]}
    assert user_tags(ctx, alice.id) == {"python": 3}


def test_bad_tag_input_is_a_400_and_writes_nothing(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "beta", "alpha")
    csrf = sign_in(client)
    beta = tag_id(ctx, alice.id, "beta")
    cases = [
        ("rename", {"name": "   "}, "Name: This field may not be blank."),
        ("rename", {"name": "a,b"}, "Name: Give one tag name, without commas."),
        ("rename", {"name": "x" * 65}, "Name: Ensure each tag has no more than 64 characters."),
        ("merge", {"into": "nothing"}, "Into: You have no tag named 'nothing'."),
        ("merge", {"into": "BETA"}, "Into: A tag cannot be merged into itself."),
        ("merge", {"into": ""}, "Into: Name the tag."),
    ]
    for action, form, message in cases:
        response = post(client, f"/tags/{beta}/{action}", csrf, **form)
        assert response.status_code == 400, (action, form)
        assert errors_of(response.text) == [message]
    assert tag_names(ctx, one) == {one: ["alpha", "beta"]}
    assert modified(ctx, alice.id, one) == OLD


def test_delete_tag_keeps_the_bookmarks(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "beta", "alpha")
    other = add(ctx, alice.id, "https://b.example/", "alpha")
    csrf = sign_in(client)
    response = post(client, f"/tags/{tag_id(ctx, alice.id, 'beta')}/delete", csrf, next="/tags?q=b")
    assert response.status_code == 303 and response.headers["location"] == "/tags?q=b"
    assert tag_names(ctx, one, other) == {one: ["alpha"], other: ["alpha"]}
    assert user_tags(ctx, alice.id) == {"alpha": 2}
    # a client syncing by modification date sees the tag leave the bookmark
    assert modified(ctx, alice.id, one) > OLD and modified(ctx, alice.id, other) == OLD


def test_tag_forms_need_the_csrf_token(ctx: Context, client: TestClient, alice) -> None:
    one = add(ctx, alice.id, "https://a.example/", "beta", "alpha")
    sign_in(client)
    beta = tag_id(ctx, alice.id, "beta")
    for action, form in (
        ("rename", {"name": "gamma"}),
        ("merge", {"into": "alpha"}),
        ("delete", {}),
    ):
        assert client.post(f"/tags/{beta}/{action}", data=form).status_code == 403
        assert post(client, f"/tags/{beta}/{action}", "wrong", **form).status_code == 403
    assert tag_names(ctx, one) == {one: ["alpha", "beta"]}


def test_another_users_tags_are_404(ctx: Context, client: TestClient, alice, make_account) -> None:
    bob = make_account("bob")
    theirs = add(ctx, bob.id, "https://bob.example/", "secret")
    add(ctx, alice.id, "https://a.example/", "mine")
    csrf = sign_in(client)
    secret, mine = tag_id(ctx, bob.id, "secret"), tag_id(ctx, alice.id, "mine")
    assert client.get(f"/tags/{secret}").status_code == 404
    for action, form in (("rename", {"name": "x"}), ("merge", {"into": "mine"}), ("delete", {})):
        assert post(client, f"/tags/{secret}/{action}", csrf, **form).status_code == 404
    response = post(client, f"/tags/{mine}/merge", csrf, into=str(secret))
    assert response.status_code == 400  # not a tag of hers
    assert tag_names(ctx, theirs) == {theirs: ["secret"]}
    assert "secret" not in client.get("/tags").text
    assert user_tags(ctx, alice.id) == {"mine": 1}


def test_tag_names_are_escaped(ctx: Context, client: TestClient, alice) -> None:
    add(ctx, alice.id, "https://a.example/", EVIL)
    sign_in(client)
    for path in ("/tags", f"/tags/{tag_id(ctx, alice.id, EVIL)}"):
        page = client.get(path)
        assert page.status_code == 200
        assert EVIL not in page.text and "#&lt;b&gt;x&lt;/b&gt;" in page.text


def test_signed_out_visitors_go_to_the_login(client: TestClient, alice) -> None:
    for path in ("/tags", "/folders", "/bundles", "/bundles/new"):
        response = client.get(path, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"].startswith("/login")


# --- folders --------------------------------------------------------------------------


def test_folders_page_creates_and_shows_the_tree(ctx: Context, client: TestClient, alice) -> None:
    csrf = sign_in(client)
    assert post(client, "/folders", csrf, name="Dev", parent="").status_code == 303
    dev = folder_state(ctx, alice.id)
    assert dev == [("Dev", False, 0)]
    with ctx.db.unit(write=False) as session:
        dev_id = folders.list_folders(session, alice.id)[0].id
    response = post(client, "/folders", csrf, name="Python", parent=str(dev_id))
    assert response.status_code == 303 and response.headers["location"] == "/folders"
    add(ctx, alice.id, "https://py.example/", folder=dev_id + 1)
    page = client.get("/folders")
    assert page.status_code == 200
    assert re.search(r'<td class="d0"><a href="/bookmarks\?folder=\d+">Dev</a></td>', page.text)
    assert re.search(r'<td class="d1"><a href="/bookmarks\?folder=\d+">Python</a></td>', page.text)
    assert "(1 with subfolders)" in page.text
    assert folder_state(ctx, alice.id) == [("Dev", False, 0), ("Dev/Python", False, 1)]


def test_folders_page_shows_the_tree_a_page_at_a_time(
    ctx: Context, client: TestClient, alice
) -> None:
    with ctx.db.unit() as session:
        for n in range(203):
            folders.create(session, alice.id, f"F{n:03}")
    sign_in(client)
    first = client.get("/folders")
    assert first.status_code == 200
    names = re.findall(r'<a href="/bookmarks\?folder=\d+">(F\d+)</a></td>', first.text)
    assert names == [f"F{n:03}" for n in range(200)]
    assert "203 folders, 1\N{EN DASH}200 shown" in first.text
    assert first.text.count('<option value="') == 204  # "inside": top level and every folder
    second = client.get("/folders?page=2")
    assert re.findall(r'folder=\d+">(F\d+)</a></td>', second.text) == ["F200", "F201", "F202"]
    assert '<a rel="prev" href="/folders?page=1">' in second.text
    beyond = client.get("/folders?page=99")  # past the end: the last page
    assert re.findall(r'folder=\d+">(F\d+)</a></td>', beyond.text) == ["F200", "F201", "F202"]


def test_bad_folder_input_is_a_400_and_writes_nothing(
    ctx: Context, client: TestClient, alice
) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    csrf = sign_in(client)
    cases = [
        ("/folders", {"name": "  "}, "Name: A folder name may not be blank."),
        ("/folders", {"name": "a/b"}, "Name: A folder name may not contain '/'."),
        ("/folders", {"name": "x", "parent": "abc"}, "Parent: Choose a folder from the list."),
        ("/folders", {"name": "DEV"}, "A folder named 'DEV' already exists there."),
        (f"/folders/{dev}/rename", {"name": ""}, "Name: A folder name may not be blank."),
    ]
    for path, form, message in cases:
        response = post(client, path, csrf, **form)
        assert response.status_code == 400, (path, form)
        assert errors_of(response.text) == [message]
    assert folder_state(ctx, alice.id) == [("Dev", False, 0)]


def test_rename_and_move_folders(ctx: Context, client: TestClient, alice) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    python = make_folder(ctx, alice.id, "Python", dev)
    deep = make_folder(ctx, alice.id, "Deep", python)
    csrf = sign_in(client)
    page = client.get(f"/folders/{dev}")
    assert page.status_code == 200
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', page.text)
    assert options == [("", "Top level")]  # not into itself nor a subfolder
    assert post(client, f"/folders/{python}/rename", csrf, name="Py").status_code == 303
    assert post(client, f"/folders/{python}/move", csrf, parent="").status_code == 303
    assert folder_state(ctx, alice.id) == [
        ("Dev", False, 0),
        ("Py", False, 0),
        ("Py/Deep", False, 0),
    ]
    for target in (python, deep):
        response = post(client, f"/folders/{python}/move", csrf, parent=str(target))
        assert response.status_code == 400
        assert errors_of(response.text) == [
            "Folder id: A folder cannot be moved into itself or one of its subfolders."
        ]
    assert folder_state(ctx, alice.id)[1:] == [("Py", False, 0), ("Py/Deep", False, 0)]


def test_share_and_unshare_a_folder(ctx: Context, client: TestClient, alice) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    csrf = sign_in(client)
    assert post(client, f"/folders/{dev}/share", csrf).status_code == 303
    assert folder_state(ctx, alice.id) == [("Dev", True, 0)]
    assert f'<a href="/public/folders/{dev}">' in client.get("/folders").text
    assert f'<a href="/public/folders/{dev}">' in client.get(f"/folders/{dev}").text
    response = post(client, f"/folders/{dev}/unshare", csrf, next=f"/folders/{dev}")
    assert response.headers["location"] == f"/folders/{dev}"
    assert folder_state(ctx, alice.id) == [("Dev", False, 0)]
    assert "/public/folders/" not in client.get("/folders").text


def test_delete_folder_takes_subfolders_and_bookmarks(
    ctx: Context, client: TestClient, alice
) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    python = make_folder(ctx, alice.id, "Python", dev)
    other = make_folder(ctx, alice.id, "Other")
    add(ctx, alice.id, "https://a.example/", folder=dev)
    add(ctx, alice.id, "https://b.example/", folder=python)
    kept = add(ctx, alice.id, "https://c.example/", folder=other)
    loose = add(ctx, alice.id, "https://d.example/")
    csrf = sign_in(client)
    page = client.get("/folders").text
    assert 'data-confirm="Delete the folder “Dev”, its 1 subfolder and the 2 bookmarks' in page
    assert post(client, f"/folders/{dev}/delete", csrf).status_code == 303
    assert folder_state(ctx, alice.id) == [("Other", False, 1)]
    with ctx.db.unit(write=False) as session:
        assert bookmark_rows.owned(session, alice.id, [kept, loose, kept - 1, kept - 2]) == {
            kept,
            loose,
        }


def test_folder_forms_need_the_csrf_token(ctx: Context, client: TestClient, alice) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    sign_in(client)
    assert client.post("/folders", data={"name": "New"}).status_code == 403
    for action in ("rename", "move", "share", "unshare", "delete"):
        assert client.post(f"/folders/{dev}/{action}", data={"name": "X"}).status_code == 403
    assert folder_state(ctx, alice.id) == [("Dev", False, 0)]


def test_another_users_folders_are_404(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    theirs = make_folder(ctx, bob.id, "Bob's")
    mine = make_folder(ctx, alice.id, "Mine")
    csrf = sign_in(client)
    assert client.get(f"/folders/{theirs}").status_code == 404
    for action in ("rename", "move", "share", "delete"):
        response = post(client, f"/folders/{theirs}/{action}", csrf, name="Taken", parent="")
        assert response.status_code == 404, action
    assert post(client, "/folders", csrf, name="In", parent=str(theirs)).status_code == 404
    response = post(client, f"/folders/{mine}/move", csrf, parent=str(theirs))
    assert response.status_code == 404
    assert folder_state(ctx, bob.id) == [("Bob's", False, 0)]
    assert folder_state(ctx, alice.id) == [("Mine", False, 0)]
    assert "Bob" not in client.get("/folders").text


def test_folder_names_are_escaped(ctx: Context, client: TestClient, alice) -> None:
    folder = make_folder(ctx, alice.id, '<img src=x onerror="alert(1)"><script>alert(2)')
    sign_in(client)
    for path in ("/folders", f"/folders/{folder}"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "<img src=x" not in page.text
        assert "&lt;script&gt;alert(2)" in page.text


# --- bundles --------------------------------------------------------------------------


def test_create_list_and_edit_bundles(ctx: Context, client: TestClient, alice) -> None:
    csrf = sign_in(client)
    assert client.get("/bundles").status_code == 200
    assert client.get("/bundles/new").status_code == 200
    form = {
        "name": "Reading",
        "search": "python",
        "any_tags": "a b",
        "all_tags": "c",
        "excluded_tags": "d",
        "filter_unread": "yes",
        "filter_shared": "no",
    }
    response = post(client, "/bundles/new", csrf, **form)
    assert response.status_code == 303 and response.headers["location"] == "/bundles"
    [bundle] = bundle_state(ctx, alice.id)
    assert bundle == {"id": bundle["id"], **form, "order": 0}
    page = client.get("/bundles").text
    assert f'<a href="/bookmarks?bundle={bundle["id"]}">Reading</a>' in page
    assert "words: python; any of: a b; all of: c; none of: d; unread only; private only" in page
    edit = client.get(f"/bundles/{bundle['id']}/edit").text
    assert 'value="python"' in edit and '<option value="yes" selected>Unread only' in edit
    changed = {**form, "name": "Later", "search": "", "filter_unread": "off"}
    assert post(client, f"/bundles/{bundle['id']}/edit", csrf, **changed).status_code == 303
    assert bundle_state(ctx, alice.id) == [{"id": bundle["id"], **changed, "order": 0}]


def test_bundle_list_works_on_the_bookmarks_page(ctx: Context, client: TestClient, alice) -> None:
    add(ctx, alice.id, "https://a.example/", "read")
    add(ctx, alice.id, "https://b.example/", "skip")
    bundle = make_bundle(ctx, alice.id, "Reads", any_tags="read")
    sign_in(client)
    assert client.get(f"/bookmarks?bundle={bundle}").text.count('data-id="') == 1


def test_bad_bundle_input_is_a_400_and_writes_nothing(
    ctx: Context, client: TestClient, alice
) -> None:
    bundle = make_bundle(ctx, alice.id, "Keep")
    csrf = sign_in(client)
    cases = [
        ({"name": " "}, "Name: This field may not be blank."),
        ({"name": "x", "filter_unread": "maybe"}, 'Filter unread: "maybe" is not a valid choice.'),
        ({"name": "x" * 257}, "Name: Ensure this field has no more than 256 characters."),
    ]
    for path in ("/bundles/new", f"/bundles/{bundle}/edit"):
        for form, message in cases:
            response = post(client, path, csrf, **form)
            assert response.status_code == 400, (path, form)
            assert errors_of(response.text) == [message]
            assert f'value="{form["name"]}"' in response.text  # the form keeps what was typed
    assert [b["name"] for b in bundle_state(ctx, alice.id)] == ["Keep"]


def test_move_bundles_up_and_down_and_delete(ctx: Context, client: TestClient, alice) -> None:
    a, b, c = (make_bundle(ctx, alice.id, name) for name in "ABC")
    csrf = sign_in(client)

    def order() -> list[tuple[int, int]]:
        return [(x["id"], x["order"]) for x in bundle_state(ctx, alice.id)]

    assert post(client, f"/bundles/{c}/up", csrf).status_code == 303
    assert order() == [(a, 0), (c, 1), (b, 2)]
    assert post(client, f"/bundles/{a}/down", csrf).status_code == 303
    assert order() == [(c, 0), (a, 1), (b, 2)]
    assert post(client, f"/bundles/{c}/up", csrf).status_code == 303  # first stays first
    assert order() == [(c, 0), (a, 1), (b, 2)]
    page = client.get("/bundles").text
    names = re.findall(r'<a href="/bookmarks\?bundle=\d+">(\w)</a>', page)
    assert names == ["C", "A", "B"]
    assert post(client, f"/bundles/{c}/delete", csrf).status_code == 303
    assert order() == [(a, 0), (b, 1)]


def test_bundle_forms_need_the_csrf_token(ctx: Context, client: TestClient, alice) -> None:
    bundle = make_bundle(ctx, alice.id, "Keep")
    sign_in(client)
    assert client.post("/bundles/new", data={"name": "New"}).status_code == 403
    for action in ("edit", "up", "down", "delete"):
        assert client.post(f"/bundles/{bundle}/{action}", data={"name": "X"}).status_code == 403
    assert [b["name"] for b in bundle_state(ctx, alice.id)] == ["Keep"]


def test_another_users_bundles_are_404(
    ctx: Context, client: TestClient, alice, make_account
) -> None:
    bob = make_account("bob")
    theirs = make_bundle(ctx, bob.id, "Bob's")
    make_bundle(ctx, bob.id, "Bob's second")
    csrf = sign_in(client)
    assert client.get(f"/bundles/{theirs}/edit").status_code == 404
    for action in ("edit", "up", "down", "delete"):
        response = post(client, f"/bundles/{theirs}/{action}", csrf, name="Taken")
        assert response.status_code == 404, action
    assert [b["name"] for b in bundle_state(ctx, bob.id)] == ["Bob's", "Bob's second"]
    assert "Bob" not in client.get("/bundles").text


def test_bundle_names_are_escaped(ctx: Context, client: TestClient, alice) -> None:
    bundle = make_bundle(ctx, alice.id, EVIL_LONG, search=EVIL_LONG)
    sign_in(client)
    for path in ("/bundles", f"/bundles/{bundle}/edit"):
        page = client.get(path)
        assert page.status_code == 200
        assert "<script>alert" not in page.text and "&lt;script&gt;alert(2)" in page.text


# --- in a real browser ----------------------------------------------------------------


def test_pages_are_accessible_and_delete_asks_first(
    live_server: str, page: Any, ctx: Context, alice, check_accessibility, screenshot
) -> None:
    dev = make_folder(ctx, alice.id, "Dev")
    make_folder(ctx, alice.id, "Python", dev)
    add(ctx, alice.id, "https://a.example/", "python", folder=dev)
    make_bundle(ctx, alice.id, "Reading", any_tags="python", filter_unread="yes")
    make_bundle(ctx, alice.id, "Later")
    page.goto(f"{live_server}/login")
    page.get_by_label("Username").fill("alice")
    page.get_by_label("Password").fill("password123")
    page.get_by_role("button", name="Sign in").click()
    python = tag_id(ctx, alice.id, "python")
    for path in ("/tags", f"/tags/{python}", "/folders", f"/folders/{dev}", "/bundles"):
        page.goto(f"{live_server}{path}")
        check_accessibility(page)
        screenshot(page, "manage" + path.replace("/", "-"))
    page.goto(f"{live_server}/bundles/new")
    check_accessibility(page)
    asked: list[str] = []

    def answer(dialog: Any) -> None:
        asked.append(dialog.message)
        dialog.dismiss() if len(asked) == 1 else dialog.accept()

    page.on("dialog", answer)
    page.goto(f"{live_server}/folders")
    delete = page.get_by_role("button", name="Delete Dev", exact=True)
    delete.click()  # dismissed: nothing happens
    assert folder_state(ctx, alice.id)[0] == ("Dev", False, 1)
    delete.click()
    expect(page.get_by_role("button", name="Delete Dev", exact=True)).to_have_count(0)
    assert asked[0].startswith("Delete the folder “Dev”, its 1 subfolder and the 1 bookmark ")
    assert folder_state(ctx, alice.id) == []
