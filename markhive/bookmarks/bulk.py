"""Rules for the LinkaGoGo dialect's bookmark operations: visits, moves into folders and
keyword changes on many bookmarks at once (all or nothing), due reminders.

Fields only that dialect shows (folder, visits) change without touching
``date_modified``, so a linkding client sees the bookmark unchanged; keywords are tags,
which both dialects show, so changing them does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from markhive.bookmarks import repository
from markhive.bookmarks.derived import fold
from markhive.db.base import utcnow
from markhive.db.ids import MAX_ID
from markhive.errors import Invalid, NotFound
from markhive.folders import service as folders
from markhive.tags import repository as tag_rows
from markhive.tags import service as tags
from markhive.users import repository as users

MAX_IDS = 10_000


def record_visit(session: Session, user_id: int, bookmark_id: int) -> None:
    """Count one visit of the bookmark (the web UI's redirect, or a client saying so)."""
    if not repository.count_visit(session, user_id, bookmark_id, utcnow()):
        raise NotFound("Bookmark")
    users.bump_data_version(session, user_id)  # the visit orders changed


def _require_owned(session: Session, user_id: int, ids: Sequence[int]) -> list[int]:
    unique = list(dict.fromkeys(ids))
    possible = [i for i in unique if 0 < i <= MAX_ID]  # others cannot exist
    missing = sorted(set(unique) - repository.owned(session, user_id, possible))
    if missing:
        shown = ", ".join(str(i) for i in missing[:20]) + (", ..." if len(missing) > 20 else "")
        raise NotFound("Bookmark", f"Bookmarks not found: {shown}")
    return unique


def move(session: Session, user_id: int, ids: Sequence[int], folder_id: int | None) -> int:
    """Put every bookmark named into the folder (None: the root); the number moved."""
    if folder_id is not None:
        folders.get(session, user_id, folder_id)
    unique = _require_owned(session, user_id, ids)
    repository.set_values(session, user_id, unique, folder_id=folder_id)
    if unique:
        users.bump_data_version(session, user_id)
    return len(unique)


def retag(
    session: Session, user_id: int, ids: Sequence[int], add: Sequence[str], remove: Sequence[str]
) -> int:
    """Add and remove keywords (tags) on every bookmark named; a keyword in both lists
    ends up removed. Returns the number of bookmarks named."""
    unique = _require_owned(session, user_id, ids)
    removing = {fold(name) for name in remove}
    adding = [name for name in add if fold(name) not in removing]
    add_ids = [tag.id for tag in tags.ensure_tags(session, user_id, adding)] if unique else []
    remove_ids = {tag.id for tag in tag_rows.by_folded(session, user_id, sorted(removing)).values()}
    present = tag_rows.links_among(session, unique, [*add_ids, *remove_ids])
    new = [(b, t) for b in unique for t in add_ids if (b, t) not in present]
    gone = [(b, t) for (b, t) in present if t in remove_ids]
    tag_rows.link_pairs(session, new)
    tag_rows.unlink_pairs(session, gone)
    changed = sorted({b for b, _ in new} | {b for b, _ in gone})
    if changed:
        repository.set_values(session, user_id, changed, date_modified=utcnow())
        users.bump_data_version(session, user_id)
    return len(unique)


def due_reminders(session: Session, user_id: int) -> list[int]:
    return repository.due_reminders(session, user_id, utcnow())


FLAGS = frozenset({"is_archived", "unread", "shared", "is_favorite", "rating"})


def set_flags(session: Session, user_id: int, ids: Sequence[int], **values: Any) -> int:
    """Set archive, read, sharing, favourite or rating on every bookmark named; the
    number named. All or none: one bookmark that is not the user's changes nothing."""
    unknown = set(values) - FLAGS
    if unknown:
        raise ValueError(f"not a flag: {sorted(unknown)}")
    if "rating" in values and not 0 <= values["rating"] <= 5:
        raise Invalid.one("rating", "Ensure this value is between 0 and 5.")
    unique = _require_owned(session, user_id, ids)
    if unique and values:
        repository.set_values(session, user_id, unique, date_modified=utcnow(), **values)
        users.bump_data_version(session, user_id)
    return len(unique)


def delete_many(
    session: Session,
    user_id: int,
    ids: Sequence[int],
    on_delete: Callable[[Session, int, list[int]], None] | None = None,
) -> int:
    """Delete every bookmark named, in one statement; ``on_delete(session, user_id, ids)``
    is told first (their files). The number deleted."""
    unique = _require_owned(session, user_id, ids)
    if unique:
        if on_delete is not None:
            on_delete(session, user_id, unique)
        repository.delete_many(session, user_id, unique)
        session.expire_all()
        users.bump_data_version(session, user_id)
    return len(unique)
