"""The linkding dialect (/api/...) in the OpenAPI document: one row per (path, method) of
markhive.api.linkding.routes, in OpenAPI path form."""

from __future__ import annotations

from markhive.api.openapi.common import (
    FORM_MEDIA,
    INT,
    JSON_MEDIA,
    STR,
    Dialect,
    Op,
    Reply,
    Schema,
    error_response,
    query,
    ref,
)
from markhive.api.openapi.common import (
    RATE_HEADERS as RATE,
)

TAG = "linkding API"
BODY_MEDIA = (JSON_MEDIA, *FORM_MEDIA)
MULTIPART = ("multipart/form-data",)
FILE: Schema = {
    "type": "string",
    "format": "binary",
    "contentMediaType": "application/octet-stream",
}

B = "/api/bookmarks/"
ONE = B + "{bookmark_id}/"
ASSET = ONE + "assets/{asset_id}/"

# fmt: off
YES_NO: Schema = {"type": "string", "enum": ["yes", "no"]}
SORTS = ["added_desc", "added_asc", "modified_desc", "modified_asc", "title_asc", "title_desc"]
PAGING = (
    query("limit", {**INT, "minimum": 1, "default": 100}, "Page size; no upper bound. "
          "Zero, negative or not a number means 100."),
    query("offset", {**INT, "minimum": 0, "default": 0}, "Results to skip. Negative or "
          "not a number means 0."),
)
FILTERS = (
    query("q", STR, "A search in markhive's query language: words and quoted phrases "
          "(substrings of title, description, notes or URL), `#tag`, `!unread`, `!untagged`, "
          "`and`/`or`/`not` and parentheses. A query that does not parse matches nothing."),
    *PAGING,
    query("unread", YES_NO, "Only unread (`yes`) or only read (`no`) bookmarks; any other "
          "value is no filter."),
    query("shared", YES_NO, "Only shared (`yes`) or only unshared (`no`) bookmarks; any "
          "other value is no filter."),
    query("sort", {"type": "string", "enum": SORTS, "default": "added_desc"}, "Order; title "
          "sorts fall back to the URL for an empty title. Unknown values mean the default."),
    query("bundle", INT, "Apply one of the caller's bundles. An unknown id is ignored; a "
          "value that is not an integer is a 400."),
    query("added_since", {"type": "string", "format": "date-time"}, "Only bookmarks added "
          "strictly after this time; a value that does not parse is ignored."),
    query("modified_since", {"type": "string", "format": "date-time"}, "Only bookmarks "
          "modified strictly after this time; a value that does not parse is ignored."),
)
SCRAPING = (
    query("disable_scraping", STR, "When present (any value), the page is not fetched for "
          "its title, description and images."),
    query("disable_html_snapshot", STR, "Accepted for linkding clients; markhive takes no "
          "HTML snapshots of its own (SingleFile uploads are the only snapshots)."),
)
# fmt: on
UPLOAD: Schema = {
    "type": "object",
    "properties": {"file": FILE},
    "required": ["file"],
}
SINGLEFILE: Schema = {
    "type": "object",
    "properties": {"url": STR, "file": FILE},
    "required": ["url", "file"],
}
DOWNLOAD: Schema = {"type": "string", "format": "binary"}


def ok(description: str, schema: str | None = None) -> dict[int, Reply]:
    return {200: Reply(description, schema)}


def created(description: str, schema: str) -> dict[int, Reply]:
    return {201: Reply(description, schema)}


GONE = {204: Reply("Done; no body.")}
ASSET_400 = {400: "LinkdingAssetBadRequest"}

# fmt: off
OPERATIONS: dict[tuple[str, str], Op] = {
    ("/api/", "GET"): Op(
        "linkding_root", "API root",
        "Answers an empty object to an authenticated caller; clients use it to check that "
        "their key works.",
        ok("An empty object.", "LinkdingRoot"),
    ),
    (B, "GET"): Op(
        "linkding_list_bookmarks", "List bookmarks",
        "The caller's bookmarks that are not archived, newest first unless `sort` says "
        "otherwise. Every filter given applies (they combine with AND), and paging uses "
        "limit and offset with absolute `next`/`previous` links.",
        ok("One page of bookmarks.", "LinkdingBookmarkPage"), (400,), FILTERS,
    ),
    (B, "POST"): Op(
        "linkding_create_bookmark", "Create a bookmark",
        "Saves a new bookmark. When the caller already has one whose normalised URL is the "
        "same, that bookmark is updated instead and returned with its existing id: fields "
        "in the request overwrite, fields left out are kept, and `tag_names`, when given, "
        "replaces the tags. The page's metadata is fetched in the background, never while "
        "the request waits.",
        created("The new or updated bookmark.", "LinkdingBookmark"), (400,), SCRAPING,
        "LinkdingBookmarkInput", BODY_MEDIA,
    ),
    (B + "archived/", "GET"): Op(
        "linkding_list_archived", "List archived bookmarks",
        "Like the bookmark list, over the caller's archived bookmarks.",
        ok("One page of archived bookmarks.", "LinkdingBookmarkPage"), (400,), FILTERS,
    ),
    (B + "shared/", "GET"): Op(
        "linkding_list_shared", "List shared bookmarks",
        "Bookmarks marked shared by users who enabled sharing, archived ones included. "
        "Without credentials only owners who also enabled public sharing are listed; an "
        "Authorization header that is sent must still be valid.",
        ok("One page of shared bookmarks.", "LinkdingBookmarkPage"), (400,),
        (*FILTERS, query("user", STR, "Only this owner's bookmarks (an unknown name gives "
                         "an empty page).")),
        auth="optional",
    ),
    (B + "check/", "GET"): Op(
        "linkding_check_url", "Check a URL",
        "Tells whether the caller already saved the URL (archived bookmarks count) and what "
        "the page says about itself: title, description and preview image, fetched and "
        "cached. Without `url` the answer has no bookmark and empty metadata.",
        ok("The bookmark (or null), the page's metadata and suggested tags.",
           "LinkdingCheckResult"),
        query=(query("url", STR, "The URL to look up."),),
    ),
    (B + "singlefile/", "POST"): Op(
        "linkding_upload_singlefile", "Upload a SingleFile snapshot",
        "Stores an HTML snapshot made by the SingleFile browser extension for the URL, "
        "creating the bookmark when the caller has none for it.",
        created("The snapshot was stored.", "LinkdingSnapshotUploaded"), (400,),
        body=SINGLEFILE, body_media=MULTIPART, error_overrides=ASSET_400,
    ),
    (ONE, "GET"): Op(
        "linkding_get_bookmark", "Get a bookmark",
        "One of the caller's bookmarks, archived or not; another user's is a 404.",
        ok("The bookmark.", "LinkdingBookmark"), (404,),
    ),
    (ONE, "PUT"): Op(
        "linkding_replace_bookmark", "Update a bookmark (url required)",
        "Changes the fields given and keeps the others, tags included; `url` is required. "
        "In a form body an omitted boolean counts as false, like an unticked checkbox. A URL "
        "that another of the caller's bookmarks has is a 400.",
        ok("The updated bookmark.", "LinkdingBookmark"), (400, 404),
        body="LinkdingBookmarkInput", body_media=BODY_MEDIA,
    ),
    (ONE, "PATCH"): Op(
        "linkding_update_bookmark", "Update some fields of a bookmark",
        "Changes only the fields given. A URL that another of the caller's bookmarks has "
        "is a 400.",
        ok("The updated bookmark.", "LinkdingBookmark"), (400, 404),
        body="LinkdingBookmarkPatch", body_media=BODY_MEDIA,
    ),
    (ONE, "DELETE"): Op(
        "linkding_delete_bookmark", "Delete a bookmark",
        "Removes the bookmark with its assets and their files; its tags stay.",
        GONE, (404,),
    ),
    (ONE + "archive/", "POST"): Op(
        "linkding_archive_bookmark", "Archive a bookmark",
        "Moves the bookmark to the archive; archiving an archived bookmark is fine.",
        GONE, (404,),
    ),
    (ONE + "unarchive/", "POST"): Op(
        "linkding_unarchive_bookmark", "Unarchive a bookmark",
        "Brings the bookmark back from the archive; doing it twice is fine.",
        GONE, (404,),
    ),
    (ONE + "assets/", "GET"): Op(
        "linkding_list_assets", "List a bookmark's assets",
        "The files attached to the bookmark: uploads and HTML snapshots. A bookmark that "
        "is not the caller's is a 404 `Bookmark does not exist`.",
        ok("One page of assets.", "LinkdingAssetPage"), (404,), PAGING,
    ),
    (ONE + "assets/upload/", "POST"): Op(
        "linkding_upload_asset", "Upload an asset",
        "Attaches a file, sent as the multipart field `file`, to the bookmark; it is kept "
        "with its name and content type.",
        created("The new asset.", "LinkdingAsset"), (400, 404),
        body=UPLOAD, body_media=MULTIPART, error_overrides=ASSET_400,
    ),
    (ASSET, "GET"): Op(
        "linkding_get_asset", "Get an asset", "The description of one of the bookmark's files.",
        ok("The asset.", "LinkdingAsset"), (404,),
    ),
    (ASSET, "DELETE"): Op(
        "linkding_delete_asset", "Delete an asset", "Removes the asset and its file.",
        GONE, (404,),
    ),
    (ASSET + "download/", "GET"): Op(
        "linkding_download_asset", "Download an asset",
        "The file as it was uploaded, with its content type, as an attachment named after "
        "the asset.",
        {200: Reply("The file.", DOWNLOAD, "*/*", ("Content-Disposition",))}, (404,),
    ),
    ("/api/tags/", "GET"): Op(
        "linkding_list_tags", "List tags",
        "Every tag the caller has, a page at a time, with limit and offset.",
        ok("One page of tags.", "LinkdingTagPage"), query=PAGING,
    ),
    ("/api/tags/", "POST"): Op(
        "linkding_create_tag", "Create a tag",
        "Makes a tag. A name the caller already has, in any case, returns that tag "
        "(still 201).",
        created("The new or existing tag.", "LinkdingTag"), (400,),
        body="LinkdingTagInput", body_media=BODY_MEDIA,
    ),
    ("/api/tags/{tag_id}/", "GET"): Op(
        "linkding_get_tag", "Get a tag",
        "One of the caller's tags; another user's tag is a 404.",
        ok("The tag.", "LinkdingTag"), (404,),
    ),
    ("/api/tags/{tag_id}/", "DELETE"): Op(
        "linkding_delete_tag", "Delete a tag",
        "Removes the tag from every bookmark that has it; the bookmarks stay.",
        GONE, (404,),
    ),
    ("/api/bundles/", "GET"): Op(
        "linkding_list_bundles", "List bundles", "The caller's bundles, by their order.",
        ok("One page of bundles.", "LinkdingBundlePage"), query=PAGING,
    ),
    ("/api/bundles/", "POST"): Op(
        "linkding_create_bundle", "Create a bundle",
        "Saves a filter that the bookmark lists can apply with `bundle=<id>`. Without "
        "`order` it goes last.",
        created("The new bundle.", "LinkdingBundle"), (400,),
        body="LinkdingBundleInput", body_media=BODY_MEDIA,
    ),
    ("/api/bundles/{bundle_id}/", "GET"): Op(
        "linkding_get_bundle", "Get a bundle",
        "One of the caller's bundles; another user's bundle is a 404.",
        ok("The bundle.", "LinkdingBundle"), (404,),
    ),
    ("/api/bundles/{bundle_id}/", "PUT"): Op(
        "linkding_replace_bundle", "Update a bundle (name required)",
        "Changes the fields given; `name` is required.",
        ok("The updated bundle.", "LinkdingBundle"), (400, 404),
        body="LinkdingBundleInput", body_media=BODY_MEDIA,
    ),
    ("/api/bundles/{bundle_id}/", "PATCH"): Op(
        "linkding_update_bundle", "Update some fields of a bundle",
        "Changes only the fields given.",
        ok("The updated bundle.", "LinkdingBundle"), (400, 404),
        body="LinkdingBundlePatch", body_media=BODY_MEDIA,
    ),
    ("/api/bundles/{bundle_id}/", "DELETE"): Op(
        "linkding_delete_bundle", "Delete a bundle",
        "Removes the bundle and renumbers the order of the others from 0.",
        GONE, (404,),
    ),
    ("/api/user/profile/", "GET"): Op(
        "linkding_user_profile", "Get the user profile",
        "The caller's display and search preferences, with the linkding API level and "
        "markhive's version. Read-only: the web UI's settings page changes them.",
        ok("The profile.", "LinkdingUserProfile"),
    ),
    ("/health", "GET"): Op(
        "health", "Health check",
        "Whether the server can reach its database, with the linkding API level it speaks "
        "(clients compare it with the linkding version they need). No authentication.",
        {200: Reply("Healthy.", "Health"), 500: Reply("The database is unreachable.", "Health")},
        auth="none", tag="health",
    ),
}
# fmt: on


DETAIL = "LinkdingDetail"
RESPONSES: dict[str, Schema] = {
    "LinkdingBadRequest": error_response(
        "Invalid input: per-field messages, or `detail` for a body that cannot be read.",
        {"anyOf": [ref("LinkdingFieldErrors"), ref(DETAIL)]},
        RATE,
    ),
    "LinkdingAssetBadRequest": error_response(
        "A file (or URL) is missing.", "LinkdingAssetError", RATE
    ),
    "LinkdingUnauthorized": error_response(
        "Missing or invalid key.", DETAIL, ("WWW-Authenticate",)
    ),
    "LinkdingForbidden": error_response(
        "The caller's plan does not include API access.", DETAIL, ()
    ),
    "LinkdingNotFound": error_response("No such object of the caller's.", DETAIL, RATE),
    "LinkdingTooLarge": error_response("The request body is over the size limit.", DETAIL, ()),
    "LinkdingUnsupportedMediaType": error_response(
        "Send JSON, URL-encoded form or multipart form data.", DETAIL, RATE
    ),
    "LinkdingRateLimited": error_response(
        "The key has used its requests for today (UTC).", DETAIL, (*RATE, "Retry-After")
    ),
}

DIALECT = Dialect(
    tag=TAG,
    operations=OPERATIONS,
    errors={
        400: "LinkdingBadRequest",
        401: "LinkdingUnauthorized",
        403: "LinkdingForbidden",
        404: "LinkdingNotFound",
        413: "LinkdingTooLarge",
        415: "LinkdingUnsupportedMediaType",
        429: "LinkdingRateLimited",
    },
    path_params={
        "bookmark_id": "The bookmark's id.",
        "asset_id": "The asset's id.",
        "tag_id": "The tag's id.",
        "bundle_id": "The bundle's id.",
    },
)
