"""Bundles: linkding's saved filters."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from markhive.db.base import Base, UTCDateTime, utcnow


class Bundle(Base):
    __tablename__ = "bundles"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(256))
    search: Mapped[str] = mapped_column(String(256), default="")
    any_tags: Mapped[str] = mapped_column(String(1024), default="")
    all_tags: Mapped[str] = mapped_column(String(1024), default="")
    excluded_tags: Mapped[str] = mapped_column(String(1024), default="")
    filter_unread: Mapped[str] = mapped_column(String(3), default="off")
    filter_shared: Mapped[str] = mapped_column(String(3), default="off")
    order: Mapped[int] = mapped_column(Integer, default=0)
    date_created: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    date_modified: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
