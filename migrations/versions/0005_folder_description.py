"""Folders get a description: bookmark files carry one (Netscape ``<DD>`` after a folder's
``<H3>``, XBEL ``<desc>``), and an import keeps it.

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("folders", sa.Column("description", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("folders") as batch_op:
        batch_op.drop_column("description")
