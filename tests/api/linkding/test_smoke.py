def test_create_and_list(api) -> None:
    r = api.post("/api/bookmarks/", json={"url": "https://example.com/a", "tag_names": ["b", "A"]})
    assert r.status_code == 201, r.text
    r = api.get("/api/bookmarks/")
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["count"] == 1
    assert body["results"][0]["tag_names"] == ["A", "b"]
