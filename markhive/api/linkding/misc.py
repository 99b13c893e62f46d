"""The API root, the user profile and the health check."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response

from markhive import LINKDING_API_VERSION, __version__
from markhive.api.auth import Caller
from markhive.api.handler import context, run
from markhive.api.responses import JSON
from markhive.users.profile import effective


async def root(request: Request) -> Response:
    await run(request, lambda session, caller: None)
    return JSON({})


async def profile(request: Request) -> Response:
    def work(session: Session, caller: Caller) -> dict[str, Any]:
        values = effective(caller.user.profile)
        values["version"] = LINKDING_API_VERSION
        values["markhive_version"] = __version__
        return values

    return JSON(await run(request, work))


async def health(request: Request) -> Response:
    ctx = context(request)

    def probe() -> bool:
        try:
            with ctx.db.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
            return True
        except Exception:
            return False

    healthy = await run_in_threadpool(probe)
    body = {"version": LINKDING_API_VERSION, "status": "healthy" if healthy else "unhealthy"}
    return JSON(body, status_code=200 if healthy else 500)
