"""Every query on the page-metadata cache."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from markhive.fetch.models import PageMetadata


def get(session: Session, url_key: str) -> PageMetadata | None:
    return session.get(PageMetadata, url_key)


def upsert(
    session: Session,
    *,
    url_key: str,
    url: str,
    ok: bool,
    title: str | None,
    description: str | None,
    preview_image: str | None,
    fetched_at: datetime,
    icon: str | None = None,
) -> None:
    """Store one fetch result; the last writer wins when two requests race."""
    values = {
        "url_key": url_key,
        "url": url,
        "ok": ok,
        "title": title,
        "description": description,
        "preview_image": preview_image,
        "icon": icon,
        "fetched_at": fetched_at,
    }
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(PageMetadata).values(**values)
    changed = {name: statement.excluded[name] for name in values if name != "url_key"}
    session.execute(statement.on_conflict_do_update(index_elements=["url_key"], set_=changed))


def purge_older_than(session: Session, when: datetime) -> int:
    """Drop entries fetched before ``when``; returns how many went."""
    result = session.execute(delete(PageMetadata).where(PageMetadata.fetched_at < when))
    return int(getattr(result, "rowcount", 0) or 0)
