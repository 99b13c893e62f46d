"""Two storage changes for reading whole folders and writing many tag links.

- ``ix_bookmarks_folder_id`` (folder_id) becomes ``ix_bookmarks_folder_added``
  (folder_id, date_added, id): a folder's bookmarks come out of the index in date order,
  so an export (oldest first, folder by folder) and a folder's page (newest first) no
  longer sort them. It still serves the folder foreign key and folder counts.
- On SQLite, ``bookmark_tags`` becomes a WITHOUT ROWID table: the links are stored in
  their primary key's order, (bookmark_id, tag_id), instead of in a table plus an index
  on that key, so each link is written to two b-trees instead of three.

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

_LINKS = (
    "CREATE TABLE bookmark_tags_new ("
    "bookmark_id INTEGER NOT NULL, "
    "tag_id INTEGER NOT NULL, "
    "CONSTRAINT pk_bookmark_tags PRIMARY KEY (bookmark_id, tag_id), "
    "CONSTRAINT fk_bookmark_tags_bookmark_id_bookmarks FOREIGN KEY(bookmark_id) "
    "REFERENCES bookmarks (id) ON DELETE CASCADE, "
    "CONSTRAINT fk_bookmark_tags_tag_id_tags FOREIGN KEY(tag_id) "
    "REFERENCES tags (id) ON DELETE CASCADE)"
)


def _relink(without_rowid: bool) -> None:
    """bookmark_tags rebuilt, with or without a rowid (SQLite only)."""
    op.execute(_LINKS + (" WITHOUT ROWID" if without_rowid else ""))
    op.execute(
        "INSERT INTO bookmark_tags_new (bookmark_id, tag_id) "
        "SELECT bookmark_id, tag_id FROM bookmark_tags ORDER BY bookmark_id, tag_id"
    )
    op.execute("DROP TABLE bookmark_tags")
    op.execute("ALTER TABLE bookmark_tags_new RENAME TO bookmark_tags")
    op.execute("CREATE INDEX ix_bookmark_tags_tag ON bookmark_tags (tag_id, bookmark_id)")


def _analyze(*names: str) -> None:
    # As in 0003: on a SQLite database with planner statistics, a new index without any
    # can mislead the planner. Give the new ones theirs.
    bind = op.get_bind()
    found = bind.execute(sa.text("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'"))
    if found.first() is not None:
        for name in names:
            op.execute(f"ANALYZE {name}")


def upgrade() -> None:
    op.drop_index("ix_bookmarks_folder_id", table_name="bookmarks")
    op.create_index(
        "ix_bookmarks_folder_added", "bookmarks", ["folder_id", "date_added", "id"], unique=False
    )
    if op.get_bind().dialect.name == "sqlite":
        _relink(without_rowid=True)
        _analyze("ix_bookmarks_folder_added", "bookmark_tags")


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        _relink(without_rowid=False)
        _analyze("bookmark_tags")
    op.drop_index("ix_bookmarks_folder_added", table_name="bookmarks")
    op.create_index("ix_bookmarks_folder_id", "bookmarks", ["folder_id"], unique=False)
