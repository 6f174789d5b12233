"""audit_log (action, at) index: the login throttle counts recent failed logins in the database

Revision ID: 0011_audit_action_index
Revises: 0010_alerts
Create Date: 2026-12-01
"""

from __future__ import annotations

from alembic import op

revision = "0011_audit_action_index"
down_revision = "0010_alerts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_audit_log_action_at", "audit_log", ["action", "at"])


def downgrade() -> None:
    op.drop_index("ix_audit_log_action_at", table_name="audit_log")
