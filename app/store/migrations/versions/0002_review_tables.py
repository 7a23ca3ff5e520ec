"""Review tables: reviews, attendees, findings, decisions, action items (the steering-committee record).

Reviewed autogenerate output of app/review/tables.py.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 22:24:40.392748
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from app.store.tables import UTCDateTime

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("period", sa.String(length=7), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("created_by", sa.String(length=128), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.Column("closed_by", sa.String(length=128), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("snapshot", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "kind", name="uq_reviews_period_kind"),
    )
    op.create_table(
        "review_action_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("description", sa.Text(), nullable=False),
        sa.Column("owner", sa.String(length=128), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("serves_kind", sa.String(length=16), nullable=True),
        sa.Column("serves_id", sa.String(length=128), nullable=True),
        sa.Column("finding_key", sa.String(length=256), nullable=True),
        sa.Column("carried_from", sa.Integer(), nullable=True),
        sa.Column("origin_id", sa.Integer(), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["carried_from"],
            ["reviews.id"],
        ),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_action_items", schema=None) as batch_op:
        batch_op.create_index("ix_review_action_items_review", ["review_id"], unique=False)

    op.create_table(
        "review_attendees",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=128), nullable=False),
        sa.Column("role", sa.String(length=128), nullable=True),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_attendees", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_attendees_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "review_decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.Column("recorded_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_decisions_review_id"), ["review_id"], unique=False
        )

    op.create_table(
        "review_findings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("review_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=256), nullable=False),
        sa.Column("root_cause", sa.Text(), nullable=True),
        sa.Column("accepted_no_action", sa.Boolean(), nullable=False),
        sa.Column("acceptance_reason", sa.Text(), nullable=True),
        sa.Column("recorded_by", sa.String(length=128), nullable=False),
        sa.ForeignKeyConstraint(
            ["review_id"],
            ["reviews.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("review_id", "key", name="uq_review_findings_key"),
    )
    with op.batch_alter_table("review_findings", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_review_findings_review_id"), ["review_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("review_findings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_findings_review_id"))

    op.drop_table("review_findings")
    with op.batch_alter_table("review_decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_decisions_review_id"))

    op.drop_table("review_decisions")
    with op.batch_alter_table("review_attendees", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_review_attendees_review_id"))

    op.drop_table("review_attendees")
    with op.batch_alter_table("review_action_items", schema=None) as batch_op:
        batch_op.drop_index("ix_review_action_items_review")

    op.drop_table("review_action_items")
    op.drop_table("reviews")
