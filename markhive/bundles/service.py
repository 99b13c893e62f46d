"""Bundles (saved filters): create, change, delete with renumbering."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy.orm import Session

from markhive.bundles import repository
from markhive.bundles.models import Bundle
from markhive.db.base import utcnow
from markhive.errors import Invalid, NotFound

LIMITS = {"name": 256, "search": 256, "any_tags": 1024, "all_tags": 1024, "excluded_tags": 1024}
FILTER_CHOICES = ("off", "yes", "no")
WRITABLE = frozenset({*LIMITS, "filter_unread", "filter_shared", "order"})


def _check(values: Mapping[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in values.items() if k in WRITABLE}
    errors: dict[str, list[str]] = {}
    for name, limit in LIMITS.items():
        if name in clean:
            clean[name] = clean[name].strip()
            if len(clean[name]) > limit:
                errors[name] = [f"Ensure this field has no more than {limit} characters."]
    if "name" in clean and not clean["name"]:
        errors["name"] = ["This field may not be blank."]
    for name in ("filter_unread", "filter_shared"):
        if name in clean and clean[name] not in FILTER_CHOICES:
            errors[name] = [f'"{clean[name]}" is not a valid choice.']
    if errors:
        raise Invalid(errors)
    return clean


def get(session: Session, user_id: int, bundle_id: int) -> Bundle:
    bundle = repository.get(session, user_id, bundle_id)
    if bundle is None:
        raise NotFound("BookmarkBundle")
    return bundle


def create(session: Session, user_id: int, values: Mapping[str, Any]) -> Bundle:
    if "name" not in values:
        raise Invalid.one("name", "This field is required.")
    clean = _check(values)
    now = utcnow()
    bundle = Bundle(
        user_id=user_id,
        name="",
        search="",
        any_tags="",
        all_tags="",
        excluded_tags="",
        filter_unread="off",
        filter_shared="off",
        date_created=now,
        date_modified=now,
    )
    for name, value in clean.items():
        setattr(bundle, name, value)
    if clean.get("order") is None:
        bundle.order = repository.next_order(session, user_id)
    return repository.add(session, bundle)


def update(session: Session, user_id: int, bundle_id: int, values: Mapping[str, Any]) -> Bundle:
    bundle = get(session, user_id, bundle_id)
    clean = _check(values)
    for name, value in clean.items():
        if name == "order" and value is None:
            continue
        setattr(bundle, name, value)
    bundle.date_modified = utcnow()
    session.flush()
    return bundle


def delete(session: Session, user_id: int, bundle_id: int) -> None:
    repository.remove(session, get(session, user_id, bundle_id))
    repository.renumber(session, user_id)


MAX_BUNDLES = 100_000


def move(session: Session, user_id: int, bundle_id: int, step: int) -> None:
    """Move the bundle ``step`` places later in the list (earlier when negative); the
    list is renumbered 0..n-1."""
    bundle = get(session, user_id, bundle_id)
    ordered, _ = repository.page(session, user_id, MAX_BUNDLES, 0)
    index = next(i for i, item in enumerate(ordered) if item.id == bundle.id)
    ordered.insert(max(0, min(index + step, len(ordered) - 1)), ordered.pop(index))
    now = utcnow()
    for position, item in enumerate(ordered):
        if item.order != position:
            item.order = position
            item.date_modified = now
    session.flush()
