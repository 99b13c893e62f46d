"""Page metadata for a URL: from the shared cache when fresh, otherwise fetched.

No database transaction is open while the page is fetched: the cache is read in
one short unit of work and the result written in another.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.exc import SQLAlchemyError

from markhive.bookmarks.urls import url_key
from markhive.db.base import utcnow
from markhive.db.session import Database
from markhive.fetch import guard, repository
from markhive.fetch.client import FetchResult, fetch_page
from markhive.fetch.models import PageMetadata
from markhive.fetch.parse import parse_html
from markhive.settings import Settings

log = logging.getLogger(__name__)

# A page that could not be fetched is not asked for again for this long.
FAILURE_CACHE_SECONDS = 300

Fetcher = Callable[[str, Settings], FetchResult]


@dataclass(frozen=True)
class PageMeta:
    """What the check endpoint reports; every field but ``url`` is None when unknown."""

    url: str
    title: str | None = None
    description: str | None = None
    preview_image: str | None = None
    icon: str | None = None  # the page's <link rel="icon">, for the favicon


@dataclass(frozen=True)
class Lookup:
    """A lookup's result with how it was obtained."""

    meta: PageMeta
    ok: bool  # the page was read (even if it had no metadata)
    transient: bool  # a failure that may go away if tried again
    cached: bool


class MetadataService:
    def __init__(
        self, settings: Settings, database: Database, fetcher: Fetcher = fetch_page
    ) -> None:
        self._settings = settings
        self._database = database
        self._fetch = fetcher

    def get(self, url: str) -> PageMeta:
        """Metadata of ``url`` (cached), all None when the page cannot be fetched."""
        return self.lookup(url).meta

    def lookup(self, url: str, *, retry_failures: bool = False) -> Lookup:
        """Like :meth:`get`; ``retry_failures`` fetches again over a cached failure."""
        try:
            guard.check_scheme(url)
        except guard.FetchRefused:
            return Lookup(PageMeta(url), ok=False, transient=False, cached=False)
        key = url_key(url)
        now = utcnow()
        with self._database.unit(write=False) as session:
            row = repository.get(session, key)
            cached = self._fresh(url, row, now, retry_failures)
        if cached is not None:
            return cached
        result = self._fetch(url, self._settings)
        lookup = self._from_result(url, result)
        self._store(key, url, lookup, utcnow())
        return lookup

    def purge_stale(self) -> int:
        """Drop cache entries too old to be used; returns how many went."""
        keep = max(self._settings.metadata_cache_seconds, FAILURE_CACHE_SECONDS)
        with self._database.unit() as session:
            return repository.purge_older_than(session, utcnow() - timedelta(seconds=keep))

    def _fresh(
        self, url: str, row: PageMetadata | None, now: datetime, retry_failures: bool
    ) -> Lookup | None:
        if row is None or (retry_failures and not row.ok):
            return None
        seconds = self._settings.metadata_cache_seconds
        if not row.ok:
            seconds = min(seconds, FAILURE_CACHE_SECONDS)
        if row.fetched_at < now - timedelta(seconds=seconds):
            return None
        meta = PageMeta(url, row.title, row.description, row.preview_image, row.icon)
        return Lookup(meta, ok=row.ok, transient=False, cached=True)

    def _from_result(self, url: str, result: FetchResult) -> Lookup:
        # A page that is not HTML was still read: it simply has no metadata.
        ok = result.error in (None, "not_html")
        meta = PageMeta(url)
        if result.html is not None:
            page = parse_html(result.html, result.url)
            meta = PageMeta(url, page.title, page.description, page.preview_image, page.icon)
        return Lookup(meta, ok=ok, transient=result.transient, cached=False)

    def _store(self, key: str, url: str, lookup: Lookup, now: datetime) -> None:
        meta = lookup.meta
        try:
            with self._database.unit() as session:
                repository.upsert(
                    session,
                    url_key=key,
                    url=url,
                    ok=lookup.ok,
                    title=meta.title,
                    description=meta.description,
                    preview_image=meta.preview_image,
                    icon=meta.icon,
                    fetched_at=now,
                )
        except SQLAlchemyError:
            # The metadata is still good for this caller; the cache is only a cache.
            log.warning("could not cache metadata of %s", url, exc_info=True)
