"""Tags and bundles through the linkding API."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from tests.api.linkding.test_bookmarks import create

ISO = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{6})?Z$")


def test_tag_create_list_retrieve(api: TestClient) -> None:
    response = api.post("/api/tags/", json={"name": " Python "})
    assert response.status_code == 201
    tag = response.json()
    assert list(tag) == ["id", "name", "date_added"]
    assert tag["name"] == "Python" and ISO.match(tag["date_added"])
    again = api.post("/api/tags/", json={"name": "python"})
    assert again.status_code == 201 and again.json() == tag
    assert api.get(f"/api/tags/{tag['id']}/").json() == tag
    listing = api.get("/api/tags/").json()
    assert listing["count"] == 1 and listing["results"] == [tag]


def test_tag_validation(api: TestClient) -> None:
    assert api.post("/api/tags/", json={}).json() == {"name": ["This field is required."]}
    assert api.post("/api/tags/", json={"name": "  "}).json() == {
        "name": ["This field may not be blank."]
    }
    response = api.post("/api/tags/", json={"name": "x" * 65})
    assert response.status_code == 400 and list(response.json()) == ["name"]
    assert api.get("/api/tags/").json()["count"] == 0


def test_tag_delete_removes_it_from_bookmarks(api: TestClient) -> None:
    bookmark = create(api, url="https://example.com", tag_names=["a", "b"])
    tag_id = next(t["id"] for t in api.get("/api/tags/").json()["results"] if t["name"] == "a")
    assert api.delete(f"/api/tags/{tag_id}/").status_code == 204
    assert api.get(f"/api/bookmarks/{bookmark['id']}/").json()["tag_names"] == ["b"]
    assert api.get("/api/bookmarks/?q=%23a").json()["count"] == 0
    missing = api.get(f"/api/tags/{tag_id}/")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No Tag matches the given query."}


def test_tag_list_pages(api: TestClient) -> None:
    for i in range(5):
        api.post("/api/tags/", json={"name": f"t{i}"})
    body = api.get("/api/tags/?limit=2&offset=2").json()
    assert body["count"] == 5 and len(body["results"]) == 2
    assert body["next"] == "http://testserver/api/tags/?limit=2&offset=4"


BUNDLE_KEYS = [
    "id",
    "name",
    "search",
    "any_tags",
    "all_tags",
    "excluded_tags",
    "filter_unread",
    "filter_shared",
    "order",
    "date_created",
    "date_modified",
]


def test_bundle_crud_and_order(api: TestClient) -> None:
    first = api.post("/api/bundles/", json={"name": "one"})
    assert first.status_code == 201
    one = first.json()
    assert list(one) == BUNDLE_KEYS
    assert one["order"] == 0 and one["filter_unread"] == "off" and one["search"] == ""
    two = api.post("/api/bundles/", json={"name": "two", "search": "py"}).json()
    three = api.post("/api/bundles/", json={"name": "three", "order": 10}).json()
    assert two["order"] == 1 and three["order"] == 10
    four = api.post("/api/bundles/", json={"name": "four"}).json()
    assert four["order"] == 11
    put = api.put(f"/api/bundles/{two['id']}/", json={"name": "TWO", "filter_shared": "yes"})
    assert put.status_code == 200 and put.json()["name"] == "TWO"
    assert put.json()["search"] == "py" and put.json()["filter_shared"] == "yes"
    assert api.put(f"/api/bundles/{two['id']}/", json={"search": "x"}).json() == {
        "name": ["This field is required."]
    }
    patch = api.patch(f"/api/bundles/{one['id']}/", json={"filter_unread": "maybe"})
    assert patch.status_code == 400
    assert patch.json() == {"filter_unread": ['"maybe" is not a valid choice.']}
    assert api.delete(f"/api/bundles/{two['id']}/").status_code == 204
    listing = api.get("/api/bundles/").json()
    assert [(b["name"], b["order"]) for b in listing["results"]] == [
        ("one", 0),
        ("three", 1),
        ("four", 2),
    ]
    missing = api.get(f"/api/bundles/{two['id']}/")
    assert missing.json() == {"detail": "No BookmarkBundle matches the given query."}


def test_bundle_validation(api: TestClient) -> None:
    assert api.post("/api/bundles/", json={}).json() == {"name": ["This field is required."]}
    response = api.post("/api/bundles/", json={"name": "x", "search": "s" * 257})
    assert response.status_code == 400 and list(response.json()) == ["search"]
    response = api.post("/api/bundles/", json={"name": "x", "order": "first"})
    assert response.json() == {"order": ["A valid integer is required."]}
    assert api.get("/api/bundles/").json()["count"] == 0
