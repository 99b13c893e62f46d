"""Tags (LinkaGoGo's keywords) and the bookmark-tag link table."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from markhive.db.base import Base, UTCDateTime, utcnow


class Tag(Base):
    __tablename__ = "tags"
    __table_args__ = (UniqueConstraint("user_id", "name_folded"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(64))
    name_folded: Mapped[str] = mapped_column(String(64))
    date_added: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class BookmarkTag(Base):
    __tablename__ = "bookmark_tags"
    # On SQLite the links are stored in primary-key order, with no separate rowid.
    __table_args__ = {"sqlite_with_rowid": False}

    bookmark_id: Mapped[int] = mapped_column(
        ForeignKey("bookmarks.id", ondelete="CASCADE"), primary_key=True
    )
    tag_id: Mapped[int] = mapped_column(ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True)


Index("ix_bookmark_tags_tag", BookmarkTag.tag_id, BookmarkTag.bookmark_id)
