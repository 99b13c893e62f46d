"""aiolinkding (the library behind Home Assistant's linkding integration) against a real
markhive server."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, TypeVar

import httpx
import pytest
from aiolinkding import async_get_client
from aiolinkding.client import Client
from aiolinkding.errors import InvalidTokenError, RequestError, UnknownEndpointError

from tests.api.linkding.test_bookmarks import PROFILE_DEFAULTS
from tests.clients.conftest import Server

pytestmark = pytest.mark.slow

T = TypeVar("T")


def run(awaitable: Awaitable[T]) -> T:
    async def wrapper() -> T:
        return await awaitable

    return asyncio.run(wrapper())


def client(server: Server) -> Client:
    async def make() -> Client:
        return await async_get_client(server.url, server.key)

    return asyncio.run(make())


def test_get_client_passes_health_and_version_check(server: Server) -> None:
    linkding = client(server)
    health = run(linkding.async_request("get", "/health"))
    assert health["status"] == "healthy"
    assert health["version"] == "1.46.2"


def test_base_url_with_trailing_slash(server: Server) -> None:
    """Users paste ``https://host/``; aiolinkding then requests ``//api/...``."""
    linkding = Client(server.url + "/", server.key)
    page = run(linkding.bookmarks.async_get_all(limit=1))
    assert list(page) == ["count", "next", "previous", "results"]
    assert run(linkding.user.async_get_profile())["version"] == "1.46.2"


def test_wrong_token_is_invalid_token_error(server: Server) -> None:
    linkding = Client(server.url, "0" * 40)
    with pytest.raises(InvalidTokenError):
        run(linkding.bookmarks.async_get_all())


def test_bookmark_lifecycle(server: Server, http: httpx.Client) -> None:
    linkding = client(server)
    created = run(
        linkding.bookmarks.async_create(
            "https://aiolinkding.example/lifecycle",
            title="Lifecycle zebracorn",
            description="made by aiolinkding",
            notes="some *notes*",
            tag_names=["aio", "Client Lib"],
            unread=True,
        )
    )
    bookmark_id = created["id"]
    assert isinstance(bookmark_id, int)
    assert created["url"] == "https://aiolinkding.example/lifecycle"
    assert created["title"] == "Lifecycle zebracorn"
    assert created["description"] == "made by aiolinkding"
    assert created["notes"] == "some *notes*"
    assert created["tag_names"] == ["Client-Lib", "aio"]
    assert created["unread"] is True
    assert created["shared"] is False
    assert created["is_archived"] is False

    found = run(linkding.bookmarks.async_get_all(query="zebracorn"))
    assert found["count"] == 1
    assert [b["id"] for b in found["results"]] == [bookmark_id]
    assert run(linkding.bookmarks.async_get_all(query="#aio zebracorn"))["count"] == 1
    assert run(linkding.bookmarks.async_get_all(query="nosuchwordanywhere"))["count"] == 0
    page = run(linkding.bookmarks.async_get_all(limit=1, offset=0))
    assert len(page["results"]) == 1

    single = run(linkding.bookmarks.async_get_single(bookmark_id))
    assert single == run(linkding.bookmarks.async_get_all(query="zebracorn"))["results"][0]

    # aiolinkding's update is a PATCH that always sends unread and shared.
    updated = run(
        linkding.bookmarks.async_update(
            bookmark_id, title="Renamed zebracorn", tag_names=["aio"], shared=True
        )
    )
    assert updated["id"] == bookmark_id
    assert updated["title"] == "Renamed zebracorn"
    assert updated["description"] == "made by aiolinkding"  # not sent, kept
    assert updated["notes"] == "some *notes*"
    assert updated["tag_names"] == ["aio"]
    assert updated["shared"] is True
    assert updated["unread"] is False

    assert run(linkding.bookmarks.async_archive(bookmark_id)) is None
    assert http.get(f"/api/bookmarks/{bookmark_id}/").json()["is_archived"] is True
    archived = run(linkding.bookmarks.async_get_archived(query="zebracorn"))
    assert [b["id"] for b in archived["results"]] == [bookmark_id]
    assert run(linkding.bookmarks.async_get_all(query="zebracorn"))["count"] == 0

    assert run(linkding.bookmarks.async_unarchive(bookmark_id)) is None
    assert run(linkding.bookmarks.async_get_single(bookmark_id))["is_archived"] is False
    assert run(linkding.bookmarks.async_get_archived(query="zebracorn"))["count"] == 0

    assert run(linkding.bookmarks.async_delete(bookmark_id)) is None
    assert http.get(f"/api/bookmarks/{bookmark_id}/").status_code == 404
    with pytest.raises(UnknownEndpointError):  # how aiolinkding reports any 404
        run(linkding.bookmarks.async_get_single(bookmark_id))


def test_create_existing_url_returns_the_same_bookmark(server: Server) -> None:
    linkding = client(server)
    first = run(linkding.bookmarks.async_create("https://aiolinkding.example/twice", title="A"))
    second = run(linkding.bookmarks.async_create("https://AIOLINKDING.example/twice/"))
    assert second["id"] == first["id"]
    assert second["title"] == "A"
    run(linkding.bookmarks.async_delete(first["id"]))


def test_invalid_bookmark_is_request_error_with_field_message(server: Server) -> None:
    linkding = client(server)
    with pytest.raises(RequestError, match="Enter a valid URL"):
        run(linkding.bookmarks.async_create("not a url"))


def test_tags_list_and_get(server: Server, http: httpx.Client) -> None:
    linkding = client(server)
    made = http.post("/api/tags/", json={"name": "aio-listed"})
    assert made.status_code == 201, made.text
    tag = made.json()
    everything = run(linkding.tags.async_get_all(limit=10000))
    names = [t["name"] for t in everything["results"]]
    assert "aio-listed" in names
    assert everything["count"] == len(everything["results"])
    assert run(linkding.tags.async_get_single(tag["id"])) == tag
    first = run(linkding.tags.async_get_all(limit=1))
    assert len(first["results"]) == 1
    if everything["count"] > 1:
        assert first["next"] is not None and "limit=1" in first["next"]


def test_tag_create_as_aiolinkding_sends_it(server: Server, http: httpx.Client) -> None:
    """aiolinkding 2025.2.0's TagManager.async_create posts ``{"example": name}`` instead of
    ``{"name": name}`` (a bug in the client). Real linkding answers 400 ``name`` required,
    and so must markhive; the client then raises RequestError and nothing is created."""
    linkding = client(server)
    with pytest.raises(RequestError, match="This field is required"):
        run(linkding.tags.async_create("aio-made"))
    names = [t["name"] for t in http.get("/api/tags/?limit=10000").json()["results"]]
    assert "aio-made" not in names
    # The request the client meant to send works:
    made: dict[str, Any] = run(
        linkding.async_request("post", "/api/tags/", json={"name": "aio-made"})
    )
    assert made["name"] == "aio-made"
    assert run(linkding.tags.async_get_single(made["id"]))["name"] == "aio-made"


def test_user_profile(server: Server) -> None:
    profile = run(client(server).user.async_get_profile())
    assert {key: profile[key] for key in PROFILE_DEFAULTS} == PROFILE_DEFAULTS
