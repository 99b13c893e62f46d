"""One batch of an import, applied in one transaction: folders made or found, entries
checked, merged into the bookmarks already there (the rules are in :mod:`service`) and
written with a few statements for the whole batch."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy.orm import Session

from markhive.bookmarks import derived
from markhive.bookmarks.service import MAX_TITLE
from markhive.bookmarks.urls import MAX_URL_LENGTH, SCHEMES, is_valid_url, url_key
from markhive.db.base import utcnow
from markhive.folders.service import MAX_NAME
from markhive.importexport import repository
from markhive.importexport.model import Entry, Event, FolderEnd, FolderStart, Skip
from markhive.importexport.report import ImportOptions, ImportReport
from markhive.tags import service as tags
from markhive.users import repository as users

UNTITLED = "Untitled"
# Changing only these leaves date_modified alone (linkding clients see no change).
QUIET = frozenset(
    {
        "folder_id",
        "is_favorite",
        "rating",
        "reminder_at",
        "visit_count",
        "last_visited_at",
        "date_added",
    }
)


@dataclass
class ImportState:
    """What an import carries from batch to batch. The caches are cleared when a
    transaction fails (they may name rows that were rolled back)."""

    user_id: int
    options: ImportOptions
    stack: list[int | None] = field(default_factory=lambda: [None])  # open folders; None: root
    # (parent id, folded name) -> (id, description); None until read in a transaction
    folders: dict[tuple[int | None, str], tuple[int, str]] | None = None
    tags: dict[str, int] = field(default_factory=dict)  # folded name -> id
    tag_names: dict[str, tuple[str, str]] = field(default_factory=dict)  # raw -> (name, folded)
    seen: set[int] = field(default_factory=set)  # ids of bookmarks this import has met
    pending: set[int] = field(default_factory=set)  # met in the open transaction

    def met(self, bookmark_id: int) -> bool:
        return bookmark_id in self.seen or bookmark_id in self.pending

    def committed(self) -> None:
        self.seen |= self.pending
        self.pending.clear()

    def forget(self) -> None:
        self.folders = None
        self.tags.clear()
        self.pending.clear()


def clean_folder_name(name: str) -> str:
    name = name.replace("\x00", "").replace("/", "\u2215").strip()[:MAX_NAME].strip()
    return name or UNTITLED


def _skip_reason(url: str) -> str | None:
    """Why this URL is not imported, or None when it is fine."""
    if len(url) > MAX_URL_LENGTH:
        return f"the URL is longer than {MAX_URL_LENGTH} characters"
    try:
        scheme = urlsplit(url).scheme.lower()
    except ValueError:
        return "not a valid URL"
    if scheme == "javascript":
        return "bookmarklets (javascript: URLs) are not imported"
    if scheme == "place":
        return "Firefox place: queries are not bookmarks"
    if not scheme:
        return "a relative URL, not a web address"
    if scheme not in SCHEMES:
        return f"{scheme}: URLs are not imported (only {', '.join(SCHEMES)})"
    if not is_valid_url(url, any_host=True):
        return "not a valid URL"
    return None


# An event ready for a batch: a bookmark entry comes with its cleaned URL and URL key, or
# as a Skip when its URL is not imported.
Checked = FolderStart | FolderEnd | Skip | tuple[Entry, str, str]


def check_entries(events: list[Event]) -> list[Checked]:
    """The events with their URLs checked and keyed: the work of a batch that needs no
    database, done as the batch is read back from the staging file."""
    checked: list[Checked] = []
    for event in events:
        if isinstance(event, Entry):
            url = _clean(event.url)
            reason = _skip_reason(url)
            if reason is None:
                checked.append((event, url, url_key(url)))
            else:
                checked.append(Skip(event.index, url, reason))
        else:
            checked.append(event)
    return checked


def _at(stored: Any, given: Any) -> Any:
    """``stored`` at the precision of the file's ``given`` datetime: Netscape files have
    whole seconds, so a stored 10:00:00.25 and a file's 10:00:00 are the same time."""
    if isinstance(given, datetime) and given.microsecond == 0 and isinstance(stored, datetime):
        return stored.replace(microsecond=0)
    return stored


def _same(stored: Any, given: Any) -> bool:
    return bool(stored == given or _at(stored, given) == given)


def _clean(text: str) -> str:
    return text.replace("\x00", "").strip()


@dataclass
class _Item:
    """A bookmark entry of the batch, checked, with the folder it sits in."""

    entry: Entry
    url: str
    key: str
    folder_id: int | None
    tag_ids: set[int]


@dataclass
class _State:
    """A bookmark as the batch leaves it: ``values`` are the MERGED columns."""

    id: int | None
    url: str
    values: dict[str, Any]
    tag_ids: set[int]
    seen: bool  # already met earlier in this import
    new: bool = False  # to be inserted
    changed: set[str] = field(default_factory=set)
    new_tags: set[int] = field(default_factory=set)


class Batch:
    """One batch applied in one session. The importer's caches (folders, tags) are
    updated as it goes and cleared by the importer when the transaction fails."""

    def __init__(self, importer: ImportState, session: Session) -> None:
        self.importer = importer
        self.session = session
        self.user_id = importer.user_id
        self.report = ImportReport()
        self.seen: set[int] = set()
        self.now = utcnow()
        self.changed = False

    def apply(self, batch: list[Checked]) -> Batch:
        """Apply a batch of events as :func:`check_entries` returns them."""
        items = self._walk(batch)
        self._resolve_tags(items)
        states = self._merge(items)
        self._write(states)
        if self.changed:
            users.bump_data_version(self.session, self.user_id)
        return self

    # -- folders and checks, in file order
    def _walk(self, batch: list[Checked]) -> list[_Item]:
        stack = self.importer.stack
        items: list[_Item] = []
        for event in batch:
            if isinstance(event, tuple):
                entry, url, key = event
                items.append(_Item(entry, url, key, stack[-1], set()))
            elif isinstance(event, FolderStart):
                stack.append(self._folder(event, stack[-1]))
            elif isinstance(event, FolderEnd):
                if len(stack) > 1:
                    stack.pop()
            else:
                self.report.skip(event.index, event.url, event.reason)
        return items

    def _folder(self, event: FolderStart, parent_id: int | None) -> int:
        folders = self.importer.folders
        if folders is None:
            folders = self.importer.folders = {
                (parent, folded): (folder_id, description)
                for folder_id, parent, folded, description in repository.folders_of(
                    self.session, self.user_id
                )
            }
        name = clean_folder_name(event.name)
        key = (parent_id, derived.fold(name))
        found = folders.get(key)
        description = _clean(event.description)
        if found is None:
            added = event.added or self.now
            folder_id = repository.insert_folder(
                self.session,
                {
                    "user_id": self.user_id,
                    "parent_id": parent_id,
                    "parent_key": parent_id or 0,
                    "name": name,
                    "name_folded": key[1],
                    "description": description,
                    "is_public": event.public,
                    "created_at": added,
                    "updated_at": event.modified or added,
                },
            )
            folders[key] = (folder_id, description)
            self.report.folders_created += 1
            self.changed = True
            return folder_id
        folder_id, stored = found
        if description and not stored:
            repository.set_folder_description(self.session, folder_id, description)
            folders[key] = (folder_id, description)
            self.changed = True
        return folder_id

    def _resolve_tags(self, items: list[_Item]) -> None:
        """Each item's tag ids; the tags are made where missing."""
        importer = self.importer
        names, ids = importer.tag_names, importer.tags
        missing: dict[str, str] = {}
        for item in items:
            for raw in item.entry.tags:
                if raw not in names:
                    name = tags.lenient_name(raw)
                    names[raw] = (name, derived.fold(name))
                name, folded = names[raw]
                if name and folded not in ids:
                    missing.setdefault(folded, name)
        if missing:
            for tag in tags.ensure_tags(self.session, self.user_id, list(missing.values())):
                ids[tag.name_folded] = tag.id
        for item in items:
            item.tag_ids = {ids[names[raw][1]] for raw in item.entry.tags if names[raw][0]}

    # -- merging, in file order
    def _merge(self, items: list[_Item]) -> dict[str, _State]:
        existing = repository.by_keys(
            self.session, self.user_id, list({item.key for item in items})
        )
        current_tags = repository.tag_ids(self.session, [row["id"] for row in existing.values()])
        states: dict[str, _State] = {}
        for item in items:
            state = states.get(item.key)
            if state is None and item.key not in existing:
                states[item.key] = self._new(item)
                self.report.imported += 1
                continue
            if state is None:
                row = dict(existing[item.key])
                bookmark_id, url = row.pop("id"), row.pop("url")
                state = states[item.key] = _State(
                    id=bookmark_id,
                    url=url,
                    values=row,
                    tag_ids=set(current_tags.get(bookmark_id, ())),
                    seen=self.importer.met(bookmark_id),
                )
            if self._merge_into(state, item):
                self.report.updated += 1
            else:
                self.report.unchanged += 1
            state.seen = True
        return states

    def _new(self, item: _Item) -> _State:
        entry = item.entry
        added = entry.added or self.now
        shared = self._shared(entry)
        values = {
            "title": _clean(entry.title)[:MAX_TITLE],
            "description": _clean(entry.description),
            "notes": _clean(entry.notes),
            "folder_id": item.folder_id,
            "unread": bool(entry.unread),
            "shared": bool(shared),
            "is_archived": entry.archived,
            "is_favorite": entry.favorite,
            "rating": entry.rating,
            "visit_count": entry.visits,
            "last_visited_at": entry.visited,
            "reminder_at": entry.reminder,
            "date_added": added,
            "date_modified": entry.modified or added,
        }
        return _State(None, item.url, values, set(), seen=True, new=True, new_tags=item.tag_ids)

    def _shared(self, entry: Entry) -> bool | None:
        if entry.shared is not None:
            return entry.shared
        if self.importer.options.map_private and entry.private is not None:
            return not entry.private
        return None

    def _merge_into(self, state: _State, item: _Item) -> bool:
        """Merge an entry into a bookmark already there; True when that changed it."""
        entry, values = item.entry, state.values
        first = not state.seen
        changes = 0

        def change(name: str, value: Any) -> None:
            nonlocal changes
            values[name] = value
            state.changed.add(name)
            changes += 1

        def offer(name: str, value: Any) -> None:
            """A value the file states: it overwrites the first time, fills otherwise."""
            if value in (None, "", 0) or _same(values[name], value):
                return
            if first or values[name] in (None, "", 0):
                change(name, value)

        def raise_to(name: str, value: Any) -> None:
            if value is not None and (values[name] is None or value > _at(values[name], value)):
                change(name, value)

        offer("title", _clean(entry.title)[:MAX_TITLE])
        offer("description", _clean(entry.description))
        offer("notes", _clean(entry.notes))
        offer("rating", entry.rating)
        offer("reminder_at", entry.reminder)
        offer("folder_id", item.folder_id)
        for name, flag in (
            ("unread", entry.unread),
            ("shared", self._shared(entry)),
            ("is_archived", entry.archived),
            ("is_favorite", entry.favorite),
        ):
            if flag and not values[name]:
                change(name, True)
        raise_to("visit_count", entry.visits or None)
        raise_to("last_visited_at", entry.visited)
        if entry.added is not None and entry.added < _at(values["date_added"], entry.added):
            change("date_added", entry.added)
        added_tags = item.tag_ids - state.tag_ids - state.new_tags
        state.new_tags |= added_tags
        return bool(changes or added_tags)

    # -- writing
    def _write(self, states: dict[str, _State]) -> None:
        new = [(key, state) for key, state in states.items() if state.new]
        rows = []
        for key, state in new:
            values = state.values
            stated = [values[name] for name in _STATED]
            rows.append((state.url, key, *stated, *_derived(state.url, values).values()))
        ids = repository.insert_bookmarks(self.session, self.user_id, rows)
        for key, state in new:
            state.id = ids[key]
        updates = []
        links: list[tuple[int, int]] = []
        for state in states.values():
            assert state.id is not None
            self.seen.add(state.id)
            links.extend((state.id, tag_id) for tag_id in state.new_tags)
            if state.new or not (state.changed or state.new_tags):
                continue
            if state.new_tags or state.changed - QUIET:
                state.values["date_modified"] = self.now
            values = state.values
            updates.append({"b_id": state.id, **values, **_derived(state.url, values)})
        repository.update_bookmarks(self.session, updates)
        repository.link(self.session, links)
        if rows or updates or links:
            self.changed = True


# The MERGED columns an entry states (the rest are derived from them), in their order.
_STATED = repository.MERGED[:-2]
assert repository.NEW[2:] == (*_STATED, "search_text", "sort_title")


def _derived(url: str, values: dict[str, Any]) -> dict[str, str]:
    return {
        "search_text": derived.search_text(
            values["title"], values["description"], values["notes"], url
        ),
        "sort_title": derived.sort_title(values["title"], url),
    }
