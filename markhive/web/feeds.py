"""RSS 2.0 feeds at linkding's URLs: a user's bookmarks and unread bookmarks and the
shared bookmarks (by feed token), and the publicly shared bookmarks (no token).

Documents are built with ElementTree, which escapes every value; characters XML 1.0
cannot carry (control characters, lone surrogates) are dropped first."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from email.utils import format_datetime
from typing import Any

from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from markhive.bookmarks import listing
from markhive.bookmarks.listing import ListQuery
from markhive.bookmarks.sharing import shared_owners
from markhive.errors import NotFound
from markhive.users import service as users
from markhive.users.profile import effective
from markhive.web import views
from markhive.web.handler import Call, context, handle, int_param

DEFAULT_LIMIT = 100
MAX_LIMIT = 500
MEDIA_TYPE = "application/rss+xml; charset=utf-8"
ATOM = "http://www.w3.org/2005/Atom"
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")

ET.register_namespace("atom", ATOM)


def xml_text(value: str) -> str:
    """``value`` without the characters an XML 1.0 document cannot hold."""
    return _NOT_XML.sub("", value)


@dataclass(frozen=True)
class FeedParams:
    q: str
    limit: int

    @classmethod
    def read(cls, params: Any) -> FeedParams:
        limit = int_param(params.get("limit"), DEFAULT_LIMIT) or DEFAULT_LIMIT
        return cls(q=params.get("q", "")[:2000], limit=min(limit, MAX_LIMIT))


@dataclass(frozen=True)
class Channel:
    title: str
    description: str
    link: str  # the page the feed mirrors
    self_url: str  # the feed itself


def _add(parent: ET.Element, name: str, text: str, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, name, attributes)
    element.text = xml_text(text)
    return element


def _item(channel: ET.Element, base: str, b: views.BookmarkView) -> None:
    item = ET.SubElement(channel, "item")
    safe = b.safe_url
    _add(item, "title", b.display_title if safe else b.title or "Untitled bookmark")
    if safe:
        _add(item, "link", b.url)
    if b.description:
        _add(item, "description", b.description)
    if b.added is not None:
        _add(item, "pubDate", format_datetime(b.added, usegmt=True))
    _add(item, "guid", f"{base}bookmarks/{b.id}", isPermaLink="false")
    for name in b.tags:
        _add(item, "category", name)


def rss(channel: Channel, base: str, items: list[views.BookmarkView]) -> bytes:
    """The RSS 2.0 document of ``items``; ``base`` is the site's URL ending in a slash."""
    root = ET.Element("rss", {"version": "2.0"})
    head = ET.SubElement(root, "channel")
    _add(head, "title", channel.title)
    _add(head, "link", channel.link)
    _add(head, "description", channel.description)
    ET.SubElement(
        head,
        f"{{{ATOM}}}link",
        {"href": xml_text(channel.self_url), "rel": "self", "type": "application/rss+xml"},
    )
    dates = [b.added for b in items if b.added is not None]
    if dates:
        _add(head, "lastBuildDate", format_datetime(max(dates), usegmt=True))
    for b in items:
        _item(head, base, b)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def feed_response(request: Request, channel: Channel, items: list[views.BookmarkView]) -> Response:
    body = rss(channel, str(request.base_url), items)
    return Response(body, headers={"Content-Type": MEDIA_TYPE})


TITLES = {
    "all": ("All bookmarks", "bookmarks"),
    "unread": ("Unread bookmarks", "bookmarks?unread=yes"),
    "shared": ("Shared bookmarks", "bookmarks/shared"),
    "public": ("Public shared bookmarks", "bookmarks/shared"),
}


def _query(session: Session, kind: str, token: str) -> ListQuery:
    """Whose bookmarks the feed lists; NotFound for an unknown token."""
    if kind == "public":
        return ListQuery(shared_owners(session, anonymous=True), archived=None, shared=True)
    user = users.user_for_feed_token(session, token)
    if user is None:
        raise NotFound("Feed")
    if kind == "shared":
        return ListQuery(shared_owners(session, anonymous=False), archived=None, shared=True)
    lax = effective(user.profile)["tag_search"] == "lax"
    return ListQuery(
        [user.id], archived=False, lax_tags=lax, unread=True if kind == "unread" else None
    )


def _feed(kind: str) -> Any:
    async def endpoint(request: Request) -> Response:
        ctx = context(request)
        token = str(request.path_params.get("token", ""))
        params = FeedParams.read(request.query_params)

        def work(session: Session, call: Call) -> Response:
            query = _query(session, kind, token)
            query.search, query.limit = params.q, params.limit
            ids, _ = listing.list_ids(session, query, ctx.count_cache, ctx.order_cache)
            title, page = TITLES[kind]
            base = str(request.base_url)
            channel = Channel(title, title, base + page, str(request.url))
            return feed_response(request, channel, views.bookmarks(session, ids))

        return await handle(request, work, public=True, forms=False)

    return endpoint


ROUTES = [
    Route("/feeds/shared", _feed("public"), methods=["GET"]),
    Route("/feeds/public/shared", _feed("public"), methods=["GET"]),
    Route("/feeds/{token}/all", _feed("all"), methods=["GET"]),
    Route("/feeds/{token}/unread", _feed("unread"), methods=["GET"]),
    Route("/feeds/{token}/shared", _feed("shared"), methods=["GET"]),
]
