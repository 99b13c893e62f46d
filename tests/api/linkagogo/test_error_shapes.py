"""Every /api/v1 route, times bad input: the contract's status and error body, JSON always,
never a 500.

The table below is checked against ``markhive.api.linkagogo.routes.ROUTES``: a new route
(or method) fails ``test_table_covers_every_route`` until it is added here, and then goes
through every check in this file. Checks record every wrong answer before failing, so one
run lists every route that misbehaves.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from starlette.routing import Route

from markhive.api.linkagogo.routes import ROUTES
from tests.api.linkagogo.conftest import BOOKMARK_KEYS, UNKNOWN_ID, V1, Api
from tests.strategies import json_values

METHODS = ("GET", "POST", "PUT", "PATCH", "DELETE")
OTHER_METHODS = ("OPTIONS", "TRACE")
ALICE = "<alice's Bearer key>"  # World.send's default: authenticate as alice


@dataclass(frozen=True)
class Endpoint:
    methods: frozenset[str]
    body: frozenset[str] = frozenset()  # the methods that read a JSON body
    id: str = ""  # the path parameter, if any
    download: bool = False  # succeeds with a file, not JSON


def E(*methods: str, body: tuple[str, ...] = (), id: str = "", download: bool = False) -> Endpoint:
    return Endpoint(frozenset(methods), frozenset(body), id, download)


NETSCAPE_FILE = (
    b"<!DOCTYPE NETSCAPE-Bookmark-file-1>\n<DL><p>\n"
    b'<DT><A HREF="https://example.com/imported" TAGS="walked">Imported</A>\n</DL><p>\n'
)
XBEL_FILE = (
    b'<?xml version="1.0" encoding="UTF-8"?>\n<xbel version="1.0">'
    b'<bookmark href="https://example.com/imported-xbel"><title>X</title></bookmark></xbel>\n'
)


TABLE: dict[str, Endpoint] = {
    "/auth/me": E("GET"),
    "/urls": E("GET", "POST", body=("POST",)),
    "/urls/move": E("POST", body=("POST",)),
    "/urls/tag": E("POST", body=("POST",)),
    "/urls/{bookmark_id}": E(
        "GET", "PUT", "PATCH", "DELETE", body=("PUT", "PATCH"), id="bookmark_id"
    ),
    "/urls/{bookmark_id}/visit": E("POST", id="bookmark_id"),
    "/account/stats": E("GET"),
    "/account/reminders": E("GET"),
    "/folders": E("GET", "POST", body=("POST",)),
    "/folders/path": E("POST", body=("POST",)),
    "/folders/{folder_id}": E("PATCH", "DELETE", body=("PATCH",), id="folder_id"),
    "/import/html": E("POST"),
    "/import/xbel": E("POST"),
    "/export/html": E("GET", download=True),
    "/export/xbel": E("GET", download=True),
}


def ok_shape(template: str) -> str:
    """The ``shape`` a success of this endpoint has (see World.expect)."""
    return "download" if TABLE[template].download else ""


def test_table_covers_every_route() -> None:
    routes: dict[str, set[str]] = {}
    for route in ROUTES:
        assert isinstance(route, Route), route
        assert route.path.startswith(V1), route.path
        path = route.path[len(V1) :].replace(":int}", "}")
        routes.setdefault(path, set()).update(route.methods or ())
    routes = {path: methods - {"HEAD"} for path, methods in routes.items()}
    assert {path: set(e.methods) for path, e in TABLE.items()} == routes


def calls(*, only_body: bool = False) -> Iterator[tuple[str, str, Endpoint]]:
    for template, endpoint in TABLE.items():
        for method in sorted(endpoint.methods):
            if not only_body or method in endpoint.body:
                yield method, template, endpoint


# --- a world to send requests into -----------------------------------------------------------


@dataclass
class World:
    api: Api  # alice, over a client that turns server errors into 500 responses
    bookmark_id: int
    folder_id: int
    counter: Iterator[int] = field(default_factory=itertools.count)
    failures: list[str] = field(default_factory=list)

    def path(self, template: str, **override: Any) -> str:
        ids = {"bookmark_id": self.bookmark_id, "folder_id": self.folder_id, **override}
        return template.format(**ids)

    def send(
        self, method: str, path: str, *, auth: str | None = ALICE, **kw: Any
    ) -> httpx.Response:
        """``auth``: ALICE for alice's Bearer key, None for no header, else the header."""
        headers = dict(kw.pop("headers", {}))
        if auth == ALICE:
            headers.update(self.api.headers)
        elif auth is not None:
            headers["Authorization"] = auth
        return self.api.client.request(method, V1 + path, headers=headers, **kw)

    def good(
        self, method: str, template: str, *, fresh: bool = False
    ) -> tuple[str, dict[str, Any], int]:
        """A request that succeeds (path, keyword arguments, status). With ``fresh``, a
        DELETE gets an object of its own (made here) so that it can succeed."""
        n = next(self.counter)
        b, f = self.bookmark_id, self.folder_id
        if fresh and (method, template) == ("DELETE", "/urls/{bookmark_id}"):
            b = self.api.add(f"https://example.com/doomed/{n}")["id"]
        if fresh and (method, template) == ("DELETE", "/folders/{folder_id}"):
            f = self.api.folder(f"doomed {n}")["id"]
        bodies: dict[tuple[str, str], tuple[Any, int]] = {
            ("POST", "/urls"): ({"url": f"https://example.com/new/{n}"}, 201),
            ("POST", "/urls/move"): ({"ids": [b], "folder_id": 0}, 200),
            ("POST", "/urls/tag"): ({"ids": [b], "add": ["walked"]}, 200),
            ("PUT", "/urls/{bookmark_id}"): (
                {
                    "url": "https://example.com/alice",
                    "title": "Alice",
                    "folder_id": 0,
                    "keywords": "t1",
                    "comments": "",
                    "rating": 1,
                    "is_favorite": False,
                },
                200,
            ),
            ("PATCH", "/urls/{bookmark_id}"): ({"title": f"Alice {n}"}, 200),
            ("POST", "/folders"): ({"name": f"made {n}"}, 201),
            ("POST", "/folders/path"): ({"path": f"Walk/{n}"}, 201),
            ("PATCH", "/folders/{folder_id}"): ({"is_public": n % 2 == 0}, 200),
        }
        body, status = bodies.get((method, template), (None, 200))
        if method == "DELETE":
            status = 204
        kw: dict[str, Any] = {} if body is None else {"json": body}
        files = {"/import/html": NETSCAPE_FILE, "/import/xbel": XBEL_FILE}
        if template in files:  # a bookmark file, as the raw body
            kw = {"content": files[template], "headers": {"Content-Type": "text/plain"}}
        return self.path(template, bookmark_id=b, folder_id=f), kw, status

    def expect(
        self,
        response: httpx.Response,
        status: int,
        *,
        shape: str = "detail",
        body: Any = None,
        challenge: bool = False,
    ) -> Any:
        """Record every way the response differs; ``shape`` is "detail" ({"detail": str}),
        "invalid" (the 422 shape), "" (any JSON, or none for a 204) or "download" (a
        bookmark file: HTML or XML)."""
        where = f"{response.request.method} {response.request.url.raw_path.decode()}"
        problems = []
        if response.status_code != status:
            problems.append(f"status {response.status_code}, want {status}")
        data: Any = None
        if response.status_code == 204:
            if response.content:
                problems.append("a 204 with a body")
        elif shape == "download" and response.status_code == status:
            kind = response.headers.get("content-type", "")
            if not kind.startswith(("text/html", "application/xml")):
                problems.append(f"content-type {kind!r} for a download")
        elif not response.headers.get("content-type", "").startswith("application/json"):
            problems.append(f"content-type {response.headers.get('content-type')!r}")
        else:
            try:
                data = response.json()
            except ValueError:
                problems.append("not JSON")
        if shape == "detail" and not (
            isinstance(data, dict)
            and list(data) == ["detail"]
            and isinstance(data["detail"], str)
            and data["detail"]
        ):
            problems.append(f"body {data!r} is not {{'detail': str}}")
        if shape == "invalid" and not _is_invalid(data):
            problems.append(f"body {data!r} is not the 422 shape")
        if body is not None and data != body:
            problems.append(f"body {data!r}, want {body!r}")
        if challenge and response.headers.get("www-authenticate") != "Bearer":
            problems.append(f"WWW-Authenticate {response.headers.get('www-authenticate')!r}")
        if problems:
            self.failures.append(f"{where}: {'; '.join(problems)} [{response.text[:200]}]")
        return data

    def check(self) -> None:
        assert not self.failures, f"{len(self.failures)} problems:\n" + "\n".join(self.failures)


def _is_invalid(data: Any, field_name: str | None = None) -> bool:
    if not (isinstance(data, dict) and list(data) == ["detail", "errors"]):
        return False
    if not (isinstance(data["detail"], str) and data["detail"]):
        return False
    errors = data["errors"]
    if not (isinstance(errors, list) and errors):
        return False
    for error in errors:
        if not (isinstance(error, dict) and list(error) == ["field", "message"]):
            return False
        if not (isinstance(error["field"], str) and isinstance(error["message"], str)):
            return False
    if field_name is not None:
        return field_name in {e["field"] for e in errors} and field_name in data["detail"]
    return True


@pytest.fixture
def world(raw_client: TestClient, v1: Api) -> World:
    api = Api(raw_client, v1.account)
    bookmark = api.add("https://example.com/alice", title="Alice", keywords="t1")
    folder = api.folder("Alice's folder")
    return World(api, bookmark["id"], folder["id"])


def snapshot(world: World) -> dict[str, Any]:
    return world.api.state()


# --- authentication ------------------------------------------------------------------------------

NOBODY = "0123456789abcdef" * 2 + "01234567"  # 40 hex characters, nobody's key
BAD_HEADERS = [
    None,
    "",
    "Bearer",
    "Bearer    ",
    "Basic YWxpY2U6cGFzc3dvcmQ=",
    f"Bearer lgg_{NOBODY}",
    f"Bearer {NOBODY}",
    f"Token lgg_{NOBODY}",
    f"Bearer lgg_{NOBODY} extra",
    "Bearer lgg_short",
    "Bearer x' OR '1'='1",
    f"Bearer {'a' * 5000}",
    f"Bearers lgg_{NOBODY}",
]


def test_missing_or_bad_key_is_401_on_every_route(world: World) -> None:
    before = snapshot(world)
    for header in BAD_HEADERS:
        for method, template, _ in calls():
            path, kw, _status = world.good(method, template)
            r = world.send(method, path, auth=header, **kw)
            world.expect(r, 401, challenge=True)
    world.check()
    assert snapshot(world) == before


def test_a_near_miss_of_alices_key_is_401(world: World) -> None:
    key = world.api.key
    wrong = key[:-1] + ("0" if key[-1] != "0" else "1")
    for header in (
        f"Bearer {wrong}",
        f"Bearer {key}x",
        f"Bearer {key[4:-1]}",
        f"Bearer lgg-{key[4:]}",
    ):
        for method, template, _ in calls():
            path, kw, _status = world.good(method, template)
            world.expect(world.send(method, path, auth=header, **kw), 401, challenge=True)
    world.check()


def test_no_key_is_401_whatever_else_is_wrong(world: World) -> None:
    """An anonymous caller learns nothing: 401 before any 404 or 422, for every id the
    route table accepts (digits), whether or not it could name an object."""
    for method, template, endpoint in calls():
        for raw in (UNKNOWN_ID, "0", "99999999999"):
            path = world.path(template, bookmark_id=raw, folder_id=raw)
            world.expect(world.send(method, path, auth=None), 401, challenge=True)
        if method in endpoint.body:
            for content, kind in ((b"{nope", "application/json"), (b"x", "text/plain")):
                r = world.send(
                    method, world.path(template), auth=None, content=content,
                    headers={"Content-Type": kind},
                )  # fmt: skip
                world.expect(r, 401, challenge=True)
    world.check()


def test_a_revoked_key_is_401(world: World, ctx: Any) -> None:
    from markhive.users import repository as users
    from markhive.users import service as user_service

    with ctx.db.unit(write=True) as session:
        (key,) = users.active_keys(session, world.api.id)
        user_service.revoke_key(session, key.id)
    for method, template, _ in calls():
        path, kw, _status = world.good(method, template)
        world.expect(world.send(method, path, **kw), 401, challenge=True)
    world.check()


def test_every_accepted_spelling_of_the_key(world: World) -> None:
    key = world.api.key
    assert key.startswith("lgg_") and len(key) == 44
    bare = key[len("lgg_") :]
    for header in (
        f"Bearer {key}",
        f"Token {key}",
        f"bearer {key}",
        f"BEARER {key}",
        f"token {key}",
        f"Bearer {bare}",
        f"Token {bare}",
        f"bEaReR   {key}",
    ):
        for method, template, _ in calls():
            path, kw, status = world.good(method, template, fresh=True)
            r = world.send(method, path, auth=header, **kw)
            world.expect(r, status, shape=ok_shape(template))
    world.check()


# --- ids in the path ---------------------------------------------------------------------------


def test_unknown_ids_are_404(world: World) -> None:
    before = snapshot(world)
    for method, template, endpoint in calls():
        if not endpoint.id:
            continue
        for raw in (UNKNOWN_ID, 424242, "0", "000", "99999999999", "9" * 100):
            path = world.path(template, **{endpoint.id: raw})
            _, kw, _status = world.good(method, template)
            world.expect(world.send(method, path, **kw), 404)
        if method in endpoint.body:  # 404 comes before reading the body
            path = world.path(template, **{endpoint.id: UNKNOWN_ID})
            world.expect(world.send(method, path, json={"rating": "x", "name": 5}), 404)
            world.expect(world.send(method, path, json={}), 404)
    world.check()
    assert snapshot(world) == before


# --- bodies ---------------------------------------------------------------------------------

UNREADABLE = [b"{nope", b'{"url": ', b"\xff\xfe{", b"{'url': 1}", b'{"a": 1,}', b"[", b"NaN"]
NOT_OBJECTS = [b"[1, 2]", b"[]", b"5", b'"text"', b"null", b"true", b"[{}]"]


def test_malformed_and_non_object_json_is_422(world: World) -> None:
    before = snapshot(world)
    for method, template, _ in calls(only_body=True):
        path, _kw, _status = world.good(method, template)
        for content in UNREADABLE + NOT_OBJECTS:
            r = world.send(
                method, path, content=content, headers={"Content-Type": "application/json"}
            )
            world.expect(r, 422, shape="invalid")
    world.check()
    assert snapshot(world) == before


WRONG_TYPES: dict[tuple[str, str], list[tuple[dict[str, Any], str]]] = {
    ("POST", "/urls"): [
        ({"url": 5}, "url"),
        ({"url": ["https://example.com/x"]}, "url"),
        ({"url": None}, "url"),
        ({"url": "https://example.com/w", "title": 5}, "title"),
        ({"url": "https://example.com/w", "title": None}, "title"),
        ({"url": "https://example.com/w", "comments": {"a": 1}}, "comments"),
        ({"url": "https://example.com/w", "folder_id": "1"}, "folder_id"),
        ({"url": "https://example.com/w", "folder_id": 1.5}, "folder_id"),
        ({"url": "https://example.com/w", "folder_id": True}, "folder_id"),
        ({"url": "https://example.com/w", "folder_id": -1}, "folder_id"),
        ({"url": "https://example.com/w", "rating": "5"}, "rating"),
        ({"url": "https://example.com/w", "is_favorite": "true"}, "is_favorite"),
        ({"url": "https://example.com/w", "is_favorite": 1}, "is_favorite"),
        ({"url": "https://example.com/w", "is_archived": "no"}, "is_archived"),
        ({"url": "https://example.com/w", "keywords": 7}, "keywords"),
        ({"url": "https://example.com/w", "keywords": [["a"]]}, "keywords"),
        ({"url": "https://example.com/w", "reminder_at": 5}, "reminder_at"),
        ({"url": "https://example.com/w", "reminder_at": "later"}, "reminder_at"),
    ],
    ("POST", "/urls/move"): [
        ({"ids": "1", "folder_id": 0}, "ids"),
        ({"ids": [1, "2"], "folder_id": 0}, "ids"),
        ({"ids": [1], "folder_id": "0"}, "folder_id"),
        ({"ids": [1], "folder_id": []}, "folder_id"),
    ],
    ("POST", "/urls/tag"): [
        ({"ids": {"1": 1}}, "ids"),
        ({"ids": [1], "add": 1}, "add"),
        ({"ids": [1], "remove": [True]}, "remove"),
    ],
    ("POST", "/folders"): [
        ({"name": 5}, "name"),
        ({"name": ["x"]}, "name"),
        ({"name": "ok", "folder_id": "1"}, "folder_id"),
        ({"name": "ok", "folder_id": 2.5}, "folder_id"),
    ],
    ("POST", "/folders/path"): [({"path": 5}, "path"), ({"path": ["a", "b"]}, "path")],
    ("PATCH", "/folders/{folder_id}"): [
        ({"name": 5}, "name"),
        ({"is_public": "true"}, "is_public"),
        ({"is_public": 0}, "is_public"),
        ({"folder_id": "0"}, "folder_id"),
    ],
}
# PUT and PATCH of a bookmark take the same wrong values as create
_BOOKMARK_WRONG = [(dict(b), f) for b, f in WRONG_TYPES[("POST", "/urls")]]
WRONG_TYPES[("PATCH", "/urls/{bookmark_id}")] = _BOOKMARK_WRONG
WRONG_TYPES[("PUT", "/urls/{bookmark_id}")] = [
    (
        {
            "url": "https://example.com/alice",
            "title": "Alice",
            "folder_id": 0,
            "keywords": "",
            "comments": "",
            "rating": 0,
            "is_favorite": False,
            **b,
        },
        f,
    )
    for b, f in _BOOKMARK_WRONG
]


def test_wrong_typed_fields_are_422_naming_the_field(world: World) -> None:
    assert {(m, t) for m, t, _ in calls(only_body=True)} == set(WRONG_TYPES)
    before = snapshot(world)
    for (method, template), cases in WRONG_TYPES.items():
        path = world.path(template)
        for payload, name in cases:
            r = world.send(method, path, json=payload)
            data = world.expect(r, 422, shape="invalid")
            if data is not None and not _is_invalid(data, name):
                world.failures.append(f"{method} {path} {payload!r}: {name!r} not named: {data!r}")
    world.check()
    assert snapshot(world) == before


def test_a_wrong_content_type_is_415(world: World) -> None:
    before = snapshot(world)
    for method, template, _ in calls(only_body=True):
        path, kw, _status = world.good(method, template)
        content = httpx.Request("POST", "http://x", json=kw.get("json", {})).content
        for kind in (
            "text/plain",
            "application/x-www-form-urlencoded",
            "multipart/form-data; boundary=xyz",
            "application/xml",
            "text/html; charset=utf-8",
        ):
            r = world.send(method, path, content=content, headers={"Content-Type": kind})
            world.expect(r, 415)
    world.check()
    assert snapshot(world) == before


def test_json_with_a_charset_is_accepted(world: World) -> None:
    for method, template, _ in calls(only_body=True):
        path, kw, status = world.good(method, template)
        content = httpx.Request("POST", "http://x", json=kw["json"]).content
        headers = {"Content-Type": "application/json; charset=utf-8"}
        world.expect(world.send(method, path, content=content, headers=headers), status, shape="")
    world.check()


# --- paths and methods ---------------------------------------------------------------------------


def test_a_trailing_slash_works_the_same_on_every_path(world: World) -> None:
    for method, template, _ in calls():
        path, kw, status = world.good(method, template, fresh=True)
        r = world.send(method, path + "/", **kw)
        data = world.expect(r, status, shape=ok_shape(template))
        posted = (method, template) == ("POST", "/urls")
        if posted and isinstance(data, dict) and data.get("url") != kw["json"]["url"]:
            world.failures.append(f"POST /urls/: the body was lost: {data!r}")
    # the query string is kept
    r = world.send("GET", "/urls/?page_size=1&sort=title_asc")
    data = world.expect(r, 200, shape="")
    if not (isinstance(data, dict) and data.get("page_size") == 1):
        world.failures.append(f"GET /urls/?page_size=1: {data!r}")
    world.check()


UNKNOWN_PATHS = [
    "",
    "/",
    "/nope",
    "/url",
    "/urls/abc",
    "/urls/1.5",
    "/urls/-1",
    "/urls/0x10",
    "/urls/{bookmark_id}/nope",
    "/urls/{bookmark_id}/visit/again",
    "/urls/move/1",
    "/urls/tag/x",
    "/folders/abc",
    "/folders/{folder_id}/bookmarks",
    "/folders/path/x",
    "/auth",
    "/auth/me/x",
    "/auth/login",
    "/account",
    "/account/nope",
    "/v2/urls",
    "/%00",
    "/" + "x" * 3000,
]


def test_unknown_paths_are_404_json(world: World) -> None:
    before = snapshot(world)
    for template in UNKNOWN_PATHS:
        for method in METHODS:
            for auth in (ALICE, None):
                world.expect(world.send(method, world.path(template), auth=auth), 404)
    world.check()
    assert snapshot(world) == before


def test_a_wrong_method_is_405_json(world: World) -> None:
    before = snapshot(world)
    for template, endpoint in TABLE.items():
        for method in METHODS + OTHER_METHODS:
            if method in endpoint.methods:
                continue
            path = world.path(template)
            world.expect(world.send(method, path, json={"url": "https://example.com/m"}), 405)
            world.expect(world.send(method, path + "/"), 405)
    world.check()
    assert snapshot(world) == before


# --- fuzz: arbitrary JSON for every bookmark field ---------------------------------------------

FIELDS = [
    "url",
    "title",
    "folder_id",
    "keywords",
    "comments",
    "rating",
    "is_favorite",
    "is_archived",
    "reminder_at",
]
plausible = st.sampled_from(
    [
        "https://example.com/fuzz",
        "https://EXAMPLE.com/fuzz/",
        "https://example.com/alice",
        "ftp://files.example.org/x",
        "http://[::1]/",
        "2030-02-03T04:05:06Z",
        "2021-02-03",
        "0001-01-01T00:00:00+14:00",
        "9999-12-31T23:59:59-14:00",
        "",
        " ",
        "a,b c",
        "x" * 65,
        "\u00e9t\u00e9",
        "a\x00b",
        0,
        1,
        5,
        6,
        2**31,
        -1,
        True,
        False,
        None,
        ["a", "B", "c d"],
        ["", " "],
    ]
)
payloads = st.dictionaries(st.sampled_from(FIELDS), json_values | plausible, max_size=6)
FUZZ = hypothesis_settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _check_answer(r: httpx.Response, payload: dict[str, Any], ok: int) -> None:
    assert r.status_code in (ok, 404, 409, 422), (payload, r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), (payload, r.headers)
    body = r.json()
    if r.status_code == ok:
        assert list(body) == BOOKMARK_KEYS, (payload, body)
    elif r.status_code == 422:
        assert _is_invalid(body), (payload, body)
        assert {e["field"] for e in body["errors"]} <= set(FIELDS), (payload, body)
    elif r.status_code == 409:
        assert list(body) == ["detail", "bookmark_id"], (payload, body)
        assert isinstance(body["bookmark_id"], int), (payload, body)
    else:
        assert list(body) == ["detail"] and isinstance(body["detail"], str), (payload, body)


@FUZZ
@given(payload=payloads)
def test_fuzz_create(world: World, payload: dict[str, Any]) -> None:
    before = world.api.everything()
    r = world.send("POST", "/urls", json=payload)
    _check_answer(r, payload, 201)
    after = world.api.everything()
    assert len(after) == len(before) + (r.status_code == 201), payload
    if r.status_code != 201:
        assert after == before, payload


@FUZZ
@given(payload=payloads)
def test_fuzz_patch(world: World, payload: dict[str, Any]) -> None:
    before = world.api.everything()
    r = world.send("PATCH", f"/urls/{world.bookmark_id}", json=payload)
    _check_answer(r, payload, 200)
    if r.status_code == 200:
        assert r.json() == world.api.one(world.bookmark_id)
    else:
        assert world.api.everything() == before, payload


LIST_PARAMS = ["q", "page", "page_size", "limit", "sort", "folder_id", "favorite"]
list_params = st.dictionaries(
    st.sampled_from(LIST_PARAMS),
    st.text(max_size=12)
    | st.sampled_from(["1", "0", "-1", "200", "201", "title_asc", "true", "(", '"', "#", "not"]),
    max_size=5,
)


@FUZZ
@given(params=list_params)
def test_fuzz_list_parameters(world: World, params: dict[str, str]) -> None:
    r = world.send("GET", "/urls", params=params)
    assert r.status_code in (200, 422), (params, r.status_code, r.text)
    body = r.json()
    if r.status_code == 422:
        assert _is_invalid(body), (params, body)
        assert {e["field"] for e in body["errors"]} <= set(LIST_PARAMS), (params, body)
    else:
        assert list(body) == ["bookmarks", "total", "page", "page_size", "pages"], body
        assert 1 <= body["page_size"] <= 200 and body["page"] >= 1, (params, body)
        assert len(body["bookmarks"]) <= body["total"] <= 1, (params, body)
