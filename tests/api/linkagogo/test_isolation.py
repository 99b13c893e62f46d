"""Two users of /api/v1: alice never sees, changes or learns about bob's objects.

Another user's object is 404 (never 403, never the data), inside bulk ``ids`` too (all or
nothing); lists, search, stats and reminders only ever show the caller's own objects.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest

from tests.api.linkagogo.conftest import Api, assert_detail

SECRET = "zanzibarquokka"
BOB_URL = "https://bob.example/private/page"


@dataclass
class Bob:
    api: Api
    bookmark: dict[str, Any]
    archived: dict[str, Any]
    folder: dict[str, Any]
    subfolder: dict[str, Any]


@pytest.fixture
def bobs(bob: Api) -> Bob:
    folder = bob.folder(f"Bob {SECRET}")
    subfolder = bob.folder("Inner", folder["id"])
    bookmark = bob.add(
        BOB_URL,
        title=f"Bob {SECRET}",
        keywords=f"bobtag {SECRET}",
        comments=f"bob's {SECRET} comments",
        folder_id=folder["id"],
        is_favorite=True,
        rating=5,
        reminder_at="2001-01-01T00:00:00Z",
    )
    archived = bob.add(
        "https://bob.example/archived",
        title=f"archived {SECRET}",
        is_archived=True,
        folder_id=subfolder["id"],
        reminder_at="2002-01-01T00:00:00Z",
    )
    bob.post(f"/urls/{bookmark['id']}/visit")
    return Bob(bob, bob.one(bookmark["id"]), archived, folder, subfolder)


def _put_body(**override: Any) -> dict[str, Any]:
    return {
        "url": "https://alice.example/stolen",
        "title": "mine now",
        "folder_id": 0,
        "keywords": "",
        "comments": "",
        "rating": 0,
        "is_favorite": False,
        **override,
    }


def test_bobs_bookmarks_and_folders_are_404_on_every_endpoint(v1: Api, bobs: Bob) -> None:
    mine = v1.add("https://alice.example/", title="alice")
    before_bob = bobs.api.state()
    before_alice = v1.state()
    for bookmark in (bobs.bookmark, bobs.archived):
        path = f"/urls/{bookmark['id']}"
        assert_detail(v1.get(path), 404)
        assert_detail(v1.put(path, json=_put_body()), 404)
        assert_detail(v1.patch(path, json={"title": "mine now"}), 404)
        assert_detail(v1.patch(path, json={"rating": "bad"}), 404)  # not a 422 either
        assert_detail(v1.post(f"{path}/visit"), 404)
        assert_detail(v1.delete(path), 404)
    for folder in (bobs.folder, bobs.subfolder):
        path = f"/folders/{folder['id']}"
        assert_detail(v1.patch(path, json={"name": "mine now"}), 404)
        assert_detail(v1.patch(path, json={"is_public": True}), 404)
        assert_detail(v1.patch(path, json={"name": 5}), 404)
        assert_detail(v1.delete(path), 404)
    # the same 404 as for an id that exists nowhere
    assert v1.get(f"/urls/{bobs.bookmark['id']}").json() == v1.get("/urls/999999").json()
    assert v1.delete(f"/folders/{bobs.folder['id']}").json() == v1.delete("/folders/999999").json()
    assert bobs.api.state() == before_bob
    assert v1.state() == before_alice
    assert v1.one(mine["id"]) == mine


def test_bobs_ids_in_bulk_requests_are_404_and_change_nothing(v1: Api, bobs: Bob) -> None:
    target = v1.folder("Target")
    mine = [v1.add(f"https://alice.example/{i}", keywords="orig")["id"] for i in range(2)]
    before_bob = bobs.api.state()
    before_alice = v1.state()
    for theirs in (bobs.bookmark["id"], bobs.archived["id"]):
        ids = [mine[0], theirs, mine[1]]
        r = v1.post("/urls/move", json={"ids": ids, "folder_id": target["id"]})
        assert str(theirs) in assert_detail(r, 404)["detail"]
        r = v1.post("/urls/move", json={"ids": ids, "folder_id": 0})
        assert_detail(r, 404)
        r = v1.post("/urls/tag", json={"ids": ids, "add": ["new"], "remove": ["orig"]})
        assert str(theirs) in assert_detail(r, 404)["detail"]
        r = v1.post("/urls/tag", json={"ids": [theirs], "remove": ["bobtag", SECRET]})
        assert_detail(r, 404)
    assert v1.state() == before_alice
    assert bobs.api.state() == before_bob


def test_bobs_folder_is_404_as_a_target(v1: Api, bobs: Bob) -> None:
    mine = v1.add("https://alice.example/")
    own_folder = v1.folder("Own")
    before_bob = bobs.api.state()
    before_alice = v1.state()
    for folder in (bobs.folder, bobs.subfolder):
        fid = folder["id"]
        assert_detail(
            v1.post("/urls", json={"url": "https://alice.example/x", "folder_id": fid}), 404
        )
        assert_detail(v1.patch(f"/urls/{mine['id']}", json={"folder_id": fid}), 404)
        assert_detail(v1.put(f"/urls/{mine['id']}", json=_put_body(folder_id=fid)), 404)
        assert_detail(v1.post("/urls/move", json={"ids": [mine["id"]], "folder_id": fid}), 404)
        assert_detail(v1.post("/folders", json={"name": "x", "folder_id": fid}), 404)
        assert_detail(v1.patch(f"/folders/{own_folder['id']}", json={"folder_id": fid}), 404)
    assert v1.state() == before_alice
    assert bobs.api.state() == before_bob


def test_the_list_filter_on_bobs_folder_shows_nothing(v1: Api, bobs: Bob) -> None:
    v1.add("https://alice.example/")
    for folder in (bobs.folder, bobs.subfolder):
        r = v1.get("/urls", params={"folder_id": folder["id"]})
        assert r.status_code in (200, 404), r.text
        if r.status_code == 404:
            assert_detail(r, 404)
        else:
            assert r.json()["bookmarks"] == [] and r.json()["total"] == 0
            # and the same answer as for a folder that exists nowhere
            assert r.json() == v1.get("/urls", params={"folder_id": 999_999}).json()


def test_no_list_stats_or_reminders_show_bobs_data(v1: Api, bobs: Bob) -> None:
    a = v1.add("https://alice.example/a", title="alice", keywords="alicetag")
    v1.folder("Alice")
    assert v1.ids() == [a["id"]]
    for params in (
        {"q": SECRET},
        {"q": "bobtag"},
        {"q": "#bobtag"},
        {"q": f"#{SECRET}"},
        {"q": "bob.example"},
        {"q": "bob"},
        {"favorite": "true"},
        {"sort": "visit_date_desc"},
        {"sort": "rating_desc"},
        {"folder_id": 0},
    ):
        body = v1.page(**params)
        assert all(b["id"] == a["id"] for b in body["bookmarks"]), params
        assert body["total"] == len(body["bookmarks"]), params
        assert SECRET not in str(body), params
    assert [f["name"] for f in v1.folders()] == ["Alice"]
    assert v1.stats() == {
        "bookmark_count": 1,
        "folder_count": 1,
        "favorite_count": 0,
        "tag_count": 1,
        "top_keywords": [{"keyword": "alicetag", "count": 1}],
        "first_bookmark_at": a["created_at"],
        "last_bookmark_at": a["created_at"],
    }
    assert v1.get("/account/reminders").json() == {"bookmarks": []}
    assert SECRET not in v1.get("/auth/me").text
    # bob sees his own
    assert len(bobs.api.get("/account/reminders").json()["bookmarks"]) == 2
    assert bobs.api.stats()["bookmark_count"] == 2


def test_bobs_url_and_folder_names_are_free_for_alice(v1: Api, bobs: Bob) -> None:
    mine = v1.add(BOB_URL)  # no 409, no bookmark_id of bob's
    assert mine["id"] not in (bobs.bookmark["id"], bobs.archived["id"])
    assert mine["folder_id"] == 0 and mine["visit_count"] == 0
    other = v1.add("https://alice.example/other")
    r = v1.patch(f"/urls/{other['id']}", json={"url": "https://bob.example/archived"})
    assert r.status_code == 200, r.text
    # bob's folder names do not clash with alice's, and a path never reuses his folders
    r = v1.post("/folders", json={"name": f"BOB {SECRET.upper()}"})
    assert r.status_code == 201, r.text
    r = v1.post("/folders/path", json={"path": f"Bob {SECRET}/Inner"})
    assert r.status_code == 201, r.text  # Inner made under alice's own folder
    assert r.json()["id"] not in (bobs.folder["id"], bobs.subfolder["id"])
    assert [f["path"] for f in v1.folders()] == [
        f"BOB {SECRET.upper()}",
        f"BOB {SECRET.upper()}/Inner",
    ]
    assert bobs.api.one(bobs.bookmark["id"]) == bobs.bookmark
