"""Background tasks, registered on a huey instance built from the settings.

``Jobs(settings, database, huey)`` registers every task on ``huey``; the server and the
worker build the same one, so a task enqueued by one is found by the other.
"""

from __future__ import annotations

import logging
from typing import Any

from huey import Huey, crontab

from markhive.bookmarks.enrich import apply_page_metadata
from markhive.bookmarks.models import Bookmark
from markhive.db.session import Database
from markhive.fetch.service import MetadataService
from markhive.settings import Settings

log = logging.getLogger(__name__)


class TransientFetchError(Exception):
    """The page could not be fetched this time; huey tries the task again later."""


class Jobs:
    """The tasks of one huey instance, and the functions that enqueue them."""

    def __init__(
        self,
        settings: Settings,
        database: Database,
        huey: Huey,
        *,
        metadata: MetadataService | None = None,
        retries: int = 2,
        retry_delay: float = 60.0,
    ) -> None:
        self.settings = settings
        self.database = database
        self.huey = huey
        self.metadata = metadata or MetadataService(settings, database)
        self._fill_metadata = huey.task(
            retries=retries, retry_delay=retry_delay, context=True, name="fill_metadata"
        )(self.fill_metadata)
        huey.periodic_task(crontab(minute="17", hour="3"), name="purge_page_metadata")(
            self.purge_page_metadata
        )

    def enqueue_fill_metadata(self, bookmark_id: int) -> None:
        """Fill the bookmark's empty title and description from its page, soon."""
        self._fill_metadata(bookmark_id)

    def fill_metadata(self, bookmark_id: int, task: Any = None) -> bool:
        """The task body; True when the bookmark changed. Safe to run more than once."""
        with self.database.unit(write=False) as session:
            bookmark = session.get(Bookmark, bookmark_id)
            if bookmark is None:
                return False
            url = bookmark.url
            complete = bool(bookmark.title.strip() and bookmark.description.strip())
        if complete:
            return False
        lookup = self.metadata.lookup(url, retry_failures=True)
        if not lookup.ok:
            retries_left = getattr(task, "retries", 0)
            if lookup.transient and retries_left:
                raise TransientFetchError(f"fetching {url} failed; {retries_left} retries left")
            log.info("no metadata for bookmark %s (%s)", bookmark_id, url)
            return False
        meta = lookup.meta
        with self.database.unit() as session:
            return apply_page_metadata(session, bookmark_id, meta.title, meta.description)

    def purge_page_metadata(self) -> int:
        """Drop cached page metadata nobody can use any more."""
        return self.metadata.purge_stale()
