"""Assets and the SingleFile upload through the linkding API."""

from __future__ import annotations

import gzip
from pathlib import Path

from fastapi.testclient import TestClient

from markhive.settings import Settings
from tests.api.linkding.test_bookmarks import create

ASSET_KEYS = [
    "id",
    "bookmark",
    "date_created",
    "file_size",
    "asset_type",
    "content_type",
    "display_name",
    "status",
]


def test_upload_list_download_delete(api: TestClient, settings: Settings) -> None:
    bookmark = create(api, url="https://example.com")
    base = f"/api/bookmarks/{bookmark['id']}/assets"
    payload = b"%PDF-1.4 " + bytes(range(256)) * 100
    response = api.post(
        f"{base}/upload/", files={"file": ("paper.pdf", payload, "application/pdf")}
    )
    assert response.status_code == 201, response.text
    asset = response.json()
    assert list(asset) == ASSET_KEYS
    assert asset["bookmark"] == bookmark["id"] and asset["asset_type"] == "upload"
    assert asset["file_size"] == len(payload) and asset["status"] == "complete"
    assert asset["content_type"] == "application/pdf" and asset["display_name"] == "paper.pdf"
    stored = list(Path(settings.assets_dir).glob("*.gz"))
    assert len(stored) == 1 and gzip.decompress(stored[0].read_bytes()) == payload

    assert api.get(f"{base}/").json()["results"] == [asset]
    assert api.get(f"{base}/{asset['id']}/").json() == asset
    download = api.get(f"{base}/{asset['id']}/download/")
    assert download.status_code == 200 and download.content == payload
    assert download.headers["content-type"] == "application/pdf"
    assert download.headers["content-disposition"] == 'attachment; filename="paper.pdf"'

    assert api.delete(f"{base}/{asset['id']}/").status_code == 204
    assert api.get(f"{base}/{asset['id']}/").json() == {
        "detail": "No BookmarkAsset matches the given query."
    }
    assert list(Path(settings.assets_dir).glob("*.gz")) == []


def test_upload_errors(api: TestClient) -> None:
    bookmark = create(api, url="https://example.com")
    response = api.post(f"/api/bookmarks/{bookmark['id']}/assets/upload/", data={"x": "1"})
    assert response.status_code == 400 and response.json() == {"error": "No file provided."}
    response = api.post("/api/bookmarks/9999/assets/upload/", files={"file": ("a", b"a")})
    assert response.status_code == 404
    assert response.json() == {"detail": "Bookmark does not exist"}
    assert api.get("/api/bookmarks/9999/assets/").json() == {"detail": "Bookmark does not exist"}


def test_deleting_a_bookmark_removes_its_asset_files(api: TestClient, settings: Settings) -> None:
    bookmark = create(api, url="https://example.com")
    api.post(f"/api/bookmarks/{bookmark['id']}/assets/upload/", files={"file": ("a.txt", b"abc")})
    assert len(list(Path(settings.assets_dir).glob("*.gz"))) == 1
    assert api.delete(f"/api/bookmarks/{bookmark['id']}/").status_code == 204
    assert list(Path(settings.assets_dir).glob("*.gz")) == []


def test_singlefile_upload(api: TestClient) -> None:
    html = b"<html><title>Saved</title><body>hello</body></html>"
    response = api.post(
        "/api/bookmarks/singlefile/",
        data={"url": "https://example.com/saved"},
        files={"file": ("page.html", html, "text/html")},
    )
    assert response.status_code == 201
    assert response.json() == {"message": "Snapshot uploaded successfully."}
    bookmark = api.get("/api/bookmarks/").json()["results"][0]
    assert bookmark["url"] == "https://example.com/saved"
    assets = api.get(f"/api/bookmarks/{bookmark['id']}/assets/").json()["results"]
    assert [a["asset_type"] for a in assets] == ["snapshot"]
    assert assets[0]["content_type"] == "text/html"
    content = api.get(f"/api/bookmarks/{bookmark['id']}/assets/{assets[0]['id']}/download/")
    assert content.content == html
    again = api.post(
        "/api/bookmarks/singlefile/",
        data={"url": "https://example.com/saved/"},
        files={"file": ("page.html", html, "text/html")},
    )
    assert again.status_code == 201
    assert api.get("/api/bookmarks/").json()["count"] == 1
    missing = api.post("/api/bookmarks/singlefile/", data={"url": "https://example.com"})
    assert missing.status_code == 400
    assert missing.json() == {"error": "Both 'url' and 'file' parameters are required."}
