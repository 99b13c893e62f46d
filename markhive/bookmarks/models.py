"""Bookmarks: one row holds every field of both API dialects."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    true,
)
from sqlalchemy.orm import Mapped, mapped_column

from markhive.db.base import Base, UTCDateTime, utcnow


class Bookmark(Base):
    __tablename__ = "bookmarks"
    __table_args__ = (
        UniqueConstraint("user_id", "url_key"),
        CheckConstraint("rating >= 0 AND rating <= 5", name="rating_range"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    url: Mapped[str] = mapped_column(Text)
    # sha256 of the normalised URL: duplicate detection with a constraint that fits any index.
    url_key: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(512), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    folder_id: Mapped[int | None] = mapped_column(
        ForeignKey("folders.id", ondelete="CASCADE"), nullable=True
    )
    is_archived: Mapped[bool] = mapped_column(Boolean, default=False)
    unread: Mapped[bool] = mapped_column(Boolean, default=False)
    shared: Mapped[bool] = mapped_column(Boolean, default=False)
    is_favorite: Mapped[bool] = mapped_column(Boolean, default=False)
    rating: Mapped[int] = mapped_column(Integer, default=0)
    visit_count: Mapped[int] = mapped_column(Integer, default=0)
    last_visited_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    favicon_file: Mapped[str] = mapped_column(String(255), default="")
    preview_image_file: Mapped[str] = mapped_column(String(255), default="")
    web_archive_snapshot_url: Mapped[str] = mapped_column(Text, default="")
    link_checked_at: Mapped[datetime | None] = mapped_column(UTCDateTime, nullable=True)
    link_status: Mapped[int | None] = mapped_column(Integer, nullable=True)
    link_dead: Mapped[bool] = mapped_column(Boolean, default=False)
    latest_snapshot_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    date_added: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    date_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # Derived, kept by the repository on every write:
    # the case-folded title (or URL when the title is empty), for the title sort;
    sort_title: Mapped[str] = mapped_column(String(512), default="")
    # title, description, notes and URL case-folded and joined by U+001F, for search.
    search_text: Mapped[str] = mapped_column(Text, default="")


# Every list order, per user and archive state, so a page never sorts the whole table.
Index(
    "ix_bookmarks_added", Bookmark.user_id, Bookmark.is_archived, Bookmark.date_added, Bookmark.id
)
Index(
    "ix_bookmarks_modified",
    Bookmark.user_id,
    Bookmark.is_archived,
    Bookmark.date_modified,
    Bookmark.id,
)
Index(
    "ix_bookmarks_title", Bookmark.user_id, Bookmark.is_archived, Bookmark.sort_title, Bookmark.id
)
# The /api/v1 orders, which include archived bookmarks.
Index("ix_bookmarks_user_added", Bookmark.user_id, Bookmark.date_added, Bookmark.id)
Index("ix_bookmarks_user_title", Bookmark.user_id, Bookmark.sort_title, Bookmark.id.desc())
Index("ix_bookmarks_user_visited", Bookmark.user_id, Bookmark.last_visited_at, Bookmark.id)
Index("ix_bookmarks_user_visits", Bookmark.user_id, Bookmark.visit_count, Bookmark.id)
Index("ix_bookmarks_user_rating", Bookmark.user_id, Bookmark.rating, Bookmark.id)
# Partial indexes of what few bookmarks have (no write for the others, migration 0008). A
# query uses one only when its own condition implies the index's: the reminder queries
# compare reminder_at; the favourite and shared ones say ``== true()`` (``IS 1`` would
# not match ``= 1`` on SQLite). tests/bookmarks/test_indexes.py checks the plans.
Index(
    "ix_bookmarks_user_reminder",
    Bookmark.user_id,
    Bookmark.reminder_at,
    sqlite_where=Bookmark.reminder_at.is_not(None),
    postgresql_where=Bookmark.reminder_at.is_not(None),
)
# The favourites' count (stats, `favorite=true`) and their list by date, without a table scan.
Index(
    "ix_bookmarks_user_favorite",
    Bookmark.user_id,
    Bookmark.is_favorite,
    Bookmark.date_added,
    Bookmark.id,
    sqlite_where=Bookmark.is_favorite == true(),
    postgresql_where=Bookmark.is_favorite == true(),
)
# Every sharing user's shared bookmarks by date (linkding's shared list).
Index(
    "ix_bookmarks_shared",
    Bookmark.shared,
    Bookmark.date_added,
    Bookmark.id,
    sqlite_where=Bookmark.shared == true(),
    postgresql_where=Bookmark.shared == true(),
)
# A folder's bookmarks in date order (its page, an export), and the folder foreign key.
Index("ix_bookmarks_folder_added", Bookmark.folder_id, Bookmark.date_added, Bookmark.id)
# PostgreSQL serves substring search from a trigram index; SQLite uses the FTS5 table
# bookmark_fts (created by the migration, kept in sync by triggers).
Index(
    "ix_bookmarks_search_trgm",
    Bookmark.search_text,
    postgresql_using="gin",
    postgresql_ops={"search_text": "gin_trgm_ops"},
).ddl_if(dialect="postgresql")
