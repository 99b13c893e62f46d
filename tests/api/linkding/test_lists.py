"""Lists through the linkding API: paging links, filters, sorts, search, bundles."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.api.linkding.test_bookmarks import create


def ids(response) -> list[int]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text
    return [b["id"] for b in response.json()["results"]]


def test_envelope_and_paging_links(api: TestClient) -> None:
    made = [create(api, url=f"https://e{i}.example.com")["id"] for i in range(5)]
    body = api.get("/api/bookmarks/?limit=2&offset=2").json()
    assert list(body) == ["count", "next", "previous", "results"]
    assert body["count"] == 5
    assert body["next"] == "http://testserver/api/bookmarks/?limit=2&offset=4"
    assert body["previous"] == "http://testserver/api/bookmarks/?limit=2"
    assert [b["id"] for b in body["results"]] == made[::-1][2:4]
    last = api.get("/api/bookmarks/?limit=2&offset=4").json()
    assert last["next"] is None
    assert last["previous"] == "http://testserver/api/bookmarks/?limit=2&offset=2"
    first = api.get("/api/bookmarks/?limit=2").json()
    assert first["previous"] is None


def test_links_keep_other_parameters_sorted(api: TestClient) -> None:
    for i in range(3):
        create(api, url=f"https://e{i}.example.com", title="hello world")
    body = api.get("/api/bookmarks/", params={"q": "hello world", "limit": 1, "sort": "title_asc"})
    assert body.json()["next"] == (
        "http://testserver/api/bookmarks/?limit=1&offset=1&q=hello+world&sort=title_asc"
    )


def test_limit_and_offset_defaults(api: TestClient) -> None:
    for i in range(3):
        create(api, url=f"https://e{i}.example.com")
    for bad in ("0", "-1", "x", ""):
        body = api.get(f"/api/bookmarks/?limit={bad}").json()
        assert len(body["results"]) == 3 and body["next"] is None, bad
    assert len(api.get("/api/bookmarks/?offset=-3").json()["results"]) == 3
    assert len(api.get("/api/bookmarks/?offset=zz").json()["results"]) == 3
    past = api.get("/api/bookmarks/?offset=10").json()
    assert past["results"] == [] and past["count"] == 3 and past["previous"] is not None


def test_limit_has_no_upper_bound(api: TestClient) -> None:
    for i in range(120):
        create(api, url=f"https://e{i}.example.com")
    assert len(api.get("/api/bookmarks/").json()["results"]) == 100
    assert len(api.get("/api/bookmarks/?limit=10000").json()["results"]) == 120


def test_sorts_with_tie_breaker(api: TestClient) -> None:
    a = create(api, url="https://a.example.com", title="beta", date_added="2020-01-01T00:00:00Z")
    b = create(api, url="https://b.example.com", title="Alpha", date_added="2020-01-01T00:00:00Z")
    c = create(api, url="https://c.example.com", title="", date_added="2021-01-01T00:00:00Z")
    assert ids(api.get("/api/bookmarks/")) == [c["id"], b["id"], a["id"]]
    assert ids(api.get("/api/bookmarks/?sort=added_asc")) == [a["id"], b["id"], c["id"]]
    assert ids(api.get("/api/bookmarks/?sort=title_asc")) == [b["id"], a["id"], c["id"]]
    assert ids(api.get("/api/bookmarks/?sort=title_desc")) == [c["id"], a["id"], b["id"]]
    api.patch(f"/api/bookmarks/{a['id']}/", json={"notes": "touched"})
    assert ids(api.get("/api/bookmarks/?sort=modified_desc"))[0] == a["id"]
    assert ids(api.get("/api/bookmarks/?sort=modified_asc"))[-1] == a["id"]
    assert ids(api.get("/api/bookmarks/?sort=bogus")) == ids(api.get("/api/bookmarks/"))


def test_filters(api: TestClient) -> None:
    old = create(api, url="https://old.example.com", unread=True, date_added="2020-01-01T10:00:00Z")
    new = create(api, url="https://new.example.com", shared=True, date_added="2024-01-01T10:00:00Z")
    assert ids(api.get("/api/bookmarks/?unread=yes")) == [old["id"]]
    assert ids(api.get("/api/bookmarks/?unread=no")) == [new["id"]]
    assert ids(api.get("/api/bookmarks/?shared=yes")) == [new["id"]]
    assert len(ids(api.get("/api/bookmarks/?shared=maybe"))) == 2
    since = api.get("/api/bookmarks/", params={"added_since": "2022-01-01T00:00:00Z"})
    assert ids(since) == [new["id"]]
    # an unencoded '+' arrives as a space
    spaced = api.get("/api/bookmarks/?added_since=2020-01-01T13:00:00 02:00")
    assert ids(spaced) == [new["id"]]
    assert len(ids(api.get("/api/bookmarks/?added_since=garbage"))) == 2
    strictly = api.get("/api/bookmarks/", params={"added_since": "2024-01-01T10:00:00Z"})
    assert ids(strictly) == []
    modified = api.get("/api/bookmarks/", params={"modified_since": "2000-01-01T00:00:00Z"})
    assert len(ids(modified)) == 2


def test_search(api: TestClient) -> None:
    py = create(api, url="https://docs.python.org", title="Python docs", tag_names=["tutorial"])
    rust = create(api, url="https://rust-lang.org", title="Rust", description="Ärger und python")
    create(api, url="https://go.dev", title="Go", tag_names=["python-ish"])
    assert set(ids(api.get("/api/bookmarks/", params={"q": "PYTHON"}))) == {py["id"], rust["id"]}
    assert ids(api.get("/api/bookmarks/", params={"q": "#tutorial"})) == [py["id"]]
    assert ids(api.get("/api/bookmarks/", params={"q": "python#tutorial"})) == [py["id"]]
    assert ids(api.get("/api/bookmarks/", params={"q": "ärger"})) == [rust["id"]]
    assert ids(api.get("/api/bookmarks/", params={"q": "python and not #tutorial"})) == [rust["id"]]
    assert ids(api.get("/api/bookmarks/", params={"q": "(python"})) == []
    body = api.get("/api/bookmarks/", params={"q": "(python"}).json()
    assert body["count"] == 0
    assert len(ids(api.get("/api/bookmarks/", params={"q": "!whatever"}))) == 3


def test_lax_tag_search_follows_the_profile(make_account, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    lax = make_account("lax", tag_search="lax")
    client.headers.update(lax.auth)
    tagged = client.post(
        "/api/bookmarks/", json={"url": "https://a.example.com", "tag_names": ["go"]}
    )
    client.post("/api/bookmarks/", json={"url": "https://b.example.com", "title": "nothing"})
    found = client.get("/api/bookmarks/", params={"q": "go"})
    assert ids(found) == [tagged.json()["id"]]


def test_counts_and_cached_results_follow_writes(api: TestClient) -> None:
    first = create(api, url="https://a.example.com", title="needle")
    for _ in range(2):  # the second answer comes from the caches
        assert ids(api.get("/api/bookmarks/?q=needle")) == [first["id"]]
    second = create(api, url="https://b.example.com", title="another needle")
    body = api.get("/api/bookmarks/?q=needle").json()
    assert body["count"] == 2 and [b["id"] for b in body["results"]] == [second["id"], first["id"]]
    assert ids(api.get("/api/bookmarks/?q=needle&limit=1&offset=1")) == [first["id"]]
    api.patch(f"/api/bookmarks/{first['id']}/", json={"title": "moved on"})
    assert ids(api.get("/api/bookmarks/?q=needle")) == [second["id"]]
    api.delete(f"/api/bookmarks/{second['id']}/")
    assert api.get("/api/bookmarks/?q=needle").json() == {
        "count": 0,
        "next": None,
        "previous": None,
        "results": [],
    }


def test_bundle_filter(api: TestClient) -> None:
    a = create(api, url="https://a.example.com", title="python web", tag_names=["x", "y"])
    b = create(api, url="https://b.example.com", title="python cli", tag_names=["x"], unread=True)
    create(api, url="https://c.example.com", title="rust", tag_names=["x", "y"])
    bundle = api.post(
        "/api/bundles/", json={"name": "py", "search": "python #ignored", "any_tags": "x z"}
    ).json()
    assert set(ids(api.get(f"/api/bookmarks/?bundle={bundle['id']}"))) == {a["id"], b["id"]}
    api.patch(f"/api/bundles/{bundle['id']}/", json={"all_tags": "x y"})
    assert ids(api.get(f"/api/bookmarks/?bundle={bundle['id']}")) == [a["id"]]
    api.patch(f"/api/bundles/{bundle['id']}/", json={"all_tags": "", "excluded_tags": "y"})
    assert ids(api.get(f"/api/bookmarks/?bundle={bundle['id']}")) == [b["id"]]
    api.patch(f"/api/bundles/{bundle['id']}/", json={"excluded_tags": "", "filter_unread": "no"})
    assert ids(api.get(f"/api/bookmarks/?bundle={bundle['id']}")) == [a["id"]]
    assert len(ids(api.get("/api/bookmarks/?bundle=99999"))) == 3
    response = api.get("/api/bookmarks/?bundle=abc")
    assert response.status_code == 400 and "bundle" in response.json()


def test_shared_list(make_account, client: TestClient) -> None:  # type: ignore[no-untyped-def]
    owner = make_account("owner", enable_sharing=True, enable_public_sharing=True)
    private = make_account("private", enable_sharing=True)
    quiet = make_account("quiet")
    made = {}
    for account in (owner, private, quiet):
        response = client.post(
            "/api/bookmarks/",
            headers=account.auth,
            json={"url": f"https://{account.username}.example.com", "shared": True},
        )
        made[account.username] = response.json()["id"]
        client.post(
            "/api/bookmarks/",
            headers=account.auth,
            json={"url": f"https://{account.username}.example.org", "shared": False},
        )
    anonymous = ids(client.get("/api/bookmarks/shared/"))
    assert anonymous == [made["owner"]]
    logged_in = ids(client.get("/api/bookmarks/shared/", headers=quiet.auth))
    assert set(logged_in) == {made["owner"], made["private"]}
    narrowed = ids(client.get("/api/bookmarks/shared/?user=private", headers=quiet.auth))
    assert narrowed == [made["private"]]
    assert ids(client.get("/api/bookmarks/shared/?user=nobody")) == []
    bad = client.get("/api/bookmarks/shared/", headers={"Authorization": "Token nope"})
    assert bad.status_code == 401
