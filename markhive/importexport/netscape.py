"""The Netscape bookmark file, as Chrome, Firefox, Safari, Edge, Internet Explorer,
Pinboard, Delicious, Shaarli and linkding write it: a streaming reader that forgives what
browsers get wrong, and a streaming writer.

The reader takes its tokens from libxml2's forgiving HTML parser (through lxml, without
building a tree): tags and attributes in any case, ``<DT>``/``<DD>``/``<p>`` with or
without closing tags, entities, truncated files. It reads 100,000 bookmarks in about
2 s where the standard library's ``html.parser`` takes 7. A ``<DL>`` that follows an
``<H3>`` holds that folder's contents; an ``<H3>`` with no list is an empty folder.
"""

from __future__ import annotations

import codecs
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import BinaryIO

from lxml import etree

from markhive.importexport import charset
from markhive.importexport.dates import from_unix, to_unix
from markhive.importexport.escaping import entities, tag_lists
from markhive.importexport.model import (
    MAX_DEPTH,
    BookmarkFileError,
    Entry,
    Event,
    FolderEnd,
    FolderStart,
    Listing,
    Row,
    Skip,
)

CHUNK = 1 << 16
ARCHIVED_TAG = "linkding:bookmarks.archived"
NOTES_OPEN = "[linkding-notes]"
NOTES_CLOSE = "[/linkding-notes]"
# Tags that end the text of a title, a folder name or a description.
_BREAKS = frozenset({"dt", "dd", "dl", "h3", "a", "hr", "h1"})
NOT_A_BOOKMARK_FILE = (
    "not a Netscape bookmark file: it has neither the NETSCAPE-Bookmark-file doctype "
    "nor a <DL> list of bookmarks"
)


def split_notes(text: str) -> tuple[str, str]:
    """linkding writes notes after the description as ``[linkding-notes]...[/linkding-notes]``."""
    if text.endswith(NOTES_CLOSE):
        start = text.find(NOTES_OPEN)
        if start != -1:
            notes = text[start + len(NOTES_OPEN) : -len(NOTES_CLOSE)]
            return text[:start].strip(), notes.strip()
    return text, ""


def _flag(value: str | None) -> bool | None:
    if value is None:
        return None
    return value.strip().lower() not in ("", "0", "false", "no")


def _number(value: str | None, low: int, high: int) -> int:
    try:
        return max(low, min(high, int((value or "0").strip())))
    except ValueError:
        return low


class _Reader:
    """The parser's target: receives its start/end/data calls and keeps only the state
    of the entry or folder being read."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.lists: list[bool] = []  # one per open <DL>: is it a folder's list?
        self.depth = 0
        self.index = 0
        self.recognised = False
        self.mode = ""  # "a", "h3", "dd" or "" while reading text
        self.text: list[str] = []
        self.attrs: dict[str, str] = {}
        self.entry: Entry | None = None  # read, waiting for a <DD>
        self.folder: FolderStart | None = None  # read, waiting for its <DL>

    # -- parser target callbacks
    def doctype(self, name: str, public_id: str | None, system_url: str | None) -> None:
        if (name or "").lower().startswith("netscape-bookmark-file"):
            self.recognised = True

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        if tag == "br" and self.mode:
            self.text.append("\n")
            return
        if tag not in _BREAKS:
            return
        self._end_text()
        if tag == "dd":
            if self.entry is not None or self.folder is not None:
                self.mode, self.text = "dd", []
            return
        self._flush_entry()
        if tag == "dl":
            self.recognised = True
            self._open_list()
            return
        self._flush_folder()
        if tag == "dt":
            self.recognised = True
        elif tag == "h3":
            self.mode, self.text, self.attrs = "h3", [], dict(attrs)
        elif tag == "a":
            self.mode, self.text, self.attrs = "a", [], dict(attrs)

    def end(self, tag: str) -> None:
        if tag in ("a", "h3", "dd") and self.mode == tag:
            self._end_text()
        elif tag == "dl":
            self._end_text()
            self._flush_entry()
            self._flush_folder()
            if self.lists and self.lists.pop():
                self.depth -= 1
                self.events.append(FolderEnd())

    def data(self, data: str) -> None:
        if self.mode:
            self.text.append(data)

    def close(self) -> None:
        """End of input: whatever is open is closed."""
        self._end_text()
        self._flush_entry()
        self._flush_folder()
        while self.lists:
            if self.lists.pop():
                self.events.append(FolderEnd())
        if not self.recognised:
            raise BookmarkFileError(NOT_A_BOOKMARK_FILE)

    # -- structure
    def _end_text(self) -> None:
        mode, self.mode = self.mode, ""
        if not mode:
            return
        text = "".join(self.text).strip()
        if mode == "a":
            self.entry = self._entry(text)
        elif mode == "h3":
            self.folder = FolderStart(
                name=text,
                added=from_unix(self.attrs.get("add_date")),
                modified=from_unix(self.attrs.get("last_modified")),
            )
        elif mode == "dd":
            if self.entry is not None:
                self.entry.description, self.entry.notes = split_notes(text)
            elif self.folder is not None:
                self.folder.description = text

    def _open_list(self) -> None:
        folder, self.folder = self.folder, None
        if folder is None:
            self.lists.append(False)
            return
        self.depth += 1
        if self.depth > MAX_DEPTH:
            raise BookmarkFileError(f"folders are nested more than {MAX_DEPTH} levels deep")
        self.lists.append(True)
        self.events.append(folder)

    def _flush_folder(self) -> None:
        """An <H3> that no <DL> followed: an empty folder."""
        if self.folder is not None:
            self.events.append(self.folder)
            self.events.append(FolderEnd())
            self.folder = None

    def _flush_entry(self) -> None:
        if self.entry is not None:
            self.events.append(self.entry)
            self.entry = None

    def _entry(self, title: str) -> Entry | None:
        attrs = self.attrs
        index, self.index = self.index, self.index + 1
        href = (attrs.get("href") or "").strip()
        if not href:
            self.events.append(Skip(index, "", "the entry has no URL"))
            return None
        tags: list[str] = []
        archived = False
        for part in (attrs.get("tags") or "").split(","):
            part = part.strip()
            if part.lower() == ARCHIVED_TAG:
                archived = True
            elif part:
                tags.append(part)
        return Entry(
            index=index,
            url=href,
            title="" if title == href else title,
            tags=tags,
            added=from_unix(attrs.get("add_date")),
            modified=from_unix(attrs.get("last_modified")),
            visited=from_unix(attrs.get("last_visit")),
            reminder=from_unix(attrs.get("reminder")),
            unread=_flag(attrs.get("toread")),
            private=_flag(attrs.get("private")),
            archived=archived,
            favorite=bool(_flag(attrs.get("favorite"))),
            rating=_number(attrs.get("rating"), 0, 5),
            visits=_number(attrs.get("visits"), 0, 2**31 - 1),
        )


def read(stream: BinaryIO) -> Iterator[Event]:
    """The folders and bookmarks of a Netscape bookmark file, in order, as they are read.
    Raises BookmarkFileError (possibly after yielding) when the document is not a
    bookmark file at all or its folders nest too deep."""
    start = stream.tell()
    head = stream.read(charset.HEAD)
    stream.seek(start)
    if not head.strip():
        raise BookmarkFileError("the file is empty")
    if charset.binary(head):
        raise BookmarkFileError(NOT_A_BOOKMARK_FILE + " (it holds binary data)")
    # Decoded here and fed to libxml2 as UTF-8, so a <META> charset cannot switch it.
    decoder = codecs.getincrementaldecoder(charset.detect(stream))("replace")
    reader = _Reader()
    parser = etree.HTMLParser(
        target=reader, encoding="utf-8", huge_tree=True, no_network=True, remove_pis=True
    )
    last = ""  # what was read since the last "<": an entry the file may end inside
    while chunk := stream.read(CHUNK):
        text = decoder.decode(chunk)
        last += text
        start = last.rfind("<")
        if start > 0:
            last = last[start:]
        parser.feed(text.encode("utf-8", "surrogatepass"))
        if reader.events:
            yield from reader.events
            reader.events.clear()
    tail = decoder.decode(b"", final=True)
    if tail:
        parser.feed(tail.encode("utf-8", "surrogatepass"))
    parser.close()
    yield from reader.events
    cut = _cut_entry(last + tail)
    if cut is not None:
        yield Skip(reader.index, cut, "the entry is cut off at the end of the file")


_CUT_HREF = re.compile(r"""href\s*=\s*["']?([^"'\s>]*)""", re.IGNORECASE)


def _cut_entry(end: str) -> str | None:
    """The URL (or what there is of it) of an <A> tag the file ends inside; None when
    the file does not end inside one."""
    start = end.rfind("<")
    if start == -1 or ">" in end[start:] or end[start + 1 : start + 2] not in ("a", "A"):
        return None
    found = _CUT_HREF.search(end, start)
    return found.group(1) if found else ""


# -- writing

_HEADER = """<!DOCTYPE NETSCAPE-Bookmark-file-1>
<!-- Bookmarks exported by markhive at {at}. Browsers, linkding and markhive import this file. -->
<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">
<TITLE>Bookmarks</TITLE>
<H1>Bookmarks</H1>
<DL><p>
"""
_INDENT = "    "


# html.escape's five, and CR: HTML parsers (libxml2 too) read a bare CR or CRLF as LF.
_ESCAPES = (
    ("&", "&amp;"),
    ("<", "&lt;"),
    (">", "&gt;"),
    ('"', "&quot;"),
    ("'", "&#x27;"),
    ("\r", "&#13;"),
)


def _esc(text: str) -> str:
    """``html.escape(text)``, and CR."""
    return entities(text, _ESCAPES)


def _dates(added: datetime | str | None, modified: datetime | str | None) -> str:
    text = ""
    if added is not None:
        text += f' ADD_DATE="{to_unix(added)}"'
    if modified is not None:
        text += f' LAST_MODIFIED="{to_unix(modified)}"'
    return text


def _bookmark(row: Row, indent: str, tags: Callable[[str], str]) -> str:
    # Written out in full: this runs once per bookmark, a million times for a large account.
    url, title, description, notes, tag_ids, added, modified, visited, reminder = row[:9]
    unread, shared, archived, favorite, rating, visits = row[9:15]
    text = tags(tag_ids) if tag_ids else ""  # escaped already
    if archived:
        text = f"{text},{ARCHIVED_TAG}" if text else ARCHIVED_TAG
    href = entities(url, _ESCAPES)
    line = f'{indent}<DT><A HREF="{href}"{_dates(added, modified)}'
    line += f' PRIVATE="{"0" if shared else "1"}" TOREAD="{"1" if unread else "0"}" TAGS="{text}"'
    if favorite or rating or visits or visited is not None or reminder is not None:
        if favorite:
            line += ' FAVORITE="1"'
        if rating:
            line += f' RATING="{rating}"'
        if visits:
            line += f' VISITS="{visits}"'
        if visited is not None:
            line += f' LAST_VISIT="{to_unix(visited)}"'
        if reminder is not None:
            line += f' REMINDER="{to_unix(reminder)}"'
    line += f">{entities(title, _ESCAPES) if title else href}</A>\n"
    if description or notes:
        text = entities(description, _ESCAPES)
        if notes:
            text += f"{NOTES_OPEN}{entities(notes, _ESCAPES)}{NOTES_CLOSE}"
        line += f"{indent}<DD>{text}\n"
    return line


def write(listing: Iterable[Listing], tag_names: dict[int, str], exported_at: str) -> Iterator[str]:
    """The file, piece by piece, for a ``listing`` that opens and closes folders in order,
    its bookmarks as rows (model.Row); ``tag_names`` has every tag of theirs by id.
    Titles fall back to the URL; ``PRIVATE="0"`` marks a shared bookmark; archived ones
    carry linkding's archived tag; favourites, ratings, visits and reminders are extra
    attributes that other importers ignore."""
    yield _HEADER.format(at=_esc(exported_at))
    tags = tag_lists(tag_names, _esc, ",")
    indent = _INDENT
    for item in listing:
        if isinstance(item, list):
            yield "".join([_bookmark(row, indent, tags) for row in item])
        elif isinstance(item, FolderStart):
            text = f"{indent}<DT><H3{_dates(item.added, item.modified)}>{_esc(item.name)}</H3>\n"
            if item.description:
                text += f"{indent}<DD>{_esc(item.description)}\n"
            yield text + f"{indent}<DL><p>\n"
            indent += _INDENT
        elif isinstance(item, FolderEnd):
            indent = indent[: -len(_INDENT)]
            yield f"{indent}</DL><p>\n"
    yield "</DL><p>\n"
