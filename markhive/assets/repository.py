"""Every query on assets."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from markhive.assets.models import Asset
from markhive.bookmarks.models import Bookmark
from markhive.db.ids import among
from markhive.db.session import add as add
from markhive.db.session import remove as remove


def get(session: Session, bookmark_id: int, asset_id: int) -> Asset | None:
    asset = session.get(Asset, asset_id)
    return asset if asset is not None and asset.bookmark_id == bookmark_id else None


def page(session: Session, bookmark_id: int, limit: int, offset: int) -> tuple[list[Asset], int]:
    where = Asset.bookmark_id == bookmark_id
    total = session.scalar(select(func.count()).select_from(Asset).where(where))
    query = select(Asset).where(where).order_by(Asset.id).limit(limit).offset(offset)
    return list(session.scalars(query)), int(total or 0)


def files_of(session: Session, bookmark_id: int) -> list[str]:
    return [
        f for f in session.scalars(select(Asset.file).where(Asset.bookmark_id == bookmark_id)) if f
    ]


def files_of_many(session: Session, user_id: int, bookmark_ids: Sequence[int]) -> list[str]:
    """The asset files of these bookmarks of the user's."""
    return _files(session, user_id, Bookmark.id, bookmark_ids)


def files_in_folders(session: Session, user_id: int, folder_ids: Sequence[int]) -> list[str]:
    """The asset files of every bookmark of the user's in these folders."""
    return _files(session, user_id, Bookmark.folder_id, folder_ids)


def _files(session: Session, user_id: int, column: Any, values: Sequence[int]) -> list[str]:
    dialect = session.get_bind().dialect.name
    query = (
        select(Asset.file)
        .join(Bookmark, Bookmark.id == Asset.bookmark_id)
        .where(Bookmark.user_id == user_id, among(column, values, dialect))
    )
    return [name for name in session.scalars(query) if name]
