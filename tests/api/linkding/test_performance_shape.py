"""A list costs the same number of queries whatever the page holds; /health tells the truth."""

from __future__ import annotations

import dataclasses

from fastapi.testclient import TestClient
from sqlalchemy import event

from markhive.app import create_app
from markhive.context import Context
from markhive.settings import Settings
from tests.api.linkding.test_bookmarks import create


def _count_queries(ctx: Context, api: TestClient, path: str) -> int:
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        if not statement.startswith("BEGIN"):
            statements.append(statement)

    event.listen(ctx.db.engine, "before_cursor_execute", record)
    try:
        assert api.get(path).status_code == 200
    finally:
        event.remove(ctx.db.engine, "before_cursor_execute", record)
    return len(statements)


def test_list_query_count_does_not_grow_with_the_page(api: TestClient, ctx: Context) -> None:
    for i in range(3):
        create(api, url=f"https://a{i}.example.com", tag_names=["x", f"t{i}"])
    api.get("/api/bookmarks/")  # warm the key's last-used stamp
    few = _count_queries(ctx, api, "/api/bookmarks/")
    for i in range(40):
        create(api, url=f"https://b{i}.example.com", tag_names=["y", f"u{i}"])
    api.get("/api/bookmarks/")
    many = _count_queries(ctx, api, "/api/bookmarks/")
    assert many == few
    # the key and its user, the page's ids, the count, the rows, their tags
    assert many <= 6


def test_health_reports_an_unreachable_database(settings: Settings) -> None:
    broken = dataclasses.replace(
        settings, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none"
    )
    with TestClient(create_app(broken)) as client:
        response = client.get("/health")
    assert response.status_code == 500
    assert response.json() == {"version": "1.46.2", "status": "unhealthy"}
