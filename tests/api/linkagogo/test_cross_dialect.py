"""The two dialects over the same bookmarks: what one writes, the other reads back; the
fields only /api/v1 has never show in, or change, the linkding view."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tests.api.linkagogo.conftest import Api, when

V1_ONLY = ("folder_id", "rating", "is_favorite", "reminder_at", "visit_count", "last_visited_at")
LD_CREATE = "/bookmarks/?disable_scraping"


def _shared(v1_view: dict[str, Any], ld_view: dict[str, Any]) -> None:
    """Every field both dialects show agrees."""
    assert v1_view["id"] == ld_view["id"]
    assert v1_view["url"] == ld_view["url"]
    assert v1_view["title"] == ld_view["title"]
    assert v1_view["comments"] == ld_view["description"]
    assert v1_view["keywords"] == " ".join(ld_view["tag_names"])
    assert v1_view["is_archived"] == ld_view["is_archived"]
    assert v1_view["created_at"] == ld_view["date_added"]
    assert v1_view["updated_at"] == ld_view["date_modified"]


def _ld_create(user: Api, **fields: Any) -> dict[str, Any]:
    r = user.ld("POST", LD_CREATE, json=fields)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


def test_a_v1_bookmark_reads_back_through_linkding(v1: Api) -> None:
    made = v1.add(
        "https://example.com/v1",
        title="Made in v1",
        keywords="zebra Éclair apple2 Apple ß, zebra",
        comments="the comments",
        is_archived=True,
        rating=3,
        is_favorite=True,
    )
    assert made["keywords"] == "Apple apple2 zebra Éclair ß"  # code point order
    ld = v1.ld_bookmark(made["id"])
    assert ld["tag_names"] == ["Apple", "apple2", "zebra", "Éclair", "ß"]
    _shared(made, ld)
    assert not set(V1_ONLY) & set(ld)
    assert made["id"] in v1.ld_ids()
    archived = v1.ld("GET", "/bookmarks/archived/").json()["results"]
    assert [b["id"] for b in archived] == [made["id"]]
    assert archived[0] == ld


def test_v1_changes_to_shared_fields_read_back_through_linkding(v1: Api) -> None:
    made = v1.add("https://example.com/a", title="A", keywords="one")
    changes: list[dict[str, Any]] = [
        {"title": "B"},
        {"comments": "described"},
        {"keywords": "two, Three"},
        {"url": "https://example.com/b"},
        {"is_archived": True},
        {"is_archived": False},
    ]
    previous = made
    for change in changes:
        r = v1.patch(f"/urls/{made['id']}", json=change)
        assert r.status_code == 200, r.text
        now = r.json()
        assert when(now["updated_at"]) > when(previous["updated_at"]), change
        _shared(now, v1.ld_bookmark(made["id"]))
        previous = now
    r = v1.put(
        f"/urls/{made['id']}",
        json={
            "url": "https://example.com/c",
            "title": "C",
            "folder_id": 0,
            "keywords": ["x"],
            "comments": "put",
            "rating": 0,
            "is_favorite": False,
        },
    )
    assert r.status_code == 200, r.text
    _shared(r.json(), v1.ld_bookmark(made["id"]))


def test_keywords_added_by_urls_tag_show_in_linkding(v1: Api) -> None:
    a = v1.add("https://example.com/a", keywords="old")
    b = _ld_create(v1, url="https://example.com/b", tag_names=["kept"])
    r = v1.post("/urls/tag", json={"ids": [a["id"], b["id"]], "add": ["Fresh"], "remove": ["old"]})
    assert r.status_code == 200 and r.json() == {"updated": 2}
    assert v1.ld_bookmark(a["id"])["tag_names"] == ["Fresh"]
    assert v1.ld_bookmark(b["id"])["tag_names"] == ["Fresh", "kept"]
    for bookmark_id in (a["id"], b["id"]):
        _shared(v1.one(bookmark_id), v1.ld_bookmark(bookmark_id))
    tags = {t["name"] for t in v1.ld("GET", "/tags/?limit=100").json()["results"]}
    assert {"Fresh", "kept"} <= tags
    found = v1.ld("GET", "/bookmarks/", params={"q": "#fresh"}).json()["results"]
    assert {x["id"] for x in found} == {a["id"], b["id"]}
    assert when(v1.one(b["id"])["updated_at"]) > when(b["date_modified"])


def test_a_linkding_bookmark_reads_back_through_v1(v1: Api) -> None:
    ld = _ld_create(
        v1,
        url="https://example.com/ld",
        title="From linkding",
        description="desc",
        notes="notes",
        tag_names=["b tag", "A"],
        unread=True,
        shared=True,
        date_added="2021-03-04T05:06:07Z",
    )
    body = v1.one(ld["id"])
    _shared(body, ld)
    assert body["keywords"] == "A b-tag"
    assert body["created_at"] == "2021-03-04T05:06:07Z"
    assert {k: body[k] for k in V1_ONLY} == {
        "folder_id": 0,
        "rating": 0,
        "is_favorite": False,
        "reminder_at": None,
        "visit_count": 0,
        "last_visited_at": None,
    }
    assert v1.page()["bookmarks"] == [body]
    # linkding changes read back
    r = v1.ld("PATCH", f"/bookmarks/{ld['id']}/", json={"title": "T2", "tag_names": ["z"]})
    assert r.status_code == 200, r.text
    _shared(v1.one(ld["id"]), r.json())
    assert v1.ld("POST", f"/bookmarks/{ld['id']}/archive/").status_code == 204
    assert v1.one(ld["id"])["is_archived"] is True
    _shared(v1.one(ld["id"]), v1.ld_bookmark(ld["id"]))


def test_v1_only_changes_leave_the_linkding_view_byte_identical(v1: Api) -> None:
    folder = v1.folder("F")
    ld = _ld_create(v1, url="https://example.com/x", title="X", tag_names=["t"], shared=True)
    path = f"/bookmarks/{ld['id']}/"

    def linkding_bytes() -> tuple[bytes, bytes, bytes]:
        one = v1.ld("GET", path)
        listed = v1.ld("GET", "/bookmarks/")
        shared = v1.ld("GET", "/bookmarks/shared/")
        assert one.status_code == listed.status_code == shared.status_code == 200
        return one.content, listed.content, shared.content

    before = linkding_bytes()
    v1_before = v1.one(ld["id"])
    writes: list[Callable[[], Any]] = [
        lambda: v1.patch(f"/urls/{ld['id']}", json={"folder_id": folder["id"]}),
        lambda: v1.patch(f"/urls/{ld['id']}", json={"rating": 4}),
        lambda: v1.patch(f"/urls/{ld['id']}", json={"is_favorite": True}),
        lambda: v1.patch(f"/urls/{ld['id']}", json={"reminder_at": "2030-01-01T00:00:00Z"}),
        lambda: v1.patch(f"/urls/{ld['id']}", json={"reminder_at": None}),
        lambda: v1.post(f"/urls/{ld['id']}/visit"),
        lambda: v1.post("/urls/move", json={"ids": [ld["id"]], "folder_id": 0}),
        lambda: v1.post("/urls/move", json={"ids": [ld["id"]], "folder_id": folder["id"]}),
        lambda: v1.post("/urls/tag", json={"ids": [ld["id"]], "add": ["T"]}),  # already has it
        lambda: v1.patch(
            f"/urls/{ld['id']}",
            json={"rating": 1, "is_favorite": False, "folder_id": 0, "title": "X", "keywords": "t"},
        ),
        lambda: v1.put(
            f"/urls/{ld['id']}",
            json={
                "url": "https://example.com/x",
                "title": "X",
                "folder_id": folder["id"],
                "keywords": "t",
                "comments": "",
                "rating": 5,
                "is_favorite": True,
                "reminder_at": "2031-01-01T00:00:00Z",
            },
        ),
    ]
    for index, write in enumerate(writes):
        r = write()
        assert r.status_code == 200, (index, r.text)
        assert linkding_bytes() == before, index
        assert v1.one(ld["id"])["updated_at"] == v1_before["updated_at"], index
    after = v1.one(ld["id"])
    assert (after["rating"], after["is_favorite"], after["folder_id"]) == (5, True, folder["id"])
    assert after["visit_count"] == 1


def test_linkding_writes_never_change_v1_only_fields(v1: Api) -> None:
    folder = v1.folder("F")
    made = v1.add(
        "https://example.com/keep",
        title="Keep",
        folder_id=folder["id"],
        rating=4,
        is_favorite=True,
        reminder_at="2030-05-05T00:00:00Z",
    )
    v1.post(f"/urls/{made['id']}/visit")
    kept = {k: v1.one(made["id"])[k] for k in V1_ONLY}
    assert kept["visit_count"] == 1
    path = f"/bookmarks/{made['id']}/"
    for method, body in (
        ("PATCH", {"title": "Patched", "description": "d", "tag_names": ["a"]}),
        ("PATCH", {"unread": True, "shared": True, "notes": "n"}),
        ("PUT", {"url": "https://example.com/keep2", "title": "Put"}),
        ("PUT", {"url": "https://example.com/keep2", "is_archived": True}),
        ("PATCH", {"is_archived": False, "tag_names": []}),
    ):
        r = v1.ld(method, path, json=body)
        assert r.status_code == 200, (method, body, r.text)
        now = v1.one(made["id"])
        assert {k: now[k] for k in V1_ONLY} == kept, (method, body)
        _shared(now, r.json())
    for action in ("archive", "unarchive"):
        assert v1.ld("POST", f"{path}{action}/").status_code == 204
        assert {k: v1.one(made["id"])[k] for k in V1_ONLY} == kept, action
    # linkding's create of an existing URL merges into it: still nothing v1-only changes
    r = v1.ld("POST", LD_CREATE, json={"url": "https://example.com/keep2", "title": "Merged"})
    assert r.status_code == 201 and r.json()["id"] == made["id"], r.text
    now = v1.one(made["id"])
    assert now["title"] == "Merged"
    assert {k: now[k] for k in V1_ONLY} == kept


def test_a_bookmark_deleted_in_one_dialect_is_gone_in_the_other(v1: Api) -> None:
    a = v1.add("https://example.com/a")
    b = _ld_create(v1, url="https://example.com/b")
    assert v1.ld("DELETE", f"/bookmarks/{a['id']}/").status_code == 204
    assert v1.get(f"/urls/{a['id']}").status_code == 404
    assert v1.delete(f"/urls/{b['id']}").status_code == 204
    assert v1.ld("GET", f"/bookmarks/{b['id']}/").status_code == 404
    assert v1.everything() == [] and v1.ld_ids() == set()


def test_the_same_key_works_on_both_dialects(v1: Api, make_v1: Callable[..., Api]) -> None:
    key = v1.key
    bare = key[len("lgg_") :]
    made = v1.add("https://example.com/k")
    for header in (f"Bearer {key}", f"Token {key}", f"Token {bare}", f"bearer {bare}"):
        auth = {"Authorization": header}
        r = v1.client.get("/api/bookmarks/", headers=auth)
        assert r.status_code == 200, (header, r.text)
        assert [b["id"] for b in r.json()["results"]] == [made["id"]]
        r = v1.client.get("/api/v1/urls", headers=auth)
        assert r.status_code == 200, (header, r.text)
        assert [b["id"] for b in r.json()["bookmarks"]] == [made["id"]]
        assert v1.client.get("/api/user/profile/", headers=auth).status_code == 200
    # a plan's daily count is shared by both dialects
    pat = make_v1("pat", plan="plus")
    first = pat.get("/auth/me")
    assert first.headers["X-RateLimit-Remaining"] == "4999"
    second = pat.ld("GET", "/bookmarks/")
    assert second.headers["X-RateLimit-Remaining"] == "4998"
    assert pat.get("/auth/me").json()["rate_limit"]["remaining"] == 4997
