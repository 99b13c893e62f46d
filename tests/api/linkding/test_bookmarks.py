"""Bookmarks through the linkding API: create, merge, update, archive, delete, shapes."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

KEYS = [
    "id",
    "url",
    "title",
    "description",
    "notes",
    "web_archive_snapshot_url",
    "favicon_url",
    "preview_image_url",
    "is_archived",
    "unread",
    "shared",
    "tag_names",
    "date_added",
    "date_modified",
    "website_title",
    "website_description",
]
ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")


def create(api: TestClient, **fields: object) -> dict:
    response = api.post("/api/bookmarks/?disable_scraping", json=fields)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_returns_the_bookmark_in_linkdings_shape(api: TestClient) -> None:
    body = create(api, url="https://example.com/page", title=" A title ", tag_names=["x"])
    assert list(body) == KEYS
    assert body["url"] == "https://example.com/page"
    assert body["title"] == "A title"
    assert body["description"] == "" and body["notes"] == ""
    assert body["is_archived"] is False and body["unread"] is False and body["shared"] is False
    assert body["favicon_url"] is None and body["preview_image_url"] is None
    assert body["website_title"] is None and body["website_description"] is None
    assert ISO.match(body["date_added"]) and ISO.match(body["date_modified"])
    stamp = re.sub(r"[-T:Z]", "", body["date_added"])[:14]
    assert body["web_archive_snapshot_url"] == f"https://web.archive.org/web/{stamp}/{body['url']}"
    assert api.get(f"/api/bookmarks/{body['id']}/").json() == body


def test_response_content_type_is_json(api: TestClient) -> None:
    response = api.get("/api/bookmarks/")
    assert response.headers["content-type"] == "application/json"


def test_url_is_required_and_validated(api: TestClient) -> None:
    response = api.post("/api/bookmarks/", json={"title": "x"})
    assert response.status_code == 400
    assert response.json() == {"url": ["This field is required."]}
    for bad in ("javascript:alert(1)", "example.com", "https://intranet", "https://", ""):
        response = api.post("/api/bookmarks/", json={"url": bad})
        assert response.status_code == 400, bad
        assert response.json() == {"url": ["Enter a valid URL."]}, bad
    for good in ("http://localhost:8000/x", "http://127.0.0.1/", "ftp://files.example.org/a"):
        assert api.post("/api/bookmarks/", json={"url": good}).status_code == 201, good
    long_url = "https://example.com/" + "a" * 2100
    assert api.post("/api/bookmarks/", json={"url": long_url}).status_code == 400


def test_title_longer_than_512_is_refused(api: TestClient) -> None:
    response = api.post("/api/bookmarks/", json={"url": "https://example.com", "title": "t" * 513})
    assert response.status_code == 400
    assert list(response.json()) == ["title"]
    assert api.get("/api/bookmarks/").json()["count"] == 0


def test_tag_names_are_cleaned(api: TestClient) -> None:
    body = create(
        api, url="https://example.com", tag_names=["tag 1", "c  d", "a,b", "Dup", "dup", " z "]
    )
    assert body["tag_names"] == ["a", "b", "c--d", "dup", "tag-1", "z"]


def test_existing_tag_keeps_its_spelling(api: TestClient) -> None:
    create(api, url="https://one.example.com", tag_names=["Python"])
    body = create(api, url="https://two.example.com", tag_names=["python"])
    assert body["tag_names"] == ["Python"]


def test_tag_names_sorted_by_code_point(api: TestClient) -> None:
    body = create(api, url="https://example.com", tag_names=["x", "Zeta", "foo-bar"])
    assert body["tag_names"] == ["Zeta", "foo-bar", "x"]


def test_blank_and_too_long_tags_are_indexed_errors(api: TestClient) -> None:
    response = api.post("/api/bookmarks/", json={"url": "https://e.com", "tag_names": ["ok", " "]})
    assert response.status_code == 400
    assert response.json() == {"tag_names": {"1": ["This field may not be blank."]}}
    response = api.post("/api/bookmarks/", json={"url": "https://e.com", "tag_names": ["a" * 65]})
    assert response.status_code == 400
    assert list(response.json()["tag_names"]) == ["0"]
    response = api.post("/api/bookmarks/", json={"url": "https://e.com", "tag_names": "a"})
    assert response.json() == {"tag_names": ['Expected a list of items but got type "str".']}


def test_duplicate_url_merges_into_the_existing_bookmark(api: TestClient) -> None:
    first = create(
        api,
        url="https://EXAMPLE.com/path/?z=1&a=2",
        title="Old",
        description="keep me",
        notes="n",
        tag_names=["one"],
        unread=True,
    )
    second = create(
        api,
        url="https://example.com/path?a=2&z=1",
        title="New",
        tag_names=["two"],
        is_archived=True,
    )
    assert second["id"] == first["id"]
    assert second["url"] == "https://EXAMPLE.com/path/?z=1&a=2"  # the old spelling stays
    assert second["title"] == "New"
    assert second["description"] == "keep me" and second["notes"] == "n"  # absent: kept
    assert second["unread"] is True
    assert second["tag_names"] == ["two"]  # present: replaces
    assert second["is_archived"] is False  # ignored on a merge
    assert api.get("/api/bookmarks/").json()["count"] == 1


def test_merge_finds_archived_bookmarks(api: TestClient) -> None:
    first = create(api, url="https://example.com", is_archived=True)
    assert first["is_archived"] is True
    second = create(api, url="https://example.com/")
    assert second["id"] == first["id"] and second["is_archived"] is True


def test_dates_are_writable_on_create(api: TestClient) -> None:
    body = create(
        api,
        url="https://example.com",
        date_added="2020-01-02T03:04:05Z",
        date_modified="2021-02-03T04:05:06.123456+02:00",
    )
    assert body["date_added"] == "2020-01-02T03:04:05Z"
    assert body["date_modified"] == "2021-02-03T02:05:06.123456Z"
    naive = create(api, url="https://b.example.com", date_added="2020-01-02T03:04:05")
    assert naive["date_added"] == "2020-01-02T03:04:05Z"
    as_date = create(api, url="https://c.example.com", date_added="2020-01-02")
    assert as_date["date_added"] == "2020-01-02T00:00:00Z"


def test_patch_changes_only_what_is_given(api: TestClient) -> None:
    body = create(api, url="https://example.com", title="T", tag_names=["keep"], notes="x")
    response = api.patch(f"/api/bookmarks/{body['id']}/", json={"description": "d", "shared": True})
    assert response.status_code == 200
    patched = response.json()
    assert patched["description"] == "d" and patched["shared"] is True
    assert patched["title"] == "T" and patched["tag_names"] == ["keep"] and patched["notes"] == "x"
    assert patched["date_modified"] >= body["date_modified"]
    response = api.patch(f"/api/bookmarks/{body['id']}/", json={"date_modified": "2000-01-01"})
    assert response.json()["date_modified"] != "2000-01-01T00:00:00Z"


def test_put_needs_url_and_keeps_omitted_fields(api: TestClient) -> None:
    body = create(api, url="https://example.com", title="T", tag_names=["keep"], unread=True)
    response = api.put(f"/api/bookmarks/{body['id']}/", json={"title": "x"})
    assert response.status_code == 400
    assert response.json() == {"url": ["This field is required."]}
    response = api.put(f"/api/bookmarks/{body['id']}/", json={"url": "https://example.org"})
    assert response.status_code == 200
    put = response.json()
    assert put["url"] == "https://example.org"
    assert put["title"] == "T" and put["tag_names"] == ["keep"] and put["unread"] is True


def test_form_put_treats_omitted_booleans_as_false(api: TestClient) -> None:
    body = create(api, url="https://example.com", unread=True, shared=True)
    response = api.put(f"/api/bookmarks/{body['id']}/", data={"url": "https://example.com"})
    assert response.status_code == 200
    assert response.json()["unread"] is False and response.json()["shared"] is False
    response = api.patch(f"/api/bookmarks/{body['id']}/", data={"title": "t"})
    assert response.json()["unread"] is False


def test_changing_url_to_another_bookmarks_url_is_refused(api: TestClient) -> None:
    create(api, url="https://one.example.com")
    two = create(api, url="https://two.example.com")
    response = api.patch(f"/api/bookmarks/{two['id']}/", json={"url": "https://ONE.example.com/"})
    assert response.status_code == 400
    assert response.json() == {"url": ["A bookmark with this URL already exists."]}
    assert api.get(f"/api/bookmarks/{two['id']}/").json()["url"] == "https://two.example.com"


def test_archive_and_unarchive_are_idempotent(api: TestClient) -> None:
    body = create(api, url="https://example.com")
    for _ in range(2):
        assert api.post(f"/api/bookmarks/{body['id']}/archive/").status_code == 204
    assert api.get("/api/bookmarks/").json()["count"] == 0
    archived = api.get("/api/bookmarks/archived/").json()
    assert [b["id"] for b in archived["results"]] == [body["id"]]
    assert archived["results"][0]["is_archived"] is True
    for _ in range(2):
        response = api.post(f"/api/bookmarks/{body['id']}/unarchive/")
        assert response.status_code == 204 and response.content == b""
    assert api.get("/api/bookmarks/").json()["count"] == 1


def test_is_archived_is_writable(api: TestClient) -> None:
    body = create(api, url="https://example.com", is_archived=True)
    assert api.get("/api/bookmarks/archived/").json()["count"] == 1
    api.patch(f"/api/bookmarks/{body['id']}/", json={"is_archived": False})
    assert api.get("/api/bookmarks/").json()["count"] == 1


def test_delete(api: TestClient) -> None:
    body = create(api, url="https://example.com", tag_names=["stays"])
    response = api.delete(f"/api/bookmarks/{body['id']}/")
    assert response.status_code == 204 and response.content == b""
    response = api.get(f"/api/bookmarks/{body['id']}/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Bookmark matches the given query."}
    assert [t["name"] for t in api.get("/api/tags/").json()["results"]] == ["stays"]


def test_form_and_multipart_bodies(api: TestClient) -> None:
    response = api.post(
        "/api/bookmarks/",
        data={"url": "https://example.com", "tag_names": ["a", "b,c"], "unread": "on"},
    )
    assert response.status_code == 201, response.text
    assert response.json()["tag_names"] == ["a", "b", "c"]
    assert response.json()["unread"] is True
    response = api.post(
        "/api/bookmarks/",
        data={"url": "https://example.org", "title": "multi"},
        files={"unused": ("x.txt", b"x", "text/plain")},
    )
    assert response.status_code == 201, response.text
    assert response.json()["title"] == "multi"


def test_boolean_spellings(api: TestClient) -> None:
    for index, (value, expected) in enumerate(
        [
            (True, True),
            ("true", True),
            ("YES", True),
            ("on", True),
            (1, True),
            ("1", True),
            (False, False),
            ("False", False),
            ("no", False),
            ("off", False),
            (0, False),
        ]
    ):
        body = create(api, url=f"https://e{index}.example.com", unread=value)
        assert body["unread"] is expected, value
    response = api.post("/api/bookmarks/", json={"url": "https://x.example.com", "unread": "maybe"})
    assert response.json() == {"unread": ["Must be a valid boolean."]}


def test_unknown_and_read_only_fields_are_ignored(api: TestClient) -> None:
    body = create(
        api,
        url="https://example.com",
        id=999,
        favicon_url="https://evil",
        website_title="w",
        whatever=1,
    )
    assert body["id"] != 999 and body["favicon_url"] is None and body["website_title"] is None


def test_paths_without_slash_and_with_double_slash(api: TestClient) -> None:
    response = api.post("/api/bookmarks?disable_scraping", json={"url": "https://example.com"})
    assert response.status_code == 201
    bookmark_id = response.json()["id"]
    assert api.get("http://testserver//api/bookmarks/").json()["count"] == 1
    assert api.get("/api/bookmarks").json()["count"] == 1
    assert api.patch(f"/api/bookmarks/{bookmark_id}", json={"title": "t"}).json()["title"] == "t"
    assert (
        api.put(f"/api/bookmarks/{bookmark_id}", json={"url": "https://e.org"}).status_code == 200
    )
    assert api.post(f"/api/bookmarks/{bookmark_id}/archive").status_code == 204
    assert api.delete(f"http://testserver//api/bookmarks/{bookmark_id}").status_code == 204


def test_health_and_root(client: TestClient, api: TestClient) -> None:
    response = client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"version": "1.46.2", "status": "healthy"}
    assert api.get("/api/").json() == {}


def test_health_needs_no_auth_but_root_does(client: TestClient) -> None:
    assert client.get("/health").status_code == 200
    response = client.get("/api/")
    assert response.status_code == 401


# A new user's profile, as linkding's contract fixes it (the real-client tests use it too).
PROFILE_DEFAULTS = {
    "theme": "auto",
    "bookmark_date_display": "relative",
    "bookmark_link_target": "_blank",
    "web_archive_integration": "disabled",
    "tag_search": "strict",
    "enable_sharing": False,
    "enable_public_sharing": False,
    "enable_favicons": False,
    "display_url": False,
    "permanent_notes": False,
    "search_preferences": {},
    "version": "1.46.2",
}


def test_profile_defaults(api: TestClient) -> None:
    profile = api.get("/api/user/profile/").json()
    assert {key: profile[key] for key in PROFILE_DEFAULTS} == PROFILE_DEFAULTS
    assert set(profile) == {*PROFILE_DEFAULTS, "markhive_version"}
    assert profile["markhive_version"]
