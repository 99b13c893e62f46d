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
from markhive.bookmarks.urls import MAX_URL_LENGTH, SCHEMES, url_key, valid_parts
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
    made: set[int] = field(default_factory=set)  # ids of bookmarks this import made
    pending_made: set[int] = field(default_factory=set)  # made in the open transaction

    def met(self, bookmark_id: int) -> bool:
        return bookmark_id in self.seen or bookmark_id in self.pending

    def made_here(self, bookmark_id: int) -> bool:
        return bookmark_id in self.made or bookmark_id in self.pending_made

    def committed(self) -> None:
        self.seen |= self.pending
        self.pending.clear()
        self.made |= self.pending_made
        self.pending_made.clear()

    def forget(self) -> None:
        self.folders = None
        self.tags.clear()
        self.pending.clear()
        self.pending_made.clear()


def clean_folder_name(name: str) -> str:
    name = name.replace("\x00", "").replace("/", "\u2215").strip()[:MAX_NAME].strip()
    return name or UNTITLED


def _skip_reason(url: str) -> str:
    """Why this URL (one that urls.valid_parts refuses) is not imported."""
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
    return "not a valid URL"


@dataclass(slots=True)
class Item:
    """A bookmark entry whose URL is imported, checked and keyed, with what a new bookmark
    would get from it: ``values`` (the MERGED columns it states; the folder is added when
    the batch is applied) and ``row`` (repository.PREPARED as stored)."""

    entry: Entry
    url: str
    key: str
    values: dict[str, Any]
    row: tuple[Any, ...]
    folder_id: int | None = None
    tag_ids: set[int] = field(default_factory=set)


@dataclass
class Prepared:
    """A batch's events with the work that needs no database done (check_entries)."""

    now: datetime
    events: list[FolderStart | FolderEnd | Skip | Item]


def check_entries(
    events: list[Event], options: ImportOptions, shape: repository.NewBookmarks
) -> Prepared:
    """The events with their URLs checked and keyed, and the rows of the bookmarks they
    would make: the work of a batch that needs no database, done while the bookmarks of
    the batch before are being written (see repository.insert_new)."""
    now = utcnow()
    checked: list[FolderStart | FolderEnd | Skip | Item] = []
    for event in events:
        if isinstance(event, Entry):
            url = _clean(event.url)
            parts = valid_parts(url, any_host=True)
            if parts is None:
                checked.append(Skip(event.index, url, _skip_reason(url)))
            else:
                key = url_key(url, parts)
                values = _new_values(event, options, now)
                checked.append(Item(event, url, key, values, _row(shape, url, key, values)))
        else:
            checked.append(event)
    return Prepared(now, checked)


def _new_values(entry: Entry, options: ImportOptions, now: datetime) -> dict[str, Any]:
    added = entry.added or now
    return {
        "title": _clean(entry.title)[:MAX_TITLE],
        "description": _clean(entry.description),
        "notes": _clean(entry.notes),
        "unread": bool(entry.unread),
        "shared": bool(_shared(entry, options)),
        "is_archived": entry.archived,
        "is_favorite": entry.favorite,
        "rating": entry.rating,
        "visit_count": entry.visits,
        "last_visited_at": entry.visited,
        "reminder_at": entry.reminder,
        "date_added": added,
        "date_modified": entry.modified or added,
    }


def _shared(entry: Entry, options: ImportOptions) -> bool | None:
    if entry.shared is not None:
        return entry.shared
    if options.map_private and entry.private is not None:
        return not entry.private
    return None


def _row(
    shape: repository.NewBookmarks, url: str, key: str, values: dict[str, Any]
) -> tuple[Any, ...]:
    derived = _derived(url, values)
    return shape.stored([url, key, *(values[name] for name in _STATED), *derived.values()])


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
class _State:
    """A bookmark as the batch leaves it: ``values`` are the MERGED columns."""

    id: int | None
    url: str
    values: dict[str, Any]
    tag_ids: set[int]
    seen: bool  # already met earlier in this import
    new: bool = False  # to be inserted
    row: tuple[Any, ...] = ()  # a new one's repository.PREPARED, as stored
    changed: set[str] = field(default_factory=set)
    new_tags: set[int] = field(default_factory=set)


class Batch:
    """One batch applied in one session. The importer's caches (folders, tags) are
    updated as it goes and cleared by the importer when the transaction fails."""

    def __init__(
        self, importer: ImportState, session: Session, shape: repository.NewBookmarks
    ) -> None:
        self.importer = importer
        self.session = session
        self.shape = shape
        self.user_id = importer.user_id
        self.report = ImportReport()
        self.seen: set[int] = set()
        self.now: datetime  # the batch's (check_entries), set by apply
        self.changed = False
        # What is left of the batch's writes (see repository.insert_new).
        self.finish: repository.Finish | None = None

    def apply(self, batch: Prepared) -> Batch:
        """Apply a batch of events as :func:`check_entries` returns them; ``finish`` is
        then what remains to be written."""
        self.now = batch.now
        items = self._walk(batch.events)
        self._resolve_tags(items)
        states = self._merge(items)
        self.finish = self._write(states)
        if self.changed:
            users.bump_data_version(self.session, self.user_id)
        return self

    # -- folders and checks, in file order
    def _walk(self, batch: list[FolderStart | FolderEnd | Skip | Item]) -> list[Item]:
        stack = self.importer.stack
        items: list[Item] = []
        for event in batch:
            if isinstance(event, Item):
                event.folder_id = stack[-1]
                items.append(event)
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

    def _resolve_tags(self, items: list[Item]) -> None:
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
    def _merge(self, items: list[Item]) -> dict[str, _State]:
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

    def _new(self, item: Item) -> _State:
        values = item.values
        values["folder_id"] = item.folder_id
        return _State(
            None, item.url, values, set(), seen=True, new=True, new_tags=item.tag_ids, row=item.row
        )

    def _merge_into(self, state: _State, item: Item) -> bool:
        """Merge an entry into a bookmark already there; True when that changed it."""
        entry, given, values = item.entry, item.values, state.values
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

        for name in ("title", "description", "notes", "rating", "reminder_at"):
            offer(name, given[name])
        offer("folder_id", item.folder_id)
        for name in ("unread", "shared", "is_archived", "is_favorite"):
            if given[name] and not values[name]:
                change(name, True)
        raise_to("visit_count", entry.visits or None)
        raise_to("last_visited_at", entry.visited)
        if entry.added is not None and entry.added < _at(values["date_added"], entry.added):
            change("date_added", entry.added)
        added_tags = item.tag_ids - state.tag_ids - state.new_tags
        state.new_tags |= added_tags
        return bool(changes or added_tags)

    # -- writing
    def _write(self, states: dict[str, _State]) -> repository.Finish:
        new = [(key, state) for key, state in states.items() if state.new]
        rows = []
        for (key, state), bookmark_id in zip(
            new, repository.new_ids(self.session, len(new)), strict=True
        ):
            state.id = bookmark_id
            self.importer.pending_made.add(bookmark_id)
            if state.changed:  # filled by the same URL again further on in the file
                state.row = _row(self.shape, state.url, key, state.values)
            rows.append((bookmark_id, *state.row, state.values["folder_id"]))
        updates = []
        links: list[tuple[int, int]] = []
        for state in states.values():
            assert state.id is not None
            self.seen.add(state.id)
            links.extend((state.id, tag_id) for tag_id in state.new_tags)
            if state.new or not (state.changed or state.new_tags):
                continue
            # A bookmark this import made keeps the file's date when a later entry with
            # its URL fills it, as one made from both entries at once would.
            made_here = self.importer.made_here(state.id)
            if (state.new_tags or state.changed - QUIET) and not made_here:
                state.values["date_modified"] = self.now
            values = state.values
            updates.append({"b_id": state.id, **values, **_derived(state.url, values)})
        repository.update_bookmarks(self.session, updates)
        if rows or updates or links:
            self.changed = True
        return repository.insert_new(self.session, self.user_id, rows, links)


# The MERGED columns an entry states, but the folder (the rest are derived from them), in
# repository.PREPARED's order.
_STATED = repository.PREPARED[2:-2]
assert repository.PREPARED[-2:] == ("search_text", "sort_title")


def _derived(url: str, values: dict[str, Any]) -> dict[str, str]:
    return {
        "search_text": derived.search_text(
            values["title"], values["description"], values["notes"], url
        ),
        "sort_title": derived.sort_title(values["title"], url),
    }
