"""Tag rules: name cleaning, get-or-create, setting a bookmark's tags, renaming and merging."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from markhive.bookmarks import repository as bookmark_rows
from markhive.bookmarks.derived import fold
from markhive.db.base import utcnow
from markhive.errors import Conflict, Invalid, NotFound
from markhive.tags import repository
from markhive.tags.models import Tag
from markhive.users import repository as users

MAX_TAG_LENGTH = 64
_SPACE = re.compile(r"\s")
_KEYWORD_BREAK = re.compile(r"[\s,]+")


def clean_names(items: Sequence[str], field: str = "tag_names") -> list[str]:
    """Tag names from a list of items: trimmed, split on commas, inner whitespace as ``-``,
    duplicates removed case-insensitively with the last spelling winning."""
    errors: dict[str, list[str]] = {}
    found: dict[str, str] = {}
    for index, item in enumerate(items):
        if not item.strip():
            errors[str(index)] = ["This field may not be blank."]
            continue
        for part in item.split(","):
            name = _SPACE.sub("-", part.strip())
            if not name:
                continue
            if len(name) > MAX_TAG_LENGTH:
                errors[str(index)] = [
                    f"Ensure each tag has no more than {MAX_TAG_LENGTH} characters."
                ]
                continue
            folded = fold(name)
            found.pop(folded, None)
            found[folded] = name
    if errors:
        raise Invalid({field: errors})
    return list(found.values())


def lenient_name(item: str) -> str:
    """A tag name from a file being imported: cleaned like :func:`clean_names` does, but
    cut to the length limit rather than refused; "" when nothing is left."""
    return _SPACE.sub("-", item.replace("\x00", "").strip())[:MAX_TAG_LENGTH]


def split_keywords(text: str, field: str = "keywords") -> list[str]:
    """LinkaGoGo's keywords: split on whitespace and commas, empty ones dropped,
    duplicates removed case-insensitively; each is a tag."""
    return clean_names([word for word in _KEYWORD_BREAK.split(text) if word], field)


def ensure_tags(session: Session, user_id: int, names: Sequence[str]) -> list[Tag]:
    """The user's tags with these names, created where missing; existing tags keep
    their stored spelling."""
    wanted = {fold(name): name for name in names}
    existing = repository.by_folded(session, user_id, list(wanted))
    missing = {folded: name for folded, name in wanted.items() if folded not in existing}
    if missing:
        repository.insert_missing(session, user_id, missing, utcnow())
        existing = repository.by_folded(session, user_id, list(wanted))
    return [existing[folded] for folded in wanted]


def set_bookmark_tags(
    session: Session, user_id: int, bookmark_id: int, names: Sequence[str]
) -> bool:
    """Replace the bookmark's tags; True when anything changed."""
    wanted = {tag.id for tag in ensure_tags(session, user_id, names)}
    current = repository.tag_ids_of(session, bookmark_id)
    repository.unlink(session, bookmark_id, current - wanted)
    repository.link(session, bookmark_id, wanted - current)
    return wanted != current


def create_tag(session: Session, user_id: int, name: str) -> Tag:
    name = name.strip()
    if not name:
        raise Invalid.one("name", "This field may not be blank.")
    if len(name) > MAX_TAG_LENGTH:
        raise Invalid.one(
            "name", f"Ensure this field has no more than {MAX_TAG_LENGTH} characters."
        )
    name = _SPACE.sub("-", name)
    tag = ensure_tags(session, user_id, [name])[0]
    users.bump_data_version(session, user_id)  # the account's tag count changed
    return tag


def get_tag(session: Session, user_id: int, tag_id: int) -> Tag:
    tag = repository.get(session, user_id, tag_id)
    if tag is None:
        raise NotFound("Tag")
    return tag


def delete_tag(session: Session, user_id: int, tag_id: int) -> None:
    """Remove the tag from every bookmark and delete it; the bookmarks stay, modified now
    (so a client syncing by modification date sees the tag go)."""
    tag = get_tag(session, user_id, tag_id)
    bookmark_ids = repository.bookmark_ids_with(session, tag.id)
    repository.delete_tag(session, tag)
    session.flush()
    _touch(session, user_id, bookmark_ids)


def _one_name(name: str, field: str = "name") -> str:
    """One tag name, cleaned and checked as :func:`clean_names` does."""
    names = clean_names([name], field)
    if len(names) != 1:
        raise Invalid.one(field, "Give one tag name, without commas.")
    return names[0]


def find_tag(session: Session, user_id: int, text: str, field: str = "into") -> Tag:
    """The user's tag named ``text`` (case-insensitive), else the one with that id."""
    text = text.strip()
    if not text:
        raise Invalid.one(field, "Name the tag.")
    folded = fold(_SPACE.sub("-", text))
    found = repository.by_folded(session, user_id, [folded]).get(folded)
    if found is None and text.isdigit() and 0 < int(text) < 2**31:
        found = repository.get(session, user_id, int(text))
    if found is None:
        raise Invalid.one(field, f"You have no tag named {text!r}.")
    return found


def _touch(session: Session, user_id: int, bookmark_ids: list[int]) -> None:
    """The bookmarks' tag names changed: both dialects see that, as retagging does."""
    bookmark_rows.set_values(session, user_id, bookmark_ids, date_modified=utcnow())
    users.bump_data_version(session, user_id)


def rename_tag(session: Session, user_id: int, tag_id: int, name: str) -> Tag:
    """Rename the tag; onto another tag's name (case-insensitive) it is merged into that
    tag. Returns the tag that carries the name now."""
    tag = get_tag(session, user_id, tag_id)
    name = _one_name(name)
    folded = fold(name)
    if folded != tag.name_folded:
        other = repository.by_folded(session, user_id, [folded]).get(folded)
        if other is not None:
            return merge_tags(session, user_id, tag.id, other.id)
    if name == tag.name:
        return tag
    tag.name, tag.name_folded = name, folded
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:  # a concurrent request made a tag of that name
        raise Conflict(f"A tag named {name!r} exists already.", field="name") from None
    _touch(session, user_id, repository.bookmark_ids_with(session, tag.id))
    return tag


def merge_tags(session: Session, user_id: int, source_id: int, target_id: int) -> Tag:
    """Give every bookmark of the source tag the target tag, and delete the source."""
    source = get_tag(session, user_id, source_id)
    target = get_tag(session, user_id, target_id)
    if source.id == target.id:
        raise Invalid.one("into", "A tag cannot be merged into itself.")
    bookmark_ids = repository.bookmark_ids_with(session, source.id)
    repository.copy_links(session, source.id, target.id)
    repository.delete_tag(session, source)
    session.flush()
    _touch(session, user_id, bookmark_ids)
    return target
