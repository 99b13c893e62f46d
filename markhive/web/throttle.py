"""Login rate limiting: failed sign-ins counted per address and per username, in a
sliding window of failure times.

With Redis configured the times live there, so every process and machine sharing it
enforces one limit; without it (one machine on SQLite) they live in the process, and
several processes each enforce the limit on their own share of the attempts.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from typing import Any, Protocol

from markhive.settings import Settings

WINDOW = 15 * 60.0
PER_NAME = 5  # failures for one username from one address
PER_ADDRESS = 30  # failures from one address, whatever the username
MAX_KEYS = 100_000


class Throttle(Protocol):
    def retry_after(self, address: str, username: str) -> int:
        """Seconds until a sign-in from ``address`` as ``username`` may be tried again
        (0: now)."""
        ...

    def failed(self, address: str, username: str) -> None: ...

    def succeeded(self, address: str, username: str) -> None: ...

    def close(self) -> None: ...


class LoginThrottle:
    """The failure times in this process."""

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
        now = self._clock()
        waits = []
        with self._lock:
            for key, limit in _keys(address, username):
                times = self._recent(key, now)
                if len(times) >= limit:
                    waits.append(times[len(times) - limit] + WINDOW - now)
        return _seconds(waits)

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

    def close(self) -> None:
        pass


class RedisLoginThrottle:
    """The failure times in Redis: a sorted set per key (``markhive:login:...``, members
    scored by the Unix time of the failure), trimmed to its limit and expiring with the
    window."""

    def __init__(self, url: str, clock: Callable[[], float] = time.time) -> None:
        import redis

        self.client: Any = redis.Redis.from_url(url)
        self._clock = clock

    def retry_after(self, address: str, username: str) -> int:
        now = self._clock()
        pipe = self.client.pipeline(transaction=False)
        for key, limit in _keys(address, username):
            # The oldest of the last ``limit`` failures in the window: while it is in
            # the window, the limit holds.
            pipe.zrevrangebyscore(
                _name(key), "+inf", now - WINDOW, start=limit - 1, num=1, withscores=True
            )
        waits = [found[0][1] + WINDOW - now for found in pipe.execute() if found]
        return _seconds(waits)

    def failed(self, address: str, username: str) -> None:
        now = self._clock()
        pipe = self.client.pipeline(transaction=True)
        for key, limit in _keys(address, username):
            name = _name(key)
            pipe.zadd(name, {uuid.uuid4().hex: now})
            pipe.zremrangebyrank(name, 0, -limit - 1)  # keep the newest ``limit``
            pipe.expire(name, int(WINDOW) + 1)
        pipe.execute()

    def succeeded(self, address: str, username: str) -> None:
        self.client.delete(_name(_keys(address, username)[0][0]))

    def close(self) -> None:
        self.client.close()


def make_throttle(settings: Settings) -> Throttle:
    """Redis when configured, else this process."""
    if settings.redis_url:
        return RedisLoginThrottle(settings.redis_url)
    return LoginThrottle()


def _name(key: str) -> str:
    return f"markhive:login:{key}"


def _seconds(waits: list[float]) -> int:
    return max(1, int(max(waits)) + 1) if waits else 0


def _keys(address: str, username: str) -> list[tuple[str, int]]:
    return [(f"n:{address}:{username.casefold()}", PER_NAME), (f"a:{address}", PER_ADDRESS)]
