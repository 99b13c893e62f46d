"""Favicons and preview images: fetched in the background, served from /media/."""

from __future__ import annotations

import dataclasses
import time

from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import build_context
from markhive.settings import Settings
from tests.conftest import Account
from tests.fetch.pageserver import PageServer, Route

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(200))
ICO = b"\x00\x00\x01\x00" + bytes(100)
PAGE = """<html><head><title>Pictured</title>
<link rel="shortcut icon" href="/static/fav.png">
<meta property="og:image" content="/static/preview.png"></head></html>"""


def _serve_images(pages: PageServer) -> None:
    pages.routes["/static/fav.png"] = Route(body=PNG, headers={"Content-Type": "image/png"})
    pages.routes["/static/preview.png"] = Route(
        body=PNG + b"p", headers={"Content-Type": "image/png"}
    )


def _created(settings: Settings, account: Account, url: str) -> dict:
    working = dataclasses.replace(settings, run_worker=True)
    with TestClient(create_app(working, build_context(working))) as client:
        client.headers.update(account.auth)
        made = client.post("/api/bookmarks/", json={"url": url, "title": "mine"}).json()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            current = client.get(f"/api/bookmarks/{made['id']}/").json()
            if current["preview_image_url"]:
                break
            time.sleep(0.1)
        time.sleep(0.3)  # the job writes favicon and preview together; let it finish
        return client.get(f"/api/bookmarks/{made['id']}/").json()


def test_favicon_and_preview_are_fetched_and_served(
    settings: Settings, make_account, pages: PageServer, client: TestClient
) -> None:  # type: ignore[no-untyped-def]
    _serve_images(pages)
    account = make_account("pics", enable_favicons=True)
    bookmark = _created(settings, account, pages.page("/pictured", PAGE))
    assert bookmark["title"] == "mine"  # what the user typed stays
    favicon, preview = bookmark["favicon_url"], bookmark["preview_image_url"]
    assert favicon.startswith("http://testserver/media/") and favicon.endswith(".png")
    assert preview.startswith("http://testserver/media/") and preview != favicon
    served = client.get(favicon)
    assert served.status_code == 200 and served.content == PNG
    assert served.headers["content-type"] == "image/png"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert client.get(preview).content == PNG + b"p"


def test_favicons_follow_the_profile_and_fall_back_to_favicon_ico(
    settings: Settings, make_account, pages: PageServer
) -> None:  # type: ignore[no-untyped-def]
    pages.routes["/favicon.ico"] = Route(body=ICO, headers={"Content-Type": "image/x-icon"})
    pages.routes["/static/preview.png"] = Route(body=PNG, headers={"Content-Type": "image/png"})
    plain = "<html><head><meta property='og:image' content='/static/preview.png'></head></html>"
    off = _created(settings, make_account("off"), pages.page("/a", plain))
    assert off["favicon_url"] is None and off["preview_image_url"] is not None
    on = _created(settings, make_account("on", enable_favicons=True), pages.page("/b", plain))
    assert on["favicon_url"].endswith(".ico")


def test_svg_and_non_images_are_not_kept(
    settings: Settings, make_account, pages: PageServer
) -> None:  # type: ignore[no-untyped-def]
    svg = b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"
    pages.routes["/static/fav.png"] = Route(body=svg, headers={"Content-Type": "image/svg+xml"})
    pages.routes["/static/preview.png"] = Route(
        body=b"<html>", headers={"Content-Type": "text/html"}
    )
    account = make_account("careful", enable_favicons=True)
    working = dataclasses.replace(settings, run_worker=False)
    context = build_context(working)
    with TestClient(create_app(working, context)) as client:
        client.headers.update(account.auth)
        made = client.post("/api/bookmarks/", json={"url": pages.page("/p", PAGE)}).json()
        context.jobs.fill_metadata(made["id"])  # the task body, run here
        bookmark = client.get(f"/api/bookmarks/{made['id']}/").json()
    assert bookmark["title"] == "Pictured"
    assert bookmark["favicon_url"] is None and bookmark["preview_image_url"] is None
    assert pages.hits["/static/fav.png"] == 1 and pages.hits["/static/preview.png"] == 1


def test_media_names_are_checked(client: TestClient) -> None:
    for name in ("../markhive.db", "secret_key", "0" * 32 + ".svg", "0" * 32 + ".png"):
        assert client.get(f"/media/{name}").status_code == 404
