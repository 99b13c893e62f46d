"""The first pass of an import: the whole file is read and checked on a thread of its own
(``stage``), and its events kept in a temporary file in blocks (pickled), so the second
pass neither reads the file again nor holds it in memory. The second pass reads the blocks
back in batches as they come, while the first goes on; the import commits nothing until
the whole file has been read (``Staged.complete``), so a file that cannot be imported at
all leaves nothing behind."""

from __future__ import annotations

import dataclasses
import operator
import os
import pickle
import tempfile
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from typing import Any

from markhive.importexport.model import Entry, Event, Skip

BLOCK = 1000
# When the import waits for a block, the reading thread goes on until this many more are
# read: each handover of the interpreter's lock between the two threads can take up to its
# switch interval (5 ms), so the import waits fewer times.
BLOCKS_AHEAD = 4
# Entries are pickled as plain tuples: five times quicker than pickling the dataclass.
_ENTRY_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Entry)))


def _pack(event: Event) -> Any:
    return _ENTRY_FIELDS(event) if isinstance(event, Entry) else event


def _unpack(item: Any) -> Event:
    return Entry(*item) if isinstance(item, tuple) else item


class _Stopped(Exception):
    """The import ended before the file was read: the reading thread stops."""


class Staged:
    """The blocks of a file's events, added by the reading thread (``add``, then
    ``finish``) and read back by the import as they come."""

    def __init__(self) -> None:
        self._file = tempfile.TemporaryFile()  # noqa: SIM115 (closed by close())
        self.entries = 0  # bookmarks and skipped entries, in file order (all: once complete)
        self._blocks: list[tuple[int, int]] = []  # where each block is in the file, its size
        self._end = 0
        self._changed = threading.Condition()
        self._finished = False
        self._error: BaseException | None = None
        self._stop = False
        self._thread: threading.Thread | None = None
        # Set while the import's thread waits: the reading thread only reads then, so that
        # the two do not take turns at the interpreter's lock (see ``waiting``).
        self._turn = threading.Event()

    # -- on the reading thread

    def start(self, events: Iterable[Event], on_block: Callable[[], None] | None) -> None:
        self._thread = threading.Thread(
            target=self._read, args=(events, on_block), name="markhive-import-read", daemon=True
        )
        self._thread.start()

    def _in_turn(self, events: Iterable[Event]) -> Iterator[Event]:
        """The events, each read only once it is the reading thread's turn."""
        iterator = iter(events)
        while True:
            self._turn.wait()
            event = next(iterator, None)
            if event is None:
                return
            yield event

    def _read(self, events: Iterable[Event], on_block: Callable[[], None] | None) -> None:
        block: list[Event] = []
        error: BaseException | None = None
        try:
            for event in self._in_turn(events):
                block.append(event)
                if isinstance(event, Entry | Skip):
                    self.entries += 1
                if len(block) >= BLOCK:
                    self.add(block)
                    block = []
                    if on_block is not None:
                        on_block()
            if block:
                self.add(block)
            if on_block is not None:
                on_block()
        except _Stopped:
            pass
        except BaseException as exc:  # handed to the import's thread
            error = exc
        finally:
            close = getattr(events, "close", None)
            if close is not None:
                close()
            self.finish(error)

    def add(self, block: list[Event]) -> None:
        data = pickle.dumps([_pack(event) for event in block], protocol=pickle.HIGHEST_PROTOCOL)
        self._file.write(data)
        self._file.flush()  # the blocks are read back with os.pread, past the buffer
        with self._changed:
            if self._stop:
                raise _Stopped
            self._blocks.append((self._end, len(data)))
            self._end += len(data)
            self._changed.notify_all()

    def finish(self, error: BaseException | None = None) -> None:
        with self._changed:
            self._finished = True
            self._error = error
            self._changed.notify_all()

    # -- the import

    @property
    def finished(self) -> bool:
        """Whether the whole file has been read (perhaps to an error: see complete)."""
        return self._finished

    @contextmanager
    def waiting(self) -> Iterator[None]:
        """Around a wait of the import's thread (for its writer thread, say): the file is
        read meanwhile. Reading is Python work, as most of the import's own thread is;
        run at the same time, each would take turns at the interpreter's lock and slow
        the other, and the import's database work along with it."""
        self._turn.set()
        try:
            yield
        finally:
            self._turn.clear()

    def complete(self) -> None:
        """Wait until the whole file has been read; raise what the reader raised (a
        BookmarkFileError for a file that cannot be imported at all)."""
        with self.waiting(), self._changed:
            self._changed.wait_for(lambda: self._finished)
        if self._error is not None:
            raise self._error

    def _block(self, number: int) -> tuple[int, int] | None:
        """Where block ``number`` is, once it is there; None when the file has fewer.
        Raises the reader's error once the blocks read before it are used up."""
        with self._changed:
            if number < len(self._blocks):
                return self._blocks[number]
        ahead = number + BLOCKS_AHEAD
        with self.waiting(), self._changed:
            self._changed.wait_for(lambda: ahead < len(self._blocks) or self._finished)
            if number < len(self._blocks):
                return self._blocks[number]
        self.complete()
        return None

    def blocks(self, first: int = 0) -> Iterator[list[Event]]:
        """The blocks in file order, from the ``first`` (0-based), as they come."""
        number = first
        while (found := self._block(number)) is not None:
            start, size = found
            packed = pickle.loads(os.pread(self._file.fileno(), size, start))
            yield [_unpack(item) for item in packed]
            number += 1

    def batches(self, first: int, size: int) -> Iterator[tuple[int | None, int, list[Event]]]:
        """The blocks from the ``first`` on, grouped into batches of at least ``size``
        entries (whole blocks): (the block after the batch, None after the last; the
        batch's entries; its events)."""
        batch: list[Event] = []
        entries = 0
        for number, block in enumerate(self.blocks(first), first):
            batch.extend(block)
            entries += sum(isinstance(event, Entry | Skip) for event in block)
            last = self._block(number + 1) is None
            if entries >= size or last:
                yield (None if last else number + 1), entries, batch
                batch, entries = [], 0

    def close(self) -> None:
        """Stop the reading thread, if it is still at work, and drop the blocks."""
        with self._changed:
            self._stop = True
        self._turn.set()
        if self._thread is not None:
            self._thread.join()
        self._file.close()


def stage(events: Iterable[Event], on_block: Callable[[], None] | None = None) -> Staged:
    """Start reading every event of the file, to its end, on a thread of its own; the
    blocks can be read as they come (Staged.batches). ``on_block`` is called on that
    thread after each block, the last one too. Whatever the reader raises is raised to
    the import by Staged.complete, and by Staged.blocks once it has given the blocks
    before it."""
    staged = Staged()
    staged.start(events, on_block)
    return staged
