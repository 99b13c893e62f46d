"""Login rate limiting: failed sign-ins counted per address and per username.

Counts live in the process (a sliding window of failure times), so with several server
processes each enforces the limit on its own share of the attempts.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable

WINDOW = 15 * 60.0
PER_NAME = 5  # failures for one username from one address
PER_ADDRESS = 30  # failures from one address, whatever the username
MAX_KEYS = 100_000


class LoginThrottle:
    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.get(key)
        if times is None:
            return deque()
        while times and times[0] <= now - WINDOW:
            times.popleft()
        if not times:
            del self._failures[key]
        return times

    def retry_after(self, address: str, username: str) -> int:
        """Seconds until a sign-in from ``address`` as ``username`` may be tried again
        (0: now)."""
        now = self._clock()
        waits = []
        with self._lock:
            for key, limit in _keys(address, username):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + WINDOW - now)
        return max(1, int(max(waits)) + 1) if waits else 0

    def failed(self, address: str, username: str) -> None:
        now = self._clock()
        with self._lock:
            if len(self._failures) >= MAX_KEYS:
                for key in list(self._failures)[: MAX_KEYS // 10]:
                    del self._failures[key]
            for key, limit in _keys(address, username):
                times = self._failures.setdefault(key, deque())
                times.append(now)
                while len(times) > limit:
                    times.popleft()

    def succeeded(self, address: str, username: str) -> None:
        with self._lock:
            self._failures.pop(_keys(address, username)[0][0], None)


def _keys(address: str, username: str) -> list[tuple[str, int]]:
    return [(f"n:{address}:{username.casefold()}", PER_NAME), (f"a:{address}", PER_ADDRESS)]
