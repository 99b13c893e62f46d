"""Whose shared bookmarks a caller may see (linkding's sharing rules)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from markhive.users import repository as user_rows
from markhive.users.profile import effective


def shared_owners(session: Session, *, anonymous: bool, username: str | None = None) -> list[int]:
    """Active users who enabled sharing (and public sharing, for an anonymous caller),
    only ``username`` when given."""
    owners = []
    for user in user_rows.all_users(session):
        profile = effective(user.profile)
        if not user.is_active or not profile["enable_sharing"]:
            continue
        if anonymous and not profile["enable_public_sharing"]:
            continue
        if username is not None and user.username_folded != username.casefold():
            continue
        owners.append(user.id)
    return owners
