"""Reminders: the bookmarks whose reminder is due or coming up, and clearing one."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from markhive.bookmarks import service
from markhive.bookmarks.models import Bookmark
from markhive.db.base import utcnow

UPCOMING_DAYS = 30
MAX_SHOWN = 500


def upcoming_ids(
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


def upcoming(session: Session, user_id: int, days: int = UPCOMING_DAYS) -> list[int]:
    """The reminders of the next ``days`` days that are not due yet, soonest first."""
    now = utcnow()
    return upcoming_ids(session, user_id, now, now + timedelta(days=days), MAX_SHOWN)


def clear(session: Session, user_id: int, bookmark_id: int) -> None:
    """Forget the bookmark's reminder (NotFound when it is not the user's)."""
    service.update(session, user_id, bookmark_id, {"reminder_at": None})
