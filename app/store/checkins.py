"""Check-ins in the store: append, history, the latest per goal (keyword-only, `session=`)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.store.checkin_tables import CheckinRow


def append_checkin(
    session: Session,
    *,
    goal_id: str,
    confidence: str,
    comment: str,
    author: str,
    recorded_at: datetime,
    blockers: str | None = None,
    next_step: str | None = None,
    next_step_due: date | None = None,
    status_then: str | None = None,
) -> CheckinRow:
    row = CheckinRow(
        goal_id=goal_id,
        confidence=confidence,
        comment=comment,
        blockers=blockers,
        next_step=next_step,
        next_step_due=next_step_due,
        author=author,
        recorded_at=recorded_at,
        status_then=status_then,
    )
    session.add(row)
    session.flush()
    return row


def checkin_history(session: Session, *, goal_id: str) -> list[CheckinRow]:
    """Every check-in of a goal, newest first."""
    statement = (
        select(CheckinRow)
        .where(col(CheckinRow.goal_id) == goal_id)
        .order_by(col(CheckinRow.recorded_at).desc(), col(CheckinRow.id).desc())
    )
    return list(session.execute(statement).scalars())


def latest_checkins(session: Session, *, goal_ids: Iterable[str] | None = None) -> list[CheckinRow]:
    """The newest check-in of each goal (of `goal_ids` only, when given), in one query."""
    ranked = select(
        col(CheckinRow.id),
        func.row_number()
        .over(
            partition_by=col(CheckinRow.goal_id),
            order_by=(col(CheckinRow.recorded_at).desc(), col(CheckinRow.id).desc()),
        )
        .label("rank"),
    )
    if goal_ids is not None:
        ranked = ranked.where(col(CheckinRow.goal_id).in_(sorted(set(goal_ids))))
    ranked_sub = ranked.subquery()
    statement = (
        select(CheckinRow)
        .join(ranked_sub, col(CheckinRow.id) == ranked_sub.c.id)
        .where(ranked_sub.c.rank == 1)
        .order_by(col(CheckinRow.goal_id))
    )
    return list(session.execute(statement).scalars())
