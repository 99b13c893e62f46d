"""Reminders: the bookmarks whose reminder is due or coming up, and clearing one."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy.orm import Session

from markhive.bookmarks import repository, service
from markhive.db.base import utcnow

UPCOMING_DAYS = 30
MAX_SHOWN = 500


def upcoming(session: Session, user_id: int, days: int = UPCOMING_DAYS) -> list[int]:
    """The reminders of the next ``days`` days that are not due yet, soonest first."""
    now = utcnow()
    until = now + timedelta(days=days)
    return repository.upcoming_reminders(session, user_id, now, until, MAX_SHOWN)


def clear(session: Session, user_id: int, bookmark_id: int) -> None:
    """Forget the bookmark's reminder (NotFound when it is not the user's)."""
    service.update(session, user_id, bookmark_id, {"reminder_at": None})
