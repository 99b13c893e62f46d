"""The check endpoint and the background fill-in of titles after a create."""

from __future__ import annotations

import dataclasses
import time

from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import build_context
from markhive.settings import Settings
from tests.api.linkding.test_bookmarks import create
from tests.conftest import Account
from tests.fetch.pageserver import PageServer

PAGE = """<html><head><title> The  Page </title>
<meta name="description" content="What it is about">
<meta property="og:image" content="/img/preview.png"></head><body>x</body></html>"""


def test_check_reports_metadata_and_the_existing_bookmark(
    api: TestClient, pages: PageServer
) -> None:
    url = pages.page("/article", PAGE)
    body = api.get("/api/bookmarks/check/", params={"url": url}).json()
    assert list(body) == ["bookmark", "metadata", "auto_tags"]
    assert body["bookmark"] is None and body["auto_tags"] == []
    assert body["metadata"] == {
        "url": url,
        "title": "The Page",
        "description": "What it is about",
        "preview_image": pages.url("/img/preview.png"),
    }
    made = create(api, url=url + "/", title="mine")
    again = api.get("/api/bookmarks/check/", params={"url": url}).json()
    assert again["bookmark"]["id"] == made["id"] and again["bookmark"]["title"] == "mine"
    assert pages.hits["/article"] == 1  # the second check came from the cache


def test_check_without_url_and_unreachable_pages(api: TestClient, pages: PageServer) -> None:
    body = api.get("/api/bookmarks/check/").json()
    assert body == {
        "bookmark": None,
        "metadata": {"url": None, "title": None, "description": None, "preview_image": None},
        "auto_tags": [],
    }
    dead = pages.url("/nothing-here")
    body = api.get("/api/bookmarks/check/", params={"url": dead}).json()
    assert body["metadata"] == {
        "url": dead,
        "title": None,
        "description": None,
        "preview_image": None,
    }


def test_create_fills_title_and_description_in_the_background(
    settings: Settings, alice: Account, pages: PageServer
) -> None:
    url = pages.page("/later", PAGE, stall=0.5)
    working = dataclasses.replace(settings, run_worker=True)
    app = create_app(working, build_context(working))
    with TestClient(app) as client:
        client.headers.update(alice.auth)
        started = time.monotonic()
        response = client.post("/api/bookmarks/", json={"url": url})
        assert time.monotonic() - started < 0.5  # the create did not wait for the page
        made = response.json()
        assert made["title"] == "" and made["description"] == ""
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            current = client.get(f"/api/bookmarks/{made['id']}/").json()
            if current["title"]:
                break
            time.sleep(0.1)
        assert current["title"] == "The Page"
        assert current["description"] == "What it is about"
        assert client.get("/api/bookmarks/", params={"q": "what it is"}).json()["count"] == 1


def test_disable_scraping_leaves_fields_empty(
    settings: Settings, alice: Account, pages: PageServer
) -> None:
    url = pages.page("/never", PAGE)
    working = dataclasses.replace(settings, run_worker=True)
    app = create_app(working, build_context(working))
    with TestClient(app) as client:
        client.headers.update(alice.auth)
        made = client.post("/api/bookmarks/?disable_scraping", json={"url": url}).json()
        time.sleep(1.0)
        assert client.get(f"/api/bookmarks/{made['id']}/").json()["title"] == ""
    assert pages.hits["/never"] == 0
