"""Counts of a walked search, which the index bounds on SQLite, stay exact."""

from __future__ import annotations

from fastapi.testclient import TestClient

from markhive.bookmarks.listing import ListQuery, list_page
from markhive.context import Context
from markhive.search.count_cache import CountCache
from tests.api.linkding.test_bookmarks import create
from tests.conftest import Account


def test_walked_counts_are_exact(api: TestClient, ctx: Context, alice: Account) -> None:
    for i in range(5):
        create(api, url=f"https://n{i}.example.com", title=f"needle {i}", tag_names=["t"])
    create(api, url="https://x.example.com", title="needle archived", is_archived=True)
    create(api, url="https://y.example.com", title="haystack")
    cases = {
        "needle": 5,
        "needle and not #t": 0,
        "(needle or haystack) and not 3": 5,
        "needle or haystack": 6,
        "eedl": 5,
    }
    with ctx.db.unit(write=False) as session:
        for query, expected in cases.items():
            q = ListQuery(owner_ids=[alice.id], archived=False, search=query, limit=1, offset=1)
            page = list_page(session, q, CountCache(), plan="walk")
            assert page.plan == "walk" and page.count == expected, query
