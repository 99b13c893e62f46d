"""Bookmark rules shared by every front door: create (merge or refuse duplicates),
update, archive, delete. Values arrive parsed; the rules are checked here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from markhive.bookmarks import derived, repository
from markhive.bookmarks.models import Bookmark
from markhive.bookmarks.urls import MAX_URL_LENGTH, is_valid_url, url_key
from markhive.db.base import utcnow
from markhive.errors import Conflict, Invalid, NotFound
from markhive.folders.models import Folder
from markhive.tags import service as tags
from markhive.users import repository as users

MAX_TITLE = 512
# Fields a caller may set; ``tag_names`` is handled apart from the columns.
WRITABLE = frozenset(
    {
        "url",
        "title",
        "description",
        "notes",
        "is_archived",
        "unread",
        "shared",
        "is_favorite",
        "rating",
        "folder_id",
        "reminder_at",
        "date_added",
        "date_modified",
        "tag_names",
    }
)
# Fields only the LinkaGoGo dialect shows: changing them alone leaves date_modified be,
# so the bookmark looks unchanged to a linkding client.
V1_ONLY = frozenset({"is_favorite", "rating", "folder_id", "reminder_at"})
DUPLICATE_URL = "A bookmark with this URL already exists."

# Called with (session, bookmark) when a new bookmark's page should be fetched later.
Enrich = Callable[[Session, Bookmark], None]


def get(session: Session, user_id: int, bookmark_id: int) -> Bookmark:
    bookmark = repository.get(session, user_id, bookmark_id)
    if bookmark is None:
        raise NotFound("Bookmark")
    return bookmark


def find_by_url(session: Session, user_id: int, url: str) -> Bookmark | None:
    return repository.by_url_key(session, user_id, url_key(url.strip()))


def _check(
    session: Session, user_id: int, values: Mapping[str, Any], any_host: bool = False
) -> dict[str, Any]:
    unknown = set(values) - WRITABLE
    if unknown:
        raise ValueError(f"not writable: {sorted(unknown)}")
    clean = dict(values)
    errors: dict[str, list[str]] = {}
    if "url" in clean:
        clean["url"] = clean["url"].strip()
        if len(clean["url"]) > MAX_URL_LENGTH:
            errors["url"] = [f"Ensure this field has no more than {MAX_URL_LENGTH} characters."]
        elif not is_valid_url(clean["url"], any_host):
            errors["url"] = ["Enter a valid URL."]
    for name in ("title", "description", "notes"):
        if name in clean:
            clean[name] = clean[name].strip()
    for name in ("url", "title", "description", "notes"):
        if "\x00" in clean.get(name, ""):
            errors[name] = ["Null characters are not allowed."]
    if len(clean.get("title", "")) > MAX_TITLE:
        errors["title"] = [f"Ensure this field has no more than {MAX_TITLE} characters."]
    if "rating" in clean and not 0 <= clean["rating"] <= 5:
        errors["rating"] = ["Ensure this value is between 0 and 5."]
    if clean.get("folder_id") is not None:
        folder = session.get(Folder, clean["folder_id"])
        if folder is None or folder.user_id != user_id:
            raise NotFound("Folder")
    if errors:
        raise Invalid(errors)
    return clean


def _refresh_derived(bookmark: Bookmark) -> None:
    bookmark.search_text = derived.search_text(
        bookmark.title, bookmark.description, bookmark.notes, bookmark.url
    )
    bookmark.sort_title = derived.sort_title(bookmark.title, bookmark.url)


def _apply(bookmark: Bookmark, values: Mapping[str, Any]) -> set[str]:
    """Set the values on the bookmark; the names of those that changed."""
    changed = set()
    for name, value in values.items():
        if name in ("tag_names", "date_modified"):
            continue
        if getattr(bookmark, name) != value:
            setattr(bookmark, name, value)
            changed.add(name)
    return changed


def create(
    session: Session,
    user_id: int,
    values: Mapping[str, Any],
    *,
    merge: bool,
    enrich: Enrich | None = None,
    any_host: bool = False,
) -> tuple[Bookmark, bool]:
    """Create a bookmark. When the user already has one with the same normalised URL:
    with ``merge`` update it with the fields given (linkding), else raise Conflict (v1).
    ``any_host`` accepts single-label hosts (see ``urls.is_valid_url``).
    Returns (bookmark, created)."""
    if "url" not in values:
        raise Invalid.one("url", "This field is required.")
    clean = _check(session, user_id, values, any_host)
    key = url_key(clean["url"])
    existing = repository.by_url_key(session, user_id, key)
    if existing is None:
        now = utcnow()
        bookmark = Bookmark(
            user_id=user_id,
            url_key=key,
            title="",
            description="",
            notes="",
            is_archived=False,
            unread=False,
            shared=False,
            is_favorite=False,
            rating=0,
            visit_count=0,
            favicon_file="",
            preview_image_file="",
            web_archive_snapshot_url="",
            link_dead=False,
            date_added=now,
            date_modified=clean.get("date_modified") or now,
        )
        _apply(bookmark, clean)
        _refresh_derived(bookmark)
        try:
            with session.begin_nested():
                repository.add(session, bookmark)
        except IntegrityError:
            existing = repository.by_url_key(session, user_id, key)
            if existing is None:
                raise
        else:
            if clean.get("tag_names"):
                tags.set_bookmark_tags(session, user_id, bookmark.id, clean["tag_names"])
            users.bump_data_version(session, user_id)
            if enrich is not None:  # title, description, favicon, preview image
                enrich(session, bookmark)
            return bookmark, True
    if not merge:
        raise Conflict(DUPLICATE_URL, field="url", existing_id=existing.id)
    merged = {k: v for k, v in clean.items() if k not in ("url", "is_archived", "date_modified")}
    return _update(session, user_id, existing, merged), False


def update(
    session: Session,
    user_id: int,
    bookmark_id: int,
    values: Mapping[str, Any],
    *,
    any_host: bool = False,
) -> Bookmark:
    """Change the fields given; a URL that is another bookmark's is a Conflict."""
    bookmark = get(session, user_id, bookmark_id)
    clean = _check(session, user_id, values, any_host)
    if "url" in clean:
        key = url_key(clean["url"])
        if key != bookmark.url_key:
            other = repository.by_url_key(session, user_id, key)
            if other is not None:
                raise Conflict(DUPLICATE_URL, field="url", existing_id=other.id)
            bookmark.url_key = key
    return _update(session, user_id, bookmark, clean)


def _update(
    session: Session, user_id: int, bookmark: Bookmark, values: Mapping[str, Any]
) -> Bookmark:
    changed = _apply(bookmark, values)
    if "tag_names" in values and tags.set_bookmark_tags(
        session, user_id, bookmark.id, values["tag_names"]
    ):
        changed.add("tag_names")
    if changed:
        _refresh_derived(bookmark)
        if changed - V1_ONLY:
            bookmark.date_modified = utcnow()
        session.flush()
        users.bump_data_version(session, user_id)
    return bookmark


def set_archived(session: Session, user_id: int, bookmark_id: int, archived: bool) -> Bookmark:
    return update(session, user_id, bookmark_id, {"is_archived": archived})


def delete(
    session: Session,
    user_id: int,
    bookmark_id: int,
    on_delete: Callable[[Session, Bookmark], None] | None = None,
) -> None:
    bookmark = get(session, user_id, bookmark_id)
    if on_delete is not None:
        on_delete(session, bookmark)
    repository.remove(session, bookmark)
    users.bump_data_version(session, user_id)
