"""The durable "to recompute" record: months whose computed actuals are owed a recompute.

`owe` is called inside the transaction that changes the contacts (an import, a withdrawal), so
the debt commits with the change or not at all; `take_owed` deletes the rows in the recompute's
own transaction, so a recompute that fails or is killed leaves them for the next reader or import.
A row taken by one recompute is not seen by another (the delete locks it on PostgreSQL, takes the
write lock on SQLite), and rows written meanwhile stay for the next one.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlalchemy import Table, delete, insert, select
from sqlalchemy.engine import Connection
from sqlmodel import Session, SQLModel

from app.periods import Month
from app.store.tables import RecomputeOwed, utcnow

OWED: Table = SQLModel.metadata.tables[RecomputeOwed.__tablename__]


def owe(
    conn: Connection | Session, months: Iterable[Month], *, batch_id: int | None, reason: str
) -> None:
    """Record `months` as owed a recompute, in the caller's transaction."""
    moment = utcnow()
    rows = [
        {"period": str(month), "batch_id": batch_id, "reason": reason, "owed_at": moment}
        for month in sorted(set(months))
    ]
    if rows:
        conn.execute(insert(OWED), rows)


def owed_months(conn: Connection | Session) -> list[Month]:
    """The months owed a recompute (a read: nothing is taken)."""
    periods = conn.execute(select(OWED.c.period).distinct()).scalars()
    return sorted(Month.parse(period) for period in periods)


def take_owed(session: Session) -> list[Month]:
    """Delete every owed row, in the caller's (the recompute's) transaction; the months they owed."""
    periods = session.execute(delete(OWED).returning(OWED.c.period)).scalars().all()
    return sorted({Month.parse(period) for period in periods})
