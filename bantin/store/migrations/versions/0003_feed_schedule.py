"""per-feed schedule and health

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01

Each feed gets its own poll interval, next poll, failure count, last success/error and health; the
source keeps the same columns as the roll-up of its feeds. Existing feeds start from their source's
values, so an upgraded crawler carries on where it was.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

from bantin.store.types import UTCDateTime

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# Columns copied from each feed's source; the NOT NULL ones are tightened once they are filled.
COPIED = ("poll_interval_s", "next_poll_at", "health", "last_success_at", "last_new_item_at",
          "last_error_at", "last_error", "consecutive_failures", "created_at")
NOT_NULL: dict[str, sa.types.TypeEngine[Any]] = {"poll_interval_s": sa.Integer(), "health": sa.String(length=20),
            "consecutive_failures": sa.Integer(), "created_at": UTCDateTime()}


def upgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.add_column(sa.Column("poll_interval_s", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("next_poll_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("health", sa.String(length=20), nullable=True))
        batch_op.add_column(sa.Column("last_success_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_new_item_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_error_at", UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("last_error", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("consecutive_failures", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("created_at", UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_feeds_next_poll_at"), ["next_poll_at"], unique=False)

    # data: every feed starts from its source's schedule and health (correlated subqueries: both dialects)
    sets = ", ".join(f"{c} = (SELECT s.{c} FROM sources s WHERE s.id = feeds.source_id)" for c in COPIED)
    op.execute(sa.text(f"UPDATE feeds SET {sets}"))
    op.execute(sa.text(
        "UPDATE feeds SET poll_interval_s = COALESCE(poll_interval_s, 900), health = COALESCE(health, 'new'), "
        "consecutive_failures = COALESCE(consecutive_failures, 0), "
        "created_at = COALESCE(created_at, CURRENT_TIMESTAMP)"
    ))

    with op.batch_alter_table("feeds", schema=None) as batch_op:
        for name, type_ in NOT_NULL.items():
            batch_op.alter_column(name, existing_type=type_, nullable=False)


def downgrade() -> None:
    with op.batch_alter_table("feeds", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_feeds_next_poll_at"))
        for name in reversed(COPIED):
            batch_op.drop_column(name)
