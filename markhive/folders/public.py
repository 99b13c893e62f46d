"""Public folders: a folder its owner published (``is_public``) is readable by anyone,
with its bookmarks and its public subfolders, while the owner's account is active."""

from __future__ import annotations

from sqlalchemy.orm import Session

from markhive.errors import NotFound
from markhive.folders import repository
from markhive.folders.models import Folder


def public_folder(session: Session, folder_id: int) -> Folder:
    """The folder when it is public and its owner active; NotFound otherwise (the same
    error for a private folder as for a missing one)."""
    folder = repository.public_of_active(session, folder_id)
    if folder is None:
        raise NotFound("Folder")
    return folder


def public_children(session: Session, folder: Folder) -> list[tuple[int, str]]:
    """(id, name) of the folder's public subfolders, by name."""
    return repository.public_children(session, folder.id)
