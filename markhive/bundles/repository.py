"""Every query on bundles."""

from __future__ import annotations

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from markhive.bundles.models import Bundle
from markhive.db.session import add as add
from markhive.db.session import remove as remove


def get(session: Session, user_id: int, bundle_id: int) -> Bundle | None:
    bundle = session.get(Bundle, bundle_id)
    return bundle if bundle is not None and bundle.user_id == user_id else None


def page(session: Session, user_id: int, limit: int, offset: int) -> tuple[list[Bundle], int]:
    where = Bundle.user_id == user_id
    total = session.scalar(select(func.count()).select_from(Bundle).where(where))
    query = (
        select(Bundle).where(where).order_by(Bundle.order, Bundle.id).limit(limit).offset(offset)
    )
    return list(session.scalars(query)), int(total or 0)


def next_order(session: Session, user_id: int) -> int:
    highest = session.scalar(select(func.max(Bundle.order)).where(Bundle.user_id == user_id))
    return 0 if highest is None else int(highest) + 1


def renumber(session: Session, user_id: int) -> None:
    """Give the user's bundles the orders 0..n-1, keeping their sequence."""
    query = select(Bundle.id).where(Bundle.user_id == user_id).order_by(Bundle.order, Bundle.id)
    for position, bundle_id in enumerate(session.scalars(query).all()):
        session.execute(update(Bundle).where(Bundle.id == bundle_id).values(order=position))
