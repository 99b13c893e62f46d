"""Handlers of bookmark assets and the SingleFile upload, with linkding's own error shapes."""

from __future__ import annotations

import re
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from markhive.api.auth import Caller
from markhive.api.handler import context, path_id, run
from markhive.api.linkding import serializers
from markhive.api.linkding.errors import AssetError, ParentMissing
from markhive.api.linkding.handler import run_list
from markhive.api.linkding.pagination import Page
from markhive.api.linkding.wire import read_body
from markhive.api.responses import JSON, no_content
from markhive.assets.models import Asset
from markhive.bookmarks import service as bookmarks
from markhive.errors import NotFound


def _owned(session: Session, caller: Caller, bookmark_id: int) -> None:
    try:
        bookmarks.get(session, caller.user.id, bookmark_id)
    except NotFound:
        raise ParentMissing() from None


async def list_assets(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")

    def fetch(session: Session, caller: Caller, page: Page) -> tuple[list[Asset], int]:
        _owned(session, caller, bookmark_id)
        return ctx.assets.page(session, caller.user.id, bookmark_id, page.limit, page.offset)

    return await run_list(request, fetch, serializers.asset)


async def upload(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")
    body = await read_body(request)
    upload = body.file("file")

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        _owned(session, caller, bookmark_id)
        body.check()
        if upload is None:
            raise AssetError("No file provided.")
        asset = ctx.assets.upload(
            session,
            caller.user.id,
            bookmark_id,
            upload.file,
            filename=upload.filename or "upload",
            content_type=upload.content_type or "",
        )
        return serializers.asset(asset)

    return JSON(await run(request, work, write=True), status_code=201)


async def retrieve(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")
    asset_id = path_id(request, "asset_id")

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        _owned(session, caller, bookmark_id)
        return serializers.asset(ctx.assets.get(session, caller.user.id, bookmark_id, asset_id))

    return JSON(await run(request, work))


async def delete(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")
    asset_id = path_id(request, "asset_id")

    def work(session: Session, caller: Caller) -> None:
        _owned(session, caller, bookmark_id)
        ctx.assets.delete(session, caller.user.id, bookmark_id, asset_id)

    await run(request, work, write=True)
    return no_content()


def _attachment_name(name: str) -> str:
    return re.sub(r'[\\"\r\n]', "_", name) or "download"


async def download(request: Request) -> Response:
    ctx = context(request)
    bookmark_id = path_id(request, "bookmark_id")
    asset_id = path_id(request, "asset_id")

    def work(session: Session, caller: Caller) -> tuple[str, str, str]:
        _owned(session, caller, bookmark_id)
        asset = ctx.assets.get(session, caller.user.id, bookmark_id, asset_id)
        return asset.file, asset.content_type, asset.display_name

    name, content_type, display = await run(request, work)
    if not ctx.assets.storage.exists(name):
        raise NotFound("BookmarkAsset")
    disposition = f'attachment; filename="{_attachment_name(display)}"'
    return StreamingResponse(
        ctx.assets.storage.stream(name),
        media_type=content_type or "application/octet-stream",
        headers={"Content-Disposition": disposition},
    )


async def singlefile(request: Request) -> Response:
    ctx = context(request)
    body = await read_body(request)
    url = body.get("url")
    upload = body.file("file")

    def work(session: Session, caller: Caller) -> None:
        body.check()
        if not isinstance(url, str) or not url.strip() or upload is None:
            raise AssetError("Both 'url' and 'file' parameters are required.")
        bookmark, _ = bookmarks.create(session, caller.user.id, {"url": url}, merge=True)
        ctx.assets.snapshot(session, bookmark, upload.file)

    await run(request, work, write=True)
    return JSON({"message": "Snapshot uploaded successfully."}, status_code=201)
