"""What the readers yield and the writers take: a stream of folder openings, folder
closings, bookmarks and skipped entries, in document order."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Folders nested deeper than this make the whole file unacceptable.
MAX_DEPTH = 256


class BookmarkFileError(ValueError):
    """The document cannot be imported at all: not a bookmark file, not well-formed XML,
    a forbidden DTD or entity, folders nested too deep. Nothing from it is imported."""


@dataclass(slots=True)
class FolderStart:
    name: str
    added: datetime | None = None
    modified: datetime | None = None
    description: str = ""
    public: bool = False


@dataclass(slots=True)
class FolderEnd:
    pass


@dataclass(slots=True)
class Entry:
    """One bookmark as the file states it. ``None`` means the file does not say."""

    index: int  # 0-based position among the file's entries
    url: str
    title: str = ""
    description: str = ""
    notes: str = ""
    tags: list[str] = field(default_factory=list)
    added: datetime | None = None
    modified: datetime | None = None
    visited: datetime | None = None
    reminder: datetime | None = None
    unread: bool | None = None
    # Netscape's PRIVATE attribute; mapped to ``shared`` only when the user asks for it.
    private: bool | None = None
    # An explicit sharing state (markhive's own XBEL metadata).
    shared: bool | None = None
    archived: bool = False
    favorite: bool = False
    rating: int = 0
    visits: int = 0


@dataclass(slots=True)
class Skip:
    """An entry the file holds but markhive does not import, and why."""

    index: int
    url: str
    reason: str


Event = FolderStart | FolderEnd | Entry | Skip

# A bookmark as the export reads it and its writers take it, straight from the database:
# (url, title, description, notes, tag ids, added, modified, visited, reminder, unread,
# shared, archived, favorite, rating, visits), perhaps followed by other columns. The tag
# ids are comma-joined text (None: no tags); the dates and flags are as the driver gives
# them (SQLite: text and 0/1).
Row = Sequence[Any]
# What the writers take: folder openings and closings, and the bookmarks between them in
# lists of rows.
Listing = FolderStart | FolderEnd | list[Row]
