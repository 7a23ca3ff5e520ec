"""Append-only writes: a row is inserted once, and two writers racing for the same place are told
so instead of one overwriting the other.

The actuals and the credit ledger number their rows per key (a revision, an entry) under a unique
constraint; the writer states the number it saw. When two write at once the database refuses the
second — the unique constraint on PostgreSQL, a stale snapshot on SQLite in WAL mode — and the
refusal becomes the caller's `Conflict`, with the session as it was before the insert.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlmodel import Session, SQLModel

from app.errors import Conflict

SQLITE_BUSY_CODES = (5, 517)  # SQLITE_BUSY, SQLITE_BUSY_SNAPSHOT


def _stale_sqlite_snapshot(exc: OperationalError) -> bool:
    """SQLite's answer when a transaction that has read tries to write while, or after, another
    connection wrote: it refuses at once (no busy wait, which could deadlock) — the WAL-mode race."""
    return getattr(exc.orig, "sqlite_errorcode", None) in SQLITE_BUSY_CODES


def insert_once(session: Session, row: SQLModel, conflict: Conflict) -> None:
    """Add and flush `row` in a savepoint; raise `conflict` if another writer took its place."""
    savepoint = session.begin_nested()
    try:
        session.add(row)
        session.flush()
    except (IntegrityError, OperationalError) as exc:
        savepoint.rollback()
        if isinstance(exc, OperationalError) and not _stale_sqlite_snapshot(exc):
            raise
        raise conflict from None
    savepoint.commit()
