"""Small thread-safe LRU caches for lists: exact counts, and the sorted ids of small
results (so paging through a search does not probe the index again).

Keys include each owner's ``users.data_version``, which every write to the owner's
bookmarks bumps, so a write makes the old entries unreachable; they age out of the LRU.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class LRUCache(Generic[V]):
    def __init__(self, max_entries: int) -> None:
        self.max_entries = max_entries
        self._entries: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            value = self._entries.get(key)
            if value is None:
                self.misses += 1
                return None
            self._entries.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: Hashable, value: V) -> None:
        if self.max_entries <= 0:
            return
        with self._lock:
            self._entries[key] = value
            self._entries.move_to_end(key)
            while len(self._entries) > self.max_entries:
                self._entries.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)


class CountCache(LRUCache[int]):
    """Exact counts of lists and searches."""

    def __init__(self, max_entries: int = 10_000) -> None:
        super().__init__(max_entries)


class OrderCache(LRUCache[tuple[int, ...]]):
    """The sorted ids of searches driven from a small candidate set (at most
    ``MAX_IDS`` each, so the whole cache stays within a few megabytes)."""

    MAX_IDS = 5_000

    def __init__(self, max_entries: int = 256) -> None:
        super().__init__(max_entries)
