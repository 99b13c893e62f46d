"""Every route of the linkding dialect, times bad input: the exact status and error body of
the contract (linkding-compat.md, sections 1-3), JSON always, never a 500.

The route table below is checked against ``markhive.api.linkding.routes.ROUTES``, so a new
route (or a new method on a route) fails ``test_table_covers_every_route`` until it is added
here, and then goes through every check in this file.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.routing import Route

from markhive.api.linkding.routes import ROUTES
from tests.strategies import json_values

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
JSON_TYPE = "application/json"
NOT_FOUND = {"detail": "Not found."}
DATETIME_HELP = (
    "Datetime has wrong format. Use one of these formats instead: "
    "YYYY-MM-DDThh:mm[:ss[.uuuuuu]][+HH:MM|-HH:MM|Z]."
)
NOT_PROVIDED = "Authentication credentials were not provided."
NOT_A_DICT = {"non_field_errors": ["Invalid data. Expected a dictionary, but got list."]}


@dataclass(frozen=True)
class Endpoint:
    methods: frozenset[str]
    auth: str = "required"  # "required" | "none" (/health) | "optional" (shared list)
    body: frozenset[str] = frozenset()  # methods that read a request body
    serializer: bool = True  # the body is a DRF-style serializer (not a file upload)
    lists: bool = False  # a paginated list on GET
    filters: bool = False  # takes the bookmark list filters (q, bundle, ...)
    ids: tuple[str, ...] = ()  # path parameters
    missing: str = ""  # the 404 detail for an unknown id in the last path parameter


def E(*methods: str, **kw: Any) -> Endpoint:
    kw["body"] = frozenset(kw.get("body", ()))
    return Endpoint(frozenset(methods), **kw)


BM = ("bookmark_id",)
AS = ("bookmark_id", "asset_id")
NO_BOOKMARK = "No Bookmark matches the given query."
NO_PARENT = "Bookmark does not exist"
NO_ASSET = "No BookmarkAsset matches the given query."

TABLE: dict[str, Endpoint] = {
    "/api/": E("GET"),
    "/api/bookmarks/": E("GET", "POST", body={"POST"}, lists=True, filters=True),
    "/api/bookmarks/archived/": E("GET", lists=True, filters=True),
    "/api/bookmarks/shared/": E("GET", auth="optional", lists=True, filters=True),
    "/api/bookmarks/check/": E("GET"),
    "/api/bookmarks/singlefile/": E("POST", body={"POST"}, serializer=False),
    "/api/bookmarks/{bookmark_id}/": E(
        "GET", "PUT", "PATCH", "DELETE", body={"PUT", "PATCH"}, ids=BM, missing=NO_BOOKMARK
    ),
    "/api/bookmarks/{bookmark_id}/archive/": E("POST", ids=BM, missing=NO_BOOKMARK),
    "/api/bookmarks/{bookmark_id}/unarchive/": E("POST", ids=BM, missing=NO_BOOKMARK),
    "/api/bookmarks/{bookmark_id}/assets/": E("GET", lists=True, ids=BM, missing=NO_PARENT),
    "/api/bookmarks/{bookmark_id}/assets/upload/": E(
        "POST", body={"POST"}, serializer=False, ids=BM, missing=NO_PARENT
    ),
    "/api/bookmarks/{bookmark_id}/assets/{asset_id}/": E("GET", "DELETE", ids=AS, missing=NO_ASSET),
    "/api/bookmarks/{bookmark_id}/assets/{asset_id}/download/": E("GET", ids=AS, missing=NO_ASSET),
    "/api/tags/": E("GET", "POST", body={"POST"}, lists=True),
    "/api/tags/{tag_id}/": E(
        "GET", "DELETE", ids=("tag_id",), missing="No Tag matches the given query."
    ),
    "/api/bundles/": E("GET", "POST", body={"POST"}, lists=True),
    "/api/bundles/{bundle_id}/": E(
        "GET",
        "PUT",
        "PATCH",
        "DELETE",
        body={"PUT", "PATCH"},
        ids=("bundle_id",),
        missing="No BookmarkBundle matches the given query.",
    ),
    "/api/user/profile/": E("GET"),
    "/health": E("GET", auth="none"),
}


def test_table_covers_every_route() -> None:
    routes: dict[str, set[str]] = {}
    for route in ROUTES:
        assert isinstance(route, Route), route
        path = route.path.replace(":int}", "}")
        routes.setdefault(path, set()).update(route.methods or ())
    routes = {path: methods - {"HEAD"} for path, methods in routes.items()}
    table = {path: set(endpoint.methods) for path, endpoint in TABLE.items()}
    assert table == routes


# --- the objects the requests point at ---------------------------------------------------


@dataclass
class World:
    client: TestClient
    auth: dict[str, str]
    ids: dict[str, int]
    failures: list[str] = field(default_factory=list)

    def path(self, template: str, **override: object) -> str:
        return template.format(**{**self.ids, **override})

    def send(self, method: str, path: str, *, auth: dict[str, str] | None = None, **kw: Any) -> Any:
        headers = {**(self.auth if auth is None else auth), **kw.pop("headers", {})}
        return self.client.request(method, path, headers=headers, **kw)

    def expect(
        self,
        response: Any,
        status: int,
        body: Any = None,
        *,
        detail_prefix: str | None = None,
        www_authenticate: bool = False,
    ) -> Any:
        """Record (not raise) every way ``response`` differs from what is expected, so that
        one test run lists every failing route."""
        where = f"{response.request.method} {response.request.url.raw_path.decode()}"
        problems = []
        if response.status_code != status:
            problems.append(f"status {response.status_code}, want {status}")
        if response.status_code >= 500:
            problems.append("a 5xx")
        data: Any = None
        if response.status_code == 204:
            if response.content:
                problems.append(f"a 204 with a body {response.content[:100]!r}")
        elif not response.headers.get("content-type", "").startswith(JSON_TYPE):
            problems.append(f"content-type {response.headers.get('content-type')!r}")
        else:
            try:
                data = response.json()
            except ValueError:
                problems.append("a body that is not JSON")
        if body is not None and data != body:
            problems.append(f"body {data!r}, want {body!r}")
        if detail_prefix is not None and not (
            isinstance(data, dict)
            and list(data) == ["detail"]
            and str(data["detail"]).startswith(detail_prefix)
        ):
            problems.append(f"body {data!r}, want {{'detail': {detail_prefix!r}...}}")
        if www_authenticate and response.headers.get("www-authenticate") != "Token":
            problems.append(f"WWW-Authenticate {response.headers.get('www-authenticate')!r}")
        if problems:
            self.failures.append(f"{where}: {'; '.join(problems)} [{response.text[:200]}]")
        return data

    def check(self) -> None:
        assert not self.failures, f"{len(self.failures)} problems:\n" + "\n".join(self.failures)


@pytest.fixture
def raw_client(app: Any) -> Iterator[TestClient]:
    """Server errors come back as 500 responses (recorded like any other wrong answer)
    instead of being raised into the test, so one run shows every failing request."""
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture
def world(raw_client: TestClient, alice: Any) -> Iterator[World]:
    client = raw_client
    auth = alice.auth
    r = client.post(
        "/api/bookmarks/?disable_scraping",
        json={"url": "https://example.com/alice", "title": "Alice", "tag_names": ["t1"]},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    bookmark_id = r.json()["id"]
    r = client.post(
        f"/api/bookmarks/{bookmark_id}/assets/upload/",
        files={"file": ("note.txt", b"hello", "text/plain")},
        headers=auth,
    )
    assert r.status_code == 201, r.text
    asset_id = r.json()["id"]
    tags = client.get("/api/tags/", headers=auth).json()["results"]
    r = client.post("/api/bundles/", json={"name": "B", "search": "alice"}, headers=auth)
    assert r.status_code == 201, r.text
    ids = {
        "bookmark_id": bookmark_id,
        "asset_id": asset_id,
        "tag_id": tags[0]["id"],
        "bundle_id": r.json()["id"],
    }
    yield World(client, auth, ids)


def snapshot(world: World) -> dict[str, Any]:
    """Everything alice has, to show that failed requests changed nothing."""
    get = world.client.get
    h = world.auth
    b = world.ids["bookmark_id"]
    return {
        "bookmarks": get("/api/bookmarks/?limit=1000", headers=h).json(),
        "archived": get("/api/bookmarks/archived/?limit=1000", headers=h).json(),
        "tags": get("/api/tags/?limit=1000", headers=h).json(),
        "bundles": get("/api/bundles/?limit=1000", headers=h).json(),
        "assets": get(f"/api/bookmarks/{b}/assets/", headers=h).json(),
    }


def calls(*, only_body: bool = False) -> Iterator[tuple[str, str, Endpoint]]:
    for template, endpoint in TABLE.items():
        for method in sorted(endpoint.methods):
            if not only_body or method in endpoint.body:
                yield method, template, endpoint


# --- authentication -----------------------------------------------------------------------

KEY_LIKE = "0123456789abcdef" * 2 + "01234567"  # 40 hex, nobody's key
AUTH_VARIANTS = [
    (None, NOT_PROVIDED),
    ("", NOT_PROVIDED),
    ("Basic YWxpY2U6cGFzc3dvcmQ=", NOT_PROVIDED),
    (f"Tokens {KEY_LIKE}", NOT_PROVIDED),
    (KEY_LIKE, NOT_PROVIDED),
    ("Token", "Invalid token header. No credentials provided."),
    ("Bearer   ", "Invalid token header. No credentials provided."),
    (f"Token {KEY_LIKE} extra", "Invalid token header. Token string should not contain spaces."),
    (f"Token {KEY_LIKE}", "Invalid token."),
    (f"Bearer lgg_{KEY_LIKE}", "Invalid token."),
    (f"token {KEY_LIKE[:-1]}", "Invalid token."),
    ("Token x' OR '1'='1", "Invalid token header. Token string should not contain spaces."),
    ("Token %00", "Invalid token."),
    (f"Token {'a' * 5000}", "Invalid token."),
]


@pytest.mark.parametrize(("header", "message"), AUTH_VARIANTS)
def test_bad_credentials_on_every_route(world: World, header: str | None, message: str) -> None:
    auth = {} if header is None else {"Authorization": header}
    for method, template, endpoint in calls():
        r = world.send(method, world.path(template), auth=auth, **_bodies(method, endpoint))
        if endpoint.auth == "none":
            world.expect(r, 200)
        elif endpoint.auth == "optional" and message == NOT_PROVIDED:
            continue  # test_shared_list_takes_a_foreign_scheme_as_anonymous
        else:
            world.expect(r, 401, {"detail": message}, www_authenticate=True)
    world.check()


@pytest.mark.parametrize(
    "header", [header for header, message in AUTH_VARIANTS if message == NOT_PROVIDED]
)
def test_shared_list_takes_a_foreign_scheme_as_anonymous(world: World, header: str | None) -> None:
    """linkding's TokenAuthentication passes over a header that does not start with its
    keyword (DRF returns None: "not provided"), so the caller is anonymous, and the shared
    list serves anonymous callers. Only a ``Token``/``Bearer`` header that is wrong is 401."""
    auth = {} if header is None else {"Authorization": header}
    world.expect(world.send("GET", "/api/bookmarks/shared/", auth=auth), 200)
    world.check()


def test_inactive_user_is_401(world: World, ctx: Any, alice: Any) -> None:
    from markhive.users.models import User

    with ctx.db.unit() as session:
        session.get(User, alice.id).is_active = False
    for method, template, endpoint in calls():
        if endpoint.auth == "none":
            continue
        r = world.send(method, world.path(template), **_bodies(method, endpoint))
        world.expect(r, 401, {"detail": "User inactive or deleted."}, www_authenticate=True)
    world.check()


def test_authentication_comes_before_reading_the_request(world: World) -> None:
    """As in linkding (DRF authenticates before the handler runs): without credentials the
    answer is 401 whatever else is wrong with the request. (A path whose id is not digits
    names no object at all; the router answers 404 for it before authentication.)"""
    for method, template, endpoint in calls():
        if endpoint.auth != "required":
            continue
        ids = {name: "999999" for name in endpoint.ids}
        r = world.send(method, world.path(template, **ids), auth={})
        world.expect(r, 401, {"detail": NOT_PROVIDED}, www_authenticate=True)
        if method in endpoint.body:
            r = world.send(
                method,
                world.path(template),
                auth={},
                content=b"{nope",
                headers={"Content-Type": "application/json"},
            )
            world.expect(r, 401, {"detail": NOT_PROVIDED}, www_authenticate=True)
            r = world.send(
                method,
                world.path(template),
                auth={},
                content=b"hi",
                headers={"Content-Type": "text/plain"},
            )
            world.expect(r, 401, {"detail": NOT_PROVIDED}, www_authenticate=True)
    world.check()


# --- bodies that cannot be read -------------------------------------------------------------


def test_malformed_json(world: World) -> None:
    before = snapshot(world)
    for method, template, _ in calls(only_body=True):
        for raw in (b"{", b'{"url": "https://example.com/x",}', b"nul", b"\xff\xfe", b'{"a": 1} x'):
            r = world.send(
                method,
                world.path(template),
                content=raw,
                headers={"Content-Type": "application/json"},
            )
            world.expect(r, 400, detail_prefix="JSON parse error - ")
    world.check()
    assert snapshot(world) == before


def test_json_that_is_not_an_object(world: World) -> None:
    before = snapshot(world)
    for method, template, endpoint in calls(only_body=True):
        for value, kind in (([{"url": "https://example.com/l"}], "list"), ("x", "str"), (5, "int")):
            r = world.send(method, world.path(template), json=value)
            if endpoint.serializer:
                want = {
                    "non_field_errors": [f"Invalid data. Expected a dictionary, but got {kind}."]
                }
                world.expect(r, 400, want)
            else:
                data = world.expect(r, 400)
                if not isinstance(data, dict) or not data:
                    world.failures.append(f"{method} {template}: 400 body {data!r} is not a dict")
    world.check()
    assert snapshot(world) == before


@pytest.mark.parametrize(
    "content_type", ["text/plain", "text/plain; charset=utf-8", "application/xml", "image/png"]
)
def test_unsupported_content_type(world: World, content_type: str) -> None:
    before = snapshot(world)
    want = {"detail": f'Unsupported media type "{content_type}" in request.'}
    for method, template, _ in calls(only_body=True):
        r = world.send(
            method,
            world.path(template),
            content=b'{"url": "https://example.com/text"}',
            headers={"Content-Type": content_type},
        )
        world.expect(r, 415, want)
    world.check()
    assert snapshot(world) == before


def test_upload_endpoints_keep_linkdings_error_shape(world: World) -> None:
    b = world.ids["bookmark_id"]
    r = world.send("POST", f"/api/bookmarks/{b}/assets/upload/", json={})
    world.expect(r, 400, {"error": "No file provided."})
    r = world.send("POST", f"/api/bookmarks/{b}/assets/upload/", data={"file": "not a file"})
    world.expect(r, 400, {"error": "No file provided."})
    both = {"error": "Both 'url' and 'file' parameters are required."}
    r = world.send("POST", "/api/bookmarks/singlefile/", json={})
    world.expect(r, 400, both)
    r = world.send("POST", "/api/bookmarks/singlefile/", data={"url": "https://example.com/s"})
    world.expect(r, 400, both)
    r = world.send(
        "POST", "/api/bookmarks/singlefile/", files={"file": ("s.html", b"<html>", "text/html")}
    )
    world.expect(r, 400, both)
    world.check()


# --- field validation ------------------------------------------------------------------------

BOOKMARK_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"unread": "maybe"}, {"unread": ["Must be a valid boolean."]}),
    ({"shared": 2}, {"shared": ["Must be a valid boolean."]}),
    ({"is_archived": []}, {"is_archived": ["Must be a valid boolean."]}),
    ({"unread": {"yes": True}}, {"unread": ["Must be a valid boolean."]}),
    ({"tag_names": "x"}, {"tag_names": ['Expected a list of items but got type "str".']}),
    ({"tag_names": {"a": 1}}, {"tag_names": ['Expected a list of items but got type "dict".']}),
    ({"tag_names": [""]}, {"tag_names": {"0": ["This field may not be blank."]}}),
    ({"tag_names": ["ok", " \t"]}, {"tag_names": {"1": ["This field may not be blank."]}}),
    ({"tag_names": ["ok", {}]}, {"tag_names": {"1": ["Not a valid string."]}}),
    ({"tag_names": [["nested"]]}, {"tag_names": {"0": ["Not a valid string."]}}),
    ({"title": 5 * "x" * 200}, {"title": ["Ensure this field has no more than 512 characters."]}),
    ({"title": ["x"]}, {"title": ["Not a valid string."]}),
    ({"description": {"a": 1}}, {"description": ["Not a valid string."]}),
    ({"notes": True}, {"notes": ["Not a valid string."]}),
    ({"date_added": "yesterday"}, {"date_added": [DATETIME_HELP]}),
    ({"date_added": "2020-13-45T00:00:00Z"}, {"date_added": [DATETIME_HELP]}),
    ({"date_added": 1700000000}, {"date_added": [DATETIME_HELP]}),
    ({"date_added": ["2020-01-01"]}, {"date_added": [DATETIME_HELP]}),
    (
        {"unread": "maybe", "tag_names": "x", "title": 600 * "y"},
        {
            "unread": ["Must be a valid boolean."],
            "tag_names": ['Expected a list of items but got type "str".'],
            "title": ["Ensure this field has no more than 512 characters."],
        },
    ),
]
BAD_URLS = ["example.com", "javascript:alert(1)", "https://intranet", "", "   ", "http://", 5]


def test_bookmark_field_errors(world: World) -> None:
    before = snapshot(world)
    b = world.ids["bookmark_id"]
    good = {"url": "https://example.com/new"}
    for payload, want in BOOKMARK_CASES:
        world.expect(world.send("POST", "/api/bookmarks/", json={**good, **payload}), 400, want)
        world.expect(world.send("PUT", f"/api/bookmarks/{b}/", json={**good, **payload}), 400, want)
        world.expect(world.send("PATCH", f"/api/bookmarks/{b}/", json=payload), 400, want)
    for url in BAD_URLS:
        data = world.expect(world.send("POST", "/api/bookmarks/", json={"url": url}), 400)
        want_one = {"url": ["Enter a valid URL."]}
        blank = {"url": ["This field may not be blank."]}
        if data not in (want_one, blank):
            world.failures.append(f"POST url={url!r}: {data!r}")
        data = world.expect(world.send("PATCH", f"/api/bookmarks/{b}/", json={"url": url}), 400)
        if data not in (want_one, blank):
            world.failures.append(f"PATCH url={url!r}: {data!r}")
    data = world.expect(
        world.send("POST", "/api/bookmarks/", json={"url": "https://example.com/" + "a" * 2100}),
        400,
    )
    if not (isinstance(data, dict) and list(data) == ["url"] and data["url"]):
        world.failures.append(f"url of 2121 characters: {data!r}")
    required = {"url": ["This field is required."]}
    world.expect(world.send("POST", "/api/bookmarks/", json={"title": "t"}), 400, required)
    world.expect(world.send("POST", "/api/bookmarks/", json={}), 400, required)
    world.expect(world.send("PUT", f"/api/bookmarks/{b}/", json={"title": "t"}), 400, required)
    world.expect(world.send("POST", "/api/bookmarks/", data={"title": "t"}), 400, required)
    form_bad = {"url": "https://example.com/f", "unread": "maybe"}
    r = world.send("POST", "/api/bookmarks/", data=form_bad)
    world.expect(r, 400, {"unread": ["Must be a valid boolean."]})
    world.check()
    assert snapshot(world) == before


def test_null_values_are_drf_null_errors(world: World) -> None:
    """DRF answers ``null`` for a non-nullable field with "This field may not be null."
    (for a list item, keyed by its index), whatever the field's type."""
    b = world.ids["bookmark_id"]
    null = ["This field may not be null."]
    for name in ("title", "description", "notes", "unread", "shared", "is_archived", "date_added"):
        r = world.send("PATCH", f"/api/bookmarks/{b}/", json={name: None})
        world.expect(r, 400, {name: null})
    r = world.send("PATCH", f"/api/bookmarks/{b}/", json={"tag_names": None})
    world.expect(r, 400, {"tag_names": null})
    r = world.send("PATCH", f"/api/bookmarks/{b}/", json={"tag_names": ["a", None]})
    world.expect(r, 400, {"tag_names": {"1": null}})
    r = world.send("POST", "/api/bookmarks/", json={"url": None})
    world.expect(r, 400, {"url": null})
    world.check()


def test_out_of_range_datetimes_are_400_not_500(world: World) -> None:
    """An ISO value that overflows when converted to UTC (DRF: "Datetime value out of
    range."), in a body; in a list filter it is ignored like any unreadable value."""
    b = world.ids["bookmark_id"]
    for value in ("0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"):
        r = world.send("PATCH", f"/api/bookmarks/{b}/", json={"date_added": value})
        world.expect(r, 400, {"date_added": ["Datetime value out of range."]})
        for name in ("added_since", "modified_since"):
            r = world.send("GET", "/api/bookmarks/", params={name: value})
            data = world.expect(r, 200)
            if isinstance(data, dict) and data.get("count") != 1:
                world.failures.append(f"{name}={value}: want the unfiltered list, got {data}")
    world.check()


def test_json_integers_beyond_64_bits_are_field_errors_not_parse_errors(world: World) -> None:
    """``100000000000000000000`` is valid JSON (linkding's parser reads it); it is a wrong
    value for a boolean, and a fine title."""
    b = world.ids["bookmark_id"]
    r = world.send(
        "PATCH",
        f"/api/bookmarks/{b}/",
        content=b'{"unread": 100000000000000000000}',
        headers={"Content-Type": "application/json"},
    )
    world.expect(r, 400, {"unread": ["Must be a valid boolean."]})
    r = world.send(
        "PATCH",
        f"/api/bookmarks/{b}/",
        content=b'{"title": 100000000000000000000}',
        headers={"Content-Type": "application/json"},
    )
    data = world.expect(r, 200)
    if isinstance(data, dict) and data.get("title") != "100000000000000000000":
        world.failures.append(f"title: {data}")
    world.check()


def test_null_characters_are_rejected(world: World) -> None:
    """DRF's CharField refuses U+0000 ("Null characters are not allowed."); PostgreSQL
    cannot store it at all, so it must never reach the database."""
    b = world.ids["bookmark_id"]
    null_chars = ["Null characters are not allowed."]
    for name in ("title", "description", "notes"):
        r = world.send("PATCH", f"/api/bookmarks/{b}/", json={name: "a\x00b"})
        world.expect(r, 400, {name: null_chars})
    r = world.send("POST", "/api/bookmarks/", json={"url": "https://example.com/\x00"})
    world.expect(r, 400)
    r = world.send("PATCH", f"/api/bookmarks/{b}/", json={"tag_names": ["a\x00b"]})
    world.expect(r, 400, {"tag_names": {"0": null_chars}})
    r = world.send("POST", "/api/tags/", json={"name": "a\x00b"})
    world.expect(r, 400, {"name": null_chars})
    r = world.send("POST", "/api/bundles/", json={"name": "a\x00b"})
    world.expect(r, 400, {"name": null_chars})
    world.check()


TAG_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({}, {"name": ["This field is required."]}),
    ({"title": "x"}, {"name": ["This field is required."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
    ({"name": "   "}, {"name": ["This field may not be blank."]}),
    ({"name": "x" * 65}, {"name": ["Ensure this field has no more than 64 characters."]}),
    ({"name": ["x"]}, {"name": ["Not a valid string."]}),
    ({"name": {"x": 1}}, {"name": ["Not a valid string."]}),
]

BUNDLE_CASES: list[tuple[dict[str, Any], dict[str, Any]]] = [
    ({"filter_unread": "maybe"}, {"filter_unread": ['"maybe" is not a valid choice.']}),
    ({"filter_shared": "1"}, {"filter_shared": ['"1" is not a valid choice.']}),
    ({"name": "x" * 257}, {"name": ["Ensure this field has no more than 256 characters."]}),
    ({"search": 5 * "x" * 60}, {"search": ["Ensure this field has no more than 256 characters."]}),
    (
        {"any_tags": "t " * 600},
        {"any_tags": ["Ensure this field has no more than 1024 characters."]},
    ),
    ({"all_tags": ["a"]}, {"all_tags": ["Not a valid string."]}),
    ({"excluded_tags": {"a": 1}}, {"excluded_tags": ["Not a valid string."]}),
    ({"order": "first"}, {"order": ["A valid integer is required."]}),
    ({"order": 1.5}, {"order": ["A valid integer is required."]}),
    ({"order": [1]}, {"order": ["A valid integer is required."]}),
    ({"name": ""}, {"name": ["This field may not be blank."]}),
]


def test_tag_and_bundle_field_errors(world: World) -> None:
    before = snapshot(world)
    u = world.ids["bundle_id"]
    for payload, want in TAG_CASES:
        world.expect(world.send("POST", "/api/tags/", json=payload), 400, want)
    for payload, want in BUNDLE_CASES:
        named = {"name": "n", **payload}
        world.expect(world.send("POST", "/api/bundles/", json=named), 400, want)
        world.expect(world.send("PUT", f"/api/bundles/{u}/", json=named), 400, want)
        world.expect(world.send("PATCH", f"/api/bundles/{u}/", json=payload), 400, want)
    required = {"name": ["This field is required."]}
    world.expect(world.send("POST", "/api/bundles/", json={"search": "s"}), 400, required)
    world.expect(world.send("PUT", f"/api/bundles/{u}/", json={"search": "s"}), 400, required)
    world.check()
    assert snapshot(world) == before


# --- ids in the path --------------------------------------------------------------------------

NON_INTEGER_IDS = ["abc", "1.5", "1e3", "0x10", "%20", "1%2F", "-1", "+1", "²", "1²"]
OUT_OF_RANGE_IDS = ["0", "00", "99999999999999999999", "2147483648", "9" * 200]
UNKNOWN_ID = 2147483647


def _bodies(method: str, endpoint: Endpoint) -> dict[str, Any]:
    if method not in endpoint.body:
        return {}
    if endpoint.serializer:
        return {"json": {"url": "https://example.com/valid", "name": "valid"}}
    return {"files": {"file": ("f.txt", b"x", "text/plain")}}


def test_ids_that_are_not_plain_integers_are_404(world: World) -> None:
    before = snapshot(world)
    for method, template, endpoint in calls():
        for name in endpoint.ids:
            for raw in NON_INTEGER_IDS:
                path = world.path(template, **{name: raw})
                r = world.send(method, path, **_bodies(method, endpoint))
                world.expect(r, 404, NOT_FOUND)
    world.check()
    assert snapshot(world) == before


def test_zero_and_huge_ids_are_404(world: World) -> None:
    before = snapshot(world)
    for method, template, endpoint in calls():
        for name in endpoint.ids:
            for raw in OUT_OF_RANGE_IDS:
                path = world.path(template, **{name: raw})
                data = world.expect(world.send(method, path, **_bodies(method, endpoint)), 404)
                allowed = (NOT_FOUND, {"detail": endpoint.missing}, {"detail": NO_PARENT})
                if data not in allowed:
                    world.failures.append(f"{method} {path}: {data!r}")
    world.check()
    assert snapshot(world) == before


def test_unknown_ids_are_404_with_the_model_name(world: World) -> None:
    before = snapshot(world)
    for method, template, endpoint in calls():
        if not endpoint.ids:
            continue
        # the last id unknown, its parent (if any) known
        path = world.path(template, **{endpoint.ids[-1]: UNKNOWN_ID})
        world.expect(
            world.send(method, path, **_bodies(method, endpoint)),
            404,
            {"detail": endpoint.missing},
        )
        if len(endpoint.ids) == 2:  # an asset under a bookmark that does not exist
            path = world.path(template, bookmark_id=UNKNOWN_ID)
            world.expect(world.send(method, path), 404, {"detail": NO_PARENT})
    world.check()
    assert snapshot(world) == before


def test_unknown_id_is_404_even_with_a_bad_body(world: World) -> None:
    """linkding looks the object up before it validates the body (DRF's update())."""
    for method, template, endpoint in calls(only_body=True):
        if not endpoint.ids or not endpoint.serializer:
            continue
        path = world.path(template, **{endpoint.ids[-1]: UNKNOWN_ID})
        r = world.send(method, path, json={"unread": "maybe", "filter_unread": "maybe"})
        world.expect(r, 404, {"detail": endpoint.missing})
    world.check()


# --- methods and paths ------------------------------------------------------------------------


def test_wrong_method_is_405_json_on_every_path(world: World) -> None:
    before = snapshot(world)
    for template, endpoint in TABLE.items():
        for method in METHODS:
            if method in endpoint.methods:
                continue
            r = world.send(method, world.path(template), json={"url": "https://example.com/m"})
            world.expect(r, 405, {"detail": f'Method "{method}" not allowed.'})
    world.check()
    assert snapshot(world) == before


UNKNOWN_PATHS = [
    "/api/nope/",
    "/api/bookmark/",
    "/api/bookmarks/1/nope/",
    "/api/bookmarks/{bookmark_id}/nope/",
    "/api/bookmarks/{bookmark_id}/archive/now/",
    "/api/bookmarks/{bookmark_id}/assets/{asset_id}/nope/",
    "/api/bookmarks/{bookmark_id}/assets/{asset_id}/download/x/",
    "/api/tags/{tag_id}/bookmarks/",
    "/api/bundles/{bundle_id}/x/",
    "/api/user/",
    "/api/user/profile/x/",
    "/api/bookmarks/shared/x/",
    "/api/%00/",
    "/api/" + "x" * 3000 + "/",
]


@pytest.mark.parametrize("authenticated", [True, False])
def test_unknown_paths_under_api_are_404_json(world: World, authenticated: bool) -> None:
    auth = None if authenticated else {}
    for template in UNKNOWN_PATHS:
        for method in METHODS:
            r = world.send(method, world.path(template), auth=auth)
            world.expect(r, 404, NOT_FOUND)
    world.check()


# --- query parameters ---------------------------------------------------------------------------

HUGE = "9" * 30
QUERIES_200 = [
    f"limit={HUGE}",
    f"offset={HUGE}",
    f"limit={HUGE}&offset={HUGE}",
    "limit=10000",
    "limit=0",
    "limit=-5",
    "limit=abc",
    "limit=1.5",
    "offset=-1",
    "offset=abc",
    "limit=&offset=",
    "limit=%00",
]
FILTERS_200 = [
    f"bundle={HUGE}",
    "bundle=2147483648",
    "bundle=-1",
    "bundle=",
    "q=(((",
    "q=" + "(" * 500,
    "q=" + "not+" * 500 + "x",
    'q="unterminated',
    "q=%00",
    "unread=maybe",
    "shared=2",
    "added_since=yesterday",
    f"added_since={HUGE}",
    "modified_since=2020-99-99",
    "sort=nope",
    "user=" + "x" * 300,
]
BAD_BUNDLES = ["abc", "1.5", "1e3", "0x1", "%00", "²"]


def test_list_parameters_never_break_a_list(world: World) -> None:
    for template, endpoint in TABLE.items():
        if not endpoint.lists:
            continue
        queries = QUERIES_200 + (FILTERS_200 if endpoint.filters else [])
        for query in queries:
            data = world.expect(world.send("GET", f"{world.path(template)}?{query}"), 200)
            if not (
                isinstance(data, dict) and list(data) == ["count", "next", "previous", "results"]
            ):
                world.failures.append(f"GET {template}?{query}: not a page: {data!r}")
                continue
            stray = data["results"] != [] or (data["count"] and data["previous"] is None)
            if "offset=9" in query and stray:
                world.failures.append(f"GET {template}?{query}: {data!r}")
    world.check()


def test_non_integer_bundle_is_400(world: World) -> None:
    for template, endpoint in TABLE.items():
        if not endpoint.filters:
            continue
        for raw in BAD_BUNDLES:
            for auth in (None, {}) if endpoint.auth == "optional" else (None,):
                r = world.send("GET", f"{world.path(template)}?bundle={raw}", auth=auth)
                world.expect(r, 400, {"bundle": ["A valid integer is required."]})
    world.check()


def test_check_with_odd_urls(world: World) -> None:
    for url in ("", "not a url", "javascript:alert(1)", "http://", "http://127.0.0.1:1/x", "%00"):
        r = world.send("GET", "/api/bookmarks/check/", params={"url": url})
        data = world.expect(r, 200)
        if isinstance(data, dict) and list(data) != ["bookmark", "metadata", "auto_tags"]:
            world.failures.append(f"check url={url!r}: {data!r}")
    world.check()


# --- fuzz: arbitrary JSON values for every bookmark field ------------------------------------

FIELDS = [
    "url",
    "title",
    "description",
    "notes",
    "is_archived",
    "unread",
    "shared",
    "tag_names",
    "date_added",
    "date_modified",
]
plausible = st.one_of(
    st.sampled_from(
        [
            "https://example.com/fuzz",
            "https://EXAMPLE.com/fuzz/",
            "ftp://files.example.org/x",
            "http://localhost:8080/",
            "http://[::1]/",
            "true",
            "no",
            "On",
            "2021-02-03T04:05:06Z",
            "2021-02-03",
            "2021-02-03T04:05:06+14:00",
            "",
            " ",
            "a,b",
            "tag 1",
        ]
    ),
    st.lists(st.sampled_from(["a", "B", "c d", "x,y", "", " ", "é", "a" * 65]), max_size=4),
)
payloads = st.dictionaries(st.sampled_from(FIELDS), json_values | plausible, max_size=6)


def _total(client: TestClient, auth: dict[str, str]) -> int:
    active = client.get("/api/bookmarks/?limit=1", headers=auth).json()["count"]
    archived = client.get("/api/bookmarks/archived/?limit=1", headers=auth).json()["count"]
    return int(active) + int(archived)


def _is_field_errors(body: Any) -> bool:
    if not isinstance(body, dict) or not body:
        return False
    for name, messages in body.items():
        if name not in FIELDS:
            return False
        if isinstance(messages, list):
            if not messages or not all(isinstance(m, str) and m for m in messages):
                return False
        elif isinstance(messages, dict):
            for index, inner in messages.items():
                if not (index.isdigit() and isinstance(inner, list) and inner):
                    return False
                if not all(isinstance(m, str) for m in inner):
                    return False
        else:
            return False
    return True


@hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(payload=payloads)
def test_fuzz_bookmark_create(client: TestClient, alice: Any, payload: dict[str, Any]) -> None:
    auth = alice.auth
    before = _total(client, auth)
    r = client.post("/api/bookmarks/?disable_scraping", json=payload, headers=auth)
    assert r.status_code in (201, 400), (payload, r.status_code, r.text)
    assert r.headers["content-type"].startswith(JSON_TYPE)
    body = r.json()
    if r.status_code == 400:
        assert _is_field_errors(body), (payload, body)
        assert _total(client, auth) == before, payload
    else:
        assert list(body)[:3] == ["id", "url", "title"], body
        assert isinstance(body["tag_names"], list)
        assert _total(client, auth) in (before, before + 1)
