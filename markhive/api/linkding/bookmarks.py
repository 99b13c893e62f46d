"""Handlers of /api/bookmarks/: parse, call the bookmark service, render."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.common import base_url
from markhive.api.handler import context, enricher, path_id, run
from markhive.api.linkding import serializers
from markhive.api.linkding.handler import run_anonymous
from markhive.api.linkding.listing import list_query
from markhive.api.linkding.pagination import envelope, read_page
from markhive.api.linkding.wire import Body, Fields, read_body
from markhive.api.responses import JSON, no_content
from markhive.bookmarks import listing
from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.sharing import shared_owners
from markhive.tags import repository as tag_rows
from markhive.tags.service import clean_names

BOOLEANS = ("is_archived", "unread", "shared")


def bookmark_values(body: Body, *, put: bool = False) -> dict[str, Any]:
    fields = Fields(body)
    if put:
        fields.require("url")
    fields.string("url")
    fields.string("title", max_length=512)
    fields.string("description")
    fields.string("notes")
    for name in BOOLEANS:
        fields.boolean(name)
    fields.string_list("tag_names")
    fields.datetime("date_added")
    fields.datetime("date_modified")
    values = fields.done()
    if "tag_names" in values:
        values["tag_names"] = clean_names(values["tag_names"])
    if put and body.is_form:
        for name in BOOLEANS:  # an unticked checkbox is an omitted field
            values.setdefault(name, False)
    return values


def render_rows(session: Session, ids: list[int], base: str) -> list[dict[str, Any]]:
    rows = serializers.ROWS(session, ids)
    names = tag_rows.names_for(session, ids)
    return [serializers.bookmark(row, names.get(row[0], []), base) for row in rows]


def render_one(session: Session, bookmark_id: int, base: str) -> dict[str, Any]:
    return render_rows(session, [bookmark_id], base)[0]


async def _list(request: Request, archived: bool | None) -> Response:
    ctx = context(request)
    page = read_page(request)
    base = base_url(request, ctx.settings)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        query = list_query(session, request, caller.user, [caller.user.id], archived, page)
        ids, count = listing.list_ids(session, query, ctx.count_cache, ctx.order_cache)
        return envelope(request, base, page, count, render_rows(session, ids, base))

    return JSON(await run(request, work))


async def list_active(request: Request) -> Response:
    return await _list(request, archived=False)


async def list_archived(request: Request) -> Response:
    return await _list(request, archived=True)


async def list_shared(request: Request) -> Response:
    ctx = context(request)
    page = read_page(request)
    base = base_url(request, ctx.settings)

    def work(session: Session, caller: Caller | None) -> dict[str, Any]:
        owners = shared_owners(
            session, anonymous=caller is None, username=request.query_params.get("user")
        )
        query = list_query(session, request, caller.user if caller else None, owners, None, page)
        if not owners:
            return envelope(request, base, page, 0, [])
        query.shared = True
        ids, count = listing.list_ids(session, query, ctx.count_cache, ctx.order_cache)
        return envelope(request, base, page, count, render_rows(session, ids, base))

    return JSON(await run_anonymous(request, work))


async def create(request: Request) -> Response:
    ctx = context(request)
    body = await read_body(request)
    scrape = "disable_scraping" not in request.query_params
    base = base_url(request, ctx.settings)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        values = bookmark_values(body)
        enrich = enricher(ctx) if scrape else None
        bookmark, _ = bookmarks.create(session, caller.user.id, values, merge=True, enrich=enrich)
        return render_one(session, bookmark.id, base)

    return JSON(await run(request, work, write=True), status_code=201)


async def retrieve(request: Request) -> Response:
    bookmark_id = path_id(request, "bookmark_id")
    base = base_url(request, context(request).settings)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bookmarks.get(session, caller.user.id, bookmark_id)
        return render_one(session, bookmark_id, base)

    return JSON(await run(request, work))


async def update(request: Request) -> Response:
    bookmark_id = path_id(request, "bookmark_id")
    base = base_url(request, context(request).settings)
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bookmarks.get(session, caller.user.id, bookmark_id)  # 404 before any 400
        values = bookmark_values(body, put=request.method == "PUT")
        values.pop("date_modified", None)
        bookmarks.update(session, caller.user.id, bookmark_id, values)
        return render_one(session, bookmark_id, base)

    return JSON(await run(request, work, write=True))


async def delete(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, caller: Caller) -> None:
        bookmarks.delete(session, caller.user.id, bookmark_id, on_delete=ctx.assets.forget_files)

    await run(request, work, write=True)
    return no_content()


async def _set_archived(request: Request, archived: bool) -> Response:
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, caller: Caller) -> None:
        bookmarks.set_archived(session, caller.user.id, bookmark_id, archived)

    await run(request, work, write=True)
    return no_content()


async def archive(request: Request) -> Response:
    return await _set_archived(request, True)


async def unarchive(request: Request) -> Response:
    return await _set_archived(request, False)


async def check(request: Request) -> Response:
    ctx = context(request)
    url = request.query_params.get("url")
    base = base_url(request, ctx.settings)

    def work(session: Session, caller: Caller) -> dict[str, Any] | None:
        found = bookmarks.find_by_url(session, caller.user.id, url) if url else None
        return render_one(session, found.id, base) if found else None

    bookmark = await run(request, work)
    metadata: dict[str, Any] = {
        "url": url,
        "title": None,
        "description": None,
        "preview_image": None,
    }
    if url:
        # A remote page may take the whole fetch timeout: wait for it outside the
        # request threads, so it never holds up other requests.
        meta = await anyio.to_thread.run_sync(
            ctx.metadata.get, url, limiter=request.app.state.fetch_limiter
        )
        metadata.update(
            title=meta.title, description=meta.description, preview_image=meta.preview_image
        )
    return JSON({"bookmark": bookmark, "metadata": metadata, "auto_tags": []})
