"""The bookmark lists (active, archived, shared), the visit redirect and the one-click
actions on a single bookmark."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from markhive.bookmarks import bulk, listing
from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.listing import BundleFilter, ListQuery
from markhive.bookmarks.sharing import shared_owners
from markhive.bundles import repository as bundle_rows
from markhive.errors import NotFound
from markhive.folders import service as folders
from markhive.users import repository as users
from markhive.web import views
from markhive.web.handler import (
    Call,
    Render,
    Viewer,
    context,
    handle,
    int_param,
    path_id,
    redirect,
    safe_next,
    web,
)

PAGE_SIZE = 30
MAX_PAGE = 100_000
SORTS = {
    "added_desc": "Newest first",
    "added_asc": "Oldest first",
    "title_asc": "Title A to Z",
    "title_desc": "Title Z to A",
    "modified_desc": "Recently changed",
    "visit_date_desc": "Recently visited",
    "visit_count_desc": "Most visited",
    "rating_desc": "Best rated",
}
YES_NO = {"yes": True, "no": False}
KINDS = {"active": "Bookmarks", "archived": "Archived", "shared": "Shared"}
PATHS = {"active": "/bookmarks", "archived": "/bookmarks/archived", "shared": "/bookmarks/shared"}


@dataclass(frozen=True)
class Filters:
    q: str
    sort: str
    unread: str
    shared: str
    folder: int | None
    bundle: int | None
    page: int

    @classmethod
    def read(cls, params: Any) -> Filters:
        sort = params.get("sort", "")
        return cls(
            q=params.get("q", "")[:2000],
            sort=sort if sort in SORTS else "added_desc",
            unread=params.get("unread", "") if params.get("unread") in YES_NO else "",
            shared=params.get("shared", "") if params.get("shared") in YES_NO else "",
            folder=int_param(params.get("folder")),
            bundle=int_param(params.get("bundle")),
            page=min(int_param(params.get("page"), 1) or 1, MAX_PAGE),
        )

    def query(self, **changes: Any) -> str:
        """This list's query string with ``changes`` (a changed filter starts at page 1)."""
        values: dict[str, Any] = {
            "q": self.q,
            "sort": self.sort if self.sort != "added_desc" else "",
            "unread": self.unread,
            "shared": self.shared,
            "folder": self.folder or "",
            "bundle": self.bundle or "",
            "page": self.page if self.page > 1 else "",
        }
        if "page" not in changes:
            values["page"] = ""
        values.update(changes)
        if values["page"] == 1:
            values["page"] = ""
        return urlencode({k: v for k, v in values.items() if v not in ("", None)})

    def but_folder(self) -> str:
        """``query(folder=...)`` up to the folder's id, which is to follow: the tree's
        links, built once for hundreds of folders."""
        rest = self.query(folder="")
        return f"{rest}&folder=" if rest else "folder="


def _bundle(session: Session, viewer: Viewer, bundle_id: int | None) -> BundleFilter | None:
    if bundle_id is None:
        return None
    bundle = bundle_rows.get(session, viewer.id, bundle_id)
    if bundle is None:
        raise NotFound("Bundle")
    return BundleFilter.of(bundle)


def sidebar(
    session: Session, viewer: Viewer, counts: folders.CountCache, selected: int | None
) -> dict[str, Any]:
    """The folder tree with counts (opened down to ``selected``) and the bundles, for the
    side panel; every folder by its path for the bulk form's "move to"."""
    infos = folders.list_folders(session, viewer.id, counts)
    bundles, _ = bundle_rows.page(session, viewer.id, 1000, 0)
    return {
        "folders": infos,
        "tree": views.folder_tree(infos, selected),
        "bundles": [(b.id, b.name) for b in bundles],
    }


def list_query(
    session: Session,
    viewer: Viewer | None,
    owners: list[int],
    kind: str,
    filters: Filters,
    limit: int,
    offset: int = 0,
) -> ListQuery:
    """The search of a list page (``kind``: active, archived or shared) with its filters."""
    profile = viewer.profile if viewer else {}
    return ListQuery(
        owner_ids=owners,
        archived={"active": False, "archived": True}.get(kind),
        search=filters.q,
        lax_tags=profile.get("tag_search") == "lax",
        unread=YES_NO.get(filters.unread) if viewer else None,
        shared=True if kind == "shared" else YES_NO.get(filters.shared),
        folder_id=filters.folder,
        folder_filter=filters.folder is not None and kind != "shared",
        bundle=_bundle(session, viewer, filters.bundle)
        if viewer is not None and kind != "shared"
        else None,
        sort=filters.sort,
        limit=limit,
        offset=offset,
    )


def _list(request: Request, kind: str) -> Any:
    ctx = context(request)
    filters = Filters.read(request.query_params)

    def work(session: Session, call: Call) -> Render:
        viewer = call.viewer
        if kind == "shared":
            owners = shared_owners(session, anonymous=viewer is None)
        else:
            assert viewer is not None
            owners = [viewer.id]
        profile = viewer.profile if viewer else {}
        offset = (filters.page - 1) * PAGE_SIZE
        query = list_query(session, viewer, owners, kind, filters, PAGE_SIZE, offset)
        page = listing.list_page(session, query, ctx.count_cache, order_cache=ctx.order_cache)
        items = views.bookmarks(session, page.ids)
        pages = max(1, math.ceil(page.count / PAGE_SIZE))
        values: dict[str, Any] = {
            "kind": kind,
            "heading": KINDS[kind],
            "base": PATHS[kind],
            "filters": filters,
            "sorts": SORTS,
            "items": items,
            "pager": views.Pager(filters.page, pages, page.count, PAGE_SIZE),
            "cloud": views.tag_cloud(items),
            "profile": profile,
            "owners": _owner_names(session, items) if kind == "shared" else {},
        }
        if viewer is not None and kind != "shared":
            values.update(sidebar(session, viewer, web(request).folder_counts, filters.folder))
        else:
            values.update(folders=[], tree=[], bundles=[])
        return Render("bookmarks/list.html", values)

    return handle(request, work, public=kind == "shared")


async def tree(request: Request) -> Response:
    """One level of the side panel's folder tree (the subfolders of ``parent``), for the
    toggle that opens a folder without leaving the page."""
    kind = request.query_params.get("kind", "")
    kind = kind if kind == "archived" else "active"
    filters = Filters.read(request.query_params)
    parent = int_param(request.query_params.get("parent"))

    def work(session: Session, call: Call) -> Render:
        infos = folders.list_folders(session, call.user.id, web(request).folder_counts)
        if parent is not None and all(folder.id != parent for folder in infos):
            raise NotFound("Folder")
        values = {
            "tree": views.folder_tree(infos, filters.folder, parent),
            "kind": kind,
            "base": PATHS[kind],
            "filters": filters,
        }
        return Render("bookmarks/_tree.html", values)

    return await handle(request, work)


def _owner_names(session: Session, items: list[views.BookmarkView]) -> dict[int, str]:
    """The owners' usernames (loaded already by shared_owners: no query)."""
    names = {}
    for owner_id in {item.owner_id for item in items}:
        user = users.get(session, owner_id)
        if user is not None:
            names[owner_id] = user.username
    return names


async def active(request: Request) -> Response:
    return await _list(request, "active")


async def archived(request: Request) -> Response:
    return await _list(request, "archived")


async def shared(request: Request) -> Response:
    return await _list(request, "shared")


async def visit(request: Request) -> Response:
    """Count the visit and send the browser on to the bookmark's URL."""
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, call: Call) -> Response:
        bookmark = bookmarks.get(session, call.user.id, bookmark_id)
        url = bookmark.url
        if not views.is_safe_url(url):
            raise NotFound("Bookmark")
        bulk.record_visit(session, call.user.id, bookmark_id)
        return RedirectResponse(url, status_code=302, headers={"Referrer-Policy": "no-referrer"})

    return await handle(request, work, write=True)


def _action(change: Any) -> Any:
    async def endpoint(request: Request) -> Response:
        bookmark_id = path_id(request, "bookmark_id")

        def work(session: Session, call: Call) -> Response:
            change(session, call.user.id, bookmark_id)
            return redirect(safe_next(call.text("next")), request)

        return await handle(request, work, write=True)

    return endpoint


async def delete(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")

    def work(session: Session, call: Call) -> Response:
        bookmarks.delete(session, call.user.id, bookmark_id, on_delete=ctx.assets.forget_files)
        return redirect(safe_next(call.text("next")), request)

    return await handle(request, work, write=True)


ROUTES = [
    Route("/bookmarks", active, methods=["GET"]),
    Route("/bookmarks/archived", archived, methods=["GET"]),
    Route("/bookmarks/shared", shared, methods=["GET"]),
    Route("/bookmarks/tree", tree, methods=["GET"]),
    Route("/bookmarks/{bookmark_id:int}/visit", visit, methods=["GET"]),
    Route(
        "/bookmarks/{bookmark_id:int}/archive",
        _action(lambda s, u, b: bookmarks.set_archived(s, u, b, True)),
        methods=["POST"],
    ),
    Route(
        "/bookmarks/{bookmark_id:int}/unarchive",
        _action(lambda s, u, b: bookmarks.set_archived(s, u, b, False)),
        methods=["POST"],
    ),
    Route("/bookmarks/{bookmark_id:int}/delete", delete, methods=["POST"]),
    Route(
        "/bookmarks/{bookmark_id:int}/read",
        _action(lambda s, u, b: bookmarks.update(s, u, b, {"unread": False})),
        methods=["POST"],
    ),
]
