"""linkding's JSON shapes, keys in linkding's order."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from markhive.api.common import format_datetime
from markhive.assets.models import Asset
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.repository import RawRows
from markhive.bundles.models import Bundle
from markhive.db.raw import text_datetime
from markhive.tags.models import Tag

WEB_ARCHIVE = "https://web.archive.org/web/"


# The columns a linkding bookmark needs, in the order bookmark() unpacks them.
COLUMNS = (
    Bookmark.id,
    Bookmark.url,
    Bookmark.title,
    Bookmark.description,
    Bookmark.notes,
    Bookmark.web_archive_snapshot_url,
    Bookmark.favicon_file,
    Bookmark.preview_image_file,
    Bookmark.is_archived,
    Bookmark.unread,
    Bookmark.shared,
    Bookmark.date_added,
    Bookmark.date_modified,
)


# Every list renders through this: raw driver rows of COLUMNS (markhive.db.raw).
ROWS = RawRows(COLUMNS)


def archive_stamp(added: str | datetime) -> str:
    """``20260102030405``: the date added (UTC) as the Wayback Machine spells it."""
    iso = added if isinstance(added, str) else added.isoformat()
    return iso[0:4] + iso[5:7] + iso[8:10] + iso[11:13] + iso[14:16] + iso[17:19]


def bookmark(row: tuple[Any, ...], tag_names: list[str], base: str) -> dict[str, Any]:
    """A bookmark from a row of COLUMNS. Datetimes are text already (SQLite) or rendered
    by the JSON response (PostgreSQL's datetime values; see api.responses)."""
    (id_, url, title, description, notes, snapshot, favicon, preview, archived, unread,
     shared, added, modified) = row  # fmt: skip
    added = text_datetime(added)
    if not snapshot and added is not None:
        snapshot = f"{WEB_ARCHIVE}{archive_stamp(added)}/{url}"
    return {
        "id": id_,
        "url": url,
        "title": title,
        "description": description,
        "notes": notes,
        "web_archive_snapshot_url": snapshot,
        "favicon_url": f"{base}/media/{favicon}" if favicon else None,
        "preview_image_url": f"{base}/media/{preview}" if preview else None,
        "is_archived": bool(archived),
        "unread": bool(unread),
        "shared": bool(shared),
        "tag_names": tag_names,
        "date_added": added,
        "date_modified": text_datetime(modified),
        "website_title": None,
        "website_description": None,
    }


def tag(value: Tag) -> dict[str, Any]:
    return {"id": value.id, "name": value.name, "date_added": format_datetime(value.date_added)}


def bundle(value: Bundle) -> dict[str, Any]:
    return {
        "id": value.id,
        "name": value.name,
        "search": value.search,
        "any_tags": value.any_tags,
        "all_tags": value.all_tags,
        "excluded_tags": value.excluded_tags,
        "filter_unread": value.filter_unread,
        "filter_shared": value.filter_shared,
        "order": value.order,
        "date_created": format_datetime(value.date_created),
        "date_modified": format_datetime(value.date_modified),
    }


def asset(value: Asset) -> dict[str, Any]:
    return {
        "id": value.id,
        "bookmark": value.bookmark_id,
        "date_created": format_datetime(value.date_created),
        "file_size": value.file_size,
        "asset_type": value.asset_type,
        "content_type": value.content_type,
        "display_name": value.display_name,
        "status": value.status,
    }
