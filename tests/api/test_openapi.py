"""The OpenAPI document at /api/openapi.json: complete for both route tables, valid
OpenAPI 3.1, and true to what the running app answers."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012
from starlette.routing import Route

from markhive.api.linkagogo.routes import ROUTES as V1_ROUTES
from markhive.api.linkding.routes import ROUTES as LINKDING_ROUTES
from tests.conftest import Account

DOC = "urn:markhive:openapi"
METHODS = {"get", "put", "post", "patch", "delete"}


def route_table() -> set[tuple[str, str]]:
    pairs = set()
    for route in [*LINKDING_ROUTES, *V1_ROUTES]:
        assert isinstance(route, Route)
        for method in route.methods or ():
            if method != "HEAD":
                pairs.add((route.path_format, method.lower()))
    return pairs


def documented(doc: dict[str, Any]) -> set[tuple[str, str]]:
    return {(path, m) for path, item in doc["paths"].items() for m in item if m in METHODS}


@pytest.fixture
def doc(client: TestClient) -> dict[str, Any]:
    response = client.get("/api/openapi.json")
    assert response.status_code == 200
    return dict(response.json())


def operations(doc: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [(p, m, op) for p, item in doc["paths"].items() for m, op in item.items()]


def pointer(*parts: str) -> str:
    return "#/" + "/".join(p.replace("~", "~0").replace("/", "~1") for p in parts)


def declared(doc: dict[str, Any], path: str, method: str, status: int) -> dict[str, Any]:
    """A reference to the JSON schema an operation declares for a status (where it lives
    in the document, its response $ref followed)."""
    where = ("paths", path, method, "responses", str(status))
    response = doc["paths"][path][method]["responses"][str(status)]
    if "$ref" in response:
        where = ("components", "responses", response["$ref"].rsplit("/", 1)[1])
    return {"$ref": DOC + pointer(*where, "content", "application/json", "schema")}


def check(doc: dict[str, Any], path: str, method: str, response: Any, status: int) -> None:
    """The real response has ``status`` and validates against what the document declares."""
    assert response.status_code == status, response.text
    registry: Registry = Registry().with_resource(
        DOC, Resource.from_contents(doc, default_specification=DRAFT202012)
    )
    schema = declared(doc, path, method, response.status_code)
    validator = Draft202012Validator(
        schema, registry=registry, format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(response.json())
    ]
    assert not errors, (path, method, response.status_code, errors)


# --- the document as a whole ------------------------------------------------------------


def test_every_route_of_both_tables_is_documented_and_nothing_else(doc: dict[str, Any]) -> None:
    assert documented(doc) == route_table()
    assert all(p.startswith("/api/") or p == "/health" for p, _ in documented(doc))


def test_the_document_is_valid_openapi_3_1(doc: dict[str, Any]) -> None:
    assert doc["openapi"].startswith("3.1")
    validate(doc)


def test_every_operation_is_tagged_summarised_and_described(doc: dict[str, Any]) -> None:
    tags = {tag["name"] for tag in doc["tags"]}
    assert {"linkding API", "LinkaGoGo API v1", "health"} <= tags
    for path, method, op in operations(doc):
        assert op["tags"] and set(op["tags"]) <= tags, (path, method)
        assert op["summary"] and len(op["description"]) > 20, (path, method)
        expected = "LinkaGoGo API v1" if path.startswith("/api/v1/") else "linkding API"
        assert op["tags"] == (["health"] if path == "/health" else [expected])


def test_path_parameters_are_integers_in_openapi_form(doc: dict[str, Any]) -> None:
    for path, method, op in operations(doc):
        assert ":int" not in path
        names = [p["name"] for p in op.get("parameters", []) if p["in"] == "path"]
        assert [f"{{{n}}}" in path for n in names] == [True] * path.count("{"), (path, method)
        for param in op.get("parameters", []):
            if param["in"] == "path":
                assert param["required"] and param["schema"]["type"] == "integer"


def test_security_applies_everywhere_but_health_and_the_shared_list(
    doc: dict[str, Any],
) -> None:
    schemes = doc["components"]["securitySchemes"]
    assert schemes["bearer"] == {**schemes["bearer"], "type": "http", "scheme": "bearer"}
    assert schemes["token"]["in"] == "header" and schemes["token"]["name"] == "Authorization"
    assert doc["security"] == [{"bearer": []}, {"token": []}]
    for path, method, op in operations(doc):
        if path == "/health":
            assert op["security"] == []
        elif path == "/api/bookmarks/shared/":
            assert {} in op["security"]
        else:
            assert "security" not in op, (path, method)
            assert {"401", "403", "429"} <= set(op["responses"]), (path, method)


def query_names(doc: dict[str, Any], path: str, method: str = "get") -> set[str]:
    params = doc["paths"][path][method].get("parameters", [])
    return {p["name"] for p in params if p["in"] == "query"}


def test_list_endpoints_document_their_query_parameters(doc: dict[str, Any]) -> None:
    filters = {"q", "limit", "offset", "unread", "shared", "sort", "bundle"}
    filters |= {"added_since", "modified_since"}
    assert query_names(doc, "/api/bookmarks/") == filters
    assert query_names(doc, "/api/bookmarks/archived/") == filters
    assert query_names(doc, "/api/bookmarks/shared/") == filters | {"user"}
    assert query_names(doc, "/api/bookmarks/check/") == {"url"}
    assert "disable_scraping" in query_names(doc, "/api/bookmarks/", "post")
    v1 = {"folder_id", "q", "favorite", "sort", "page", "page_size", "limit"}
    assert query_names(doc, "/api/v1/urls") == v1
    sort = next(p for p in doc["paths"]["/api/v1/urls"]["get"]["parameters"] if p["name"] == "sort")
    assert "visit_count_desc" in sort["schema"]["enum"]


def test_status_codes_follow_the_contracts(doc: dict[str, Any]) -> None:
    def codes(path: str, method: str) -> set[str]:
        return set(doc["paths"][path][method]["responses"])

    assert codes("/api/v1/urls", "post") >= {"201", "409", "413", "415", "422", "429"}
    assert codes("/api/v1/folders/path", "post") >= {"200", "201", "422"}
    assert codes("/api/bookmarks/{bookmark_id}/", "delete") >= {"204", "404"}
    assert codes("/api/bookmarks/", "post") >= {"201", "400", "415"}
    duplicate = doc["paths"]["/api/v1/urls"]["post"]["responses"]["409"]["$ref"]
    assert duplicate.endswith("/V1DuplicateBookmark")
    limited = doc["components"]["responses"]["V1RateLimited"]["headers"]
    assert {"Retry-After", "X-RateLimit-Limit", "X-RateLimit-Reset"} <= set(limited)


def test_the_docs_ui_is_served(client: TestClient) -> None:
    response = client.get("/api/docs")
    assert response.status_code == 200
    assert "/api/openapi.json" in response.text


# --- real responses against their declared schemas --------------------------------------


def test_linkding_responses_match_the_document(doc: dict[str, Any], api: TestClient) -> None:
    created = api.post(
        "/api/bookmarks/?disable_scraping", json={"url": "https://a.example/", "tag_names": ["x"]}
    )
    check(doc, "/api/bookmarks/", "post", created, 201)
    one = f"/api/bookmarks/{created.json()['id']}/"
    check(doc, "/api/bookmarks/{bookmark_id}/", "get", api.get(one), 200)
    check(doc, "/api/bookmarks/", "get", api.get("/api/bookmarks/?limit=1"), 200)
    check(doc, "/api/bookmarks/", "post", api.post("/api/bookmarks/", json={"url": "nope"}), 400)
    bad_tags = api.patch(one, json={"tag_names": [" "]})
    check(doc, "/api/bookmarks/{bookmark_id}/", "patch", bad_tags, 400)
    check(doc, "/api/bookmarks/{bookmark_id}/", "get", api.get("/api/bookmarks/999/"), 404)
    check(doc, "/api/tags/", "get", api.get("/api/tags/"), 200)
    check(doc, "/api/bundles/", "post", api.post("/api/bundles/", json={"name": "b"}), 201)
    check(doc, "/api/user/profile/", "get", api.get("/api/user/profile/"), 200)
    check(doc, "/api/bookmarks/check/", "get", api.get("/api/bookmarks/check/"), 200)
    check(doc, "/api/", "get", api.get("/api/"), 200)
    check(doc, "/health", "get", api.get("/health"), 200)
    upload = api.post(one + "assets/upload/", files={"file": ("a.txt", b"hi", "text/plain")})
    check(doc, "/api/bookmarks/{bookmark_id}/assets/upload/", "post", upload, 201)
    check(doc, "/api/bookmarks/{bookmark_id}/assets/", "get", api.get(one + "assets/"), 200)


def test_v1_responses_match_the_document(doc: dict[str, Any], api: TestClient) -> None:
    folder = api.post("/api/v1/folders", json={"name": "Dev"})
    check(doc, "/api/v1/folders", "post", folder, 201)
    body = {"url": "https://b.example/", "keywords": "a b", "folder_id": folder.json()["id"]}
    created = api.post("/api/v1/urls", json={**body, "reminder_at": "2020-01-01T00:00:00Z"})
    check(doc, "/api/v1/urls", "post", created, 201)
    bookmark_id = created.json()["id"]
    one, pattern = f"/api/v1/urls/{bookmark_id}", "/api/v1/urls/{bookmark_id}"
    check(doc, pattern, "get", api.get(one), 200)
    check(doc, pattern + "/visit", "post", api.post(one + "/visit"), 200)
    check(doc, pattern, "put", api.put(one, json={"url": "https://c.example/"}), 422)
    check(doc, "/api/v1/urls", "get", api.get("/api/v1/urls?page_size=1"), 200)
    check(doc, "/api/v1/urls", "get", api.get("/api/v1/urls?sort=nope"), 422)
    duplicate = api.post("/api/v1/urls", json={"url": "https://b.example"})
    check(doc, "/api/v1/urls", "post", duplicate, 409)
    check(doc, "/api/v1/urls", "post", api.post("/api/v1/urls", json={"title": 3}), 422)
    check(doc, "/api/v1/folders", "get", api.get("/api/v1/folders"), 200)
    check(doc, "/api/v1/folders", "post", api.post("/api/v1/folders", json={"name": "dev"}), 409)
    path = api.post("/api/v1/folders/path", json={"path": "Dev/Py"})
    check(doc, "/api/v1/folders/path", "post", path, 201)
    moved = api.post("/api/v1/urls/move", json={"ids": [bookmark_id, 999], "folder_id": 0})
    check(doc, "/api/v1/urls/move", "post", moved, 404)
    tagged = api.post("/api/v1/urls/tag", json={"ids": [bookmark_id], "add": ["z"]})
    check(doc, "/api/v1/urls/tag", "post", tagged, 200)
    check(doc, "/api/v1/account/stats", "get", api.get("/api/v1/account/stats"), 200)
    reminders = api.get("/api/v1/account/reminders")
    check(doc, "/api/v1/account/reminders", "get", reminders, 200)
    assert [b["id"] for b in reminders.json()["bookmarks"]] == [bookmark_id]
    check(doc, "/api/v1/auth/me", "get", api.get("/api/v1/auth/me"), 200)


def test_errors_and_rate_limit_headers_match_the_document(
    doc: dict[str, Any], client: TestClient, make_account: Any
) -> None:
    check(doc, "/api/v1/urls", "get", client.get("/api/v1/urls"), 401)
    check(doc, "/api/bookmarks/", "get", client.get("/api/bookmarks/"), 401)
    plus: Account = make_account("bob", plan="plus")
    response = client.get("/api/v1/auth/me", headers=plus.auth)
    check(doc, "/api/v1/auth/me", "get", response, 200)
    declared_headers = doc["paths"]["/api/v1/auth/me"]["get"]["responses"]["200"]["headers"]
    sent = {name.lower() for name in response.headers}
    assert {name.lower() for name in declared_headers} <= sent
