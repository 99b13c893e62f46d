"""Whole accounts for the import/export tests: hypothesis strategies that draw an account
with every field set (nested folders, bookmarks, tags, flags, dates), the code that
builds one through markhive's own services, its export, and a normalised reading of an
account's state to compare two accounts by."""

from __future__ import annotations

import io
import itertools
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from hypothesis import strategies as st
from sqlalchemy import insert, select

from markhive.bookmarks import derived
from markhive.bookmarks import repository as bookmarks_repository
from markhive.bookmarks import service as bookmarks
from markhive.bookmarks.derived import fold
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.urls import url_key
from markhive.db.session import Database
from markhive.folders import repository as folders_repository
from markhive.folders import service as folders
from markhive.importexport.export import export
from markhive.importexport.netscape import ARCHIVED_TAG, NOTES_OPEN
from markhive.importexport.service import ImportOptions, ImportReport, import_file
from markhive.settings import Settings
from markhive.tags import repository as tags_repository
from markhive.tags import service as tags_service
from markhive.tags.models import BookmarkTag
from markhive.users.service import create_user

EXPORTED_AT = "2026-11-22T10:00:00Z"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# XML 1.0 cannot carry these characters at all, not even as character references, so the
# XBEL writer drops them: they are left out of what the XBEL properties draw. (NUL is
# refused by the services themselves, so no account holds it.)
XML_ILLEGAL = "".join(
    chr(c) for c in (*range(0x01, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF)
)

# Fragments that escaping, parsing and whitespace handling get wrong most often.
AWKWARD = [
    "&",
    '"',
    "'",
    "<",
    ">",
    "<script>alert(1)</script>",
    "&amp;",
    "&lt;b&gt;",
    "&#13;",
    "&nbsp;",
    "]]>",
    "<!--",
    "-->",
    "<![CDATA[x]]>",
    "</A>",
    "</DL><p>",
    "<DT><H3>",
    "\n",
    "\r\n",
    "\r",
    "\t",
    "  ",
    "\u00a0",
    "\u2028",
    "\u0085",
    "😀",
    "👩\u200d👩\u200d👧",
    "🇫🇷",
    "שלום עולם",
    "مرحبا بالعالم",
    "\u202e",
    "\u200f",
    "İı",
    "ß",
    "ǅ",
    "ﬀ",
    "e\u0301",
    "中文",
    "\\",
    "%20",
    "?",
    "#",
    "=",
    ",",
    ";",
    "[",
    "]",
    "{}",
    "\ufeff",
    "\U0010fffd",
]


def characters(xml_safe: bool) -> st.SearchStrategy[str]:
    excluded = "\x00" + (XML_ILLEGAL if xml_safe else "")
    return st.characters(exclude_categories=("Cs",), exclude_characters=excluded)


def texts(xml_safe: bool, pieces: int = 6) -> st.SearchStrategy[str]:
    """Text made of awkward fragments and arbitrary characters."""
    piece = st.sampled_from(AWKWARD) | st.text(characters(xml_safe), min_size=1, max_size=8)
    return st.lists(piece, max_size=pieces).map("".join)


def dates(xml_safe: bool) -> st.SearchStrategy[datetime]:
    """Any date with microseconds. A Netscape file holds Unix seconds, and readers take
    values of 10**11 and more as milliseconds (browsers disagree on the unit) and 0 as
    "no date": a Netscape account keeps to the years before 5138 and outside the epoch's
    first second."""
    if xml_safe:
        return st.datetimes(
            min_value=datetime(1, 1, 1),
            max_value=datetime(9999, 12, 31, 23, 59, 59, 999999),
            timezones=st.just(UTC),
        )
    return st.datetimes(
        min_value=datetime(1, 1, 1),
        max_value=datetime(5138, 11, 16, 9, 46, 39),
        timezones=st.just(UTC),
    ).filter(lambda d: not EPOCH <= d < EPOCH + timedelta(seconds=1))


@dataclass(frozen=True)
class FolderSpec:
    name: str
    parent: int | None  # index of an earlier folder, None for the root
    public: bool = False
    description: str = ""
    created_at: datetime = datetime(2020, 1, 1, tzinfo=UTC)
    updated_at: datetime = datetime(2020, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class BookmarkSpec:
    url: str
    folder: int | None = None  # index into the account's folders, None for the root
    title: str = ""
    description: str = ""
    notes: str = ""
    tags: tuple[str, ...] = ()
    unread: bool = False
    shared: bool = False
    archived: bool = False
    favorite: bool = False
    rating: int = 0
    visits: int = 0
    last_visit: datetime | None = None
    reminder: datetime | None = None
    date_added: datetime = datetime(2020, 1, 1, tzinfo=UTC)
    date_modified: datetime = datetime(2020, 1, 2, tzinfo=UTC)


@dataclass(frozen=True)
class AccountSpec:
    folders: tuple[FolderSpec, ...] = ()
    bookmarks: tuple[BookmarkSpec, ...] = field(default_factory=tuple)


MAX_DEPTH = 4
HOSTS = [
    "example.com",
    "EXAMPLE.org",
    "bücher.example",
    "xn--bcher-kva.example",
    "sub.domain.co.uk",
    "localhost:8080",
    "127.0.0.1",
    "[::1]:8443",
    "nas",  # a single-label (intranet) host: accepted with any_host
    "user:p%40ss@example.net",
]
SCHEMES = ["http", "https", "HTTPS", "ftp", "ftps"]


def _url_tail(xml_safe: bool) -> st.SearchStrategy[str]:
    """Path, query and fragment text: no whitespace (no URL has any), otherwise anything."""
    chars = characters(xml_safe).filter(lambda c: not c.isspace())
    piece = st.sampled_from(
        ["&", '"', "'", "<", ">", "?a=1&b=2", "#frag", "%20", "😀", "שלום", "ü", "\\", "[x]"]
    ) | st.text(chars, min_size=1, max_size=6)
    return st.lists(piece, max_size=4).map("".join)


def _strip(text: str) -> str:
    return text.strip()


def _folder_name_ok(name: str, taken: set[str]) -> bool:
    """A name the folder service takes, not a sibling's (names are unique among siblings
    case-insensitively)."""
    return bool(name) and "/" not in name and fold(name) not in taken and len(name) <= 100


@st.composite
def accounts(draw: st.DrawFn, xml_safe: bool) -> AccountSpec:
    """An account with every field of every bookmark and folder drawn. Only what the
    format cannot carry is left out (see ``characters``, ``dates`` and below)."""
    text = texts(xml_safe)
    when = dates(xml_safe)
    folder_specs: list[FolderSpec] = []
    depths: list[int] = []
    for _ in range(draw(st.integers(0, 8))):
        parents = [None, *(i for i, d in enumerate(depths) if d < MAX_DEPTH)]
        parent = draw(st.sampled_from(parents))
        taken = {fold(f.name) for f in folder_specs if f.parent == parent}
        name = draw(
            texts(xml_safe, pieces=4)
            .map(_strip)
            .filter(lambda n, taken=taken: _folder_name_ok(n, taken))
        )
        folder_specs.append(
            FolderSpec(
                name=name,
                parent=parent,
                public=draw(st.booleans()),
                # Folder descriptions come only from imports, which store them stripped.
                description=draw(text.map(_strip)),
                created_at=draw(when),
                updated_at=draw(when),
            )
        )
        depths.append(1 if parent is None else depths[parent] + 1)

    # Tag names have no whitespace and no commas (the services' rules); the archived
    # pseudo-tag is how a Netscape file says "archived", so it cannot be a real tag.
    tag_chars = characters(xml_safe).filter(lambda c: not c.isspace() and c != ",")
    tag_name = st.text(tag_chars, min_size=1, max_size=20).filter(lambda t: fold(t) != ARCHIVED_TAG)
    pool = draw(st.lists(tag_name, max_size=6, unique_by=fold))

    bookmark_specs: list[BookmarkSpec] = []
    for index in range(draw(st.integers(0, 10))):
        scheme = draw(st.sampled_from(SCHEMES))
        host = draw(st.sampled_from(HOSTS))
        # The index in the path keeps the normalised URLs apart.
        url = f"{scheme}://{host}/{index}/{draw(_url_tail(xml_safe))}"
        # A title equal to the URL is what a Netscape file writes for "no title" (browsers
        # need a link text), so it reads back as no title.
        title = draw(text.map(_strip).filter(lambda t, url=url: t != url))
        # linkding appends notes to the description as [linkding-notes]...: a description
        # holding that marker itself would be split there.
        description = draw(text.map(_strip).filter(lambda d: NOTES_OPEN not in d))
        bookmark_specs.append(
            BookmarkSpec(
                url=url,
                folder=draw(st.sampled_from([None, *range(len(folder_specs))])),
                title=title,
                description=description,
                notes=draw(text.map(_strip)),
                tags=tuple(draw(st.lists(st.sampled_from(pool), unique=True)) if pool else ()),
                unread=draw(st.booleans()),
                shared=draw(st.booleans()),
                archived=draw(st.booleans()),
                favorite=draw(st.booleans()),
                rating=draw(st.integers(0, 5)),
                visits=draw(st.integers(0, 2**31 - 1) | st.integers(0, 5)),
                last_visit=draw(st.none() | when),
                reminder=draw(st.none() | when),
                date_added=draw(when),
                date_modified=draw(when),
            )
        )
    return AccountSpec(tuple(folder_specs), tuple(bookmark_specs))


# -- building, exporting, importing

_users = itertools.count()


def new_user(database: Database, settings: Settings) -> int:
    with database.unit() as session:
        return create_user(session, settings, f"ie{next(_users)}").id


def build(database: Database, settings: Settings, spec: AccountSpec) -> int:
    """A fresh user holding the account, made through the services; the user's id."""
    user_id = new_user(database, settings)
    with database.unit() as session:
        ids: list[int] = []
        for folder_spec in spec.folders:
            parent = None if folder_spec.parent is None else ids[folder_spec.parent]
            folder = folders.create(session, user_id, folder_spec.name, parent)
            if folder_spec.public:
                folder = folders.update(session, user_id, folder.id, {"is_public": True})
            folder.description = folder_spec.description
            folder.created_at = folder_spec.created_at
            folder.updated_at = folder_spec.updated_at
            session.flush()
            ids.append(folder.id)
        for b in spec.bookmarks:
            bookmark, created = bookmarks.create(
                session,
                user_id,
                {
                    "url": b.url,
                    "title": b.title,
                    "description": b.description,
                    "notes": b.notes,
                    "is_archived": b.archived,
                    "unread": b.unread,
                    "shared": b.shared,
                    "is_favorite": b.favorite,
                    "rating": b.rating,
                    "folder_id": None if b.folder is None else ids[b.folder],
                    "reminder_at": b.reminder,
                    "date_added": b.date_added,
                    "date_modified": b.date_modified,
                    "tag_names": list(b.tags),
                },
                merge=False,
                any_host=True,
            )
            assert created
            bookmarks_repository.set_values(
                session,
                user_id,
                [bookmark.id],
                visit_count=b.visits,
                last_visited_at=b.last_visit,
            )
    return user_id


def export_bytes(database: Database, user_id: int, fmt: str) -> bytes:
    with database.unit(write=False) as session:
        return b"".join(export(session, user_id, fmt, exported_at=EXPORTED_AT))


def import_bytes(database: Database, user_id: int, data: bytes, fmt: str) -> ImportReport:
    return import_file(database, user_id, io.BytesIO(data), fmt, ImportOptions(map_private=True))


# -- an account's state, normalised

Path = tuple[str, ...]


def state(database: Database, user_id: int) -> dict[str, Any]:
    """Every folder (by path) and every bookmark (by URL) with every field markhive keeps
    for them and an export could carry."""
    with database.unit(write=False) as session:
        tree = folders.Tree(folders_repository.all_of(session, user_id))
        paths: dict[int, Path] = {}
        folder_state: dict[Path, dict[str, Any]] = {}
        for folder in tree.walk():
            path = (*paths.get(folder.parent_id or 0, ()), folder.name)
            paths[folder.id] = path
            folder_state[path] = {
                "description": folder.description,
                "is_public": folder.is_public,
                "created_at": folder.created_at,
                "updated_at": folder.updated_at,
            }
        rows = list(session.scalars(select(Bookmark).where(Bookmark.user_id == user_id)))
        names = tags_repository.names_for(session, [row.id for row in rows])
        bookmark_state = {
            row.url: {
                "folder": None if row.folder_id is None else paths[row.folder_id],
                "title": row.title,
                "description": row.description,
                "notes": row.notes,
                "tags": sorted(names.get(row.id, [])),
                "is_archived": row.is_archived,
                "unread": row.unread,
                "shared": row.shared,
                "is_favorite": row.is_favorite,
                "rating": row.rating,
                "visit_count": row.visit_count,
                "last_visited_at": row.last_visited_at,
                "reminder_at": row.reminder_at,
                "date_added": row.date_added,
                "date_modified": row.date_modified,
            }
            for row in rows
        }
    return {"folders": folder_state, "bookmarks": bookmark_state}


DATES = (
    "created_at",
    "updated_at",
    "last_visited_at",
    "reminder_at",
    "date_added",
    "date_modified",
)


def to_second(value: Any) -> Any:
    """A date cut to the whole second before it (what Unix seconds keep)."""
    if isinstance(value, datetime):
        return value.replace(microsecond=0)
    return value


def map_dates(account: dict[str, Any], function: Any) -> dict[str, Any]:
    return {
        kind: {
            key: {name: function(v) if name in DATES else v for name, v in values.items()}
            for key, values in items.items()
        }
        for kind, items in account.items()
    }


def build_large(
    database: Database, settings: Settings, count: int, texts: list[str], folders_count: int = 3
) -> int:
    """A fresh user with ``count`` bookmarks spread over a few folders and the root,
    titles, descriptions and notes taken in turn from ``texts``; the user's id. (Rows
    are added in bulk: the services take a minute for a few thousand bookmarks.)"""
    user_id = new_user(database, settings)
    with database.unit() as session:
        ids: list[int | None] = [None]
        for index in range(folders_count):
            parent = ids[-1] if index % 2 else None
            name = f"Folder {index} {texts[index]}".strip()
            ids.append(folders.create(session, user_id, name, parent).id)
        tag_ids = {
            tag.name: tag.id
            for tag in tags_service.ensure_tags(
                session, user_id, [*(f"t{i}" for i in range(7)), *(f"ü{i}" for i in range(5))]
            )
        }
        start = datetime(2021, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
        rows: list[Bookmark] = []
        for index in range(count):
            text = texts[index % len(texts)]
            url = f"https://example.com/{index}/{'x' * (index % 37)}?q={index}&r=\"'"
            title = f"{index} {text}".strip()
            description = (f"{text} {texts[(index + 1) % len(texts)]}" * (index % 3)).strip()
            notes = texts[(index + 2) % len(texts)].strip() if index % 4 == 0 else ""
            rows.append(
                Bookmark(
                    user_id=user_id,
                    url=url,
                    url_key=url_key(url),
                    title=title,
                    description=description,
                    notes=notes,
                    folder_id=ids[index % len(ids)],
                    is_archived=index % 5 == 0,
                    unread=index % 2 == 0,
                    shared=index % 3 == 0,
                    is_favorite=index % 6 == 0,
                    rating=index % 6,
                    visit_count=index % 4,
                    last_visited_at=start + timedelta(days=2, seconds=index) if index % 4 else None,
                    reminder_at=start + timedelta(days=30, seconds=index)
                    if index % 9 == 0
                    else None,
                    favicon_file="",
                    preview_image_file="",
                    web_archive_snapshot_url="",
                    link_dead=False,
                    date_added=start + timedelta(seconds=index * 7, microseconds=index),
                    date_modified=start + timedelta(days=1, seconds=index),
                    sort_title=derived.sort_title(title, url),
                    search_text=derived.search_text(title, description, notes, url),
                )
            )
        session.add_all(rows)
        session.flush()
        links = [
            {"bookmark_id": row.id, "tag_id": tag_ids[name]}
            for index, row in enumerate(rows)
            for name in (f"t{index % 7}", f"ü{index % 5}")
        ]
        session.execute(insert(BookmarkTag), links)
    return user_id
