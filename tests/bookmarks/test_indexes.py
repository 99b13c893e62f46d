"""The partial indexes (migration 0008) serve the queries they are for: a query uses one
only when its own condition implies the index's, so a change in how a condition is
written (``IS 1`` for ``= 1``, say) would silently turn an index read into a scan. Each
query is captured as the code runs it and explained by the database itself."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from markhive.bookmarks import repository
from markhive.bookmarks.listing import ListQuery, list_ids
from markhive.db.session import Database
from markhive.search.count_cache import CountCache
from tests.search.factory import BASE_TIME, add_bookmark, add_user


@contextmanager
def _captured(database: Database) -> Iterator[list[tuple[str, Any]]]:
    """The statements run on the engine meanwhile, with their parameters."""
    seen: list[tuple[str, Any]] = []

    def record(conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            seen.append((statement, params))

    event.listen(database.engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(database.engine, "before_cursor_execute", record)


def _plans(database: Database, statements: list[tuple[str, Any]]) -> list[str]:
    """Each statement's plan as text (PostgreSQL: with sequential scans discouraged, so
    the plan shows whether the index can serve the query at all, whatever the table's
    size)."""
    plans = []
    with database.engine.connect() as conn:
        if database.dialect == "sqlite":
            for statement, params in statements:
                rows = conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", params)
                plans.append("\n".join(str(row[-1]) for row in rows))
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            for statement, params in statements:
                rows = conn.exec_driver_sql(f"EXPLAIN {statement}", params)
                plans.append("\n".join(str(row[0]) for row in rows))
    return plans


@pytest.fixture
def users(database: Database) -> tuple[int, int]:
    with database.unit() as session:
        alice, bob = add_user(session, "alice"), add_user(session, "bob")
        for number in range(150):
            for user_id in (alice, bob):
                add_bookmark(
                    session,
                    user_id,
                    url=f"https://example.com/{user_id}/{number}",
                    title=f"page {number}",
                    date_added=BASE_TIME + timedelta(minutes=number),
                    is_favorite=number % 10 == 0,
                    shared=number % 8 == 0,
                    reminder_at=BASE_TIME + timedelta(days=number) if number % 7 == 0 else None,
                )
    with database.engine.connect() as conn:  # as a live database has (and the bench's)
        conn.exec_driver_sql("ANALYZE")
        conn.commit()
    return alice, bob


def _uses(database: Database, index: str, run: Callable[[Session], object]) -> None:
    with _captured(database) as statements, database.unit(write=False) as session:
        run(session)
    plans = _plans(database, statements)
    assert any(index in plan for plan in plans), plans


def test_the_favourites_count_and_list(database: Database, users: tuple[int, int]) -> None:
    alice, _ = users
    index = "ix_bookmarks_user_favorite"
    _uses(database, index, lambda session: repository.totals(session, alice))
    query = ListQuery(owner_ids=[alice], archived=None, favorite=True, limit=5)  # /api/v1's
    _uses(database, index, lambda session: list_ids(session, query, CountCache()))


def test_the_reminders(database: Database, users: tuple[int, int]) -> None:
    alice, _ = users
    index = "ix_bookmarks_user_reminder"
    after, until = BASE_TIME, BASE_TIME + timedelta(days=30)
    _uses(
        database,
        index,
        lambda session: repository.upcoming_reminders(session, alice, after, until, 10),
    )
    _uses(database, index, lambda session: repository.due_reminders(session, alice, until))


def test_the_shared_list(database: Database, users: tuple[int, int]) -> None:
    query = ListQuery(owner_ids=list(users), shared=True, limit=5)
    _uses(database, "ix_bookmarks_shared", lambda session: list_ids(session, query, CountCache()))
