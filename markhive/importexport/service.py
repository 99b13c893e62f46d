"""Importing a bookmark file into a user's account.

The file is read to its end on a thread of its own (:mod:`staging`) while its entries
are applied in batches (merged and written a few statements at a time), several batches
to a transaction. Nothing is committed until the whole file has been read: a file that
cannot be imported at all is refused with nothing written. A crash leaves every
transaction either in or out, and running the import again finishes the job, because an
import changes nothing that is already as the file says.

Rules (the contract's, plus what it leaves open):
- folders are matched by path, case-insensitively, and made where missing (empty ones
  too); a name with ``/`` keeps it as U+2215, a blank name becomes ``Untitled``;
- a bookmark is matched by its normalised URL. The first time an import meets a URL,
  non-empty title, description, notes, reminder and rating overwrite, a folder other
  than the root moves it there, and unread, shared, archived and favourite are set
  when the file sets them; tags are added; nothing is removed or cleared. The earlier of
  the two dates added is kept, and the larger visit count and the later last visit.
  When the same URL comes again in the same file, it only fills what is still empty
  (and adds tags), so a file with duplicates imports the same way every time;
- ``PRIVATE="0"`` marks a bookmark shared only with ``map_private``;
- ``javascript:``, ``place:``, relative URLs, other schemes and invalid URLs are skipped
  and reported with their 0-based index in the file.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor, wait
from contextlib import AbstractContextManager, nullcontext
from typing import BinaryIO

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from markhive.db.session import Database
from markhive.errors import Forbidden, Invalid
from markhive.importexport import charset, netscape, repository, xbel
from markhive.importexport.batch import Batch, ImportState, Prepared, check_entries
from markhive.importexport.model import BookmarkFileError, Event
from markhive.importexport.report import ImportOptions as ImportOptions
from markhive.importexport.report import ImportReport
from markhive.importexport.staging import Staged, stage

FORMATS = ("html", "xbel")
# Entries merged and written together, and entries per transaction. Two batches are held
# at once (one applied, the next prepared): at 100,000 entries batches of 2,500 peak at
# 215 MB, of 5,000 at 245 MB, in the same time. Fewer commits write the indexes' pages to
# the WAL fewer times (at 100,000 entries, 1.3 s of commits in transactions of 25,000
# against 2.9 s in ones of 5,000), but an import holds SQLite's only write lock for a
# whole transaction, and every other write waits: 10,000 keeps that wait to about 2 s.
BATCH = 2500
TRANSACTION = 10_000
# The file is read on a thread of its own, while the import's thread waits for its writer
# thread (staging.Staged.waiting), and nothing is committed before it has been read to
# its end: a file that cannot be imported at all leaves nothing behind. So on SQLite the
# first transaction goes on while the file is read and bookmarks are made (see
# _Importer._ends). At 100,000 new bookmarks (41 MB) the file is read after some 60,000,
# about 7 s of SQLite's write lock held once, and the import takes 11.3-13.1 s instead of
# 13.0-14.8 s (back to back). Ending the first transaction at 30,000 and waiting there
# for the rest of the file gained nothing. Files larger than OVERLAP_BYTES (about three
# seconds of reading alone) are read whole before any transaction, which bounds that
# first transaction (about 10 s at 64 MiB).
OVERLAP_BYTES = 64 << 20
ATTEMPTS = 3
# The plans that may import, and export XBEL (contract: free may do neither).
NO_IMPORT_ON_FREE = "The free plan does not include importing bookmark files."
NO_XBEL_ON_FREE = "The free plan does not include XBEL export."

# progress(phase, done, total): phase "read" counts bytes, "import" counts entries.
Progress = Callable[[str, int, int], None]


def check_plan(plan: str, action: str) -> None:
    """Forbidden unless the plan allows ``action``: "import", "export-xbel" or
    "export-html" (every plan may export its bookmarks as a Netscape file)."""
    if plan != "free" or action == "export-html":
        return
    raise Forbidden(NO_IMPORT_ON_FREE if action == "import" else NO_XBEL_ON_FREE)


def detect_format(stream: BinaryIO) -> str:
    """ "xbel" for an XML document, "html" for anything else (the Netscape reader then
    decides whether it is a bookmark file)."""
    start = stream.tell()
    head = stream.read(1024)
    stream.seek(start)
    for bom, _ in charset.BOMS:
        head = head.removeprefix(bom)
    text = head.replace(b"\x00", b"").lstrip().lower()
    if b"netscape-bookmark-file" in text:
        return "html"
    if text.startswith(b"<?xml") or b"<xbel" in text or b"<!doctype xbel" in text:
        return "xbel"
    return "html"


def read_events(stream: BinaryIO, fmt: str) -> Iterator[Event]:
    if fmt == "xbel":
        return xbel.read(stream)
    return netscape.read(stream)


def import_file(
    db: Database,
    user_id: int,
    stream: BinaryIO,
    fmt: str = "auto",
    options: ImportOptions | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import a bookmark file (``fmt``: "html", "xbel" or "auto") from a seekable binary
    stream. Raises Invalid (field ``file``) for a file that cannot be imported at all,
    with nothing written. ``progress`` may be called on the thread that reads the file
    (phase "read") as well as on this one."""
    if fmt not in (*FORMATS, "auto"):
        raise Invalid.one("format", f"Unknown format {fmt!r}; use html, xbel or auto.")
    detected = detect_format(stream)
    if fmt == "auto":
        fmt = detected
    elif fmt == "html" and detected == "xbel":
        raise Invalid.one("file", "this is an XML document, not a Netscape bookmark file")
    staged, size = _stage(stream, fmt, progress)
    try:
        if size > OVERLAP_BYTES:
            staged.complete()  # read whole before any transaction
        return _Importer(db, user_id, options or ImportOptions(), progress).run(staged)
    except BookmarkFileError as exc:
        raise Invalid.one("file", str(exc)) from None
    finally:
        staged.close()


def _stage(stream: BinaryIO, fmt: str, progress: Progress | None) -> tuple[Staged, int]:
    """The file being read (staging.stage), and its size in bytes."""
    start = stream.tell()
    size = stream.seek(0, 2) - start
    stream.seek(start)

    def on_block() -> None:  # on the reading thread
        if progress is not None:
            progress("read", stream.tell() - start, size)

    return stage(read_events(stream, fmt), on_block), size


# A batch ready to apply: (the staged block after it, None after the last; its entries;
# its events, prepared).
_Ready = tuple[int | None, int, Prepared]


class _Importer:
    def __init__(
        self, db: Database, user_id: int, options: ImportOptions, progress: Progress | None
    ) -> None:
        self.db = db
        self.progress = progress
        self.report = ImportReport()
        self.state = ImportState(user_id, options)
        self.done = 0  # entries committed
        self.reported = -1  # entries last told to progress (never backwards on a retry)
        self.staged: Staged | None = None
        self.shape = repository.new_bookmarks(db.engine.dialect)
        # The next transaction's first batch, prepared: (its first staged block, it).
        self.ahead: tuple[int, _Ready] | None = None
        # Finishes each batch's writes (repository.insert_new) while the next batch is prepared.
        self.writer = ThreadPoolExecutor(1, thread_name_prefix="markhive-import")
        self.checkpointer = ThreadPoolExecutor(1, thread_name_prefix="markhive-checkpoint")

    def run(self, staged: Staged) -> ImportReport:
        self.staged = staged
        first: int | None = 0
        # The import turns SQLite's automatic checkpoints off (repository.IMPORT_SETTINGS)
        # and checkpoints on a thread of its own after each commit instead, unless the last
        # one is still at work: the copying then overlaps the next transaction, and the
        # last checkpoint only has the last transactions' pages left to copy (100,000
        # bookmarks: 1.7 s quicker than one checkpoint at the end).
        checkpointing: Future[None] | None = None
        try:
            while first is not None:
                first = self._transaction(staged, first)
                if first is None:
                    if checkpointing is not None:
                        checkpointing.result()
                    repository.checkpoint(self.db)
                elif checkpointing is None or checkpointing.done():
                    if checkpointing is not None:
                        checkpointing.result()  # its error, if any
                    checkpointing = self.checkpointer.submit(repository.checkpoint, self.db)
        finally:
            self.writer.shutdown()
            self.checkpointer.shutdown()
        self._progress(staged.entries)
        return self.report

    def _transaction(self, staged: Staged, first: int) -> int | None:
        """Apply the staged blocks from the ``first`` on in one transaction, batch by
        batch, until it holds TRANSACTION entries; the block the next transaction starts
        at (None: all done). Retried when a concurrent writer made the same bookmark, tag
        or folder meanwhile (the retry then finds it)."""
        state = self.state
        for attempt in range(ATTEMPTS):
            stack = list(state.stack)
            report = ImportReport()
            try:
                with self.db.unit(sqlite_settings=repository.IMPORT_SETTINGS) as session:
                    following = self._apply(session, self._prepared(staged, first), report)
                    staged.complete()  # (committed only once the whole file is read)
            except IntegrityError:
                # A batch is changed as it is applied: the retry prepares them again.
                self.ahead = None
                state.stack = stack
                state.forget()
                if attempt == ATTEMPTS - 1:
                    raise
                continue
            state.committed()
            self.report.add(report)
            self.done += report.imported + report.updated + report.unchanged + report.skipped
            return following
        raise AssertionError("unreachable")

    def _prepared(self, staged: Staged, first: int) -> Iterator[_Ready]:
        """The batches from the staged block ``first`` on, each prepared (check_entries)
        when it is reached; the first perhaps prepared already (``ahead``)."""
        ahead, self.ahead = self.ahead, None
        if ahead is not None and ahead[0] == first:
            yield ahead[1]
            following = ahead[1][0]
            if following is None:
                return
            first = following
        for following, entries, events in staged.batches(first, BATCH):
            yield following, entries, check_entries(events, self.state.options, self.shape)

    def _apply(
        self, session: Session, batches: Iterator[_Ready], report: ImportReport
    ) -> int | None:
        """The batches, each prepared while the writes of the one before are finished on
        the writer thread (the session is only used between the two). At the end of a
        transaction the next one's first batch is prepared meanwhile (``ahead``). A
        transaction ends after TRANSACTION entries once the whole file has been read
        (the first goes on until then)."""
        applied = 0
        writing: Future[None] | None = None
        try:
            for following, entries, batch in batches:
                if writing is not None:
                    with self._waiting():
                        writing.result()
                writing = self.writer.submit(self._batch(session, batch, report))
                applied += entries
                self._progress(self.done + applied)
                if applied >= TRANSACTION and following is not None and self._ends(report):
                    self.ahead = (following, next(batches))
                    with self._waiting():
                        writing.result()
                    return following
            if writing is not None:
                with self._waiting():
                    writing.result()
            return None
        finally:
            if writing is not None:
                wait([writing])  # the session is rolled back after an error: not before

    def _batch(self, session: Session, batch: Prepared, report: ImportReport) -> Callable[[], None]:
        outcome = Batch(self.state, session, self.shape).apply(batch)
        report.add(outcome.report)
        self.state.pending |= outcome.seen
        assert outcome.finish is not None
        return outcome.finish

    def _waiting(self) -> AbstractContextManager[None]:
        return self.staged.waiting() if self.staged is not None else nullcontext()

    def _ends(self, report: ImportReport) -> bool:
        """Whether a transaction of TRANSACTION entries ends here. The first goes on while
        the file is being read as long as it makes bookmarks on SQLite: the file is read
        while the import waits for the writer thread to insert them. Otherwise going on
        would only hold the transaction open longer: it waits for the end of the file
        to commit."""
        return self._read() or report.imported == 0 or self.db.dialect != "sqlite"

    def _read(self) -> bool:
        return self.staged is not None and self.staged.finished

    def _progress(self, done: int) -> None:
        """Told once the file has been read (the total known)."""
        if self.progress is not None and done > self.reported and self._read():
            assert self.staged is not None
            self.reported = done
            self.progress("import", done, self.staged.entries)
