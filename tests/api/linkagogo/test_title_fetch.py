"""POST /api/v1/urls without a title: the page's title is fetched in the background."""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import build_context
from markhive.settings import Settings
from tests.conftest import Account
from tests.fetch.pageserver import PageServer, Route


@pytest.fixture
def working(settings: Settings, alice: Account) -> Iterator[TestClient]:
    """A client of an app whose background-job consumer runs."""
    running = dataclasses.replace(settings, run_worker=True)
    with TestClient(create_app(running, build_context(running))) as client:
        client.headers["Authorization"] = f"Bearer {alice.key}"
        yield client


def _title_after_jobs(client: TestClient, bookmark_id: int, seconds: float = 15) -> str:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        title = client.get(f"/api/v1/urls/{bookmark_id}").json()["title"]
        if title:
            return str(title)
        time.sleep(0.1)
    return ""


def test_an_omitted_title_is_fetched_later(working: TestClient, pages: PageServer) -> None:
    url = pages.page("/titled", "<html><head><title>Fetched Title</title></head></html>")
    made = working.post("/api/v1/urls", json={"url": url})
    assert made.status_code == 201 and made.json()["title"] == ""  # nothing waited for
    assert _title_after_jobs(working, made.json()["id"]) == "Fetched Title"


def test_an_empty_title_is_fetched_but_a_given_one_stays(
    working: TestClient, pages: PageServer
) -> None:
    empty = working.post("/api/v1/urls", json={"url": pages.page("/a", "<title>Page A</title>")})
    given = working.post(
        "/api/v1/urls", json={"url": pages.page("/b", "<title>Page B</title>"), "title": "Mine"}
    )
    assert _title_after_jobs(working, empty.json()["id"]) == "Page A"
    time.sleep(0.5)  # give the second job the time the first one took
    assert working.get(f"/api/v1/urls/{given.json()['id']}").json()["title"] == "Mine"


def test_an_unreachable_page_leaves_the_title_empty(working: TestClient, pages: PageServer) -> None:
    pages.routes["/gone"] = Route(status=404, body=b"no")
    made = working.post("/api/v1/urls", json={"url": pages.url("/gone")})
    assert made.status_code == 201
    assert _title_after_jobs(working, made.json()["id"], seconds=2) == ""
