"""Owners' check-ins (append-only) and what `cxgov notify` sent: runs and one delivery row per
(event, channel, recipient), unique, so that no event reaches a recipient twice.

Reviewed autogenerate output of app/store/checkin_tables.py.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04 11:37:51.303442
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.tables import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "checkins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("goal_id", sa.String(length=64), nullable=False),
        sa.Column("confidence", sa.String(length=16), nullable=False),
        sa.Column("comment", sa.Text(), nullable=False),
        sa.Column("blockers", sa.Text(), nullable=True),
        sa.Column("next_step", sa.Text(), nullable=True),
        sa.Column("next_step_due", sa.Date(), nullable=True),
        sa.Column("author", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("status_then", sa.String(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("ix_checkins_goal_recorded", ["goal_id", "recorded_at"], unique=False)

    op.create_table(
        "notify_deliveries",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_key", sa.String(length=255), nullable=False),
        sa.Column("kind", sa.String(length=32), nullable=False),
        sa.Column("channel", sa.String(length=64), nullable=False),
        sa.Column("recipient", sa.String(length=255), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("run_id", sa.String(length=36), nullable=False),
        sa.Column("claimed_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("attempted_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("event_key", "channel", "recipient", name="uq_notify_delivery"),
    )
    with op.batch_alter_table("notify_deliveries", schema=None) as batch_op:
        batch_op.create_index("ix_notify_deliveries_run", ["run_id"], unique=False)

    op.create_table(
        "notify_runs",
        sa.Column("id", sa.String(length=36), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("sent", sa.Integer(), nullable=False),
        sa.Column("failed", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    op.drop_table("notify_runs")
    with op.batch_alter_table("notify_deliveries", schema=None) as batch_op:
        batch_op.drop_index("ix_notify_deliveries_run")

    op.drop_table("notify_deliveries")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("ix_checkins_goal_recorded")

    op.drop_table("checkins")
