"""Insert users, folders, tags and bookmarks directly, with the derived columns filled in."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from markhive.bookmarks import derived
from markhive.bookmarks.models import Bookmark
from markhive.folders.models import Folder
from markhive.tags.models import BookmarkTag, Tag
from markhive.users.models import User

BASE_TIME = datetime(2024, 1, 1, tzinfo=UTC)


def day(n: float) -> datetime:
    return BASE_TIME + timedelta(days=n)


def add_user(session: Session, username: str) -> int:
    user = User(username=username, username_folded=username.lower())
    session.add(user)
    session.flush()
    return user.id


def add_folder(session: Session, user_id: int, name: str) -> int:
    folder = Folder(user_id=user_id, name=name, name_folded=name.lower(), parent_key=0)
    session.add(folder)
    session.flush()
    return folder.id


def tag_id(session: Session, user_id: int, name: str) -> int:
    folded = derived.fold(name)
    found = session.scalar(select(Tag.id).where(Tag.user_id == user_id, Tag.name_folded == folded))
    if found is not None:
        return int(found)
    tag = Tag(user_id=user_id, name=name, name_folded=folded)
    session.add(tag)
    session.flush()
    return tag.id


def add_bookmark(
    session: Session,
    user_id: int,
    *,
    url: str,
    title: str = "",
    description: str = "",
    notes: str = "",
    tags: tuple[str, ...] | list[str] = (),
    **fields: Any,
) -> int:
    fields.setdefault("date_added", BASE_TIME)
    fields.setdefault("date_modified", fields["date_added"])
    bookmark = Bookmark(
        user_id=user_id,
        url=url,
        url_key=hashlib.sha256(url.encode()).hexdigest(),
        title=title,
        description=description,
        notes=notes,
        sort_title=derived.sort_title(title, url),
        search_text=derived.search_text(title, description, notes, url),
        **fields,
    )
    session.add(bookmark)
    session.flush()
    for name in dict.fromkeys(tags):
        session.add(BookmarkTag(bookmark_id=bookmark.id, tag_id=tag_id(session, user_id, name)))
    session.flush()
    return bookmark.id


def bump_version(session: Session, user_id: int) -> None:
    session.execute(
        update(User).where(User.id == user_id).values(data_version=User.data_version + 1)
    )
