"""Every query on folders."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.db.ids import among
from markhive.db.session import add as add
from markhive.folders.models import Folder
from markhive.users.models import User


def get(session: Session, user_id: int, folder_id: int) -> Folder | None:
    folder = session.get(Folder, folder_id)
    return folder if folder is not None and folder.user_id == user_id else None


def all_of(session: Session, user_id: int) -> list[Folder]:
    return list(session.scalars(select(Folder).where(Folder.user_id == user_id)))


def child_named(
    session: Session, user_id: int, parent_id: int | None, folded: str
) -> Folder | None:
    query = select(Folder).where(
        Folder.user_id == user_id,
        Folder.parent_key == (parent_id or 0),
        Folder.name_folded == folded,
    )
    return session.scalar(query)


def bookmark_counts(session: Session, user_id: int) -> dict[int, int]:
    """The number of bookmarks directly in each of the user's folders that has any."""
    query = (
        select(Bookmark.folder_id, func.count())
        .where(Bookmark.user_id == user_id, Bookmark.folder_id.is_not(None))
        .group_by(Bookmark.folder_id)
    )
    return {int(folder_id or 0): int(count) for folder_id, count in session.execute(query)}


def bookmark_count(session: Session, user_id: int, folder_id: int) -> int:
    """The number of bookmarks directly in one folder."""
    query = (
        select(func.count())
        .select_from(Bookmark)
        .where(Bookmark.user_id == user_id, Bookmark.folder_id == folder_id)
    )
    return int(session.scalar(query) or 0)


def count(session: Session, user_id: int) -> int:
    query = select(func.count()).select_from(Folder).where(Folder.user_id == user_id)
    return int(session.scalar(query) or 0)


def delete_folders(session: Session, user_id: int, folder_ids: Sequence[int]) -> None:
    """Delete the folders and every bookmark in them (tags links and assets cascade)."""
    dialect = session.get_bind().dialect.name
    session.execute(
        delete(Bookmark)
        .where(Bookmark.user_id == user_id, among(Bookmark.folder_id, folder_ids, dialect))
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(Folder)
        .where(Folder.user_id == user_id, among(Folder.id, folder_ids, dialect))
        .execution_options(synchronize_session=False)
    )


def public_of_active(session: Session, folder_id: int) -> Folder | None:
    """The folder when it is public and its owner active."""
    query = (
        select(Folder)
        .join(User, User.id == Folder.user_id)
        .where(Folder.id == folder_id, Folder.is_public.is_(True), User.is_active.is_(True))
    )
    return session.scalar(query)


def public_children(session: Session, folder_id: int) -> list[tuple[int, str]]:
    """(id, name) of the folder's public subfolders, by name."""
    query = (
        select(Folder.id, Folder.name)
        .where(Folder.parent_id == folder_id, Folder.is_public.is_(True))
        .order_by(Folder.name_folded, Folder.id)
    )
    return [(int(i), str(name)) for i, name in session.execute(query)]
