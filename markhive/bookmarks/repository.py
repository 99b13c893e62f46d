"""Every query on bookmarks themselves (lists live in listing.py)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select
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
