"""Handlers of /api/v1/folders."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.handler import MAX_ID, context, path_id, run
from markhive.api.linkagogo import serializers
from markhive.api.linkagogo.wire import Fields, read_body
from markhive.api.responses import JSON, no_content
from markhive.folders import service as folders


async def list_folders(request: Request) -> Response:
    def work(session: Session, caller: Caller) -> list[dict[str, Any]]:
        return [serializers.folder(f) for f in folders.list_folders(session, caller.user.id)]

    return JSON(await run(request, work))


async def create(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        fields = Fields(body.check())
        fields.require("name")
        fields.string("name")
        fields.integer("folder_id", 0, MAX_ID, nullable=True)
        values = fields.done()
        user_id = caller.user.id
        folder = folders.create(session, user_id, values["name"], values.get("folder_id"))
        return serializers.folder(folders.describe(session, user_id, folder))

    return JSON(await run(request, work, write=True), status_code=201)


async def ensure_path(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> tuple[dict[str, Any], bool]:
        fields = Fields(body.check())
        fields.require("path")
        fields.string("path")
        path = fields.done()["path"]
        folder, created = folders.ensure_path(session, caller.user.id, path)
        return serializers.folder(folders.describe(session, caller.user.id, folder)), created

    result, created = await run(request, work, write=True)
    return JSON(result, status_code=201 if created else 200)


def _id(request: Request) -> int:
    return path_id(request, "folder_id")


async def update(request: Request) -> Response:
    folder_id = _id(request)
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        folders.get(session, caller.user.id, folder_id)  # 404 before any 422
        fields = Fields(body.check())
        fields.string("name")
        fields.integer("folder_id", 0, MAX_ID, to="parent_id", nullable=True)
        fields.boolean("is_public")
        values = fields.done()
        folder = folders.update(session, caller.user.id, folder_id, values)
        return serializers.folder(folders.describe(session, caller.user.id, folder))

    return JSON(await run(request, work, write=True))


async def delete(request: Request) -> Response:
    ctx = context(request)
    folder_id = _id(request)

    def work(session: Session, caller: Caller) -> None:
        folders.delete(session, caller.user.id, folder_id, on_delete=ctx.assets.forget_folder_files)

    await run(request, work, write=True)
    return no_content()
