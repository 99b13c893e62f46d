"""Assets: files attached to a bookmark (uploads and HTML snapshots), stored gzipped."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from markhive.db.base import Base, UTCDateTime, utcnow


class Asset(Base):
    __tablename__ = "assets"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    bookmark_id: Mapped[int] = mapped_column(
        ForeignKey("bookmarks.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    asset_type: Mapped[str] = mapped_column(String(20))
    content_type: Mapped[str] = mapped_column(String(128), default="")
    display_name: Mapped[str] = mapped_column(String(2048), default="")
    file: Mapped[str] = mapped_column(String(255), default="")
    file_size: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(10), default="pending")
    date_created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
