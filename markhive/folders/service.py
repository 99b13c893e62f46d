"""Folder rules: a tree per user with case-insensitively unique names among siblings.

Trees are read whole (a user has hundreds or thousands of folders, not millions), so
paths, cycle checks and subtrees are worked out in memory from one query.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from markhive.bookmarks.derived import fold
from markhive.db.base import utcnow
from markhive.errors import Conflict, Invalid, NotFound
from markhive.folders import repository
from markhive.folders.models import Folder
from markhive.search.count_cache import LRUCache
from markhive.users import repository as users

MAX_NAME = 255
WRITABLE = frozenset({"name", "parent_id", "is_public"})

# Called with (session, user_id, folder ids) before folders and their bookmarks go.
OnDelete = Callable[[Session, int, list[int]], None]


@dataclass(frozen=True)
class FolderInfo:
    id: int
    name: str
    parent_id: int | None
    path: str
    is_public: bool
    bookmark_count: int
    created_at: datetime
    updated_at: datetime


class Tree:
    """A user's folders in memory."""

    def __init__(self, folders: list[Folder]) -> None:
        self.by_id = {folder.id: folder for folder in folders}
        self.children: dict[int | None, list[Folder]] = defaultdict(list)
        for folder in folders:
            self.children[folder.parent_id].append(folder)
        for siblings in self.children.values():
            siblings.sort(key=lambda f: (f.name_folded, f.id))

    def path(self, folder_id: int) -> str:
        names: list[str] = []
        current: int | None = folder_id
        while current is not None and len(names) <= len(self.by_id):
            folder = self.by_id[current]
            names.append(folder.name)
            current = folder.parent_id
        return "/".join(reversed(names))

    def walk(self, root: int | None = None) -> Iterator[Folder]:
        """The folders under ``root`` (None: all), every parent before its children."""
        stack = list(reversed(self.children.get(root, [])))
        while stack:
            folder = stack.pop()
            yield folder
            stack.extend(reversed(self.children.get(folder.id, [])))

    def subtree(self, folder_id: int) -> list[int]:
        """The folder's id and its descendants', parents first."""
        return [folder_id, *(folder.id for folder in self.walk(folder_id))]


def get(session: Session, user_id: int, folder_id: int) -> Folder:
    folder = repository.get(session, user_id, folder_id)
    if folder is None:
        raise NotFound("Folder")
    return folder


class CountCache(LRUCache[list[FolderInfo]]):
    """The folder list with counts, by user and data version (every write to the user's
    bookmarks or folders bumps it). Counting a user's bookmarks by folder reads every one
    of them, and 2,000 folders take 0.1 s to load: too slow for every page."""

    def __init__(self, max_entries: int = 200) -> None:
        super().__init__(max_entries)


def list_folders(
    session: Session, user_id: int, cache: CountCache | None = None
) -> list[FolderInfo]:
    key = (user_id, users.data_version(session, user_id)) if cache is not None else None
    found = cache.get(key) if cache is not None else None
    if found is not None:
        return found
    tree = Tree(repository.all_of(session, user_id))
    counts = repository.bookmark_counts(session, user_id)
    found = [_info(tree, folder, counts.get(folder.id, 0)) for folder in tree.walk()]
    if cache is not None:
        cache.put(key, found)
    return found


def describe(session: Session, user_id: int, folder: Folder) -> FolderInfo:
    tree = Tree(repository.all_of(session, user_id))
    return _info(tree, folder, repository.bookmark_count(session, user_id, folder.id))


def _info(tree: Tree, folder: Folder, count: int) -> FolderInfo:
    return FolderInfo(
        id=folder.id,
        name=folder.name,
        parent_id=folder.parent_id,
        path=tree.path(folder.id),
        is_public=folder.is_public,
        bookmark_count=count,
        created_at=folder.created_at,
        updated_at=folder.updated_at,
    )


def clean_name(name: str, field: str = "name") -> str:
    name = name.strip()
    if not name:
        raise Invalid.one(field, "A folder name may not be blank.")
    if len(name) > MAX_NAME:
        raise Invalid.one(field, f"A folder name has at most {MAX_NAME} characters.")
    if "/" in name:
        raise Invalid.one(field, "A folder name may not contain '/'.")
    if "\x00" in name:
        raise Invalid.one(field, "Null characters are not allowed.")
    return name


def _parent(session: Session, user_id: int, parent_id: int | None) -> int | None:
    """The parent's id (None for the root), checked to be the user's."""
    if not parent_id:
        return None
    return get(session, user_id, parent_id).id


def _clash(name: str) -> Conflict:
    return Conflict(f"A folder named {name!r} already exists there.", field="name")


def create(session: Session, user_id: int, name: str, parent_id: int | None = None) -> Folder:
    name = clean_name(name)
    parent = _parent(session, user_id, parent_id)
    if repository.child_named(session, user_id, parent, fold(name)) is not None:
        raise _clash(name)
    now = utcnow()
    folder = Folder(
        user_id=user_id,
        parent_id=parent,
        parent_key=parent or 0,
        name=name,
        name_folded=fold(name),
        is_public=False,
        created_at=now,
        updated_at=now,
    )
    try:
        with session.begin_nested():
            repository.add(session, folder)
    except IntegrityError:  # a concurrent request made the same folder
        raise _clash(name) from None
    users.bump_data_version(session, user_id)  # the account's folder count changed
    return folder


def ensure_path(session: Session, user_id: int, path: str) -> tuple[Folder, bool]:
    """The folder at ``path`` (``Dev/Python``; empty segments ignored, names matched
    case-insensitively), made where missing. Returns (leaf, whether anything was made)."""
    names = [clean_name(part, "path") for part in path.split("/") if part.strip()]
    if not names:
        raise Invalid.one("path", "The path names no folder.")
    parent: Folder | None = None
    created = False
    for name in names:
        parent_id = parent.id if parent else None
        found = repository.child_named(session, user_id, parent_id, fold(name))
        if found is None:
            try:
                found = create(session, user_id, name, parent_id)
                created = True
            except Conflict:  # made meanwhile by someone else: use theirs
                found = repository.child_named(session, user_id, parent_id, fold(name))
                if found is None:
                    raise
        parent = found
    assert parent is not None
    return parent, created


def update(session: Session, user_id: int, folder_id: int, values: Mapping[str, Any]) -> Folder:
    """Rename, move (``parent_id``, None for the root) or publish a folder."""
    unknown = set(values) - WRITABLE
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    folder = get(session, user_id, folder_id)
    name = clean_name(values["name"]) if "name" in values else folder.name
    parent = folder.parent_id
    if "parent_id" in values:
        parent = _parent(session, user_id, values["parent_id"])
        if parent is not None and parent in Tree(repository.all_of(session, user_id)).subtree(
            folder.id
        ):
            raise Invalid.one(
                "folder_id", "A folder cannot be moved into itself or one of its subfolders."
            )
    if (fold(name), parent) != (folder.name_folded, folder.parent_id):
        other = repository.child_named(session, user_id, parent, fold(name))
        if other is not None and other.id != folder.id:
            raise _clash(name)
    changes = {
        "name": name,
        "name_folded": fold(name),
        "parent_id": parent,
        "parent_key": parent or 0,
        "is_public": bool(values.get("is_public", folder.is_public)),
    }
    changed = {k: v for k, v in changes.items() if getattr(folder, k) != v}
    if changed:
        for key, value in changed.items():
            setattr(folder, key, value)
        folder.updated_at = utcnow()
        try:
            with session.begin_nested():
                session.flush()
        except IntegrityError:
            raise _clash(name) from None
    users.bump_data_version(session, user_id)  # the cached folder lists are stale
    return folder


def delete(
    session: Session, user_id: int, folder_id: int, on_delete: OnDelete | None = None
) -> None:
    """Delete the folder, its subfolders and every bookmark in them, in this unit of work."""
    get(session, user_id, folder_id)
    ids = Tree(repository.all_of(session, user_id)).subtree(folder_id)
    if on_delete is not None:
        on_delete(session, user_id, ids)
    repository.delete_folders(session, user_id, ids)
    session.expire_all()
    users.bump_data_version(session, user_id)
