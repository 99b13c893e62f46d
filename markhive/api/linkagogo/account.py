"""Handlers of /api/v1/auth/me and /api/v1/account/*."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from markhive.api.auth import Caller
from markhive.api.common import format_datetime
from markhive.api.handler import context, run
from markhive.api.linkagogo import serializers
from markhive.api.responses import JSON
from markhive.bookmarks import bulk
from markhive.bookmarks.stats import account_stats
from markhive.users import repository as users


async def me(request: Request) -> Response:
    settings = context(request).settings

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        user = users.get(session, caller.user.id)
        assert user is not None and caller.quota is not None
        quota = caller.quota
        return {
            "id": user.id,
            "username": user.username,
            "email": user.email,
            "plan": user.plan,
            "created_at": format_datetime(user.created_at),
            "api_keys": {
                "count": len(users.active_keys(session, user.id)),
                "max": settings.plan_key_limit(user.plan),
            },
            "rate_limit": {
                "limit": quota.limit,
                "remaining": quota.remaining,
                "reset": quota.reset,
            },
        }

    return JSON(await run(request, work))


async def stats(request: Request) -> Response:
    ctx = context(request)

    def work(session: Session, caller: Caller) -> dict[str, Any]:
        return serializers.stats(account_stats(session, caller.user.id, ctx.stats_cache))

    return JSON(await run(request, work))


async def reminders(request: Request) -> Response:
    def work(session: Session, caller: Caller) -> dict[str, Any]:
        ids = bulk.due_reminders(session, caller.user.id)
        return {"bookmarks": serializers.bookmarks(session, ids)}

    return JSON(await run(request, work))
