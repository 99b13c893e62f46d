"""Exporting a user's bookmarks as a Netscape bookmark file or XBEL, streamed.

The folder tree is read whole (thousands of rows, not millions); the bookmarks are read
folder by folder, a thousand rows and their tags at a time (repository.stream_folder), by
a thread of their own a few lists ahead of the writer (read_ahead), so memory stays flat
whatever the account's size. Within a folder, subfolders come first (by name), then its
bookmarks, oldest first; the root's own bookmarks come last. Everything is read in one
transaction, so the file is one consistent picture of the account.

The writers take the rows as the database gives them (model.Row) and write each one
straight into its line: a million bookmarks are a million of everything done per row.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable, Generator, Iterator
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar

from sqlalchemy.orm import Session

from markhive.db.base import utcnow
from markhive.db.session import Database
from markhive.folders import repository as folders_repository
from markhive.folders.models import Folder
from markhive.folders.service import Tree
from markhive.importexport import netscape, repository, xbel
from markhive.importexport.model import Entry, Event, FolderEnd, FolderStart, Listing, Row

ROWS = 1000
AHEAD = 4  # lists of rows read ahead of the writer
T = TypeVar("T")
CHUNK = 1 << 16
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "xbel": "application/xml"}


def timestamp() -> str:
    """The export's own date, in the file: ``2026-11-22T10:00:00Z``."""
    return utcnow().replace(microsecond=0, tzinfo=None).isoformat() + "Z"


@dataclass(frozen=True)
class Download:
    """An export as a front door hands it out: a dated file name, the media type, and the
    file's pieces (see ``download``)."""

    name: str
    media_type: str
    pieces: Iterator[bytes]


def download(db: Database, user_id: int, fmt: str) -> Download:
    """The user's bookmarks as a file to download: ``markhive-bookmarks-YYYY-MM-DD.fmt``,
    read in one read-only transaction that lasts as long as the download."""
    stamp = timestamp()
    return Download(
        name=f"markhive-bookmarks-{stamp[:10]}.{fmt}",
        media_type=MEDIA_TYPES[fmt],
        pieces=_in_one_transaction(db, user_id, fmt, stamp),
    )


def _in_one_transaction(db: Database, user_id: int, fmt: str, stamp: str) -> Iterator[bytes]:
    with db.unit(write=False) as session:
        yield from export(session, user_id, fmt, stamp)


def export(
    session: Session,
    user_id: int,
    fmt: str,
    exported_at: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Generator[bytes, None, None]:
    """The file in UTF-8 pieces of about 64 KiB (counted in bytes, each ending on a
    character); ``fmt`` is "html" or "xbel".
    ``on_rows(n)`` is told of every n bookmarks read (a progress bar)."""
    writer = xbel.write if fmt == "xbel" else netscape.write
    buffer = bytearray()
    repository.without_mmap(session)
    tag_names = repository.tag_names(session, user_id)
    ahead = read_ahead(_listing(session, user_id), AHEAD)
    listing = ahead if on_rows is None else _counted(ahead, on_rows)
    with closing(ahead):  # stopped early: the reading thread is done before the session
        for text in writer(listing, tag_names, exported_at or timestamp()):
            buffer += text.encode("utf-8", "surrogatepass")
            while len(buffer) >= CHUNK:
                cut = CHUNK
                while buffer[cut] & 0xC0 == 0x80:  # not inside a character's bytes
                    cut -= 1
                yield bytes(buffer[:cut])
                del buffer[:cut]
    if buffer:
        yield bytes(buffer)


def _counted(listing: Iterator[Listing], on_rows: Callable[[int], None]) -> Iterator[Listing]:
    for item in listing:
        if isinstance(item, list):
            on_rows(len(item))
        yield item


def read_ahead(items: Iterator[T], depth: int) -> Generator[T, None, None]:
    """The items, produced by a thread of their own up to ``depth`` ahead of the caller.
    Worth it when producing them is mostly time outside the interpreter's lock (SQLite
    running one statement per list of rows, repository.stream_folder): at a million
    bookmarks the reading and the writing then take a core each. Closing the generator
    stops the thread (and closes ``items`` in it) before it returns; an error in the
    thread is raised here."""
    ready: queue.Queue[tuple[str, Any]] = queue.Queue(depth)
    stop = threading.Event()

    def put(kind: str, value: Any) -> bool:
        while not stop.is_set():
            try:
                ready.put((kind, value), timeout=0.05)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            with closing(items):  # type: ignore[type-var]
                for item in items:
                    if not put("item", item):
                        return
            put("end", None)
        except BaseException as exc:  # handed to the caller's thread
            put("error", exc)

    thread = threading.Thread(target=produce, name="markhive-read-ahead", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = ready.get()
            if kind == "end":
                return
            if kind == "error":
                raise value
            yield value
    finally:
        stop.set()
        thread.join()


def _listing(session: Session, user_id: int) -> Iterator[Listing]:
    """The account as folder openings, lists of bookmark rows (model.Row) and folder
    closings."""
    tree = Tree(folders_repository.all_of(session, user_id))
    stack: list[tuple[int | None, Iterator[Folder]]] = [(None, iter(tree.children.get(None, [])))]
    while stack:
        folder_id, children = stack[-1]
        child = next(children, None)
        if child is not None:
            yield _folder(child)
            stack.append((child.id, iter(tree.children.get(child.id, []))))
            continue
        stack.pop()  # its subfolders are written: now its own bookmarks
        pages = repository.stream_folder(session, user_id, folder_id, ROWS)
        with closing(pages):  # (stopped early: the cursor is closed)
            yield from pages
        if folder_id is not None:
            yield FolderEnd()


def events(
    session: Session, user_id: int, on_rows: Callable[[int], None] | None = None
) -> Iterator[Event]:
    """The account as a stream of folder openings, bookmarks (Entry) and folder closings,
    as the readers give a file's."""
    tags = {str(i): name for i, name in repository.tag_names(session, user_id).items()}
    listing = _listing(session, user_id)
    for item in listing if on_rows is None else _counted(listing, on_rows):
        if isinstance(item, list):
            for row in item:
                yield _entry(row, tags)
        else:
            yield item


def _folder(folder: Folder) -> FolderStart:
    return FolderStart(
        name=folder.name,
        added=folder.created_at,
        modified=folder.updated_at,
        description=folder.description,
        public=folder.is_public,
    )


def _when(value: Any) -> datetime | None:
    """A stored datetime as the driver gives it (SQLite: text), naive UTC as stored."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _entry(row: Row, tags: dict[str, str]) -> Entry:
    tag_ids = row[4]
    return Entry(
        index=0,
        url=row[0],
        title=row[1],
        description=row[2],
        notes=row[3],
        tags=sorted(tags[i] for i in tag_ids.split(",")) if tag_ids else [],
        added=_when(row[5]),
        modified=_when(row[6]),
        visited=_when(row[7]),
        reminder=_when(row[8]),
        unread=bool(row[9]),
        shared=bool(row[10]),
        archived=bool(row[11]),
        favorite=bool(row[12]),
        rating=row[13],
        visits=row[14],
    )
