"""Tag rules: name cleaning, get-or-create, and setting a bookmark's tags."""

from __future__ import annotations

import re
from collections.abc import Sequence

from sqlalchemy.orm import Session

from markhive.bookmarks.derived import fold
from markhive.db.base import utcnow
from markhive.errors import Invalid, NotFound
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
    """Remove the tag from every bookmark and delete it; the bookmarks stay."""
    repository.delete_tag(session, get_tag(session, user_id, tag_id))
    users.bump_data_version(session, user_id)
