"""Contacts: the ticket's status in its export (open, pending, solved, closed), so that a ticket
the help desk says is solved is not counted as open work when its resolution time is unknown; the
copies an import keeps of the contacts it changes or withdraws carry it too, so a withdrawal puts
it back.

A nullable column: every contact stored before this revision has an unknown status, which the
backlog reads as it always read them (open until resolved).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-04 14:40:00
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


TABLES = ("contacts", "contact_previous", "withdrawn_contacts")


def upgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.add_column(sa.Column("status", sa.String(length=8), nullable=True))


def downgrade() -> None:
    for table in TABLES:
        with op.batch_alter_table(table) as batch_op:
            batch_op.drop_column("status")
