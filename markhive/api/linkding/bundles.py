"""Handlers of /api/bundles/."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.handler import path_id, run
from markhive.api.linkding import serializers
from markhive.api.linkding.handler import run_list
from markhive.api.linkding.wire import Body, Fields, read_body
from markhive.api.responses import JSON, no_content
from markhive.bundles import repository
from markhive.bundles import service as bundles
from markhive.bundles.service import LIMITS


def bundle_values(body: Body, *, require_name: bool) -> dict[str, Any]:
    fields = Fields(body)
    if require_name:
        fields.require("name")
    for name, limit in LIMITS.items():
        fields.string(name, max_length=limit)
    fields.string("filter_unread")
    fields.string("filter_shared")
    fields.integer("order")
    return fields.done()


async def list_bundles(request: Request) -> Response:
    return await run_list(
        request,
        lambda session, caller, page: repository.page(
            session, caller.user.id, page.limit, page.offset
        ),
        serializers.bundle,
    )


async def create(request: Request) -> Response:
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        values = bundle_values(body, require_name=True)
        return serializers.bundle(bundles.create(session, caller.user.id, values))

    return JSON(await run(request, work, write=True), status_code=201)


async def retrieve(request: Request) -> Response:
    bundle_id = path_id(request, "bundle_id")

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        return serializers.bundle(bundles.get(session, caller.user.id, bundle_id))

    return JSON(await run(request, work))


async def update(request: Request) -> Response:
    bundle_id = path_id(request, "bundle_id")
    body = await read_body(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        bundles.get(session, caller.user.id, bundle_id)  # 404 before any 400
        values = bundle_values(body, require_name=request.method == "PUT")
        return serializers.bundle(bundles.update(session, caller.user.id, bundle_id, values))

    return JSON(await run(request, work, write=True))


async def delete(request: Request) -> Response:
    bundle_id = path_id(request, "bundle_id")

    def work(session: Session, caller: Caller) -> None:
        bundles.delete(session, caller.user.id, bundle_id)

    await run(request, work, write=True)
    return no_content()
