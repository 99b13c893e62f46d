"""The first pass of an import: the file's events are read on a thread of their own, and
the import takes the blocks as they come, gets the reader's error after the blocks read
before it, and stops the thread when it ends early."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from markhive.importexport import staging
from markhive.importexport.model import BookmarkFileError, Entry, Event


def _entries(count: int, start: int = 0) -> Iterator[Event]:
    for index in range(start, start + count):
        yield Entry(index=index, url=f"https://example.com/{index}", tags=[f"t{index}"])


def _urls(blocks: Iterator[list[Event]]) -> list[str]:
    return [event.url for block in blocks for event in block if isinstance(event, Entry)]


@pytest.fixture
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(staging, "BLOCK", 10)
    monkeypatch.setattr(staging, "BLOCKS_AHEAD", 0)


def test_blocks_come_while_the_file_is_still_being_read(small_blocks: None) -> None:
    release = threading.Event()

    def paused() -> Iterator[Event]:
        yield from _entries(25)
        assert release.wait(10)  # the rest of the file once the test has seen the blocks
        yield from _entries(15, start=25)

    staged = staging.stage(paused())
    try:
        blocks = staged.blocks()
        first = next(blocks)
        second = next(blocks)
        assert not staged.finished
        assert _urls(iter([first, second])) == [f"https://example.com/{i}" for i in range(20)]
        release.set()
        rest = _urls(blocks)
        staged.complete()
        assert staged.finished and staged.entries == 40
        assert rest == [f"https://example.com/{i}" for i in range(20, 40)]
        # read again from any block, as a retried transaction does
        assert _urls(staged.blocks(3)) == [f"https://example.com/{i}" for i in range(30, 40)]
        batches = list(staged.batches(0, 15))
        assert [(following, entries) for following, entries, _ in batches] == [
            (2, 20),
            (None, 20),
        ]
    finally:
        release.set()
        staged.close()


def test_the_readers_error_comes_after_the_blocks_read_before_it(small_blocks: None) -> None:
    def broken() -> Iterator[Event]:
        yield from _entries(23)
        raise BookmarkFileError("folders are nested too deep")

    staged = staging.stage(broken())
    try:
        taken: list[str] = []
        with pytest.raises(BookmarkFileError, match="nested too deep"):
            for block in staged.blocks():
                taken.extend(_urls(iter([block])))
        assert taken == [f"https://example.com/{i}" for i in range(20)]
        with pytest.raises(BookmarkFileError, match="nested too deep"):
            staged.complete()
    finally:
        staged.close()


def test_closing_stops_the_reading_thread_and_closes_the_reader(small_blocks: None) -> None:
    closed = threading.Event()

    def endless() -> Iterator[Event]:
        try:
            index = 0
            while True:
                yield from _entries(1, start=index)
                index += 1
        finally:
            closed.set()

    staged = staging.stage(endless())
    assert len(next(staged.blocks())) == 10
    staged.close()
    assert closed.is_set()
    assert not any(t.name == "markhive-import-read" for t in threading.enumerate())
