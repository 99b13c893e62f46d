"""Two users of the linkding dialect: bob never sees, changes or learns about alice's objects.

Another user's object is 404 (never 403, never the data); lists, search and the URL check
only ever show the caller's own objects; the shared list follows the owner's profile.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from fastapi.testclient import TestClient

from markhive.users.models import User

SECRET_WORD = "zanzibarquokka"
ALICE_URL = "https://alice.example/private/page"
NO_BOOKMARK = {"detail": "No Bookmark matches the given query."}
NO_PARENT = {"detail": "Bookmark does not exist"}
NO_TAG = {"detail": "No Tag matches the given query."}
NO_BUNDLE = {"detail": "No BookmarkBundle matches the given query."}


@dataclass
class Alice:
    auth: dict[str, str]
    user_id: int
    bookmark: dict[str, Any]  # shared, active
    private: dict[str, Any]  # not shared
    archived: dict[str, Any]  # shared, archived
    tag: dict[str, Any]
    bundle: dict[str, Any]
    asset: dict[str, Any]


def _post(client: TestClient, auth: dict[str, str], path: str, **kw: Any) -> dict[str, Any]:
    r = client.post(path, headers=auth, **kw)
    assert r.status_code == 201, r.text
    body: dict[str, Any] = r.json()
    return body


@pytest.fixture
def alice_data(client: TestClient, make_account: Any) -> Alice:
    account = make_account("alice")
    auth = account.auth
    create = "/api/bookmarks/?disable_scraping"
    bookmark = _post(
        client,
        auth,
        create,
        json={
            "url": ALICE_URL,
            "title": f"Alice {SECRET_WORD}",
            "description": "alice's description",
            "notes": "alice's notes",
            "tag_names": ["alicetag"],
            "shared": True,
        },
    )
    private = _post(
        client,
        auth,
        create,
        json={"url": "https://alice.example/unshared", "title": f"private {SECRET_WORD}"},
    )
    archived = _post(
        client,
        auth,
        create,
        json={
            "url": "https://alice.example/archived",
            "title": f"archived {SECRET_WORD}",
            "is_archived": True,
            "shared": True,
        },
    )
    tag = next(
        t
        for t in client.get("/api/tags/", headers=auth).json()["results"]
        if t["name"] == "alicetag"
    )
    bundle = _post(
        client, auth, "/api/bundles/", json={"name": "alice bundle", "search": SECRET_WORD}
    )
    asset = _post(
        client,
        auth,
        f"/api/bookmarks/{bookmark['id']}/assets/upload/",
        files={"file": ("alice.txt", b"alice's file", "text/plain")},
    )
    return Alice(auth, account.id, bookmark, private, archived, tag, bundle, asset)


@pytest.fixture
def bob(make_account: Any) -> dict[str, str]:
    auth: dict[str, str] = make_account("bob").auth
    return auth


def everything(client: TestClient, alice: Alice) -> dict[str, Any]:
    """All of alice's objects as she sees them."""
    h = alice.auth
    b = alice.bookmark["id"]
    a = alice.asset["id"]
    download = client.get(f"/api/bookmarks/{b}/assets/{a}/download/", headers=h)
    return {
        "bookmarks": client.get("/api/bookmarks/?limit=1000", headers=h).json(),
        "archived": client.get("/api/bookmarks/archived/?limit=1000", headers=h).json(),
        "tags": client.get("/api/tags/?limit=1000", headers=h).json(),
        "bundles": client.get("/api/bundles/?limit=1000", headers=h).json(),
        "assets": client.get(f"/api/bookmarks/{b}/assets/", headers=h).json(),
        "download": (download.status_code, download.content),
    }


def set_profile(ctx: Any, user_id: int, **profile: object) -> None:
    with ctx.db.unit() as session:
        user = session.get(User, user_id)
        user.profile = {**(user.profile or {}), **profile}


def _leaks(text: str) -> bool:
    return SECRET_WORD in text or "alice.example" in text or "alice's" in text


def test_bob_gets_404_for_every_object_of_alice(
    client: TestClient, alice_data: Alice, bob: dict[str, str]
) -> None:
    alice = alice_data
    before = everything(client, alice)
    b = alice.bookmark["id"]
    a = alice.asset["id"]
    t = alice.tag["id"]
    u = alice.bundle["id"]
    bookmark_body = {"url": "https://bob.example/taken", "title": "bob's"}
    bundle_body = {"name": "bob's bundle"}
    upload = {"files": {"file": ("bob.txt", b"bob's file", "text/plain")}}
    requests: list[tuple[str, str, dict[str, Any], dict[str, str]]] = [
        ("GET", f"/api/bookmarks/{b}/", {}, NO_BOOKMARK),
        ("PUT", f"/api/bookmarks/{b}/", {"json": bookmark_body}, NO_BOOKMARK),
        ("PATCH", f"/api/bookmarks/{b}/", {"json": {"title": "bob's"}}, NO_BOOKMARK),
        ("PATCH", f"/api/bookmarks/{alice.archived['id']}/", {"json": {}}, NO_BOOKMARK),
        ("POST", f"/api/bookmarks/{b}/archive/", {}, NO_BOOKMARK),
        ("POST", f"/api/bookmarks/{alice.archived['id']}/unarchive/", {}, NO_BOOKMARK),
        ("GET", f"/api/bookmarks/{b}/assets/", {}, NO_PARENT),
        ("POST", f"/api/bookmarks/{b}/assets/upload/", upload, NO_PARENT),
        ("GET", f"/api/bookmarks/{b}/assets/{a}/", {}, NO_PARENT),
        ("GET", f"/api/bookmarks/{b}/assets/{a}/download/", {}, NO_PARENT),
        ("DELETE", f"/api/bookmarks/{b}/assets/{a}/", {}, NO_PARENT),
        ("GET", f"/api/tags/{t}/", {}, NO_TAG),
        ("DELETE", f"/api/tags/{t}/", {}, NO_TAG),
        ("GET", f"/api/bundles/{u}/", {}, NO_BUNDLE),
        ("PUT", f"/api/bundles/{u}/", {"json": bundle_body}, NO_BUNDLE),
        ("PATCH", f"/api/bundles/{u}/", {"json": bundle_body}, NO_BUNDLE),
        ("DELETE", f"/api/bundles/{u}/", {}, NO_BUNDLE),
        ("DELETE", f"/api/bookmarks/{b}/", {}, NO_BOOKMARK),
        ("DELETE", f"/api/bookmarks/{alice.archived['id']}/", {}, NO_BOOKMARK),
    ]
    failures = []
    for method, path, kw, want in requests:
        r = client.request(method, path, headers=bob, **kw)
        if r.status_code != 404 or r.json() != want or _leaks(r.text):
            failures.append(f"{method} {path}: {r.status_code} {r.text[:200]}")
    assert not failures, "\n".join(failures)

    # bob's own bookmark does not open a door to alice's assets either
    own = _post(client, bob, "/api/bookmarks/", json={"url": "https://bob.example/own"})
    for method in ("GET", "DELETE"):
        r = client.request(method, f"/api/bookmarks/{own['id']}/assets/{a}/", headers=bob)
        assert r.status_code == 404, r.text
        assert r.json() == {"detail": "No BookmarkAsset matches the given query."}
    r = client.get(f"/api/bookmarks/{own['id']}/assets/{a}/download/", headers=bob)
    assert r.status_code == 404 and not _leaks(r.text), r.text

    assert everything(client, alice) == before


def test_bobs_lists_never_show_alices_objects(
    client: TestClient, alice_data: Alice, bob: dict[str, str]
) -> None:
    alice = alice_data
    before = everything(client, alice)
    mine = _post(
        client,
        bob,
        "/api/bookmarks/",
        json={"url": "https://bob.example/one", "title": "bob one", "tag_names": ["bobtag"]},
    )
    _post(client, bob, "/api/bundles/", json={"name": "bob bundle"})
    alice_ids = {alice.bookmark["id"], alice.private["id"], alice.archived["id"]}

    for path in (
        "/api/bookmarks/?limit=1000",
        "/api/bookmarks/archived/?limit=1000",
        f"/api/bookmarks/?q={SECRET_WORD}",
        f"/api/bookmarks/archived/?q={SECRET_WORD}",
        "/api/bookmarks/?q=%23alicetag",
        "/api/bookmarks/?q=alice",
        "/api/bookmarks/?q=not+bob",
        "/api/tags/?limit=1000",
        "/api/bundles/?limit=1000",
    ):
        r = client.get(path, headers=bob)
        assert r.status_code == 200, (path, r.text)
        assert not _leaks(r.text), (path, r.text)
        ids = {item["id"] for item in r.json()["results"]}
        if path.startswith("/api/bookmarks/"):
            assert not ids & alice_ids, (path, r.json())
        names = [item.get("name") for item in r.json()["results"]]
        assert "alicetag" not in names and "alice bundle" not in names, path

    assert client.get("/api/bookmarks/", headers=bob).json()["count"] == 1
    assert client.get("/api/bookmarks/archived/", headers=bob).json()["count"] == 0
    assert [t["name"] for t in client.get("/api/tags/", headers=bob).json()["results"]] == [
        "bobtag"
    ]
    assert [b["name"] for b in client.get("/api/bundles/", headers=bob).json()["results"]] == [
        "bob bundle"
    ]
    assert client.get(f"/api/bookmarks/{mine['id']}/assets/", headers=bob).json()["count"] == 0

    for url in (ALICE_URL, "https://ALICE.example/private/page/", alice.archived["url"]):
        r = client.get("/api/bookmarks/check/", params={"url": url}, headers=bob)
        assert r.status_code == 200, r.text
        assert r.json()["bookmark"] is None, (url, r.json())

    # alice's bundle id in bob's hands filters nothing (it would leave 0 results)
    bundle = alice.bundle["id"]
    for path in ("/api/bookmarks/", "/api/bookmarks/archived/", "/api/bookmarks/shared/"):
        plain = client.get(path, headers=bob).json()
        with_bundle = client.get(f"{path}?bundle={bundle}", headers=bob)
        assert with_bundle.status_code == 200, with_bundle.text
        assert with_bundle.json()["results"] == plain["results"], path
    assert [
        b["id"]
        for b in client.get(f"/api/bookmarks/?bundle={bundle}", headers=bob).json()["results"]
    ] == [mine["id"]]

    assert everything(client, alice) == before


def test_bob_creating_alices_url_gets_his_own_bookmark(
    client: TestClient, alice_data: Alice, bob: dict[str, str]
) -> None:
    alice = alice_data
    before = everything(client, alice)
    for url in (ALICE_URL, "https://ALICE.example/private/page/"):
        r = client.post(
            "/api/bookmarks/?disable_scraping",
            json={"url": url, "title": "bob's copy", "tag_names": ["alicetag"]},
            headers=bob,
        )
        assert r.status_code == 201, r.text
        body = r.json()
        assert body["id"] not in (alice.bookmark["id"], alice.private["id"], alice.archived["id"])
        assert body["title"] == "bob's copy"
        assert body["description"] == "" and body["notes"] == ""  # nothing merged from alice
        assert body["tag_names"] == ["alicetag"]
        assert body["shared"] is False
    # the second one merged into bob's first, not into alice's
    assert client.get("/api/bookmarks/", headers=bob).json()["count"] == 1
    bob_tags = client.get("/api/tags/", headers=bob).json()["results"]
    assert [t["name"] for t in bob_tags] == ["alicetag"]
    assert bob_tags[0]["id"] != alice.tag["id"]
    r = client.post("/api/tags/", json={"name": "ALICETAG"}, headers=bob)
    assert r.status_code == 201 and r.json()["id"] == bob_tags[0]["id"], r.text
    r = client.get("/api/bookmarks/check/", params={"url": ALICE_URL}, headers=bob)
    assert r.json()["bookmark"]["title"] == "bob's copy"
    r = client.get("/api/bookmarks/check/", params={"url": ALICE_URL}, headers=alice.auth)
    assert r.json()["bookmark"]["id"] == alice.bookmark["id"]

    assert everything(client, alice) == before


def _shared_ids(client: TestClient, headers: dict[str, str], query: str = "") -> set[int]:
    r = client.get(f"/api/bookmarks/shared/?limit=1000{query}", headers=headers)
    assert r.status_code == 200, r.text
    return {b["id"] for b in r.json()["results"]}


def test_shared_list_follows_alices_profile(
    client: TestClient, ctx: Any, alice_data: Alice, bob: dict[str, str]
) -> None:
    alice = alice_data
    before = everything(client, alice)
    bob_shared = _post(
        client,
        bob,
        "/api/bookmarks/?disable_scraping",
        json={"url": "https://bob.example/shared", "shared": True},
    )
    shared = {alice.bookmark["id"], alice.archived["id"]}  # archived ones too
    anonymous: dict[str, str] = {}

    # sharing off (the default): nobody sees alice's shared bookmarks
    assert _shared_ids(client, bob) == set()
    assert _shared_ids(client, alice.auth) == set()
    assert _shared_ids(client, anonymous) == set()

    set_profile(ctx, alice.user_id, enable_sharing=True)
    assert _shared_ids(client, bob) == shared
    assert _shared_ids(client, alice.auth) == shared
    assert _shared_ids(client, anonymous) == set()  # public sharing is still off
    assert _shared_ids(client, bob, "&user=alice") == shared
    assert _shared_ids(client, bob, "&user=bob") == set()  # bob has not enabled sharing
    assert _shared_ids(client, bob, "&user=nobody") == set()
    assert _shared_ids(client, bob, f"&q={SECRET_WORD}") == shared
    assert "unshared" not in client.get("/api/bookmarks/shared/?limit=1000", headers=bob).text

    set_profile(ctx, alice.user_id, enable_public_sharing=True)
    assert _shared_ids(client, anonymous) == shared
    assert _shared_ids(client, anonymous, "&user=alice") == shared

    set_profile(ctx, alice.user_id, enable_sharing=False)  # public sharing needs sharing
    assert _shared_ids(client, anonymous) == set()
    assert _shared_ids(client, bob) == set()

    set_profile(ctx, alice.user_id, enable_sharing=True, enable_public_sharing=False)
    with ctx.db.unit() as session:
        bob_id = session.query(User).filter(User.username == "bob").one().id
    set_profile(ctx, bob_id, enable_sharing=True)
    assert _shared_ids(client, alice.auth) == shared | {bob_shared["id"]}
    assert _shared_ids(client, anonymous) == set()

    # what the shared list shows of alice's bookmark is not a way into it
    r = client.get(f"/api/bookmarks/{alice.bookmark['id']}/", headers=bob)
    assert r.status_code == 404
    assert everything(client, alice) == before
