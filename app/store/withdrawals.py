"""Withdrawing an import (`cxgov ingest revert`): a new state recorded, nothing lost.

The withdrawal is a row of its own (who, when, why). Every contact that carries the batch is kept
as it stood in `withdrawn_contacts`; the contacts the batch changed get the values they had before
it (`contact_previous`) and their previous batch back; the contacts it brought leave the contacts
table, so no KPI counts them. A batch whose contacts a later import has changed since is not
withdrawn: that import comes first (`later_batches`).
"""

from __future__ import annotations

from sqlalchemy import CursorResult, Table, delete, insert, literal, select, update
from sqlmodel import Session, SQLModel, col

from app.store.tables import (
    BatchWithdrawal,
    Contact,
    ContactPrevious,
    WithdrawnContact,
    utcnow,
)

CONTACTS: Table = SQLModel.metadata.tables[Contact.__tablename__]
PREVIOUS: Table = SQLModel.metadata.tables[ContactPrevious.__tablename__]
WITHDRAWN: Table = SQLModel.metadata.tables[WithdrawnContact.__tablename__]
WITHDRAWALS: Table = SQLModel.metadata.tables[BatchWithdrawal.__tablename__]

_BOOKKEEPING = {"id", "batch_id", "contact_row", "previous_batch_id", "withdrawal_id", "restored"}
FIELDS: tuple[str, ...] = tuple(
    column.name
    for column in PREVIOUS.columns
    if column.name not in _BOOKKEEPING and column.name in CONTACTS.c and column.name in WITHDRAWN.c
)
"""The contact's own values, kept in both `contact_previous` and `withdrawn_contacts`."""


def withdrawal_of(session: Session, batch_id: int) -> BatchWithdrawal | None:
    return session.execute(
        select(BatchWithdrawal).where(col(BatchWithdrawal.batch_id) == batch_id)
    ).scalar_one_or_none()


def withdrawn_batches(session: Session) -> dict[int, BatchWithdrawal]:
    return {row.batch_id: row for row in session.execute(select(BatchWithdrawal)).scalars()}


def later_batches(session: Session, batch_id: int) -> list[int]:
    """Imports, not withdrawn, that changed contacts as batch `batch_id` left them."""
    return sorted(
        session.execute(
            select(PREVIOUS.c.batch_id)
            .where(
                PREVIOUS.c.previous_batch_id == batch_id,
                PREVIOUS.c.batch_id.not_in(select(WITHDRAWALS.c.batch_id)),
            )
            .distinct()
        ).scalars()
    )


def withdraw(session: Session, batch_id: int, *, by: str, reason: str) -> BatchWithdrawal:
    """Record the withdrawal, keep the batch's contacts as they stand, give the changed ones their
    previous values and take the new ones out (in the caller's transaction)."""
    withdrawal = BatchWithdrawal(
        batch_id=batch_id, withdrawn_by=by, withdrawn_at=utcnow(), reason=reason
    )
    session.add(withdrawal)
    session.flush()
    changed = select(PREVIOUS.c.contact_row).where(PREVIOUS.c.batch_id == batch_id)
    session.execute(
        insert(WITHDRAWN).from_select(
            ["withdrawal_id", "contact_row", "restored", "batch_id", *FIELDS],
            select(
                literal(withdrawal.id),
                CONTACTS.c.id,
                CONTACTS.c.id.in_(changed),
                CONTACTS.c.batch_id,
                *[CONTACTS.c[name] for name in FIELDS],
            ).where(CONTACTS.c.batch_id == batch_id),
        )
    )
    restored = _rowcount(
        session.execute(
            update(CONTACTS)
            .where(CONTACTS.c.id == PREVIOUS.c.contact_row, PREVIOUS.c.batch_id == batch_id)
            .values(
                {
                    **{
                        name: PREVIOUS.c[name]
                        for name in FIELDS
                        if name not in ("source", "contact_id")
                    },
                    "batch_id": PREVIOUS.c.previous_batch_id,
                }
            )
            .execution_options(preserve_rowcount=True)
        )
    )
    removed = _rowcount(
        session.execute(
            delete(CONTACTS)
            .where(CONTACTS.c.batch_id == batch_id)
            .execution_options(preserve_rowcount=True)
        )
    )
    withdrawal.contacts_restored = int(restored)
    withdrawal.contacts_withdrawn = int(removed)
    session.add(withdrawal)
    session.flush()
    return withdrawal


def _rowcount(result: object) -> int:
    if not isinstance(result, CursorResult):
        raise TypeError(f"expected a cursor result, got {type(result).__name__}")
    return int(result.rowcount)
