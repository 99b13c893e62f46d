"""Turning linkding's list query parameters into a ListQuery."""

from __future__ import annotations

import re

from sqlalchemy.orm import Session
from starlette.requests import Request

from markhive.api.common import parse_datetime
from markhive.api.linkding.pagination import Page
from markhive.bookmarks.listing import BundleFilter, ListQuery
from markhive.bundles import repository as bundle_rows
from markhive.errors import Invalid
from markhive.users.identity import UserInfo
from markhive.users.profile import effective

SORTS = ("added_desc", "added_asc", "modified_desc", "modified_asc", "title_asc", "title_desc")
YES_NO = {"yes": True, "no": False}


def list_query(
    session: Session,
    request: Request,
    user: UserInfo | None,
    owner_ids: list[int],
    archived: bool | None,
    page: Page,
) -> ListQuery:
    params = request.query_params
    profile = effective(user.profile if user else None)
    sort = params.get("sort", "added_desc")
    added = params.get("added_since")
    modified = params.get("modified_since")
    return ListQuery(
        owner_ids=owner_ids,
        archived=archived,
        search=params.get("q", ""),
        lax_tags=profile["tag_search"] == "lax",
        unread=YES_NO.get(params.get("unread", "")),
        shared=YES_NO.get(params.get("shared", "")),
        added_since=parse_datetime(added) if added else None,
        modified_since=parse_datetime(modified) if modified else None,
        bundle=_bundle(session, user, params.get("bundle")),
        sort=sort if sort in SORTS else "added_desc",
        limit=page.limit,
        offset=page.offset,
    )


def _bundle(session: Session, user: UserInfo | None, raw: str | None) -> BundleFilter | None:
    if raw is None or raw == "":
        return None
    if not re.fullmatch(r"\s*[-+]?[0-9]{1,30}\s*", raw):
        raise Invalid.one("bundle", "A valid integer is required.")
    bundle_id = int(raw)
    if user is None or not 0 < bundle_id <= 2**31 - 1:
        return None
    bundle = bundle_rows.get(session, user.id, bundle_id)
    if bundle is None:
        return None
    return BundleFilter.of(bundle)
