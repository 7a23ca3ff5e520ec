"""Which months' computed actuals an import (or its withdrawal) can change: the months to recompute.

A contact counts in the month it was created in (every rate, mean, percentile and count), in the
backlog of every month end it is open at, and — through FCR's repeat window, which looks forward —
in the first-contact resolution of the same customer's earlier contacts. So a batch touches:

- the month of every version of its contacts: the values it brought (its new contacts, the
  contacts it changed) and the values it replaced (`contact_previous`), so a contact moved from
  March to April touches both;
- for a catalogue with a backlog, every month from a version's creation to its resolution (to
  the horizon while it is open: the last month with contacts, touched, or with a computed actual
  — a month without contacts still has a backlog), and the months the horizon moved over, where
  every contact still open now counts;
- for a catalogue with FCR repeat windows, the months within the longest window before each month
  of the first kind, whose "yes" answers a contact created there can turn into repeats.

The months are found in SQL over the batch's rows (one DISTINCT query per table), not in Python
per contact.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Table, func, or_, select
from sqlmodel import SQLModel

from app.metrics.compute import Bind, _connection
from app.metrics.queries import CONTACTS, Window, period_label
from app.periods import Month
from app.spec.common import duration_seconds
from app.spec.metric import Backlog, Fcr
from app.spec.program import Program
from app.store.tables import Actual, ContactPrevious

PREVIOUS: Table = SQLModel.metadata.tables[ContactPrevious.__tablename__]
ACTUALS: Table = SQLModel.metadata.tables[Actual.__tablename__]


def longest_repeat_window(program: Program) -> float:
    """Seconds of the longest FCR repeat window among the catalogue's contact metrics (0: none)."""
    windows = [
        duration_seconds(metric.spec.calculation.repeat_window)
        for metric in program.metrics.values()
        if metric.from_contacts
        and isinstance(metric.spec.calculation, Fcr)
        and metric.spec.calculation.repeat_window is not None
    ]
    return max(windows, default=0.0)


def has_backlog(program: Program) -> bool:
    return any(
        metric.from_contacts and isinstance(metric.spec.calculation, Backlog)
        for metric in program.metrics.values()
    )


def months_touched_by(bind: Bind, program: Program, batch_id: int) -> list[Month]:
    """The months whose computed actuals import batch `batch_id` can change (see the module): read
    inside the import's transaction, after its merge, or before withdrawing it."""
    tz = program.timezone
    backlog = has_backlog(program)
    with _connection(bind) as conn:
        # The window's bounds come from indexes (every contact's first and last creation, the
        # batch's previous versions), not from a scan of the batch's contacts.
        bounds = [
            *conn.execute(
                select(func.min(CONTACTS.c.created_at), func.max(CONTACTS.c.created_at))
            ).one(),
            *conn.execute(
                select(func.min(PREVIOUS.c.created_at), func.max(PREVIOUS.c.created_at)).where(
                    PREVIOUS.c.batch_id == batch_id
                )
            ).one(),
        ]
        instants = [_aware(moment) for moment in bounds if moment is not None]
        if not instants:
            return []
        recorded = conn.execute(
            select(func.max(ACTUALS.c.period)).where(ACTUALS.c.source == "computed")
        ).scalar()
        horizon = Month.containing(max(instants), tz)
        if recorded is not None:
            horizon = max(horizon, Month.parse(recorded))
        before = _horizon_without(conn, batch_id, tz, recorded)
        window = Window.covering([Month.containing(min(instants), tz), horizon], tz)
        pairs: set[tuple[str, str | None]] = set()
        for table in (CONTACTS, PREVIOUS):
            # A resolution label is clamped to the window, and a blank one (still open) falls
            # through every bound of the CASE to the last month, the horizon: a backlog span
            # is [created, resolved] or [created, horizon]. DISTINCT, not GROUP BY: SQLite keeps
            # the few distinct pairs instead of sorting every row (200k contacts: 0.2 s, 0.5 s).
            labels: list[Any] = [period_label(table.c.created_at, window)]
            if backlog:
                labels.append(period_label(table.c.resolved_at, window))
            rows = conn.execute(select(*labels).where(table.c.batch_id == batch_id).distinct())
            pairs.update((row[0], row[1] if backlog else None) for row in rows)
    months = {Month.parse(created_in) for created_in, _ in pairs}
    if not months:
        return []
    reached: set[Month] = set()
    repeat = longest_repeat_window(program)
    if repeat:
        for month in months:
            earliest = Month.containing(month.start(tz) - timedelta(seconds=repeat), tz)
            reached.update(earliest.until(month))
    if backlog:
        for created_in, resolved_in in pairs:
            start = Month.parse(created_in)
            end = Month.parse(resolved_in) if resolved_in is not None else horizon
            reached.update(start.until(max(start, end)))
        if before is not None and before < horizon:
            # the months the horizon moved over: the contacts open before them count there now
            reached.update(before.until(horizon))
    return sorted(months | reached)


def _horizon_without(conn: Any, batch_id: int, tz: str, recorded: str | None) -> Month | None:
    """The horizon as it was without the batch: the last month of the other contacts, of the
    batch's previous versions, or of a computed actual (None: nothing before it)."""
    others = conn.execute(
        select(func.max(CONTACTS.c.created_at)).where(
            or_(CONTACTS.c.batch_id != batch_id, CONTACTS.c.batch_id.is_(None))
        )
    ).scalar()
    replaced = conn.execute(
        select(func.max(PREVIOUS.c.created_at)).where(PREVIOUS.c.batch_id == batch_id)
    ).scalar()
    months = [Month.containing(_aware(moment), tz) for moment in (others, replaced) if moment]
    if recorded is not None:
        months.append(Month.parse(recorded))
    return max(months, default=None)


def _aware(instant: Any) -> datetime:
    """An aggregate's datetime as aware UTC (SQLite may hand back naive UTC or its text)."""
    if isinstance(instant, str):
        instant = datetime.fromisoformat(instant)
    if not isinstance(instant, datetime):
        raise TypeError(f"expected a timestamp, got {instant!r}")
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)
