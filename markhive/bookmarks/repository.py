"""Every query on bookmarks themselves (lists live in listing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import String, case, delete, func, select, true, update
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.ids import among, among_params
from markhive.db.raw import Compiled
from markhive.db.session import add as add
from markhive.db.session import remove as remove


def get(session: Session, user_id: int, bookmark_id: int) -> Bookmark | None:
    bookmark = session.get(Bookmark, bookmark_id)
    return bookmark if bookmark is not None and bookmark.user_id == user_id else None


def by_url_key(session: Session, user_id: int, key: str) -> Bookmark | None:
    query = select(Bookmark).where(Bookmark.user_id == user_id, Bookmark.url_key == key)
    return session.scalar(query)


class RawRows:
    """Rows of ``columns`` (the id first) for a list of ids, in the order given: plain
    driver tuples with the driver's own values (see markhive.db.raw), for the hottest path."""

    def __init__(self, columns: Sequence[Any]) -> None:
        if columns[0] is not Bookmark.id:
            raise ValueError("the id must be the first column")
        self._query = Compiled(
            lambda dialect: select(*columns).where(among(Bookmark.id, [], dialect))
        )

    def __call__(self, session: Session, ids: Sequence[int]) -> list[tuple[Any, ...]]:
        if not ids:
            return []
        found = {row[0]: row for row in self._query.fetch(session, among_params(ids, session))}
        return [found[i] for i in ids if i in found]


def owned(session: Session, user_id: int, ids: Sequence[int]) -> set[int]:
    """Which of these ids are bookmarks of the user's."""
    if not ids:
        return set()
    dialect = session.get_bind().dialect.name
    query = select(Bookmark.id).where(Bookmark.user_id == user_id, among(Bookmark.id, ids, dialect))
    return {int(i) for i in session.scalars(query)}


def set_values(session: Session, user_id: int, ids: Sequence[int], **values: Any) -> None:
    """Set columns on many of the user's bookmarks at once."""
    if ids:
        session.execute(
            update(Bookmark)
            .where(*_mine(session, user_id, ids))
            .values(**values)
            .execution_options(synchronize_session=False)
        )


def delete_many(session: Session, user_id: int, ids: Sequence[int]) -> None:
    """Delete many of the user's bookmarks in one statement (tag links, assets and the
    search index follow through the foreign keys and triggers)."""
    if ids:
        session.execute(
            delete(Bookmark)
            .where(*_mine(session, user_id, ids))
            .execution_options(synchronize_session=False)
        )


def _mine(session: Session, user_id: int, ids: Sequence[int]) -> tuple[Any, Any]:
    """The conditions for the user's bookmarks among ``ids``."""
    dialect = session.get_bind().dialect.name
    return Bookmark.user_id == user_id, among(Bookmark.id, ids, dialect)


def count_visit(session: Session, user_id: int, bookmark_id: int, when: datetime) -> bool:
    """Add one visit (an increment in the database, exact under concurrency)."""
    result = session.execute(
        update(Bookmark)
        .where(Bookmark.id == bookmark_id, Bookmark.user_id == user_id)
        .values(visit_count=Bookmark.visit_count + 1, last_visited_at=when)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def upcoming_reminders(
    session: Session, user_id: int, after: datetime, until: datetime, limit: int
) -> list[int]:
    """Ids of the user's bookmarks with a reminder after ``after`` and at or before
    ``until``, soonest first."""
    query = (
        select(Bookmark.id)
        .where(
            Bookmark.user_id == user_id,
            Bookmark.reminder_at > after,
            Bookmark.reminder_at <= until,
        )
        .order_by(Bookmark.reminder_at, Bookmark.id)
        .limit(limit)
    )
    return [int(i) for i in session.scalars(query)]


def due_reminders(session: Session, user_id: int, now: datetime) -> list[int]:
    """Ids of the user's bookmarks whose reminder is due, oldest reminder first."""
    query = (
        select(Bookmark.id)
        .where(Bookmark.user_id == user_id, Bookmark.reminder_at <= now)
        .order_by(Bookmark.reminder_at, Bookmark.id)
    )
    return [int(i) for i in session.scalars(query)]


def state_counts(session: Session, user_id: int) -> tuple[int, int, int]:
    """(unread, archived, shared) bookmarks of the user, in one pass over their rows."""

    def count(column: Any) -> Any:
        return func.coalesce(func.sum(case((column.is_(True), 1), else_=0)), 0)

    query = select(
        count(Bookmark.unread), count(Bookmark.is_archived), count(Bookmark.shared)
    ).where(Bookmark.user_id == user_id)
    unread, archived, shared = session.execute(query).one()
    return int(unread), int(archived), int(shared)


def added_per_month(session: Session, user_id: int, since: datetime) -> dict[str, int]:
    """Bookmarks of the user added since ``since``, by month ("YYYY-MM", UTC), grouped in
    the database over a range of the (user, date added) index."""
    if session.get_bind().dialect.name == "postgresql":
        key: Any = func.date_trunc("month", Bookmark.date_added)  # a naive UTC timestamp
    else:  # stored as text: "YYYY-MM-DD HH:MM:SS"
        key = func.substr(Bookmark.date_added, 1, 7, type_=String)
    query = (
        select(key, func.count())
        .where(Bookmark.user_id == user_id, Bookmark.date_added >= since)
        .group_by(key)
    )
    return {
        value if isinstance(value, str) else value.strftime("%Y-%m"): int(n)
        for value, n in session.execute(query)
    }


def totals(session: Session, user_id: int) -> tuple[int, int, datetime | None, datetime | None]:
    """(bookmarks, favourites, first date added, last date added) of the user."""
    mine = Bookmark.user_id == user_id
    count = session.scalar(select(func.count()).select_from(Bookmark).where(mine))
    favorites = session.scalar(
        select(func.count()).select_from(Bookmark).where(mine, Bookmark.is_favorite == true())
    )
    first = session.scalar(select(func.min(Bookmark.date_added)).where(mine))
    last = session.scalar(select(func.max(Bookmark.date_added)).where(mine))
    return int(count or 0), int(favorites or 0), first, last
