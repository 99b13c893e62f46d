from __future__ import annotations

import signal
import time
from pathlib import Path

from huey import RedisHuey, SqliteHuey

from markhive.jobs.queue import BackgroundConsumer, make_huey
from markhive.settings import Settings


def test_sqlite_queue_by_default(tmp_path: Path) -> None:
    huey = make_huey(Settings.from_env({}, data_dir=tmp_path / "data"))
    assert isinstance(huey, SqliteHuey)
    assert (tmp_path / "data" / "jobs.db").exists()


def test_redis_queue_when_configured(tmp_path: Path) -> None:
    settings = Settings.from_env({}, data_dir=tmp_path, redis_url="redis://127.0.0.1:1/3")
    huey = make_huey(settings)  # connects lazily
    assert isinstance(huey, RedisHuey)
    assert not (tmp_path / "jobs.db").exists()


def test_background_consumer_runs_tasks_and_leaves_signals_alone(tmp_path: Path) -> None:
    huey = make_huey(Settings.from_env({}, data_dir=tmp_path))
    done: list[int] = []

    @huey.task()
    def remember(n: int) -> None:
        done.append(n)

    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    consumer = BackgroundConsumer(huey, workers=2, shutdown_timeout=1)
    consumer.start()
    try:
        assert consumer.running
        assert {sig: signal.getsignal(sig) for sig in handlers} == handlers
        for n in range(5):
            remember(n)
        deadline = time.monotonic() + 3
        while len(done) < 5 and time.monotonic() < deadline:
            time.sleep(0.02)
        assert sorted(done) == [0, 1, 2, 3, 4]
    finally:
        consumer.stop()
    assert not consumer.running


def test_stop_right_after_start(tmp_path: Path) -> None:
    consumer = BackgroundConsumer(make_huey(Settings.from_env({}, data_dir=tmp_path)))
    started = time.monotonic()
    consumer.start()
    consumer.stop()
    assert not consumer.running
    assert time.monotonic() - started < 1.5
