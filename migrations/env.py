"""Alembic environment: runs on a connection handed in by markhive, or on ``-x url=``."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from markhive.db.models import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run_on(connection)
        return
    url = context.get_x_argument(as_dictionary=True).get("url")
    if not url:
        raise SystemExit("pass the database with: alembic -x url=sqlite:///data/markhive.db ...")
    engine = create_engine(url)
    with engine.connect() as conn:
        _run_on(conn)
        conn.commit()


def _run_on(connection) -> None:  # type: ignore[no-untyped-def]
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
