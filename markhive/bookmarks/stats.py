"""An account's numbers: bookmarks, favourites, folders, tags, most used keywords.

Counting a large account's tag links takes a while (hundreds of milliseconds at a
million bookmarks), so the numbers are cached per user data version: every write to
the account bumps the version and so makes its entry stale."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session

from markhive.bookmarks import repository
from markhive.folders import repository as folder_rows
from markhive.search.count_cache import LRUCache
from markhive.tags import repository as tag_rows
from markhive.users import repository as users

TOP_KEYWORDS = 10


@dataclass(frozen=True)
class Stats:
    bookmark_count: int
    folder_count: int
    favorite_count: int
    tag_count: int
    top_keywords: tuple[tuple[str, int], ...]
    first_bookmark_at: datetime | None
    last_bookmark_at: datetime | None


class StatsCache(LRUCache[Stats]):
    def __init__(self, max_entries: int = 1_000) -> None:
        super().__init__(max_entries)


def account_stats(session: Session, user_id: int, cache: StatsCache) -> Stats:
    key = (user_id, users.data_version(session, user_id))
    stats = cache.get(key)
    if stats is None:
        count, favorites, first, last = repository.totals(session, user_id)
        stats = Stats(
            bookmark_count=count,
            folder_count=folder_rows.count(session, user_id),
            favorite_count=favorites,
            tag_count=tag_rows.count_in_use(session, user_id),
            top_keywords=tuple(tag_rows.most_used(session, user_id, TOP_KEYWORDS)),
            first_bookmark_at=first,
            last_bookmark_at=last,
        )
        cache.put(key, stats)
    return stats
