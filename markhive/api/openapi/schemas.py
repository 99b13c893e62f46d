"""The JSON Schemas of ``components/schemas``: what the serializers of both dialects
produce and what their handlers read (markhive.api.linkding.serializers,
markhive.api.linkagogo.serializers and the handlers next to them)."""

from __future__ import annotations

from markhive.api.openapi.common import (
    BOOL,
    DATETIME,
    ID,
    INT,
    STR,
    STR_LIST,
    URI,
    Schema,
    closed,
    nullable,
    open_object,
    ref,
    text,
)
from markhive.bookmarks.bulk import MAX_IDS
from markhive.bundles.service import FILTER_CHOICES, LIMITS
from markhive.settings import PLANS
from markhive.users.profile import CHOICES, FLAGS

# --- linkding (/api/...) ---------------------------------------------------------------

LD_BOOLEAN = text(BOOL, "Also accepted: 1/0, yes/no, on/off, true/false as strings, any case.")
LD_FILTER: Schema = {"type": "string", "enum": list(FILTER_CHOICES)}
LD_TAGS = text(
    STR_LIST,
    "Tag names. Each is trimmed and split on commas, inner whitespace becomes `-`, "
    "duplicates are dropped case-insensitively and an existing tag keeps its spelling. "
    "In a form body: the field repeated, or one comma-separated value.",
    items={"type": "string", "minLength": 1},
)


def _ld_page(item: str) -> Schema:
    return closed(
        {
            "count": text(INT, "Number of results in the whole list."),
            "next": text(nullable(URI), "Absolute URL of the next page, if any."),
            "previous": text(nullable(URI), "Absolute URL of the previous page, if any."),
            "results": {"type": "array", "items": ref(item)},
        },
        "One page of a linkding list (limit/offset paging).",
    )


def _ld_bookmark_fields(required: tuple[str, ...], description: str) -> Schema:
    return open_object(
        {
            "url": text(STR, "http, https, ftp or ftps URL with a real host.", maxLength=2048),
            "title": {**STR, "maxLength": 512},
            "description": STR,
            "notes": STR,
            "is_archived": LD_BOOLEAN,
            "unread": LD_BOOLEAN,
            "shared": LD_BOOLEAN,
            "tag_names": LD_TAGS,
            "date_added": DATETIME,
            "date_modified": text(DATETIME, "Honoured only when a new bookmark is created."),
        },
        required,
        description,
    )


def _ld_bundle_fields(required: tuple[str, ...], description: str) -> Schema:
    properties: dict[str, Schema] = {name: {**STR, "maxLength": n} for name, n in LIMITS.items()}
    properties.update(filter_unread=LD_FILTER, filter_shared=LD_FILTER, order=INT)
    return open_object(properties, required, description)


LINKDING: dict[str, Schema] = {
    "LinkdingBookmark": closed(
        {
            "id": ID,
            "url": STR,
            "title": STR,
            "description": STR,
            "notes": STR,
            "web_archive_snapshot_url": text(
                STR, "The stored snapshot URL, else the Wayback Machine URL for date_added."
            ),
            "favicon_url": nullable(URI),
            "preview_image_url": nullable(URI),
            "is_archived": BOOL,
            "unread": BOOL,
            "shared": BOOL,
            "tag_names": text(STR_LIST, "Sorted in plain code-point order."),
            "date_added": DATETIME,
            "date_modified": DATETIME,
            "website_title": text({"type": "null"}, "Always null (kept for old clients)."),
            "website_description": text({"type": "null"}, "Always null (kept for old clients)."),
        },
        "A bookmark as linkding shows it.",
    ),
    "LinkdingBookmarkInput": _ld_bookmark_fields(
        ("url",), "A bookmark to create (POST) or replace (PUT); read-only fields are ignored."
    ),
    "LinkdingBookmarkPatch": _ld_bookmark_fields((), "The bookmark fields to change."),
    "LinkdingBookmarkPage": _ld_page("LinkdingBookmark"),
    "LinkdingTag": closed({"id": ID, "name": STR, "date_added": DATETIME}),
    "LinkdingTagInput": open_object({"name": {**STR, "minLength": 1, "maxLength": 64}}, ("name",)),
    "LinkdingTagPage": _ld_page("LinkdingTag"),
    "LinkdingBundle": closed(
        {
            "id": ID,
            "name": STR,
            "search": STR,
            "any_tags": text(STR, "Space-separated tag names."),
            "all_tags": text(STR, "Space-separated tag names."),
            "excluded_tags": text(STR, "Space-separated tag names."),
            "filter_unread": LD_FILTER,
            "filter_shared": LD_FILTER,
            "order": INT,
            "date_created": DATETIME,
            "date_modified": DATETIME,
        },
        "A bundle: a saved search filter.",
    ),
    "LinkdingBundleInput": _ld_bundle_fields(("name",), "A bundle to create or replace."),
    "LinkdingBundlePatch": _ld_bundle_fields((), "The bundle fields to change."),
    "LinkdingBundlePage": _ld_page("LinkdingBundle"),
    "LinkdingAsset": closed(
        {
            "id": ID,
            "bookmark": text(ID, "The bookmark's id."),
            "date_created": DATETIME,
            "file_size": nullable(INT),
            "asset_type": {"type": "string", "enum": ["snapshot", "upload"]},
            "content_type": STR,
            "display_name": STR,
            "status": {"type": "string", "enum": ["pending", "complete", "failure"]},
        },
        "A file attached to a bookmark.",
    ),
    "LinkdingAssetPage": _ld_page("LinkdingAsset"),
    "LinkdingUserProfile": closed(
        {
            **{name: {"type": "string", "enum": list(values)} for name, values in CHOICES.items()},
            **{name: BOOL for name in FLAGS},
            "search_preferences": {"type": "object"},
            "version": text(STR, "The linkding API level markhive implements."),
            "markhive_version": text(STR, "markhive's own version."),
        },
        "The caller's preferences (read-only here; the web UI edits them).",
    ),
    "LinkdingCheckResult": closed(
        {
            "bookmark": text(nullable(ref("LinkdingBookmark")), "The caller's bookmark, if any."),
            "metadata": closed(
                {
                    "url": text(nullable(STR), "The url parameter exactly as sent."),
                    "title": nullable(STR),
                    "description": nullable(STR),
                    "preview_image": nullable(URI),
                }
            ),
            "auto_tags": STR_LIST,
        }
    ),
    "LinkdingSnapshotUploaded": closed({"message": STR}),
    "LinkdingRoot": closed({}, "An empty object."),
    "Health": closed(
        {
            "version": text(STR, "The linkding API level markhive implements (PEP 440)."),
            "status": {"type": "string", "enum": ["healthy", "unhealthy"]},
        }
    ),
    "LinkdingDetail": closed({"detail": STR}, "An error other than field validation."),
    "LinkdingFieldErrors": {
        "type": "object",
        "description": "Field validation errors (DRF's shape): each field's messages; a list "
        "field's bad items are keyed by their index.",
        "additionalProperties": {
            "anyOf": [
                STR_LIST,
                {"type": "object", "additionalProperties": STR_LIST},
            ]
        },
        "minProperties": 1,
    },
    "LinkdingAssetError": closed({"error": STR}, "The asset endpoints' own error shape."),
}

# --- LinkaGoGo (/api/v1/...) -------------------------------------------------------------

V1_FOLDER_REF = text(nullable({**INT, "minimum": 0}), "Folder id; 0 or null for the root.")
V1_KEYWORDS = text(
    {"anyOf": [STR, STR_LIST]},
    "Keywords (tags): one string split on whitespace and commas, or a list of strings.",
)
V1_IDS: Schema = {"type": "array", "items": INT, "maxItems": MAX_IDS}


def _v1_bookmark_fields(required: tuple[str, ...], description: str) -> Schema:
    return open_object(
        {
            "url": text(STR, "http, https, ftp or ftps URL with a host."),
            "title": text(STR, "Empty or omitted on create: the page title is fetched."),
            "folder_id": V1_FOLDER_REF,
            "keywords": V1_KEYWORDS,
            "comments": STR,
            "rating": {"type": "integer", "minimum": 0, "maximum": 5},
            "is_favorite": BOOL,
            "is_archived": BOOL,
            "reminder_at": nullable(DATETIME),
        },
        required,
        description,
    )


V1_BOOKMARK = closed(
    {
        "id": ID,
        "url": STR,
        "title": STR,
        "folder_id": text({**INT, "minimum": 0}, "0 is the root."),
        "keywords": text(STR, "The tags joined by single spaces."),
        "comments": STR,
        "rating": {"type": "integer", "minimum": 0, "maximum": 5},
        "is_favorite": BOOL,
        "is_archived": BOOL,
        "visit_count": {**INT, "minimum": 0},
        "last_visited_at": nullable(DATETIME),
        "reminder_at": nullable(DATETIME),
        "created_at": DATETIME,
        "updated_at": DATETIME,
    },
    "A bookmark as the /api/v1 dialect shows it.",
)
V1_COUNT: Schema = {**INT, "minimum": 0}
V1_CAP = text(nullable(V1_COUNT), "null when the plan has no cap.")

V1: dict[str, Schema] = {
    "V1Bookmark": V1_BOOKMARK,
    "V1BookmarkInput": _v1_bookmark_fields(("url",), "A bookmark to create."),
    "V1BookmarkReplace": _v1_bookmark_fields(
        ("url", "title", "folder_id", "keywords", "comments", "rating", "is_favorite"),
        "A whole bookmark (PUT); an omitted reminder_at becomes null.",
    ),
    "V1BookmarkPatch": _v1_bookmark_fields((), "The bookmark fields to change."),
    "V1Page": closed(
        {
            "bookmarks": {"type": "array", "items": ref("V1Bookmark")},
            "total": V1_COUNT,
            "page": ID,
            "page_size": {**INT, "minimum": 1, "maximum": 200},
            "pages": V1_COUNT,
        },
        "One page of bookmarks.",
    ),
    "V1Folder": closed(
        {
            "id": ID,
            "name": STR,
            "folder_id": text({**INT, "minimum": 0}, "The parent; 0 at the top level."),
            "path": text(STR, "Names from the top, joined by `/`."),
            "is_public": BOOL,
            "bookmark_count": text(V1_COUNT, "Bookmarks directly in this folder."),
            "created_at": DATETIME,
            "updated_at": DATETIME,
        }
    ),
    "V1FolderInput": open_object(
        {"name": {**STR, "minLength": 1, "maxLength": 255}, "folder_id": V1_FOLDER_REF},
        ("name",),
    ),
    "V1FolderPathInput": open_object(
        {"path": text(STR, "Folder names separated by `/`, e.g. `Dev/Python`.")}, ("path",)
    ),
    "V1FolderPatch": open_object(
        {
            "name": {**STR, "minLength": 1, "maxLength": 255},
            "folder_id": text(V1_FOLDER_REF, "The new parent."),
            "is_public": BOOL,
        }
    ),
    "V1ImportReport": closed(
        {
            "imported": text(V1_COUNT, "New bookmarks."),
            "updated": text(V1_COUNT, "Entries that changed a bookmark already there."),
            "unchanged": text(V1_COUNT, "Entries with nothing new for their bookmark."),
            "skipped": text(V1_COUNT, "Entries not imported; the length of `errors`."),
            "folders_created": V1_COUNT,
            "errors": {
                "type": "array",
                "items": closed(
                    {
                        "index": text(V1_COUNT, "The entry's 0-based position in the file."),
                        "url": STR,
                        "reason": STR,
                    }
                ),
            },
        },
        "What an import did, entry by entry of the file.",
    ),
    "V1MoveInput": open_object({"ids": V1_IDS, "folder_id": V1_FOLDER_REF}, ("ids", "folder_id")),
    "V1MoveResult": closed({"moved": V1_COUNT}),
    "V1TagInput": open_object(
        {"ids": V1_IDS, "add": V1_KEYWORDS, "remove": V1_KEYWORDS},
        ("ids",),
        "A keyword both added and removed ends up removed.",
    ),
    "V1TagResult": closed({"updated": V1_COUNT}),
    "V1Stats": closed(
        {
            "bookmark_count": V1_COUNT,
            "folder_count": V1_COUNT,
            "favorite_count": V1_COUNT,
            "tag_count": V1_COUNT,
            "top_keywords": {
                "type": "array",
                "maxItems": 10,
                "items": closed({"keyword": STR, "count": V1_COUNT}),
            },
            "first_bookmark_at": nullable(DATETIME),
            "last_bookmark_at": nullable(DATETIME),
        }
    ),
    "V1Reminders": closed({"bookmarks": {"type": "array", "items": ref("V1Bookmark")}}),
    "V1Me": closed(
        {
            "id": ID,
            "username": STR,
            "email": STR,
            "plan": {"type": "string", "enum": list(PLANS)},
            "created_at": DATETIME,
            "api_keys": closed({"count": V1_COUNT, "max": V1_CAP}),
            "rate_limit": closed(
                {
                    "limit": V1_CAP,
                    "remaining": V1_CAP,
                    "reset": text(INT, "Unix time of the next UTC midnight."),
                }
            ),
        }
    ),
    "V1Error": closed({"detail": STR}),
    "V1ValidationError": closed(
        {
            "detail": text(STR, "Names the fields, e.g. `url: field required`."),
            "errors": {"type": "array", "items": closed({"field": STR, "message": STR})},
        }
    ),
    "V1Duplicate": closed(
        {"detail": STR, "bookmark_id": text(ID, "The existing bookmark with this URL.")}
    ),
}

SCHEMAS: dict[str, Schema] = {**LINKDING, **V1}
