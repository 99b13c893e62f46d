"""Handlers of /api/tags/."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.handler import path_id, run
from markhive.api.linkding import serializers
from markhive.api.linkding.handler import run_list
from markhive.api.linkding.wire import Fields, read_body
from markhive.api.responses import JSON, no_content
from markhive.tags import repository
from markhive.tags import service as tags


async def list_tags(request: Request) -> Response:
    return await run_list(
        request,
        lambda session, caller, page: repository.page(
            session, caller.user.id, page.limit, page.offset
        ),
        serializers.tag,
    )


async def create(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        fields = Fields(body)
        fields.require("name")
        fields.string("name")
        values = fields.done()
        return serializers.tag(tags.create_tag(session, caller.user.id, values["name"]))

    return JSON(await run(request, work, write=True), status_code=201)


async def retrieve(request: Request) -> Response:
    tag_id = path_id(request, "tag_id")

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        return serializers.tag(tags.get_tag(session, caller.user.id, tag_id))

    return JSON(await run(request, work))


async def delete(request: Request) -> Response:
    tag_id = path_id(request, "tag_id")

    def work(session: Session, caller: Caller) -> None:
        tags.delete_tag(session, caller.user.id, tag_id)

    await run(request, work, write=True)
    return no_content()
