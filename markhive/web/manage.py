"""The pages that manage the viewer's tags, folders and bundles."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks.derived import fold
from markhive.bundles import repository as bundle_rows
from markhive.bundles import service as bundles
from markhive.bundles.models import Bundle
from markhive.bundles.service import FILTER_CHOICES
from markhive.errors import DomainError, Invalid, NotFound
from markhive.folders import service as folders
from markhive.folders.service import FolderInfo
from markhive.tags import repository as tag_rows
from markhive.tags import service as tags
from markhive.web.errors import messages
from markhive.web.handler import (
    Call,
    Render,
    context,
    handle,
    int_param,
    path_id,
    redirect,
    safe_next,
    web,
)
from markhive.web.views import Pager

TAGS_PER_PAGE = 200
FOLDERS_PER_PAGE = 200
MAX_PAGE = 100_000
BUNDLE_FIELDS = ("name", "search", "any_tags", "all_tags", "excluded_tags")

Page = Callable[[Session, Call, int, list[str]], Render]
Change = Callable[[Session, Call, int], object]


# --- view models ----------------------------------------------------------------------


@dataclass(frozen=True)
class TagRow:
    id: int
    name: str
    count: int


@dataclass(frozen=True)
class FolderRow:
    folder: FolderInfo
    depth: int
    subfolders: int  # every folder under it, at any depth
    total: int  # the bookmarks in it and in its subfolders

    @property
    def confirm(self) -> str:
        return (
            f"Delete the folder “{self.folder.name}”, its {self.subfolders} subfolder"
            f"{'' if self.subfolders == 1 else 's'} and the {self.total} bookmark"
            f"{'' if self.total == 1 else 's'} in them? This cannot be undone."
        )


@dataclass(frozen=True)
class BundleRow:
    id: int
    name: str
    search: str
    any_tags: str
    all_tags: str
    excluded_tags: str
    filter_unread: str
    filter_shared: str

    @property
    def conditions(self) -> str:
        parts = [
            f"{label}: {value}"
            for label, value in (
                ("words", self.search),
                ("any of", self.any_tags),
                ("all of", self.all_tags),
                ("none of", self.excluded_tags),
            )
            if value
        ]
        parts.append({"yes": "unread only", "no": "read only"}.get(self.filter_unread, ""))
        parts.append({"yes": "shared only", "no": "private only"}.get(self.filter_shared, ""))
        return "; ".join(part for part in parts if part) or "every bookmark"


def folder_rows(tree: list[FolderInfo]) -> list[FolderRow]:
    """The tree (parents before children) with each folder's subtree sizes."""
    below = {f.id: 0 for f in tree}
    total = {f.id: f.bookmark_count for f in tree}
    for f in reversed(tree):  # children before their parents
        if f.parent_id in below:
            below[f.parent_id] += below[f.id] + 1
            total[f.parent_id] += total[f.id]
    return [FolderRow(f, f.path.count("/"), below[f.id], total[f.id]) for f in tree]


def _bundle_row(b: Bundle) -> BundleRow:
    names = ("id", *BUNDLE_FIELDS, "filter_unread", "filter_shared")
    return BundleRow(*(getattr(b, name) for name in names))


# --- shared steps ---------------------------------------------------------------------


def _again(page: Page) -> Callable[[int], Any]:
    """On a domain error, the page again with its messages (400); 404 stays a 404."""

    def for_item(item_id: int) -> Any:
        def again(session: Session, call: Call, exc: DomainError) -> Render:
            if isinstance(exc, NotFound):
                raise exc
            result = page(session, call, item_id, messages(exc))
            result.status = 400
            return result

        return again

    return for_item


def _view(page: Page) -> Any:
    async def endpoint(request: Request) -> Response:
        item_id = path_id(request, "item_id") if "item_id" in request.path_params else 0
        return await handle(request, lambda session, call: page(session, call, item_id, []))

    return endpoint


def _post(change: Change, back: str, again: Callable[[int], Any] | None = None) -> Any:
    """A form's POST: make the change, then go to the form's ``next`` or to ``back``."""

    async def endpoint(request: Request) -> Response:
        item_id = path_id(request, "item_id") if "item_id" in request.path_params else 0

        def work(session: Session, call: Call) -> Response:
            change(session, call, item_id)
            return redirect(safe_next(call.text("next"), back), request)

        on_error = again(item_id) if again else None
        return await handle(request, work, write=True, on_error=on_error)

    return endpoint


# --- tags -----------------------------------------------------------------------------


def tags_page(session: Session, call: Call, _: int, errors: list[str]) -> Render:
    params = call.request.query_params
    q = params.get("q", "")[:64].strip()
    page = min(int_param(params.get("page"), 1) or 1, MAX_PAGE)
    offset = (page - 1) * TAGS_PER_PAGE
    found = tag_rows.with_counts(session, call.user.id, fold(q), TAGS_PER_PAGE + 1, offset)
    rows = [TagRow(*row) for row in found[:TAGS_PER_PAGE]]
    more = len(found) > TAGS_PER_PAGE
    query = urlencode({k: v for k, v in (("q", q), ("page", page)) if v and v != 1})
    here = "/tags" + (f"?{query}" if query else "")
    return Render(
        "manage/tags.html",
        {"tags": rows, "q": q, "page": page, "more": more, "here": here, "errors": errors},
    )


def tag_page(session: Session, call: Call, tag_id: int, errors: list[str]) -> Render:
    tag = tags.get_tag(session, call.user.id, tag_id)
    row = TagRow(tag.id, tag.name, tag_rows.link_count(session, tag.id))
    values = {"name": call.text("name", tag.name), "into": call.text("into")}
    return Render("manage/tag.html", {"tag": row, "values": values, "errors": errors})


def _rename_tag(session: Session, call: Call, tag_id: int) -> None:
    tags.rename_tag(session, call.user.id, tag_id, call.text("name"))


def _delete_tag(session: Session, call: Call, tag_id: int) -> None:
    tags.delete_tag(session, call.user.id, tag_id)


def _merge(session: Session, call: Call, tag_id: int) -> None:
    tags.get_tag(session, call.user.id, tag_id)  # 404 before any 400
    target = tags.find_tag(session, call.user.id, call.text("into"))
    tags.merge_tags(session, call.user.id, tag_id, target.id)


# --- folders --------------------------------------------------------------------------


def folders_page(session: Session, call: Call, _: int, errors: list[str]) -> Render:
    """Every folder for the "inside" choice; the table a page of the tree at a time."""
    infos = folders.list_folders(session, call.user.id, web(call.request).folder_counts)
    rows = folder_rows(infos)
    pages = max(1, math.ceil(len(rows) / FOLDERS_PER_PAGE))
    page = min(int_param(call.request.query_params.get("page"), 1) or 1, pages)
    start = (page - 1) * FOLDERS_PER_PAGE
    values = {"name": call.text("name"), "parent": int_param(call.text("parent"))}
    return Render(
        "manage/folders.html",
        {
            "folders": infos,
            "rows": rows[start : start + FOLDERS_PER_PAGE],
            "pager": Pager(page, pages, len(rows), FOLDERS_PER_PAGE),
            "values": values,
            "errors": errors,
        },
    )


def folder_page(session: Session, call: Call, folder_id: int, errors: list[str]) -> Render:
    folders.get(session, call.user.id, folder_id)
    rows = folder_rows(folders.list_folders(session, call.user.id, web(call.request).folder_counts))
    row = next(r for r in rows if r.folder.id == folder_id)
    inside = row.folder.path + "/"
    targets = [r for r in rows if r is not row and not r.folder.path.startswith(inside)]
    values = {"name": call.text("name", row.folder.name)}
    return Render(
        "manage/folder.html",
        {"row": row, "targets": targets, "values": values, "errors": errors},
    )


def _parent(call: Call) -> int | None:
    raw = call.text("parent")
    parent = int_param(raw)
    if raw and parent is None:
        raise Invalid.one("parent", "Choose a folder from the list.")
    return parent


def _create_folder(session: Session, call: Call, _: int) -> None:
    folders.create(session, call.user.id, call.text("name"), _parent(call))


def _rename_folder(session: Session, call: Call, folder_id: int) -> None:
    folders.update(session, call.user.id, folder_id, {"name": call.text("name")})


def _move_folder(session: Session, call: Call, folder_id: int) -> None:
    folders.get(session, call.user.id, folder_id)  # 404 before any 400
    folders.update(session, call.user.id, folder_id, {"parent_id": _parent(call)})


def _share(public: bool) -> Change:
    return lambda s, call, i: folders.update(s, call.user.id, i, {"is_public": public})


def _delete_folder(session: Session, call: Call, folder_id: int) -> None:
    forget = context(call.request).assets.forget_folder_files
    folders.delete(session, call.user.id, folder_id, on_delete=forget)


# --- bundles --------------------------------------------------------------------------


def bundles_page(session: Session, call: Call, _: int, errors: list[str]) -> Render:
    found, _total = bundle_rows.page(session, call.user.id, bundles.MAX_BUNDLES, 0)
    rows = [_bundle_row(b) for b in found]
    return Render("manage/bundles.html", {"bundles": rows, "errors": errors})


def bundle_page(session: Session, call: Call, bundle_id: int, errors: list[str]) -> Render:
    if call.form is not None:
        values = _bundle_values(call)
    elif bundle_id:
        values = vars(_bundle_row(bundles.get(session, call.user.id, bundle_id)))
    else:
        values = dict.fromkeys(BUNDLE_FIELDS, "") | {"filter_unread": "off", "filter_shared": "off"}
    return Render(
        "manage/bundle.html",
        {"bundle_id": bundle_id, "values": values, "choices": FILTER_CHOICES, "errors": errors},
    )


def _bundle_values(call: Call) -> dict[str, Any]:
    values: dict[str, Any] = {name: call.text(name) for name in BUNDLE_FIELDS}
    for name in ("filter_unread", "filter_shared"):
        values[name] = call.text(name, "off")
    return values


def _save_bundle(session: Session, call: Call, bundle_id: int) -> None:
    if bundle_id:
        bundles.update(session, call.user.id, bundle_id, _bundle_values(call))
    else:
        bundles.create(session, call.user.id, _bundle_values(call))


TAG = "/tags/{item_id:int}"
FOLDER = "/folders/{item_id:int}"
BUNDLE = "/bundles/{item_id:int}"
GET, POST = ["GET"], ["POST"]


def _step(step: int) -> Change:
    return lambda session, call, bundle_id: bundles.move(session, call.user.id, bundle_id, step)


def _delete_bundle(session: Session, call: Call, bundle_id: int) -> None:
    bundles.delete(session, call.user.id, bundle_id)


ROUTES = [
    Route("/tags", _view(tags_page), methods=GET),
    Route(TAG, _view(tag_page), methods=GET),
    Route(TAG + "/rename", _post(_rename_tag, "/tags", _again(tag_page)), methods=POST),
    Route(TAG + "/merge", _post(_merge, "/tags", _again(tag_page)), methods=POST),
    Route(TAG + "/delete", _post(_delete_tag, "/tags"), methods=POST),
    Route("/folders", _view(folders_page), methods=GET),
    Route("/folders", _post(_create_folder, "/folders", _again(folders_page)), methods=POST),
    Route(FOLDER, _view(folder_page), methods=GET),
    Route(FOLDER + "/rename", _post(_rename_folder, "/folders", _again(folder_page)), methods=POST),
    Route(FOLDER + "/move", _post(_move_folder, "/folders", _again(folder_page)), methods=POST),
    Route(FOLDER + "/share", _post(_share(True), "/folders"), methods=POST),
    Route(FOLDER + "/unshare", _post(_share(False), "/folders"), methods=POST),
    Route(FOLDER + "/delete", _post(_delete_folder, "/folders"), methods=POST),
    Route("/bundles", _view(bundles_page), methods=GET),
    Route("/bundles/new", _view(bundle_page), methods=GET),
    Route("/bundles/new", _post(_save_bundle, "/bundles", _again(bundle_page)), methods=POST),
    Route(BUNDLE + "/edit", _view(bundle_page), methods=GET),
    Route(BUNDLE + "/edit", _post(_save_bundle, "/bundles", _again(bundle_page)), methods=POST),
    Route(BUNDLE + "/up", _post(_step(-1), "/bundles"), methods=POST),
    Route(BUNDLE + "/down", _post(_step(1), "/bundles"), methods=POST),
    Route(BUNDLE + "/delete", _post(_delete_bundle, "/bundles"), methods=POST),
]
