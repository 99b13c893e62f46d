"""Public folders: a published folder's page and RSS feed, readable without signing in.
A folder that is not public looks exactly like one that does not exist (404)."""

from __future__ import annotations

import math
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks import listing
from markhive.bookmarks.listing import ListQuery
from markhive.folders import public as folders
from markhive.folders.models import Folder
from markhive.users import repository as users
from markhive.web import feeds, views
from markhive.web.handler import Call, Render, context, handle, int_param, path_id

PAGE_SIZE = 30
MAX_PAGE = 100_000


def _bookmarks(folder: Folder, limit: int, offset: int) -> ListQuery:
    """The folder's own bookmarks (not its subfolders'), newest first."""
    return ListQuery(
        owner_ids=[folder.user_id],
        archived=None,
        folder_id=folder.id,
        folder_filter=True,
        limit=limit,
        offset=offset,
    )


async def folder_page(request: Request) -> Response:
    ctx = context(request)
    folder_id = path_id(request, "folder_id")
    page = min(int_param(request.query_params.get("page"), 1) or 1, MAX_PAGE)

    def work(session: Session, call: Call) -> Render:
        folder = folders.public_folder(session, folder_id)
        query = _bookmarks(folder, PAGE_SIZE, (page - 1) * PAGE_SIZE)
        found = listing.list_page(session, query, ctx.count_cache, order_cache=ctx.order_cache)
        owner = users.get(session, folder.user_id)
        values: dict[str, Any] = {
            "folder_id": folder.id,
            "name": folder.name,
            "description": folder.description,
            "owner": owner.username if owner is not None else "",
            "items": views.bookmarks(session, found.ids),
            "children": folders.public_children(session, folder),
            "pager": views.Pager(
                page, max(1, math.ceil(found.count / PAGE_SIZE)), found.count, PAGE_SIZE
            ),
        }
        return Render("public/folder.html", values)

    return await handle(request, work, public=True)


async def folder_feed(request: Request) -> Response:
    ctx = context(request)
    folder_id = path_id(request, "folder_id")
    params = feeds.FeedParams.read(request.query_params)

    def work(session: Session, call: Call) -> Response:
        folder = folders.public_folder(session, folder_id)
        query = _bookmarks(folder, params.limit, 0)
        ids, _ = listing.list_ids(session, query, ctx.count_cache, ctx.order_cache)
        link = f"{request.base_url}public/folders/{folder.id}"
        channel = feeds.Channel(
            folder.name, folder.description or folder.name, link, str(request.url)
        )
        return feeds.feed_response(request, channel, views.bookmarks(session, ids))

    return await handle(request, work, public=True, forms=False)


ROUTES = [
    Route("/public/folders/{folder_id:int}", folder_page, methods=["GET"]),
    Route("/public/folders/{folder_id:int}/feed", folder_feed, methods=["GET"]),
    *feeds.ROUTES,
]
