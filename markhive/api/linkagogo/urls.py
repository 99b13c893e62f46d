"""Handlers of /api/v1/urls: parse, call the bookmark services, render."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.handler import MAX_ID, context, enricher, path_id, run
from markhive.api.linkagogo import serializers
from markhive.api.linkagogo.wire import Body, Fields, pages, query_bool, query_int, read_body
from markhive.api.responses import JSON, no_content
from markhive.bookmarks import bulk, listing
from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.listing import ListQuery
from markhive.errors import Invalid
from markhive.tags.service import split_keywords

SORTS = {
    "date_desc": "added_desc",
    "title_asc": "title_asc_ties_desc",
    "visit_date_desc": "visit_date_desc",
    "visit_count_desc": "visit_count_desc",
    "rating_desc": "rating_desc",
}
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
MAX_PAGE = 2**64 - 1  # the largest integer JSON renders here
MAX_OFFSET = 2**53  # far past the end of any list, inside every database's integers
PUT_REQUIRED = ("url", "title", "folder_id", "keywords", "comments", "rating", "is_favorite")


def bookmark_values(body: Body, *, create: bool = False, put: bool = False) -> dict[str, Any]:
    """The service's values from a v1 bookmark body (names mapped: comments is the
    description, keywords are the tags, folder 0 is the root)."""
    fields = Fields(body.check())
    fields.require(*(PUT_REQUIRED if put else ("url",) if create else ()))
    fields.string("url")
    fields.string("title")
    fields.string("comments", to="description")
    fields.words("keywords")
    fields.integer("folder_id", 0, MAX_ID, nullable=True)
    fields.integer("rating", 0, 5)
    fields.boolean("is_favorite")
    fields.boolean("is_archived")
    fields.datetime("reminder_at")
    values = fields.done()
    if "keywords" in values:
        values["tag_names"] = split_keywords(values.pop("keywords"))
    if "folder_id" in values:
        values["folder_id"] = values["folder_id"] or None
    if put:
        values.setdefault("reminder_at", None)
    return values


def list_query(request: Request, user_id: int) -> tuple[ListQuery, int]:
    """The list query and the page number asked for."""
    params = request.query_params
    sort = params.get("sort") or "date_desc"
    if sort not in SORTS:
        raise Invalid.one("sort", f"must be one of {', '.join(SORTS)}")
    size_name = "page_size" if params.get("page_size") else "limit"
    size = query_int(params, size_name, DEFAULT_PAGE_SIZE, 1, MAX_PAGE_SIZE)
    page = query_int(params, "page", 1, 1, MAX_PAGE, clamp=False)
    # A page past any end stays what was asked for; its offset only needs to be past it.
    offset = min((page - 1) * size, MAX_OFFSET)
    has_folder = params.get("folder_id", "") != ""
    folder_id = query_int(params, "folder_id", 0, 0, MAX_ID) if has_folder else 0
    return ListQuery(
        owner_ids=[user_id],
        archived=None,
        search=params.get("q", ""),
        keyword_substring=True,
        favorite=query_bool(params, "favorite"),
        folder_id=folder_id or None,
        folder_filter=has_folder,
        sort=SORTS[sort],
        limit=size,
        offset=offset,
    ), page


async def list_urls(request: Request) -> Response:
    ctx = context(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        query, page = list_query(request, caller.user.id)
        ids, total = listing.list_ids(session, query, ctx.count_cache, ctx.order_cache)
        return {
            "bookmarks": serializers.bookmarks(session, ids),
            "total": total,
            "page": page,
            "page_size": query.limit,
            "pages": pages(total, query.limit),
        }

    return JSON(await run(request, work))


async def create(request: Request) -> Response:
    ctx = context(request)
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        values = bookmark_values(body, create=True)
        bookmark, _ = bookmarks.create(
            session, caller.user.id, values, merge=False, enrich=enricher(ctx), any_host=True
        )
        return serializers.one(session, bookmark.id)

    return JSON(await run(request, work, write=True), status_code=201)


def _id(request: Request) -> int:
    return path_id(request, "bookmark_id")


async def retrieve(request: Request) -> Response:
    bookmark_id = _id(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bookmarks.get(session, caller.user.id, bookmark_id)
        return serializers.one(session, bookmark_id)

    return JSON(await run(request, work))


async def update(request: Request) -> Response:
    bookmark_id = _id(request)
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bookmarks.get(session, caller.user.id, bookmark_id)  # 404 before any 422
        values = bookmark_values(body, put=request.method == "PUT")
        bookmarks.update(session, caller.user.id, bookmark_id, values, any_host=True)
        return serializers.one(session, bookmark_id)

    return JSON(await run(request, work, write=True))


async def delete(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = _id(request)

    def work(session: Session, caller: Caller) -> None:
        bookmarks.delete(session, caller.user.id, bookmark_id, on_delete=ctx.assets.forget_files)

    await run(request, work, write=True)
    return no_content()


async def visit(request: Request) -> Response:
    bookmark_id = _id(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bulk.record_visit(session, caller.user.id, bookmark_id)
        return serializers.one(session, bookmark_id)

    return JSON(await run(request, work, write=True))


async def move(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, int]:
        fields = Fields(body.check())
        fields.require("ids", "folder_id")
        fields.ids("ids", bulk.MAX_IDS)
        fields.integer("folder_id", 0, MAX_ID, nullable=True)
        values = fields.done()
        moved = bulk.move(session, caller.user.id, values["ids"], values["folder_id"] or None)
        return {"moved": moved}

    return JSON(await run(request, work, write=True))


async def tag(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, int]:
        fields = Fields(body.check())
        fields.require("ids")
        fields.ids("ids", bulk.MAX_IDS)
        fields.words("add")
        fields.words("remove")
        values = fields.done()
        add = split_keywords(values.get("add", ""), "add")
        remove = split_keywords(values.get("remove", ""), "remove")
        return {"updated": bulk.retag(session, caller.user.id, values["ids"], add, remove)}

    return JSON(await run(request, work, write=True))
