"""The LinkaGoGo dialect (/api/v1/...) in the OpenAPI document: one row per (path, method)
of markhive.api.linkagogo.routes, in OpenAPI path form."""

from __future__ import annotations

from markhive.api.linkagogo.urls import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, SORTS
from markhive.api.openapi.common import (
    BOOL,
    INT,
    RATE_HEADERS,
    STR,
    Dialect,
    Op,
    Reply,
    Schema,
    error_response,
    query,
    ref,
)

TAG = "LinkaGoGo API v1"
V1 = "/api/v1"
URL = V1 + "/urls/{bookmark_id}"
FOLDER = V1 + "/folders/{folder_id}"

# fmt: off
LIST_QUERY = (
    query("folder_id", {**INT, "minimum": 0}, "Only bookmarks directly in this folder (not "
          "in its subfolders); 0 is the root."),
    query("q", STR, "A search in the same language as the linkding API's `q`; here a word "
          "or phrase also matches a bookmark with a keyword containing it."),
    query("favorite", BOOL, "`true` keeps favorites only, `false` the others."),
    query("sort", {"type": "string", "enum": list(SORTS), "default": "date_desc"},
          "Order, ties broken by id descending. `visit_date_desc` puts never-visited "
          "bookmarks last. An unknown value is a 422."),
    query("page", {**INT, "minimum": 1, "default": 1}, "Page number, from 1."),
    query("page_size", {**INT, "minimum": 1, "default": DEFAULT_PAGE_SIZE},
          f"Bookmarks per page; values above {MAX_PAGE_SIZE} mean {MAX_PAGE_SIZE}."),
    query("limit", {**INT, "minimum": 1}, "Alias of `page_size`, used when that is absent."),
)
# fmt: on


def ok(description: str, schema: str | Schema) -> dict[int, Reply]:
    return {200: Reply(description, schema)}


def created(description: str, schema: str) -> dict[int, Reply]:
    return {201: Reply(description, schema)}


GONE = {204: Reply("Deleted; no body.")}
BOOKMARK_FILE: dict[str, Schema] = {
    "multipart/form-data": {
        "type": "object",
        "properties": {"file": {"type": "string", "format": "binary"}},
        "required": ["file"],
    },
    "text/html": {"type": "string"},
    "application/xml": {"type": "string"},
    "application/octet-stream": {"type": "string", "format": "binary"},
}
IMPORT_QUERY = (
    query(
        "map_private",
        BOOL,
        '`true`: a Netscape entry with `PRIVATE="0"` becomes shared. '
        "Off by default: browsers' files say nothing about sharing.",
    ),
)
IMPORT_DESCRIPTION = (
    "Imports a bookmark file sent as the multipart field `file` or as the raw body. The "
    "whole file is checked before anything is written: one that cannot be imported (not a "
    "bookmark file, not well-formed XML, a DTD with entities or pointing elsewhere, folders "
    "nested deeper than 256) is a 422 and changes nothing. Then entries are applied in "
    "batches: folders are merged by path, a URL already there updates that bookmark "
    "(non-empty fields overwrite, tags are added, nothing is removed), and entries that "
    "are not imported (`javascript:`, `place:`, relative or invalid URLs) are reported in "
    "`errors` with their 0-based index. Importing the same file again changes nothing."
)
BOOKMARK = "V1Bookmark"
FOLDER_CLASH = {409: "V1FolderConflict"}

# fmt: off
OPERATIONS: dict[tuple[str, str], Op] = {
    (V1 + "/auth/me", "GET"): Op(
        "v1_me", "Who am I",
        "The caller's account: name, e-mail, plan, how many API keys they have and may "
        "have, and where the calling key stands against its daily request limit.",
        ok("The account.", "V1Me"),
    ),
    (V1 + "/urls", "GET"): Op(
        "v1_list_urls", "List bookmarks",
        "The caller's bookmarks, archived ones included, a page at a time, optionally "
        "narrowed to one folder, to favorites or by a search.",
        ok("One page of bookmarks.", "V1Page"), (422,), LIST_QUERY,
    ),
    (V1 + "/urls", "POST"): Op(
        "v1_create_url", "Create a bookmark",
        "Saves a new bookmark. A URL the caller already saved (compared in normalised form) "
        "is a 409 with the existing bookmark's id, and nothing changes. Without a title the "
        "page title is fetched in the background and appears once known.",
        created("The new bookmark.", BOOKMARK), (404, 409, 422), body="V1BookmarkInput",
    ),
    (V1 + "/urls/move", "POST"): Op(
        "v1_move_urls", "Move bookmarks",
        "Puts the listed bookmarks into one folder (0 is the root). All of them must be "
        "the caller's, otherwise nothing moves and the 404 names the missing ids.",
        ok("How many bookmarks were moved.", "V1MoveResult"), (404, 422), body="V1MoveInput",
    ),
    (V1 + "/urls/tag", "POST"): Op(
        "v1_tag_urls", "Add and remove keywords",
        "Adds and removes keywords on the listed bookmarks in one go; all of them must be "
        "the caller's, otherwise nothing changes and the 404 names the missing ids.",
        ok("How many bookmarks were updated.", "V1TagResult"), (404, 422), body="V1TagInput",
    ),
    (URL, "GET"): Op(
        "v1_get_url", "Get a bookmark",
        "One of the caller's bookmarks; another user's is a 404.",
        ok("The bookmark.", BOOKMARK), (404,),
    ),
    (URL, "PUT"): Op(
        "v1_replace_url", "Replace a bookmark",
        "Sets every field of the bookmark; all fields but `reminder_at` are required, and "
        "an omitted `reminder_at` clears the reminder. A URL that another of the caller's "
        "bookmarks has is a 409.",
        ok("The bookmark.", BOOKMARK), (404, 409, 422), body="V1BookmarkReplace",
    ),
    (URL, "PATCH"): Op(
        "v1_update_url", "Update some fields of a bookmark",
        "Changes only the fields given. A URL that another of the caller's bookmarks has "
        "is a 409.",
        ok("The bookmark.", BOOKMARK), (404, 409, 422), body="V1BookmarkPatch",
    ),
    (URL, "DELETE"): Op(
        "v1_delete_url", "Delete a bookmark", "Removes the bookmark for good.",
        GONE, (404,),
    ),
    (URL + "/visit", "POST"): Op(
        "v1_visit_url", "Count a visit",
        "Records that the user opened the bookmark: the visit count grows by one and the "
        "last visit time becomes now.",
        ok("The bookmark after the visit.", BOOKMARK), (404,),
    ),
    (V1 + "/account/stats", "GET"): Op(
        "v1_stats", "Account statistics",
        "Counts of the caller's bookmarks, folders, favorites and tags, the ten most used "
        "keywords and the dates of the first and last bookmark.",
        ok("The statistics.", "V1Stats"),
    ),
    (V1 + "/account/reminders", "GET"): Op(
        "v1_reminders", "Due reminders",
        "Bookmarks whose reminder time has come, the oldest reminder first. Setting "
        "`reminder_at` to null clears a reminder.",
        ok("The bookmarks due.", "V1Reminders"),
    ),
    (V1 + "/folders", "GET"): Op(
        "v1_list_folders", "List folders",
        "All of the caller's folders, each parent before its children.",
        ok("The folders.", {"type": "array", "items": ref("V1Folder")}),
    ),
    (V1 + "/folders", "POST"): Op(
        "v1_create_folder", "Create a folder",
        "Makes a folder under the given parent (0 or none: the top level). Names are "
        "unique among siblings regardless of case and may not contain `/`.",
        created("The new folder.", "V1Folder"), (404, 409, 422), body="V1FolderInput",
        error_overrides=FOLDER_CLASH,
    ),
    (V1 + "/folders/path", "POST"): Op(
        "v1_ensure_folder_path", "Create a folder path",
        "Walks a `/`-separated path from the top level, reusing folders that exist (names "
        "compared regardless of case) and making the missing ones, and returns the last.",
        {200: Reply("The folder existed already.", "V1Folder"),
         201: Reply("At least one folder was created.", "V1Folder")},
        (422,), body="V1FolderPathInput",
    ),
    (FOLDER, "PATCH"): Op(
        "v1_update_folder", "Rename, move or publish a folder",
        "Changes the name, the parent or whether the folder is public. Moving a folder "
        "into itself or one of its subfolders is a 422.",
        ok("The folder.", "V1Folder"), (404, 409, 422), body="V1FolderPatch",
        error_overrides=FOLDER_CLASH,
    ),
    (FOLDER, "DELETE"): Op(
        "v1_delete_folder", "Delete a folder",
        "Deletes the folder, all its subfolders and every bookmark in them, at once.",
        GONE, (404,),
    ),
    (V1 + "/import/html", "POST"): Op(
        "v1_import_html", "Import a Netscape bookmark file",
        IMPORT_DESCRIPTION + " Any declared charset is read; with none, UTF-8, or "
        "windows-1252 when the bytes are not UTF-8. A broken or truncated file imports "
        "what is readable.",
        ok("What the import did.", "V1ImportReport"), (422,), query=IMPORT_QUERY,
        body_by_media=BOOKMARK_FILE,
    ),
    (V1 + "/import/xbel", "POST"): Op(
        "v1_import_xbel", "Import an XBEL file",
        IMPORT_DESCRIPTION + " The XML is parsed without entity expansion or external "
        "entities; the XBEL DOCTYPE is accepted and never fetched.",
        ok("What the import did.", "V1ImportReport"), (422,), body_by_media=BOOKMARK_FILE,
    ),
    (V1 + "/export/html", "GET"): Op(
        "v1_export_html", "Export as a Netscape bookmark file",
        "Every bookmark, archived ones too, in its folders, streamed. Chrome, Firefox and "
        "linkding import the file; markhive keeps favourites, ratings, visits and "
        "reminders in extra attributes.",
        {200: Reply("The file (a download).", {"type": "string"}, media="text/html")},
    ),
    (V1 + "/export/xbel", "GET"): Op(
        "v1_export_xbel", "Export as XBEL",
        "Every bookmark in its folders as XBEL 1.0, streamed, with tags, notes and flags "
        'in `<info><metadata owner="markhive">`: nothing is lost on the way back in.',
        {200: Reply("The document (a download).", {"type": "string"}, media="application/xml")},
    ),
}
# fmt: on

ERROR = "V1Error"
RESPONSES: dict[str, Schema] = {
    "V1Unauthorized": error_response("Missing or invalid key.", ERROR, ("WWW-Authenticate",)),
    "V1Forbidden": error_response("The caller's plan does not include API access.", ERROR, ()),
    "V1NotFound": error_response("No such object of the caller's.", ERROR, RATE_HEADERS),
    "V1DuplicateBookmark": error_response(
        "The caller already has a bookmark with this URL.", "V1Duplicate", RATE_HEADERS
    ),
    "V1FolderConflict": error_response(
        "A sibling folder already has this name.", ERROR, RATE_HEADERS
    ),
    "V1TooLarge": error_response("The request body is over the size limit.", ERROR, ()),
    "V1UnsupportedMediaType": error_response("Send application/json.", ERROR, RATE_HEADERS),
    "V1Unprocessable": error_response(
        "Invalid input; `errors` lists each field's problem.", "V1ValidationError", RATE_HEADERS
    ),
    "V1RateLimited": error_response(
        "The key has used its requests for today (UTC).", ERROR, (*RATE_HEADERS, "Retry-After")
    ),
}

DIALECT = Dialect(
    tag=TAG,
    operations=OPERATIONS,
    errors={
        401: "V1Unauthorized",
        403: "V1Forbidden",
        404: "V1NotFound",
        409: "V1DuplicateBookmark",
        413: "V1TooLarge",
        415: "V1UnsupportedMediaType",
        422: "V1Unprocessable",
        429: "V1RateLimited",
    },
    path_params={"bookmark_id": "The bookmark's id.", "folder_id": "The folder's id."},
)
