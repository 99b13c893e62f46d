"""Public folders: a folder its owner published (``is_public``) is readable by anyone,
with its bookmarks and its public subfolders, while the owner's account is active."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from markhive.errors import NotFound
from markhive.folders.models import Folder
from markhive.users.models import User


def public_folder(session: Session, folder_id: int) -> Folder:
    """The folder when it is public and its owner active; NotFound otherwise (the same
    error for a private folder as for a missing one)."""
    query = (
        select(Folder)
        .join(User, User.id == Folder.user_id)
        .where(Folder.id == folder_id, Folder.is_public.is_(True), User.is_active.is_(True))
    )
    folder = session.scalar(query)
    if folder is None:
        raise NotFound("Folder")
    return folder


def public_children(session: Session, folder: Folder) -> list[tuple[int, str]]:
    """(id, name) of the folder's public subfolders, by name."""
    query = (
        select(Folder.id, Folder.name)
        .where(Folder.parent_id == folder.id, Folder.is_public.is_(True))
        .order_by(Folder.name_folded, Folder.id)
    )
    return [(int(i), str(name)) for i, name in session.execute(query)]
