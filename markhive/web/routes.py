"""The web front door's route table."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles

from markhive.web import (
    account,
    admin,
    auth,
    bookmarks,
    bulk,
    edit,
    insights,
    manage,
    media,
    public,
)
from markhive.web.templates import STATIC

ROUTES: list[BaseRoute] = [
    *auth.ROUTES,
    *bulk.ROUTES,  # before /bookmarks/{id}/... and the lists
    *edit.ROUTES,
    *bookmarks.ROUTES,
    *manage.ROUTES,
    *account.ROUTES,
    *admin.ROUTES,
    *insights.ROUTES,
    *public.ROUTES,
    *media.ROUTES,
    Mount("/static", StaticFiles(directory=STATIC), name="static"),
]
