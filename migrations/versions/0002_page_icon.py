"""The page's icon in the metadata cache, for favicons.

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("page_metadata") as batch_op:
        batch_op.add_column(sa.Column("icon", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("page_metadata") as batch_op:
        batch_op.drop_column("icon")
