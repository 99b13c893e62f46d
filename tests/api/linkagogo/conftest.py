"""Fixtures for the /api/v1 (LinkaGoGo dialect) contract tests.

``v1`` is alice's view of /api/v1, sending her key as ``Authorization: Bearer <key>``;
``make_v1(username, **account)`` makes another user and their view. Each view can also
call the linkding dialect (``.ld``) with the same key, and take a ``state()`` snapshot of
everything its user has, to show that a refused request changed nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from markhive.context import Context
from markhive.users import service as user_service
from tests.conftest import Account

V1 = "/api/v1"
BOOKMARK_KEYS = [
    "id",
    "url",
    "title",
    "folder_id",
    "keywords",
    "comments",
    "rating",
    "is_favorite",
    "is_archived",
    "visit_count",
    "last_visited_at",
    "reminder_at",
    "created_at",
    "updated_at",
]
FOLDER_KEYS = [
    "id",
    "name",
    "folder_id",
    "path",
    "is_public",
    "bookmark_count",
    "created_at",
    "updated_at",
]
PAGE_KEYS = ["bookmarks", "total", "page", "page_size", "pages"]
ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,6})?Z$")
UNKNOWN_ID = 2_147_483_647  # the largest id a path takes; nobody's


def when(text: str) -> datetime:
    """A wire datetime (``...Z``) as an aware datetime, for comparing."""
    assert ISO_Z.match(text), text
    return datetime.fromisoformat(text[:-1] + "+00:00").astimezone(UTC)


def assert_detail(response: httpx.Response, status: int) -> dict[str, Any]:
    """``status`` with the error body ``{"detail": "<text>"}`` and nothing else."""
    assert response.status_code == status, (status, response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    assert list(body) == ["detail"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    return body


def assert_invalid(response: httpx.Response, *fields: str) -> dict[str, Any]:
    """A 422 in the v1 validation shape, naming at least ``fields`` (in ``detail`` too)."""
    assert response.status_code == 422, (response.status_code, response.text)
    assert response.headers["content-type"].startswith("application/json"), response.headers
    body: dict[str, Any] = response.json()
    assert list(body) == ["detail", "errors"], body
    assert isinstance(body["detail"], str) and body["detail"], body
    assert isinstance(body["errors"], list) and body["errors"], body
    for error in body["errors"]:
        assert isinstance(error, dict) and list(error) == ["field", "message"], body
        assert isinstance(error["field"], str) and isinstance(error["message"], str), body
        assert error["message"], body
    named = {error["field"] for error in body["errors"]}
    for name in fields:
        assert name in named, (name, body)
        assert name in body["detail"], (name, body)
    return body


class Api:
    """One user's view of /api/v1 (and of the linkding dialect, with the same key)."""

    def __init__(self, client: TestClient, account: Any) -> None:
        self.client = client
        self.account = account
        self.id: int = account.id
        self.key: str = account.key
        self.headers = {"Authorization": f"Bearer {account.key}"}

    # --- raw requests -------------------------------------------------------------------

    def request(self, method: str, path: str, **kw: Any) -> httpx.Response:
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, V1 + path, headers=headers, **kw)

    def get(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("GET", path, **kw)

    def post(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("POST", path, **kw)

    def put(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PUT", path, **kw)

    def patch(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("PATCH", path, **kw)

    def delete(self, path: str, **kw: Any) -> httpx.Response:
        return self.request("DELETE", path, **kw)

    def ld(self, method: str, path: str, **kw: Any) -> httpx.Response:
        """A request to the linkding dialect (``/api/...``) with the same key."""
        headers = {**self.headers, **kw.pop("headers", {})}
        return self.client.request(method, "/api" + path, headers=headers, **kw)

    # --- helpers that expect success -------------------------------------------------------

    def add(self, url: str, **fields: Any) -> dict[str, Any]:
        r = self.post("/urls", json={"url": url, **fields})
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    def folder(self, name: str, parent: int = 0) -> dict[str, Any]:
        r = self.post("/folders", json={"name": name, "folder_id": parent})
        assert r.status_code == 201, r.text
        body: dict[str, Any] = r.json()
        return body

    def one(self, bookmark_id: int) -> dict[str, Any]:
        r = self.get(f"/urls/{bookmark_id}")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def page(self, **params: Any) -> dict[str, Any]:
        r = self.get("/urls", params=params)
        assert r.status_code == 200, (params, r.text)
        body: dict[str, Any] = r.json()
        assert list(body) == PAGE_KEYS, body
        return body

    def ids(self, **params: Any) -> list[int]:
        return [b["id"] for b in self.page(page_size=200, **params)["bookmarks"]]

    def everything(self) -> list[dict[str, Any]]:
        """Every bookmark of the user, by id."""
        found: list[dict[str, Any]] = []
        page = 1
        while True:
            body = self.page(page=page, page_size=200)
            found += body["bookmarks"]
            if page >= body["pages"]:
                return sorted(found, key=lambda b: b["id"])
            page += 1

    def folders(self) -> list[dict[str, Any]]:
        r = self.get("/folders")
        assert r.status_code == 200, r.text
        body: list[dict[str, Any]] = r.json()
        return body

    def stats(self) -> dict[str, Any]:
        r = self.get("/account/stats")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def ld_bookmark(self, bookmark_id: int) -> dict[str, Any]:
        r = self.ld("GET", f"/bookmarks/{bookmark_id}/")
        assert r.status_code == 200, r.text
        body: dict[str, Any] = r.json()
        return body

    def ld_ids(self) -> set[int]:
        """The ids the linkding dialect lists (active and archived)."""
        found: set[int] = set()
        for path in ("/bookmarks/?limit=1000", "/bookmarks/archived/?limit=1000"):
            r = self.ld("GET", path)
            assert r.status_code == 200, r.text
            found |= {b["id"] for b in r.json()["results"]}
        return found

    def state(self) -> dict[str, Any]:
        """Everything the user has, through both dialects."""
        tags = self.ld("GET", "/tags/?limit=1000")
        assert tags.status_code == 200, tags.text
        return {
            "bookmarks": self.everything(),
            "folders": self.folders(),
            "reminders": self.get("/account/reminders").json(),
            "stats": self.stats(),
            "tags": tags.json()["results"],
            "linkding": sorted(self.ld_ids()),
        }


@pytest.fixture
def raw_client(app: Any) -> Iterator[TestClient]:
    """A client that returns server errors as 500 responses instead of raising them."""
    with TestClient(app, base_url="http://testserver", raise_server_exceptions=False) as tc:
        yield tc


@pytest.fixture
def make_user(ctx: Context) -> Callable[..., Account]:
    """``make_account`` without a password: hashing one costs more than most tests here,
    and the API never reads it. Same services, same rows otherwise."""

    def make(username: str, plan: str = "unlimited", **profile: object) -> Account:
        with ctx.db.unit() as session:
            user = user_service.create_user(session, ctx.settings, username, None, plan=plan)
            user.profile = dict(profile)
            new = user_service.create_key(session, ctx.settings, user, "test")
            return Account(id=user.id, username=user.username, key=new.secret)

    return make


@pytest.fixture
def make_v1(client: TestClient, make_user: Callable[..., Account]) -> Callable[..., Api]:
    def make(username: str, **account: Any) -> Api:
        return Api(client, make_user(username, **account))

    return make


@pytest.fixture
def v1(make_v1: Callable[..., Api]) -> Api:
    """alice's view of /api/v1 (Authorization: Bearer <key>)."""
    return make_v1("alice")


@pytest.fixture
def bob(make_v1: Callable[..., Api]) -> Api:
    return make_v1("bob")
