"""View models: what the templates get instead of ORM rows."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from markupsafe import Markup
from sqlalchemy.orm import Session

from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.repository import RawRows
from markhive.folders.service import FolderInfo
from markhive.tags import repository as tag_rows
from markhive.web import markdown

COLUMNS = (
    Bookmark.id,
    Bookmark.url,
    Bookmark.title,
    Bookmark.description,
    Bookmark.notes,
    Bookmark.favicon_file,
    Bookmark.is_archived,
    Bookmark.unread,
    Bookmark.shared,
    Bookmark.is_favorite,
    Bookmark.rating,
    Bookmark.visit_count,
    Bookmark.date_added,
    Bookmark.date_modified,
    Bookmark.reminder_at,
    Bookmark.folder_id,
    Bookmark.user_id,
)
ROWS = RawRows(COLUMNS)


def when(value: Any) -> datetime | None:
    """A stored datetime as the driver gives it (SQLite: text) as an aware UTC value."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


@dataclass
class BookmarkView:
    id: int
    url: str
    title: str
    description: str
    notes: str
    favicon: str
    archived: bool
    unread: bool
    shared: bool
    favorite: bool
    rating: int
    visits: int
    added: datetime | None
    modified: datetime | None
    reminder: datetime | None
    folder_id: int | None
    owner_id: int
    tags: list[str] = field(default_factory=list)

    @property
    def display_title(self) -> str:
        return self.title or self.url

    @property
    def host(self) -> str:
        try:
            return urlsplit(self.url).hostname or ""
        except ValueError:
            return ""

    @property
    def notes_html(self) -> Markup:
        return markdown.render(self.notes)

    @property
    def safe_url(self) -> bool:
        return is_safe_url(self.url)


def is_safe_url(url: str) -> bool:
    """Whether a URL may be followed from a page (never a script or data URL)."""
    scheme = url.split(":", 1)[0].strip().lower()
    return scheme not in ("javascript", "data", "vbscript", "file")


def bookmarks(session: Session, ids: list[int]) -> list[BookmarkView]:
    """The bookmarks of ``ids`` in that order, with their tags: two queries."""
    names = tag_rows.names_for(session, ids)
    found = []
    for row in ROWS(session, ids):
        (
            id_,
            url,
            title,
            description,
            notes,
            favicon,
            archived,
            unread,
            shared,
            favorite,
            rating,
            visits,
            added,
            modified,
            reminder,
            folder_id,
            owner_id,
        ) = row
        found.append(
            BookmarkView(
                id_,
                url,
                title,
                description,
                notes,
                favicon,
                bool(archived),
                bool(unread),
                bool(shared),
                bool(favorite),
                int(rating or 0),
                int(visits or 0),
                when(added),
                when(modified),
                when(reminder),
                folder_id,
                owner_id,
                names.get(id_, []),
            )
        )
    return found


@dataclass(frozen=True)
class Pager:
    page: int
    pages: int
    count: int
    size: int

    @property
    def first(self) -> int:
        return 0 if self.count == 0 else (self.page - 1) * self.size + 1

    @property
    def last(self) -> int:
        return min(self.count, self.page * self.size)


def tag_cloud(items: list[BookmarkView]) -> list[tuple[str, int]]:
    """The tags of the bookmarks shown, with how many of them carry each, by name."""
    counts: dict[str, int] = {}
    for item in items:
        for name in item.tags:
            counts[name] = counts.get(name, 0) + 1
    return sorted(counts.items(), key=lambda pair: pair[0].casefold())


@dataclass
class FolderNode:
    """A folder in the side panel's tree; ``children`` are filled in for an open folder."""

    id: int
    name: str
    count: int
    public: bool
    has_children: bool
    open: bool
    children: list[FolderNode] = field(default_factory=list)


def folder_tree(
    folders: list[FolderInfo], selected: int | None = None, parent: int | None = None
) -> list[FolderNode]:
    """The folders under ``parent`` for the side panel: one level, plus the path down to
    ``selected`` opened, so a tree of thousands of folders is not sent on every page (the
    other levels load when opened)."""
    by_id = {folder.id: folder for folder in folders}
    children: dict[int | None, list[FolderInfo]] = {}
    for folder in folders:  # in tree order, so every list of siblings is sorted
        children.setdefault(folder.parent_id, []).append(folder)
    opened: set[int] = set()
    current = by_id.get(selected) if selected is not None else None
    while current is not None and current.id not in opened:
        opened.add(current.id)
        current = by_id.get(current.parent_id) if current.parent_id is not None else None

    def level(parent_id: int | None) -> list[FolderNode]:
        return [
            FolderNode(
                folder.id,
                folder.name,
                folder.bookmark_count,
                folder.is_public,
                folder.id in children,
                folder.id in opened,
                level(folder.id) if folder.id in opened else [],
            )
            for folder in children.get(parent_id, [])
        ]

    return level(parent)
