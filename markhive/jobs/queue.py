"""The job queue (huey) and the consumer that runs its tasks.

One :class:`huey.Huey` per process, built from the settings by :func:`make_huey`:
SQLite in the data directory by default, Redis when ``redis_url`` is set. Tasks are
registered on it by :class:`markhive.jobs.tasks.Jobs`. The consumer runs either inside
``markhive serve`` (:class:`BackgroundConsumer`, threads) or in the foreground of
``markhive worker`` (:func:`run_consumer`).
"""

from __future__ import annotations

import logging
import threading
import time

from huey import Huey, RedisHuey, SqliteHuey
from huey.consumer import Consumer, ConsumerStopped

from markhive.settings import Settings

log = logging.getLogger(__name__)

QUEUE_NAME = "markhive"
# An idle worker polls SQLite at most this far apart: a new job waits no longer.
MAX_POLL_SECONDS = 2.0


def make_huey(settings: Settings) -> Huey:
    """The queue for ``settings``: ``RedisHuey`` if Redis is configured, else ``SqliteHuey``
    in ``DATA_DIR/jobs.db``. Task results are not stored: jobs write to the database."""
    if settings.redis_url:
        return RedisHuey(QUEUE_NAME, url=settings.redis_url, results=False)
    settings.ensure_data_dir()
    path = settings.data_dir / "jobs.db"
    return SqliteHuey(QUEUE_NAME, filename=str(path), results=False, timeout=30)


class _QuietConsumer(Consumer):
    """A consumer that leaves the process's signal handlers to its host (uvicorn)."""

    def _set_signal_handlers(self) -> None:
        pass


def _consumer(huey: Huey, workers: int, embedded: bool) -> Consumer:
    cls = _QuietConsumer if embedded else Consumer
    return cls(
        huey,
        workers=workers,
        worker_type="thread",
        periodic=True,
        initial_delay=0.05,
        backoff=1.5,
        max_delay=MAX_POLL_SECONDS,
        scheduler_interval=1,
    )


class BackgroundConsumer:
    """Runs the consumer on background threads of the current process.

    ``start()`` returns at once; ``stop()`` lets running tasks finish (up to
    ``shutdown_timeout`` seconds) and returns when the consumer has stopped.
    """

    def __init__(self, huey: Huey, *, workers: int = 1, shutdown_timeout: float = 10.0) -> None:
        self._consumer = _consumer(huey, workers, embedded=True)
        self._consumer.shutdown_timeout = shutdown_timeout
        self._thread: threading.Thread | None = None

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError("the consumer was already started")
        self._consumer.start()  # its worker and scheduler threads
        self._thread = threading.Thread(target=self._supervise, name="markhive-jobs", daemon=True)
        self._thread.start()

    def _supervise(self) -> None:
        # The consumer's own main loop: restarts dead workers until stop() is called.
        checked = time.monotonic()
        while True:
            try:
                checked = self._consumer.loop(checked)
            except ConsumerStopped:
                break
        self._consumer.huey.notify_interrupted_tasks()

    def stop(self) -> None:
        if self._thread is None:
            return
        self._consumer.stop(graceful=True)
        self._thread.join(timeout=(self._consumer.shutdown_timeout or 10.0) + 5.0)
        self._thread = None


def run_consumer(huey: Huey, *, workers: int = 1) -> None:
    """Run the consumer in the foreground until SIGINT/SIGTERM (``markhive worker``)."""
    log.info("job consumer started with %d worker thread(s)", workers)
    _consumer(huey, workers, embedded=False).run()
