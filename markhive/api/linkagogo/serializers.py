"""The /api/v1 JSON shapes, keys in the contract's order."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from markhive.api.common import format_datetime
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.repository import RawRows
from markhive.bookmarks.stats import Stats
from markhive.db.raw import text_datetime
from markhive.folders.service import FolderInfo
from markhive.tags import repository as tag_rows

# The columns a bookmark needs, in the order bookmark() unpacks them.
ROWS = RawRows(
    (
        Bookmark.id,
        Bookmark.url,
        Bookmark.title,
        Bookmark.folder_id,
        Bookmark.description,
        Bookmark.rating,
        Bookmark.is_favorite,
        Bookmark.is_archived,
        Bookmark.visit_count,
        Bookmark.last_visited_at,
        Bookmark.reminder_at,
        Bookmark.date_added,
        Bookmark.date_modified,
    )
)


def bookmark(row: tuple[Any, ...], tag_names: list[str]) -> dict[str, Any]:
    """A bookmark from a row of ROWS; datetimes as in markhive.api.linkding.serializers."""
    (id_, url, title, folder_id, description, rating, favorite, archived, visits,
     visited, reminder, added, modified) = row  # fmt: skip
    return {
        "id": id_,
        "url": url,
        "title": title,
        "folder_id": folder_id or 0,
        "keywords": " ".join(tag_names),
        "comments": description,
        "rating": rating,
        "is_favorite": bool(favorite),
        "is_archived": bool(archived),
        "visit_count": visits,
        "last_visited_at": text_datetime(visited),
        "reminder_at": text_datetime(reminder),
        "created_at": text_datetime(added),
        "updated_at": text_datetime(modified),
    }


def bookmarks(session: Session, ids: list[int]) -> list[dict[str, Any]]:
    """The bookmarks with these ids, in that order: one query for rows, one for tags."""
    names = tag_rows.names_for(session, ids)
    return [bookmark(row, names.get(row[0], [])) for row in ROWS(session, ids)]


def one(session: Session, bookmark_id: int) -> dict[str, Any]:
    return bookmarks(session, [bookmark_id])[0]


def folder(info: FolderInfo) -> dict[str, Any]:
    return {
        "id": info.id,
        "name": info.name,
        "folder_id": info.parent_id or 0,
        "path": info.path,
        "is_public": info.is_public,
        "bookmark_count": info.bookmark_count,
        "created_at": format_datetime(info.created_at),
        "updated_at": format_datetime(info.updated_at),
    }


def stats(value: Stats) -> dict[str, Any]:
    return {
        "bookmark_count": value.bookmark_count,
        "folder_count": value.folder_count,
        "favorite_count": value.favorite_count,
        "tag_count": value.tag_count,
        "top_keywords": [{"keyword": k, "count": n} for k, n in value.top_keywords],
        "first_bookmark_at": format_datetime(value.first_bookmark_at),
        "last_bookmark_at": format_datetime(value.last_bookmark_at),
    }
