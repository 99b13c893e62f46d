"""/api/v1/urls: create, read, replace, change, delete and visit one bookmark."""

from __future__ import annotations

import time
from typing import Any

from tests.api.linkagogo.conftest import (
    BOOKMARK_KEYS,
    ISO_Z,
    UNKNOWN_ID,
    Api,
    assert_detail,
    assert_invalid,
    when,
)
from tests.fetch.pageserver import PageServer

DUPLICATE = "A bookmark with this URL already exists"
PUT_REQUIRED = ["url", "title", "folder_id", "keywords", "comments", "rating", "is_favorite"]


# --- create --------------------------------------------------------------------------------


def test_create_returns_201_with_every_key_in_the_contracts_order(v1: Api) -> None:
    folder = v1.folder("Reading")
    r = v1.post(
        "/urls",
        json={
            "url": "https://example.com/full",
            "title": "Full",
            "folder_id": folder["id"],
            "keywords": "zeta Alpha beta",
            "comments": "some words",
            "rating": 4,
            "is_favorite": True,
            "reminder_at": "2030-01-02T03:04:05Z",
            "unknown_field": "ignored",
        },
    )
    assert r.status_code == 201, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert list(body) == BOOKMARK_KEYS
    assert isinstance(body["id"], int) and body["id"] > 0
    assert body["url"] == "https://example.com/full"
    assert body["title"] == "Full"
    assert body["folder_id"] == folder["id"]
    assert body["keywords"] == "Alpha beta zeta"  # sorted by code point, like tag_names
    assert body["comments"] == "some words"
    assert body["rating"] == 4
    assert body["is_favorite"] is True
    assert body["is_archived"] is False
    assert body["visit_count"] == 0
    assert body["last_visited_at"] is None
    assert body["reminder_at"] == "2030-01-02T03:04:05Z"
    assert ISO_Z.match(body["created_at"]) and body["updated_at"] == body["created_at"]
    assert v1.one(body["id"]) == body


def test_create_with_only_a_url_has_the_defaults(v1: Api) -> None:
    body = v1.add("https://example.com/bare")
    assert list(body) == BOOKMARK_KEYS
    expected = {
        "url": "https://example.com/bare",
        "folder_id": 0,
        "keywords": "",
        "comments": "",
        "rating": 0,
        "is_favorite": False,
        "is_archived": False,
        "visit_count": 0,
        "last_visited_at": None,
        "reminder_at": None,
    }
    assert {k: body[k] for k in expected} == expected
    assert isinstance(body["title"], str)
    # folder_id 0 and null both mean the root
    assert v1.add("https://example.com/zero", folder_id=0)["folder_id"] == 0
    assert v1.add("https://example.com/null", folder_id=None)["folder_id"] == 0


def test_create_a_url_whose_normalised_form_exists_is_409(v1: Api) -> None:
    first = v1.add("https://example.com/page?a=1&b=2", title="First", keywords="one")
    before = v1.state()
    for variant in (
        "https://example.com/page?a=1&b=2",  # the same URL
        "https://EXAMPLE.com/page/?b=2&a=1",  # host case, trailing slash, parameter order
        "HTTPS://example.com/page?b=2&a=1",
        " https://example.com/page?a=1&b=2 ",
    ):
        r = v1.post("/urls", json={"url": variant, "title": "Second", "keywords": "two"})
        assert r.status_code == 409, (variant, r.text)
        assert r.json() == {"detail": DUPLICATE, "bookmark_id": first["id"]}
    assert v1.state() == before


def test_an_archived_bookmarks_url_is_taken_too(v1: Api) -> None:
    archived = v1.add("https://example.com/old", is_archived=True)
    r = v1.post("/urls", json={"url": "https://example.com/old/"})
    assert r.status_code == 409, r.text
    assert r.json() == {"detail": DUPLICATE, "bookmark_id": archived["id"]}


def test_create_an_invalid_url_is_422_and_creates_nothing(v1: Api) -> None:
    before = v1.state()
    for bad in (
        "",
        "   ",
        "not a url",
        "example.com/page",
        "javascript:alert(1)",
        "mailto:someone@example.com",
        "file:///etc/passwd",
        "http://",
        "https://",
        "https:///path",
        "https://exa mple.com/",
        "gopher://example.com/",
        "https://" + "a" * 3000 + ".com/",
    ):
        assert_invalid(v1.post("/urls", json={"url": bad, "title": "t"}), "url")
    body = assert_invalid(v1.post("/urls", json={"title": "no url"}), "url")
    assert body == {
        "detail": "url: field required",
        "errors": [{"field": "url", "message": "field required"}],
    }
    assert v1.state() == before
    for good in (
        "ftp://files.example.org/x",
        "ftps://files.example.org/y",
        "http://localhost:8080/",
        "http://nas:8080/share",  # a single-label host
        "http://127.0.0.1/z",
        "https://example.com/ok",
    ):
        assert v1.add(good)["url"] == good


def test_create_in_a_missing_or_foreign_folder_is_404(v1: Api, bob: Api) -> None:
    theirs = bob.folder("Bob's")
    before = v1.state()
    for folder_id in (UNKNOWN_ID, 123456, theirs["id"]):
        r = v1.post("/urls", json={"url": "https://example.com/f", "folder_id": folder_id})
        assert_detail(r, 404)
    assert v1.state() == before
    assert bob.everything() == []


def test_rating_outside_0_to_5_is_422(v1: Api) -> None:
    before = v1.state()
    for rating in (-1, 6, 100, 2**40, "3", 2.5, True, None, [1]):
        r = v1.post("/urls", json={"url": "https://example.com/r", "rating": rating})
        assert_invalid(r, "rating")
    assert v1.state() == before
    for rating in range(6):
        assert v1.add(f"https://example.com/r{rating}", rating=rating)["rating"] == rating


KEYWORD_CASES: list[tuple[Any, str]] = [
    ("python web", "python web"),
    ("a,b,,c  d\te\nf", "a b c d e f"),
    (" , ,, ", ""),
    ("", ""),
    ("b,a a A", "a b"),  # duplicates removed case-insensitively
    (["web", "python"], "python web"),  # a list of strings
    (["x y", "z,w", "", "X"], "w x y z"),  # list items split the same way
    ("Zeta alpha Beta", "alpha beta zeta"),
]


def test_keywords_are_split_on_whitespace_and_commas(v1: Api) -> None:
    for index, (given, expected) in enumerate(KEYWORD_CASES):
        body = v1.add(f"https://example.com/k{index}", keywords=given)
        words = body["keywords"].split()
        assert body["keywords"] == " ".join(words), given  # single spaces
        assert sorted(w.lower() for w in words) == expected.split(), given
        assert words == sorted(words), given  # code point order, as linkding's tag_names
        assert v1.one(body["id"])["keywords"] == body["keywords"]
        assert v1.ld_bookmark(body["id"])["tag_names"] == words


def test_keywords_of_the_wrong_type_are_422(v1: Api) -> None:
    for keywords in (5, [1, 2], ["a", None], {"a": 1}, None, True):
        r = v1.post("/urls", json={"url": "https://example.com/kw", "keywords": keywords})
        assert_invalid(r, "keywords")
    assert v1.everything() == []


def test_reminder_at_is_an_iso_datetime_or_null(v1: Api) -> None:
    cases = {
        "2030-01-02T03:04:05Z": "2030-01-02T03:04:05Z",
        "2030-01-02T05:04:05+02:00": "2030-01-02T03:04:05Z",
        "2030-01-02T03:04:05.250000Z": "2030-01-02T03:04:05.25Z",
    }
    for index, (given, shown) in enumerate(cases.items()):
        body = v1.add(f"https://example.com/rem{index}", reminder_at=given)
        assert when(body["reminder_at"]) == when(shown), (given, body)
    assert v1.add("https://example.com/none", reminder_at=None)["reminder_at"] is None
    before = v1.state()
    for bad in ("tomorrow", "2030-13-40T00:00:00Z", "", 1234567890, True, ["2030-01-01"]):
        r = v1.post("/urls", json={"url": "https://example.com/bad", "reminder_at": bad})
        assert_invalid(r, "reminder_at")
    assert v1.state() == before


def _run_queued_jobs(ctx: Any) -> int:
    """Run what the background worker would (the queue is the test's own)."""
    huey = ctx.jobs.huey
    ran = 0
    while (task := huey.dequeue()) is not None:
        huey.execute(task)
        ran += 1
    return ran


def test_an_omitted_or_empty_title_is_fetched_in_the_background(
    v1: Api, ctx: Any, pages: PageServer
) -> None:
    html = "<html><head><title>Fetched Title</title></head><body>x</body></html>"
    omitted = v1.add(pages.page("/omitted", html))
    empty = v1.add(pages.page("/empty", html), title="")
    given = v1.add(pages.page("/given", html), title="My own")
    broken = v1.add(pages.url("/nothing-here"))
    assert omitted["title"] == empty["title"] == broken["title"] == ""
    assert given["title"] == "My own"
    assert _run_queued_jobs(ctx) >= 3
    assert v1.one(omitted["id"])["title"] == "Fetched Title"
    assert v1.one(empty["id"])["title"] == "Fetched Title"
    assert v1.one(given["id"])["title"] == "My own"
    assert v1.one(broken["id"])["title"] == ""
    assert v1.ids(q="fetched") == sorted([omitted["id"], empty["id"]], reverse=True)
    # the response never waits on the remote site
    slow = pages.page("/slow", html, stall=5.0)
    started = time.monotonic()
    made = v1.add(slow)
    assert time.monotonic() - started < 2.5
    assert made["title"] == ""


# --- read ----------------------------------------------------------------------------------


def test_get_returns_the_bookmark_and_unknown_ids_are_404(v1: Api) -> None:
    made = v1.add("https://example.com/get", title="Get me", keywords="x")
    assert v1.one(made["id"]) == made
    assert_detail(v1.get(f"/urls/{made['id'] + 1}"), 404)
    assert_detail(v1.get(f"/urls/{UNKNOWN_ID}"), 404)


# --- PUT -----------------------------------------------------------------------------------


def _full(url: str, **override: Any) -> dict[str, Any]:
    body = {
        "url": url,
        "title": "Replaced",
        "folder_id": 0,
        "keywords": "new, tags",
        "comments": "new comments",
        "rating": 2,
        "is_favorite": False,
    }
    body.update(override)
    return body


def test_put_replaces_the_bookmark_and_an_omitted_reminder_becomes_null(v1: Api) -> None:
    folder = v1.folder("Target")
    made = v1.add(
        "https://example.com/put",
        title="Old",
        keywords="old",
        comments="old comments",
        rating=5,
        is_favorite=True,
        reminder_at="2030-01-01T00:00:00Z",
        is_archived=True,
    )
    r = v1.put(
        f"/urls/{made['id']}",
        json=_full("https://example.com/put-new", folder_id=folder["id"]),
    )
    assert r.status_code == 200, r.text
    body = r.json()
    assert list(body) == BOOKMARK_KEYS
    assert body["id"] == made["id"]
    assert body["url"] == "https://example.com/put-new"
    assert body["title"] == "Replaced"
    assert body["folder_id"] == folder["id"]
    assert body["keywords"] == "new tags"
    assert body["comments"] == "new comments"
    assert body["rating"] == 2
    assert body["is_favorite"] is False
    assert body["reminder_at"] is None  # omitted in a PUT: cleared
    assert body["is_archived"] is True  # omitted in a PUT: left alone
    assert body["created_at"] == made["created_at"]
    assert when(body["updated_at"]) > when(made["updated_at"])
    assert v1.one(made["id"]) == body
    # the old URL is free again; the new one is taken
    assert v1.add("https://example.com/put")["id"] != made["id"]
    r = v1.post("/urls", json={"url": "https://example.com/put-new"})
    assert r.status_code == 409 and r.json()["bookmark_id"] == made["id"]


def test_put_keeps_a_given_reminder_and_can_set_archived(v1: Api) -> None:
    made = v1.add("https://example.com/put2")
    body = _full(made["url"], reminder_at="2031-05-06T07:08:09Z", is_archived=True)
    r = v1.put(f"/urls/{made['id']}", json=body)
    assert r.status_code == 200, r.text
    assert r.json()["reminder_at"] == "2031-05-06T07:08:09Z"
    assert r.json()["is_archived"] is True


def test_put_without_a_required_field_is_422_naming_it(v1: Api) -> None:
    made = v1.add("https://example.com/put3", title="Keep", keywords="keep", rating=1)
    before = v1.state()
    for missing in PUT_REQUIRED:
        body = _full("https://example.com/put3-changed")
        del body[missing]
        data = assert_invalid(v1.put(f"/urls/{made['id']}", json=body), missing)
        assert {"field": missing, "message": "field required"} in data["errors"]
        assert [e["field"] for e in data["errors"]] == [missing]
    assert v1.state() == before


def test_put_with_an_empty_body_names_every_required_field(v1: Api) -> None:
    made = v1.add("https://example.com/put4")
    before = v1.state()
    assert_invalid(v1.put(f"/urls/{made['id']}", json={}), *PUT_REQUIRED)
    assert v1.state() == before


def test_put_or_patch_onto_another_bookmarks_url_is_409(v1: Api) -> None:
    first = v1.add("https://example.com/one?x=1&y=2", title="One")
    second = v1.add("https://example.com/two", title="Two")
    before = v1.state()
    for variant in ("https://example.com/one?x=1&y=2", "https://Example.COM/one/?y=2&x=1"):
        r = v1.put(f"/urls/{second['id']}", json=_full(variant))
        assert r.status_code == 409, r.text
        assert r.json() == {"detail": DUPLICATE, "bookmark_id": first["id"]}
        r = v1.patch(f"/urls/{second['id']}", json={"url": variant, "title": "Changed"})
        assert r.status_code == 409, r.text
        assert r.json() == {"detail": DUPLICATE, "bookmark_id": first["id"]}
    assert v1.state() == before
    # a bookmark's own URL, spelled another way, is not a clash
    r = v1.patch(f"/urls/{first['id']}", json={"url": "https://EXAMPLE.com/one/?y=2&x=1"})
    assert r.status_code == 200, r.text
    assert r.json()["url"] == "https://EXAMPLE.com/one/?y=2&x=1"


# --- PATCH ---------------------------------------------------------------------------------


def test_patch_changes_only_the_fields_given(v1: Api) -> None:
    folder = v1.folder("Somewhere")
    made = v1.add(
        "https://example.com/patch",
        title="Title",
        keywords="a b",
        comments="c",
        rating=1,
        reminder_at="2030-01-01T00:00:00Z",
    )
    changes: list[tuple[dict[str, Any], dict[str, Any]]] = [
        ({"url": "https://example.com/patched"}, {"url": "https://example.com/patched"}),
        ({"title": "New title"}, {"title": "New title"}),
        ({"folder_id": folder["id"]}, {"folder_id": folder["id"]}),
        ({"keywords": "c,d"}, {"keywords": "c d"}),
        ({"keywords": ["e"]}, {"keywords": "e"}),
        ({"comments": "more"}, {"comments": "more"}),
        ({"rating": 5}, {"rating": 5}),
        ({"is_favorite": True}, {"is_favorite": True}),
        ({"is_archived": True}, {"is_archived": True}),
        ({"reminder_at": "2032-02-02T02:02:02Z"}, {"reminder_at": "2032-02-02T02:02:02Z"}),
        ({"reminder_at": None}, {"reminder_at": None}),
        ({"folder_id": 0}, {"folder_id": 0}),
        ({"folder_id": folder["id"]}, {"folder_id": folder["id"]}),
        ({"folder_id": None}, {"folder_id": 0}),
        ({"keywords": ""}, {"keywords": ""}),
        ({"title": "", "comments": ""}, {"title": "", "comments": ""}),
    ]
    current = made
    for patch, shown in changes:
        r = v1.patch(f"/urls/{made['id']}", json=patch)
        assert r.status_code == 200, (patch, r.text)
        body = r.json()
        assert list(body) == BOOKMARK_KEYS
        expected = {**current, **shown}
        for key in ("updated_at",):
            expected[key] = body[key]
        assert body == expected, patch
        assert v1.one(made["id"]) == body
        current = body


def test_an_empty_patch_changes_nothing(v1: Api) -> None:
    made = v1.add("https://example.com/empty", title="T", keywords="k")
    r = v1.patch(f"/urls/{made['id']}", json={})
    assert r.status_code == 200, r.text
    assert r.json() == made
    r = v1.patch(f"/urls/{made['id']}", json={"other": 1})  # unknown fields are ignored
    assert r.status_code == 200, r.text
    assert r.json() == made


READ_ONLY = {
    "id": 4242,
    "visit_count": 99,
    "last_visited_at": "2020-01-01T00:00:00Z",
    "created_at": "2000-01-01T00:00:00Z",
    "updated_at": "2000-01-01T00:00:00Z",
}


def test_read_only_fields_in_a_body_are_ignored(v1: Api) -> None:
    made = v1.add("https://example.com/ro", **READ_ONLY)
    assert made["id"] != 4242 and made["visit_count"] == 0
    assert made["last_visited_at"] is None
    assert when(made["created_at"]).year > 2020 and made["updated_at"] == made["created_at"]
    for method in ("PATCH", "PUT"):
        body = {**READ_ONLY}
        if method == "PUT":
            body.update(_full(made["url"], title="", keywords="", comments="", rating=0))
        r = v1.request(method, f"/urls/{made['id']}", json=body)
        assert r.status_code == 200, r.text
        assert r.json() == made, method
    assert_detail(v1.get("/urls/4242"), 404)


def test_patch_validates_like_create(v1: Api, bob: Api) -> None:
    made = v1.add("https://example.com/pv")
    theirs = bob.folder("Theirs")
    before = v1.state()
    path = f"/urls/{made['id']}"
    assert_invalid(v1.patch(path, json={"url": "nope"}), "url")
    assert_invalid(v1.patch(path, json={"rating": 6}), "rating")
    assert_invalid(v1.patch(path, json={"rating": -1}), "rating")
    assert_invalid(v1.patch(path, json={"reminder_at": "soon"}), "reminder_at")
    assert_invalid(v1.patch(path, json={"is_favorite": "yes"}), "is_favorite")
    assert_invalid(v1.patch(path, json={"url": None}), "url")
    assert_detail(v1.patch(path, json={"folder_id": UNKNOWN_ID}), 404)
    assert_detail(v1.patch(path, json={"folder_id": theirs["id"]}), 404)
    assert v1.state() == before


# --- DELETE --------------------------------------------------------------------------------


def test_delete_is_204_then_404(v1: Api) -> None:
    made = v1.add("https://example.com/del", keywords="gone")
    kept = v1.add("https://example.com/kept")
    r = v1.delete(f"/urls/{made['id']}")
    assert r.status_code == 204
    assert r.content == b""
    path = f"/urls/{made['id']}"
    assert_detail(v1.get(path), 404)
    assert_detail(v1.delete(path), 404)
    assert_detail(v1.patch(path, json={"title": "x"}), 404)
    assert_detail(v1.put(path, json=_full(made["url"])), 404)
    assert_detail(v1.post(f"{path}/visit"), 404)
    assert [b["id"] for b in v1.everything()] == [kept["id"]]
    assert v1.ld_ids() == {kept["id"]}
    # the URL can be bookmarked again
    assert v1.add("https://example.com/del")["id"] not in (made["id"], kept["id"])


# --- visits --------------------------------------------------------------------------------


def test_visit_counts_and_stamps_without_touching_updated_at(v1: Api) -> None:
    made = v1.add("https://example.com/visit")
    r = v1.post(f"/urls/{made['id']}/visit")
    assert r.status_code == 200, r.text
    first = r.json()
    assert list(first) == BOOKMARK_KEYS
    assert first["visit_count"] == 1
    assert first["last_visited_at"] is not None
    assert when(first["last_visited_at"]) >= when(made["created_at"])
    assert first["updated_at"] == made["updated_at"]
    assert {k: v for k, v in first.items() if k not in ("visit_count", "last_visited_at")} == {
        k: v for k, v in made.items() if k not in ("visit_count", "last_visited_at")
    }
    second = v1.post(f"/urls/{made['id']}/visit").json()
    assert second["visit_count"] == 2
    assert when(second["last_visited_at"]) >= when(first["last_visited_at"])
    assert v1.one(made["id"]) == second
    assert_detail(v1.post(f"/urls/{UNKNOWN_ID}/visit"), 404)
