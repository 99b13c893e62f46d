"""Finding the user a feed token belongs to (the RSS feeds' only credential)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from markhive.users.models import FeedToken, User

MAX_TOKEN = 64


def user_for_feed_token(session: Session, token: str) -> User | None:
    """The active user whose feed token is ``token``; None for any other string."""
    if not token or len(token) > MAX_TOKEN:
        return None
    query = (
        select(User)
        .join(FeedToken, FeedToken.user_id == User.id)
        .where(FeedToken.key == token, User.is_active.is_(True))
    )
    return session.scalar(query)
