"""XBEL 1.0 (the XML Bookmark Exchange Language): a streaming reader on defusedxml
(no entity expansion, no external entities, nothing fetched) and a streaming writer.

markhive keeps what XBEL has no element for (tags, notes, flags, rating, visits,
reminder, public folders) in ``<info><metadata owner="markhive">``, one child element
per value. The XBEL 1.0 DTD declares ``metadata`` empty; like every other producer that
uses it (KDE, freedesktop), markhive puts elements inside it, and readers that do not
know the owner skip them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from typing import BinaryIO
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException, DTDForbidden
from defusedxml.ElementTree import DefusedXMLParser

from markhive.importexport.dates import from_w3c, to_w3c
from markhive.importexport.escaping import Table, entities, tag_lists
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
OWNER = "markhive"
PUBLIC_ID = "+//IDN python.org//DTD XML Bookmark Exchange Language 1.0//EN//XML"
SYSTEM_ID = "http://pyxml.sourceforge.net/topics/dtds/xbel.dtd"
_TRUE = frozenset({"1", "true", "yes"})
_NODES = frozenset({"folder", "bookmark", "alias", "separator"})


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


class _Node:
    """An open <xbel>, <folder> or <bookmark> and what has been read of it."""

    __slots__ = ("attrs", "emitted", "kind", "meta", "tags", "text")

    def __init__(self, kind: str, attrs: dict[str, str]) -> None:
        self.kind = kind
        self.attrs = attrs
        self.text: dict[str, str] = {}
        self.meta: dict[str, str] = {}
        self.tags: list[str] = []
        self.emitted = False


class _Target:
    """Receives the parser's start/end/data calls and turns them into events; only the
    open nodes are kept, so memory does not grow with the document."""

    def __init__(self) -> None:
        self.events: list[Event] = []
        self.elements: list[str] = []
        self.nodes: list[_Node] = []
        self.depth = 0
        self.index = 0
        self.buffer: list[str] = []
        self.meta_owner: str | None = None

    def start(self, tag: str, attrs: dict[str, str]) -> None:
        name = _local(tag)
        if not self.elements and name != "xbel":
            raise BookmarkFileError(f"not an XBEL document: the root element is <{name}>")
        parent = self.elements[-1] if self.elements else ""
        self.elements.append(name)
        self.buffer = []
        if name == "metadata" and parent == "info":
            self.meta_owner = attrs.get("owner", "")
            return
        if name in _NODES and parent in ("xbel", "folder") and len(self.elements) >= 2:
            self._emit_folder()
            if name == "folder":
                self.depth += 1
                if self.depth > MAX_DEPTH:
                    raise BookmarkFileError(f"folders are nested more than {MAX_DEPTH} levels deep")
                self.nodes.append(_Node("folder", attrs))
            elif name == "bookmark":
                self.nodes.append(_Node("bookmark", attrs))
            elif name == "alias":
                self.events.append(Skip(self.index, "", "XBEL aliases are not imported"))
                self.index += 1
        elif name == "xbel" and len(self.elements) == 1:
            self.nodes.append(_Node("xbel", attrs))

    def data(self, text: str) -> None:
        self.buffer.append(text)

    def end(self, tag: str) -> None:
        name = self.elements.pop()
        text = "".join(self.buffer)
        self.buffer = []
        parent = self.elements[-1] if self.elements else ""
        node = self.nodes[-1] if self.nodes else None
        if name in ("title", "desc") and node is not None and parent == node.kind:
            node.text[name] = text.strip()
        elif name == "metadata":
            self.meta_owner = None
        elif parent == "metadata" and self.meta_owner == OWNER and node is not None:
            if name == "tag":
                node.tags.append(text.strip())
            else:
                node.meta[name] = text
        elif name == "folder" and node is not None and node.kind == "folder":
            self._emit_folder()
            self.nodes.pop()
            self.depth -= 1
            self.events.append(FolderEnd())
        elif name == "bookmark" and node is not None and node.kind == "bookmark":
            self.nodes.pop()
            self.events.append(self._entry(node))

    def close(self) -> None:
        return None

    def _emit_folder(self) -> None:
        node = self.nodes[-1] if self.nodes else None
        if node is None or node.kind != "folder" or node.emitted:
            return
        node.emitted = True
        self.events.append(
            FolderStart(
                name=node.text.get("title", ""),
                added=from_w3c(node.attrs.get("added")),
                description=node.text.get("desc", ""),
                public=node.meta.get("public", "").strip().lower() in _TRUE,
            )
        )

    def _entry(self, node: _Node) -> Entry | Skip:
        index, self.index = self.index, self.index + 1
        href = (node.attrs.get("href") or "").strip()
        if not href:
            return Skip(index, "", "the bookmark has no href")
        meta = node.meta

        def flag(name: str) -> bool | None:
            value = meta.get(name)
            return None if value is None else value.strip().lower() in _TRUE

        return Entry(
            index=index,
            url=href,
            title=node.text.get("title", ""),
            description=node.text.get("desc", ""),
            notes=meta.get("notes", "").strip(),
            tags=[tag for tag in node.tags if tag],
            added=from_w3c(node.attrs.get("added")),
            modified=from_w3c(node.attrs.get("modified")),
            visited=from_w3c(node.attrs.get("visited")),
            reminder=from_w3c(meta.get("reminder")),
            unread=flag("unread"),
            shared=flag("shared"),
            archived=bool(flag("archived")),
            favorite=bool(flag("favorite")),
            rating=_int(meta.get("rating"), 5),
            visits=_int(meta.get("visits"), 2**31 - 1),
        )


def _int(value: str | None, high: int) -> int:
    try:
        return max(0, min(high, int((value or "0").strip())))
    except ValueError:
        return 0


class _Parser(DefusedXMLParser):
    """defusedxml's parser, which refuses entity declarations and external references,
    with one DOCTYPE rule: the XBEL public identifier (never fetched) or none at all."""

    def __init__(self, target: _Target) -> None:
        super().__init__(target=target, forbid_dtd=False, forbid_entities=True)
        # (not ``_doctype``: ElementTree's parser has an attribute of that name)
        self.parser.StartDoctypeDeclHandler = self._check_doctype

    def _check_doctype(
        self, name: str, sysid: str | None, pubid: str | None, internal: bool
    ) -> None:
        if sysid and "XML Bookmark Exchange Language" not in (pubid or ""):
            raise DTDForbidden(name, sysid, pubid)


def _refusal(exc: Exception) -> BookmarkFileError:
    if isinstance(exc, ParseError):
        return BookmarkFileError(f"not well-formed XML: {exc}")
    if isinstance(exc, DTDForbidden):
        return BookmarkFileError(
            "the document's DTD refers to an external resource; only XBEL's own is accepted"
        )
    name = type(exc).__name__
    if name == "EntitiesForbidden":
        return BookmarkFileError("the document declares entities, which are not accepted")
    if name == "ExternalReferenceForbidden":
        return BookmarkFileError("the document refers to an external entity")
    return BookmarkFileError(f"the XML document is refused: {exc}")


def read(stream: BinaryIO) -> Iterator[Event]:
    """The folders and bookmarks of an XBEL document, in order, as they are read.
    Raises BookmarkFileError (possibly after yielding) for a document that is not
    well-formed, declares entities, refers to external entities, is not XBEL, or nests
    folders too deep."""
    target = _Target()
    parser = _Parser(target)
    fed = False
    try:
        while chunk := stream.read(CHUNK):
            fed = fed or bool(chunk.strip())
            parser.feed(chunk)
            if target.events:
                yield from target.events
                target.events.clear()
        if not fed:
            raise BookmarkFileError("the file is empty")
        parser.close()
    except (ParseError, DefusedXmlException) as exc:
        raise _refusal(exc) from None
    yield from target.events


# -- writing

# XML 1.0 cannot carry these characters at all, not even as references.
_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_TEXT = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("\r", "&#13;"))
_ATTR = (*_TEXT, ('"', "&quot;"), ("\t", "&#9;"), ("\n", "&#10;"))


def _escape(value: str, table: Table) -> str:
    value = entities(value, table)
    if not value.isprintable() and _ILLEGAL.search(value):  # isprintable: a quick "no"
        value = _ILLEGAL.sub("", value)
    return value


def _text(value: str) -> str:
    return _escape(value, _TEXT)


def _date(name: str, value: datetime | None) -> str:
    return f' {name}="{to_w3c(value)}"' if value is not None else ""


def _info(inner: str, indent: str) -> str:
    if not inner:
        return ""
    return f'{indent}<info><metadata owner="{OWNER}">{inner}</metadata></info>\n'


def _bookmark(row: Row, indent: str, tags: Callable[[str], str]) -> str:
    # Written out in full: this runs once per bookmark, a million times for a large account.
    (url, title, description, notes, tag_ids, added, modified, visited, reminder) = row[:9]
    (unread, shared, archived, favorite, rating, visits) = row[9:15]
    inner = indent + "  "
    text = f'{indent}<bookmark href="{_escape(url, _ATTR)}"'
    if added is not None:
        text += f' added="{to_w3c(added)}"'
    if modified is not None:
        text += f' modified="{to_w3c(modified)}"'
    if visited is not None:
        text += f' visited="{to_w3c(visited)}"'
    text += ">\n"
    if title:
        text += f"{inner}<title>{_escape(title, _TEXT)}</title>\n"
    # markhive's metadata: the <tag> elements first, in name order
    metadata = tags(tag_ids) if tag_ids else ""
    if notes:
        metadata += f"<notes>{_escape(notes, _TEXT)}</notes>"
    if unread:
        metadata += "<unread>true</unread>"
    if shared:
        metadata += "<shared>true</shared>"
    if archived:
        metadata += "<archived>true</archived>"
    if favorite:
        metadata += "<favorite>true</favorite>"
    if rating:
        metadata += f"<rating>{rating}</rating>"
    if visits:
        metadata += f"<visits>{visits}</visits>"
    if reminder is not None:
        metadata += f"<reminder>{to_w3c(reminder)}</reminder>"
    if metadata:
        text += f'{inner}<info><metadata owner="{OWNER}">{metadata}</metadata></info>\n'
    if description:
        text += f"{inner}<desc>{_escape(description, _TEXT)}</desc>\n"
    return text + f"{indent}</bookmark>\n"


def _folder(folder: FolderStart, indent: str) -> str:
    inner = indent + "  "
    text = f"{indent}<folder{_date('added', folder.added)}>\n"
    text += f"{inner}<title>{_text(folder.name)}</title>\n"
    text += _info("<public>true</public>" if folder.public else "", inner)
    if folder.description:
        text += f"{inner}<desc>{_text(folder.description)}</desc>\n"
    return text


def _tag(name: str) -> str:
    return f"<tag>{_text(name)}</tag>"


def write(listing: Iterable[Listing], tag_names: dict[int, str], exported_at: str) -> Iterator[str]:
    """The XBEL 1.0 document, piece by piece, for a ``listing`` that opens and closes
    folders in order, its bookmarks as rows (model.Row); ``tag_names`` has every tag of
    theirs by id."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<!DOCTYPE xbel PUBLIC "{PUBLIC_ID}" "{SYSTEM_ID}">\n'
        '<xbel version="1.0">\n'
        "  <title>Bookmarks</title>\n"
        f"  <desc>Exported by markhive at {_text(exported_at)}</desc>\n"
    )
    tags = tag_lists(tag_names, _tag, "")
    indent = "  "
    for item in listing:
        if isinstance(item, list):
            yield "".join([_bookmark(row, indent, tags) for row in item])
        elif isinstance(item, FolderStart):
            yield _folder(item, indent)
            indent += "  "
        elif isinstance(item, FolderEnd):
            indent = indent[:-2]
            yield f"{indent}</folder>\n"
    yield "</xbel>\n"
