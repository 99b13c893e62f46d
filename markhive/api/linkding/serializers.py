"""linkding's JSON shapes, keys in linkding's order."""

from __future__ import annotations

from typing import Any

from markhive.api.common import format_datetime
from markhive.assets.models import Asset
from markhive.bundles.models import Bundle
from markhive.tags.models import Tag

WEB_ARCHIVE = "https://web.archive.org/web/{stamp}/{url}"


def bookmark(row: Any, tag_names: list[str], base: str) -> dict[str, Any]:
    snapshot = row.web_archive_snapshot_url or WEB_ARCHIVE.format(
        stamp=row.date_added.strftime("%Y%m%d%H%M%S"), url=row.url
    )
    return {
        "id": row.id,
        "url": row.url,
        "title": row.title,
        "description": row.description,
        "notes": row.notes,
        "web_archive_snapshot_url": snapshot,
        "favicon_url": f"{base}/media/{row.favicon_file}" if row.favicon_file else None,
        "preview_image_url": (
            f"{base}/media/{row.preview_image_file}" if row.preview_image_file else None
        ),
        "is_archived": row.is_archived,
        "unread": row.unread,
        "shared": row.shared,
        "tag_names": tag_names,
        "date_added": format_datetime(row.date_added),
        "date_modified": format_datetime(row.date_modified),
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
