"""Handlers of /api/v1/import/* and /api/v1/export/*: bookmark files in and out."""

from __future__ import annotations

import tempfile
from typing import Any, BinaryIO, cast

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from markhive.api.handler import admit_request, context
from markhive.api.linkagogo.wire import query_bool
from markhive.api.responses import JSON
from markhive.errors import Invalid
from markhive.importexport import export, service

SPOOL = 1 << 20  # uploads past 1 MiB go to a temporary file


async def import_html(request: Request) -> Response:
    return await _import(request, "html")


async def import_xbel(request: Request) -> Response:
    return await _import(request, "xbel")


async def export_html(request: Request) -> Response:
    return await _export(request, "html")


async def export_xbel(request: Request) -> Response:
    return await _export(request, "xbel")


async def _import(request: Request, fmt: str) -> Response:
    ctx = context(request)
    caller = await admit_request(request)  # before a byte of the body is read
    service.check_plan(caller.user.plan, "import")
    options = service.ImportOptions(
        map_private=bool(query_bool(request.query_params, "map_private"))
    )
    upload, close = await _upload(request)
    try:
        report = await run_in_threadpool(
            service.import_file, ctx.db, caller.user.id, upload, fmt, options
        )
    finally:
        await close()
    return JSON(report.as_dict())


async def _upload(request: Request) -> tuple[BinaryIO, Any]:
    """The file: the multipart field ``file``, or else the raw body, spooled to disk
    past 1 MiB. Returns it with an async function that releases it."""
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media == "multipart/form-data":
        form = await request.form(max_files=1, max_fields=20)
        upload = form.get("file")
        if not isinstance(upload, UploadFile):
            await form.close()
            raise Invalid.one("file", "field required: send the bookmark file as 'file'")
        return cast(BinaryIO, upload.file), form.close
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL)  # noqa: SIM115 (closed below)
    try:
        async for chunk in request.stream():
            spool.write(chunk)
    except BaseException:
        spool.close()
        raise
    spool.seek(0)

    async def close() -> None:
        spool.close()

    return cast(BinaryIO, spool), close


async def _export(request: Request, fmt: str) -> Response:
    ctx = context(request)
    caller = await admit_request(request)
    service.check_plan(caller.user.plan, f"export-{fmt}")
    file = export.download(ctx.db, caller.user.id, fmt)
    return StreamingResponse(
        file.pieces,
        media_type=file.media_type,
        headers={"Content-Disposition": f'attachment; filename="{file.name}"'},
    )
