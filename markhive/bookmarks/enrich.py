"""Filling a bookmark's empty title and description from its fetched page."""

from __future__ import annotations

from sqlalchemy.orm import Session

from markhive.bookmarks import derived
from markhive.bookmarks.models import Bookmark
from markhive.users.repository import bump_data_version

MAX_TITLE = 512


def apply_page_metadata(
    session: Session, bookmark_id: int, title: str | None, description: str | None
) -> bool:
    """Fill the title and description where they are still empty; True if anything changed.

    The bookmark is read again (and locked on PostgreSQL) inside the caller's transaction,
    so whatever the user typed while the page was being fetched is kept. A deleted
    bookmark is left alone. ``date_modified`` does not change: the user edited nothing.
    """
    bookmark = session.get(Bookmark, bookmark_id, with_for_update=True, populate_existing=True)
    if bookmark is None:
        return False
    changed = False
    title = (title or "").strip()[:MAX_TITLE]
    if title and not bookmark.title.strip():
        bookmark.title = title
        changed = True
    description = (description or "").strip()
    if description and not bookmark.description.strip():
        bookmark.description = description
        changed = True
    if not changed:
        return False
    bookmark.sort_title = derived.sort_title(bookmark.title, bookmark.url)
    bookmark.search_text = derived.search_text(
        bookmark.title, bookmark.description, bookmark.notes, bookmark.url
    )
    session.flush()
    bump_data_version(session, bookmark.user_id)
    return True


def apply_page_images(
    session: Session, bookmark_id: int, favicon_file: str | None, preview_file: str | None
) -> bool:
    """Record fetched favicon and preview image files; True if anything changed."""
    bookmark = session.get(Bookmark, bookmark_id, with_for_update=True, populate_existing=True)
    if bookmark is None:
        return False
    changed = False
    if favicon_file and bookmark.favicon_file != favicon_file:
        bookmark.favicon_file = favicon_file
        changed = True
    if preview_file and bookmark.preview_image_file != preview_file:
        bookmark.preview_image_file = preview_file
        changed = True
    if changed:
        session.flush()
    return changed
