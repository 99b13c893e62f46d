"""Exporting a user's bookmarks as a Netscape bookmark file or XBEL, streamed.

The folder tree is read whole (thousands of rows, not millions); the bookmarks are read
folder by folder through a cursor, a thousand rows and their tags at a time, so memory
stays flat whatever the account's size. Within a folder, subfolders come first (by name),
then its bookmarks, oldest first; the root's own bookmarks come last. Everything is read
in one transaction, so the file is one consistent picture of the account.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterator
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from markhive.db.base import utcnow
from markhive.folders import repository as folders_repository
from markhive.folders.models import Folder
from markhive.folders.service import Tree
from markhive.importexport import netscape, repository, xbel
from markhive.importexport.model import Entry, Event, FolderEnd, FolderStart

ROWS = 1000
CHUNK = 1 << 16
MEDIA_TYPES = {"html": "text/html; charset=utf-8", "xbel": "application/xml"}


def timestamp() -> str:
    """The export's own date, in the file: ``2026-11-22T10:00:00Z``."""
    return utcnow().replace(microsecond=0, tzinfo=None).isoformat() + "Z"


def export(
    session: Session,
    user_id: int,
    fmt: str,
    exported_at: str | None = None,
    on_rows: Callable[[int], None] | None = None,
) -> Generator[bytes, None, None]:
    """The file in UTF-8 pieces of about 64 KiB (counted in bytes); ``fmt`` is "html" or
    "xbel".
    ``on_rows(n)`` is told of every n bookmarks read (a progress bar)."""
    writer = xbel.write if fmt == "xbel" else netscape.write
    pieces: list[str] = []
    size = 0
    with repository.without_mmap(session):
        for piece in writer(events(session, user_id, on_rows), exported_at or timestamp()):
            pieces.append(piece)
            size += len(piece) if piece.isascii() else len(piece.encode("utf-8", "surrogatepass"))
            if size >= CHUNK:
                yield "".join(pieces).encode("utf-8", "surrogatepass")
                pieces, size = [], 0
        if pieces:
            yield "".join(pieces).encode("utf-8", "surrogatepass")


def events(
    session: Session, user_id: int, on_rows: Callable[[int], None] | None = None
) -> Iterator[Event]:
    """The account as a stream of folder openings, bookmarks and folder closings."""
    tree = Tree(folders_repository.all_of(session, user_id))
    tags = {str(i): name for i, name in repository.tag_names(session, user_id).items()}
    stack: list[tuple[int | None, Iterator[Folder]]] = [(None, iter(tree.children.get(None, [])))]
    while stack:
        folder_id, children = stack[-1]
        child = next(children, None)
        if child is not None:
            yield _folder(child)
            stack.append((child.id, iter(tree.children.get(child.id, []))))
            continue
        stack.pop()
        yield from _bookmarks(session, user_id, folder_id, on_rows, tags)
        if folder_id is not None:
            yield FolderEnd()


def _folder(folder: Folder) -> FolderStart:
    return FolderStart(
        name=folder.name,
        added=folder.created_at,
        modified=folder.updated_at,
        description=folder.description,
        public=folder.is_public,
    )


def _when(value: Any) -> datetime | None:
    """A stored datetime as the driver gives it (SQLite: text), naive UTC as stored (the
    writers read naive values as UTC)."""
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(value)


def _bookmarks(
    session: Session,
    user_id: int,
    folder_id: int | None,
    on_rows: Callable[[int], None] | None,
    tags: dict[str, str],
) -> Iterator[Entry]:
    name = tags.__getitem__
    when = _when
    for rows in repository.stream_folder(session, user_id, folder_id, ROWS):
        if on_rows is not None:
            on_rows(len(rows))
        for row in rows:
            tag_ids = row[15]
            # Entry's fields in order (positional: this loop runs a million times)
            yield Entry(
                0,
                row[1],
                row[2],
                row[3],
                row[4],
                sorted(map(name, tag_ids.split(","))) if tag_ids else [],
                when(row[5]),
                when(row[6]),
                when(row[7]),
                when(row[8]),
                bool(row[9]),
                None,
                bool(row[10]),
                bool(row[11]),
                bool(row[12]),
                row[13],
                row[14],
            )
