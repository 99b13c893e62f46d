"""Requests racing each other: the answers are the contract's (never a 500) and the data
ends up as if the requests had come one after another."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest
from fastapi.testclient import TestClient

from markhive.app import create_app
from markhive.context import Context
from markhive.settings import Settings
from tests.api.linkagogo.conftest import Api
from tests.conftest import Account

THREADS = 8


@pytest.fixture
def v1(settings: Settings, ctx: Context, make_user: Callable[..., Account]) -> Iterator[Api]:
    """alice, on an app with as many request threads as the races have requests (the
    default, 2, would run at most two of them side by side)."""
    wide = dataclasses.replace(settings, threads=THREADS)
    with TestClient(create_app(wide, ctx), base_url="http://testserver") as client:
        yield Api(client, make_user("alice"))


def _race(calls: list[Callable[[], httpx.Response]]) -> list[httpx.Response]:
    """Run the calls at once (released together by a barrier); their responses in order."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(index: int) -> None:
        barrier.wait()
        try:
            results[index] = calls[index]()
        except Exception as exc:  # a server error raised through the test client
            results[index] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert isinstance(result, httpx.Response), result
    return results


def test_the_same_url_created_at_once_is_made_once(v1: Api) -> None:
    url = "https://example.com/race"
    responses = _race([lambda: v1.post("/urls", json={"url": url})] * THREADS)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1), [r.text for r in responses]
    made = next(r.json() for r in responses if r.status_code == 201)
    for r in responses:
        if r.status_code == 409:
            assert r.json() == {
                "detail": "A bookmark with this URL already exists",
                "bookmark_id": made["id"],
            }
    assert [b["id"] for b in v1.everything()] == [made["id"]]


def test_the_same_path_made_at_once_gives_one_tree(v1: Api) -> None:
    responses = _race([lambda: v1.post("/folders/path", json={"path": "A/B/C"})] * THREADS)
    assert {r.status_code for r in responses} <= {200, 201}, [r.text for r in responses]
    assert any(r.status_code == 201 for r in responses)
    leaves = {r.json()["id"] for r in responses}
    assert len(leaves) == 1
    assert [f["path"] for f in v1.folders()] == ["A", "A/B", "A/B/C"]
    assert v1.folders()[2]["id"] in leaves


def test_the_same_folder_name_made_at_once_is_made_once(v1: Api) -> None:
    responses = _race([lambda: v1.post("/folders", json={"name": "Same"})] * THREADS)
    statuses = sorted(r.status_code for r in responses)
    assert statuses == [201] + [409] * (THREADS - 1), [r.text for r in responses]
    assert [f["name"] for f in v1.folders()] == ["Same"]


def test_a_new_keyword_added_to_many_bookmarks_at_once_is_one_tag(v1: Api) -> None:
    made = [v1.add(f"https://example.com/{i}")["id"] for i in range(THREADS)]

    def tag(bookmark_id: int) -> Callable[[], httpx.Response]:
        return lambda: v1.post("/urls/tag", json={"ids": [bookmark_id], "add": ["Brand-New"]})

    responses = _race([tag(i) for i in made])
    assert [r.status_code for r in responses] == [200] * THREADS, [r.text for r in responses]
    assert {b["keywords"] for b in v1.everything()} == {"Brand-New"}
    tags = v1.ld("GET", "/tags/?limit=100").json()["results"]
    assert [t["name"] for t in tags] == ["Brand-New"]
    assert v1.stats()["top_keywords"] == [{"keyword": "Brand-New", "count": THREADS}]


def test_moves_and_retags_at_once_all_apply(v1: Api) -> None:
    folders = [v1.folder(f"F{i}")["id"] for i in range(THREADS)]
    made = [v1.add(f"https://example.com/{i}", keywords="old")["id"] for i in range(THREADS)]

    def move(i: int) -> Callable[[], httpx.Response]:
        return lambda: v1.post("/urls/move", json={"ids": [made[i]], "folder_id": folders[i]})

    def retag(i: int) -> Callable[[], httpx.Response]:
        return lambda: v1.post("/urls/tag", json={"ids": [made[i]], "add": [f"k{i}"]})

    responses = _race([move(i) for i in range(THREADS)] + [retag(i) for i in range(THREADS)])
    assert {r.status_code for r in responses} == {200}, [r.text for r in responses]
    for i, bookmark_id in enumerate(made):
        after = v1.one(bookmark_id)
        assert after["folder_id"] == folders[i]
        assert after["keywords"] == f"k{i} old"


def test_concurrent_visits_are_all_counted(v1: Api) -> None:
    made = v1.add("https://example.com/busy")
    responses = _race([lambda: v1.post(f"/urls/{made['id']}/visit")] * 20)
    assert [r.status_code for r in responses] == [200] * 20, [r.text for r in responses]
    assert sorted(r.json()["visit_count"] for r in responses)[-1] == 20
    after = v1.one(made["id"])
    assert after["visit_count"] == 20
    assert after["updated_at"] == made["updated_at"]
