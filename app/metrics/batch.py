"""What one import batch's contacts look like to the program: the months they fall in, rows
outside the program's period, values no scope of the program names, and contacts the backlog
would count as open for ever.

SQL over the contacts of one batch (the ones the import added or changed), run on the caller's
connection — inside the import's transaction for a preview, before it is rolled back. "Open" is
the backlog's own sample (`measure_for`: an abandoned call is never open) with no resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import and_, case, func, literal, select
from sqlalchemy.engine import Connection

from app.metrics.measures import measure_for
from app.metrics.queries import CONTACTS, Window, not_done, period_label
from app.periods import Month
from app.spec.metric import Backlog

VOCABULARY_VALUES_SHOWN = 20
"""Values outside the vocabulary listed per field (the most frequent first)."""


@dataclass(frozen=True)
class BatchFacts:
    months: dict[str, int] = field(default_factory=dict)
    """Month (YYYY-MM, program timezone) → contacts of the batch created in it."""
    before_period: int = 0
    """Contacts created before the program's first month."""
    after_period: int = 0
    """Contacts created after the end of the as-of date (in the future)."""
    outside_vocabulary: dict[str, dict[str, int]] = field(default_factory=dict)
    """Field → value → contacts, for values no scope of the program names (blank not counted)."""
    open_long: int = 0
    """Contacts with no resolution created before `open_before` whose status does not say they
    are done: open in every backlog since."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "months": dict(self.months),
            "before_period": self.before_period,
            "after_period": self.after_period,
            "outside_vocabulary": {k: dict(v) for k, v in self.outside_vocabulary.items()},
            "open_long": self.open_long,
        }


def batch_facts(
    conn: Connection,
    *,
    batch_id: int,
    timezone: str,
    period_start: datetime,
    period_end: datetime,
    vocabulary: dict[str, tuple[str, ...]],
    open_before: datetime,
) -> BatchFacts:
    """The facts of batch `batch_id`'s contacts (see BatchFacts); `vocabulary`: dimension → the
    values the program's scopes name, for the dimensions any scope restricts."""
    c = CONTACTS.c
    mine = c.batch_id == batch_id
    first, last = conn.execute(
        select(func.min(c.created_at), func.max(c.created_at)).where(mine)
    ).one()
    if first is None or last is None:
        return BatchFacts()
    window = Window.covering(
        [Month.containing(first, timezone), Month.containing(last, timezone)], timezone
    )
    backlog = measure_for(Backlog(type="backlog"), c).sample
    month = period_label(c.created_at, window).label("month")
    rows = conn.execute(
        select(
            month,
            func.count(),
            func.sum(case((c.created_at < period_start, 1), else_=0)),
            func.sum(case((c.created_at >= period_end, 1), else_=0)),
            func.sum(
                case(
                    (
                        and_(
                            c.resolved_at.is_(None),
                            not_done(c),
                            c.created_at < open_before,
                            backlog,
                        ),
                        1,
                    ),
                    else_=0,
                )
            ),
        )
        .where(mine)
        .group_by(month)
    ).all()
    outside: dict[str, dict[str, int]] = {}
    for dimension, values in sorted(vocabulary.items()):
        column = getattr(c, dimension)
        counts = conn.execute(
            select(column, func.count().label("n"))
            .where(mine, column.is_not(None), column != literal(""), column.not_in(values))
            .group_by(column)
            .order_by(func.count().desc(), column)
            .limit(VOCABULARY_VALUES_SHOWN)
        ).all()
        if counts:
            outside[dimension] = {str(value): int(n) for value, n in counts}
    return BatchFacts(
        months={str(label): int(n) for label, n, *_ in sorted(rows)},
        before_period=sum(int(row[2] or 0) for row in rows),
        after_period=sum(int(row[3] or 0) for row in rows),
        outside_vocabulary=outside,
        open_long=sum(int(row[4] or 0) for row in rows),
    )
