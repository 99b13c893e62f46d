"""Every query on bookmarks themselves (lists live in listing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.ids import among, among_params
from markhive.db.raw import Compiled

# The columns a front door renders; rows are read with Core, not as ORM objects.
ROW_COLUMNS = (
    Bookmark.id,
    Bookmark.user_id,
    Bookmark.url,
    Bookmark.title,
    Bookmark.description,
    Bookmark.notes,
    Bookmark.web_archive_snapshot_url,
    Bookmark.favicon_file,
    Bookmark.preview_image_file,
    Bookmark.is_archived,
    Bookmark.unread,
    Bookmark.shared,
    Bookmark.folder_id,
    Bookmark.is_favorite,
    Bookmark.rating,
    Bookmark.visit_count,
    Bookmark.last_visited_at,
    Bookmark.reminder_at,
    Bookmark.date_added,
    Bookmark.date_modified,
)


def get(session: Session, user_id: int, bookmark_id: int) -> Bookmark | None:
    bookmark = session.get(Bookmark, bookmark_id)
    return bookmark if bookmark is not None and bookmark.user_id == user_id else None


def by_url_key(session: Session, user_id: int, key: str) -> Bookmark | None:
    query = select(Bookmark).where(Bookmark.user_id == user_id, Bookmark.url_key == key)
    return session.scalar(query)


def add(session: Session, bookmark: Bookmark) -> Bookmark:
    session.add(bookmark)
    session.flush()
    return bookmark


def remove(session: Session, bookmark: Bookmark) -> None:
    session.delete(bookmark)
    session.flush()


def rows(session: Session, ids: Sequence[int], columns: Sequence[Any] = ROW_COLUMNS) -> list[Any]:
    """Rows of ``columns`` (the id among them) for ``ids``, in the order given."""
    if not ids:
        return []
    dialect = session.get_bind().dialect.name
    query = select(*columns).where(among(Bookmark.id, ids, dialect))
    found = {r.id: r for r in session.connection().execute(query).all()}
    return [found[i] for i in ids if i in found]


class RawRows:
    """:func:`rows` for the hottest path: plain driver tuples of ``columns`` (the id first),
    with the driver's own values (see markhive.db.raw)."""

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


def row(session: Session, bookmark_id: int) -> Any | None:
    return session.execute(select(*ROW_COLUMNS).where(Bookmark.id == bookmark_id)).first()
