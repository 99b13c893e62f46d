"""Background tasks, registered on a huey instance built from the settings.

``Jobs(settings, database, huey)`` registers every task on ``huey``; the server and the
worker build the same one, so a task enqueued by one is found by the other.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from huey import Huey, crontab

from markhive.bookmarks.enrich import apply_page_images, apply_page_metadata
from markhive.bookmarks.models import Bookmark
from markhive.db.session import Database
from markhive.fetch.client import fetch_image
from markhive.fetch.media import MediaStorage
from markhive.fetch.service import MetadataService
from markhive.settings import Settings
from markhive.users.models import User
from markhive.users.profile import effective

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
        self.media = MediaStorage(settings.media_dir)
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
        """The task body; True when the bookmark changed. Safe to run more than once.

        Fills an empty title and description from the page, and fetches the favicon (when
        the owner's profile enables favicons) and the preview image (``og:image``)."""
        with self.database.unit(write=False) as session:
            bookmark = session.get(Bookmark, bookmark_id)
            if bookmark is None:
                return False
            owner = session.get(User, bookmark.user_id)
            url = bookmark.url
            needs_text = not (bookmark.title.strip() and bookmark.description.strip())
            needs_icon = not bookmark.favicon_file and bool(
                owner and effective(owner.profile)["enable_favicons"]
            )
            needs_preview = not bookmark.preview_image_file
        if not (needs_text or needs_icon or needs_preview):
            return False
        lookup = self.metadata.lookup(url, retry_failures=True)
        if not lookup.ok:
            retries_left = getattr(task, "retries", 0)
            if lookup.transient and retries_left:
                raise TransientFetchError(f"fetching {url} failed; {retries_left} retries left")
            log.info("no metadata for bookmark %s (%s)", bookmark_id, url)
            return False
        meta = lookup.meta
        icon = self._image(meta.icon or _default_icon(url)) if needs_icon else None
        preview = self._image(meta.preview_image) if needs_preview else None
        with self.database.unit() as session:
            changed = needs_text and apply_page_metadata(
                session, bookmark_id, meta.title, meta.description
            )
            return apply_page_images(session, bookmark_id, icon, preview) or changed

    def _image(self, url: str | None) -> str | None:
        """Fetch and keep an image; its media file name, or None."""
        if not url:
            return None
        result = fetch_image(url, self.settings)
        if result.content is None or result.extension is None:
            log.info("no image at %s (%s)", url, result.error)
            return None
        return self.media.save(result.content, result.extension)

    def purge_page_metadata(self) -> int:
        """Drop cached page metadata nobody can use any more."""
        return self.metadata.purge_stale()


def _default_icon(page_url: str) -> str:
    """``/favicon.ico`` at the page's origin, where browsers look when a page names none."""
    parts = urlsplit(page_url)
    return urlunsplit((parts.scheme, parts.netloc, "/favicon.ico", "", ""))
