"""What `cxgov notify` has sent: runs and one delivery row per (event, channel, recipient).

The unique row is the claim. A run inserts the rows of everything it means to send with
`ON CONFLICT DO NOTHING` and then sends only the rows it inserted, so two runs at once — two
schedulers, a rerun while the first still works — can never both send one event to one
recipient: the database lets exactly one of them insert it.

A delivery's status says how far it got, which is what a crash leaves behind:

- `pending`: claimed, not yet handed to the service. If its run stops here, a later run takes it
  over once the claim is older than the lease (the run that claimed it is presumed dead) —
  nothing was sent, so sending it then sends it once.
- `sending`: committed just before the message is handed to the service. If the run dies now,
  nobody can know whether the service got it; it is **not** sent again (at most once) and is
  reported as unconfirmed.
- `sent`; `failed` (the service refused: known not delivered, retried by the next run).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import ColumnElement, Select, and_, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.sql.expression import Insert
from sqlmodel import Session, SQLModel, col

from app.store.checkin_tables import NotifyDelivery, NotifyRun

CHUNK = 500


@dataclass(frozen=True)
class Stored:
    """What a run needs to know of a stored delivery (read without building ORM objects: a run
    may plan thousands)."""

    id: int
    event_key: str
    channel: str
    recipient: str
    status: str
    run_id: str
    claimed_at: datetime


@dataclass(frozen=True)
class Planned:
    event_key: str
    kind: str
    channel: str
    recipient: str

    @property
    def ident(self) -> tuple[str, str, str]:
        return (self.event_key, self.channel, self.recipient)


def start_run(session: Session, *, run_id: str, as_of: date, now: datetime) -> NotifyRun:
    run = NotifyRun(id=run_id, as_of=as_of, started_at=now, status="running")
    session.add(run)
    session.flush()
    return run


def finish_run(
    session: Session,
    *,
    run_id: str,
    now: datetime,
    status: str,
    events: int,
    sent: int,
    failed: int,
) -> None:
    session.execute(
        update(NotifyRun)
        .where(col(NotifyRun.id) == run_id)
        .values(finished_at=now, status=status, events=events, sent=sent, failed=failed)
    )


def last_run(session: Session, *, before: str | None = None) -> NotifyRun | None:
    statement = select(NotifyRun).order_by(col(NotifyRun.started_at).desc())
    if before is not None:
        statement = statement.where(col(NotifyRun.id) != before)
    return session.execute(statement.limit(1)).scalars().first()


def _insert_unless_claimed(session: Session) -> Insert:
    """INSERT … ON CONFLICT DO NOTHING into the deliveries, in the session's dialect."""
    table = SQLModel.metadata.tables[NotifyDelivery.__tablename__]
    if session.get_bind().dialect.name == "postgresql":
        return pg_insert(table).on_conflict_do_nothing()
    return sqlite_insert(table).on_conflict_do_nothing()


def _stored(
    where: ColumnElement[bool],
) -> Select[int | None, str, str, str, str, str, datetime]:
    d = NotifyDelivery
    return select(
        col(d.id), col(d.event_key), col(d.channel), col(d.recipient), col(d.status),
        col(d.run_id), col(d.claimed_at),
    ).where(where)  # fmt: skip


def existing(session: Session, planned: Sequence[Planned]) -> dict[tuple[str, str, str], Stored]:
    """The delivery rows already stored for `planned`, by (event key, channel, recipient)."""
    found: dict[tuple[str, str, str], Stored] = {}
    keys = sorted({p.event_key for p in planned})
    wanted = {p.ident for p in planned}
    for start in range(0, len(keys), CHUNK):
        chunk = keys[start : start + CHUNK]
        for row in session.execute(_stored(col(NotifyDelivery.event_key).in_(chunk))):
            stored = Stored(*row)
            ident = (stored.event_key, stored.channel, stored.recipient)
            if ident in wanted:
                found[ident] = stored
    return found


def takeable(row: Stored, *, now: datetime, lease: timedelta) -> bool:
    """A stored delivery a new run may send: refused before, or claimed by a run presumed dead."""
    return row.status == "failed" or (row.status == "pending" and row.claimed_at < now - lease)


def claim(
    session: Session,
    *,
    run_id: str,
    planned: Sequence[Planned],
    now: datetime,
    lease: timedelta,
) -> list[Stored]:
    """Claim every planned delivery nobody else holds; the rows this run may now send.

    New rows are inserted (a row another run inserted first is left alone); failed rows and
    pending rows older than `lease` are taken over with an UPDATE that re-checks their state, so
    of two runs taking over the same row only one succeeds."""
    insert = _insert_unless_claimed(session)
    values = [
        {
            "event_key": p.event_key,
            "kind": p.kind,
            "channel": p.channel,
            "recipient": p.recipient,
            "status": "pending",
            "run_id": run_id,
            "claimed_at": now,
        }
        for p in planned
    ]
    for start in range(0, len(values), CHUNK):
        session.execute(insert, values[start : start + CHUNK])
    stale = [
        row.id
        for row in existing(session, planned).values()
        if row.run_id != run_id and takeable(row, now=now, lease=lease)
    ]
    for start in range(0, len(stale), CHUNK):
        session.execute(
            update(NotifyDelivery)
            .where(
                col(NotifyDelivery.id).in_(stale[start : start + CHUNK]),
                or_(
                    col(NotifyDelivery.status) == "failed",
                    and_(
                        col(NotifyDelivery.status) == "pending",
                        col(NotifyDelivery.claimed_at) < now - lease,
                    ),
                ),
            )
            .values(run_id=run_id, status="pending", claimed_at=now, error=None)
        )
    mine = and_(col(NotifyDelivery.run_id) == run_id, col(NotifyDelivery.status) == "pending")
    return [Stored(*row) for row in session.execute(_stored(mine))]


def mark(
    session: Session,
    *,
    ids: Iterable[int],
    run_id: str,
    status: str,
    now: datetime,
    error: str | None = None,
) -> None:
    """Move this run's deliveries to `status` (sending, sent or failed)."""
    ids = list(ids)
    stamp = {"sending": "attempted_at", "sent": "sent_at"}.get(status)
    values: dict[str, object] = {"status": status, "error": error}
    if stamp:
        values[stamp] = now
    for start in range(0, len(ids), CHUNK):
        session.execute(
            update(NotifyDelivery)
            .where(
                col(NotifyDelivery.id).in_(ids[start : start + CHUNK]),
                col(NotifyDelivery.run_id) == run_id,
            )
            .values(**values)
        )


def unconfirmed(session: Session, *, exclude_run: str | None = None) -> list[NotifyDelivery]:
    """Deliveries a run was handing to a service when it stopped: maybe delivered, never resent."""
    statement = select(NotifyDelivery).where(col(NotifyDelivery.status) == "sending")
    if exclude_run is not None:
        statement = statement.where(col(NotifyDelivery.run_id) != exclude_run)
    return list(session.execute(statement.order_by(col(NotifyDelivery.attempted_at))).scalars())
