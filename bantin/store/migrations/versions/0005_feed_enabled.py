"""feeds.enabled

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

`bantin sources sync` disables a feed the sources file no longer lists instead of deleting it, so its
fetch history and validators stay; existing feeds start enabled.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("enabled", sa.Boolean(), nullable=False, server_default=sa.true()))


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_column("enabled")
