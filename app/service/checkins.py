"""Owners' check-ins: record one, read a goal's history, the latest of each goal, who is late.

A check-in is recorded by the goal's owner or a manager (the app checks the signed-in person; the
command line is trusted as the database it writes to, like `cxgov actuals record`). It is
append-only: a newer check-in supersedes the last, nothing edits one. With it the goal's computed
status at that moment is kept, so the history shows what the owner said against what the
numbers said then.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.errors import NotFound, Refused, UsageError
from app.evaluate import ProgramEvaluation
from app.evaluate.checkins import (
    CONFIDENCE_LABEL,
    CONFIDENCES,
    Checkin,
    CheckinState,
    checkin_states,
)
from app.evaluate.goals import evaluate_goal
from app.load.models import did_you_mean
from app.service.database import transaction
from app.service.program import read_actuals, repair_owed
from app.spec.access import Role
from app.spec.program import Program
from app.store import checkins as store
from app.store.checkin_tables import CheckinRow

MAX_TEXT = 2000
MAX_STEP = 500


def _view(row: CheckinRow) -> Checkin:
    return Checkin(
        id=row.id,
        goal_id=row.goal_id,
        confidence=row.confidence,
        comment=row.comment,
        blockers=row.blockers,
        next_step=row.next_step,
        next_step_due=row.next_step_due,
        author=row.author,
        recorded_at=row.recorded_at,
        status_then=row.status_then,
    )


def may_check_in(program: Program, goal_id: str, *, email: str | None, role: Role | None) -> bool:
    """The goal's owner or a manager may record a check-in."""
    if role == "manager":
        return True
    goal = program.goals.get(goal_id)
    owner = (goal.metadata.owner or "").strip().lower() if goal else ""
    return bool(email) and owner == (email or "").strip().lower()


def _text(value: str | None, what: str, limit: int) -> str | None:
    if value is None or not value.strip():
        return None
    text = value.strip()
    if len(text) > limit:
        raise Refused(f"the {what} is {len(text)} characters long; keep it under {limit}")
    return text


def record_checkin(
    engine: Engine,
    program: Program,
    *,
    goal_id: str,
    confidence: str,
    comment: str,
    author: str,
    blockers: str | None = None,
    next_step: str | None = None,
    next_step_due: date | None = None,
    acting_email: str | None = None,
    acting_role: Role | None = None,
    check_permission: bool = False,
    recorded_at: datetime | None = None,
) -> Checkin:
    """Append a check-in for an active goal, with the goal's computed status now.

    With `check_permission` (the app), only the goal's owner or a manager may record it."""
    goal = program.goals.get(goal_id)
    if goal is None:
        hint = did_you_mean(goal_id, sorted(program.goals))
        raise NotFound(f"no goal {goal_id!r} in the program", hint=hint or None)
    if goal.spec.status != "active":
        raise Refused(f"goal {goal_id} is {goal.spec.status}; only active goals take check-ins")
    if confidence not in CONFIDENCES:
        raise UsageError(f"confidence is one of {', '.join(CONFIDENCES)}, not {confidence!r}")
    if check_permission and not may_check_in(
        program, goal_id, email=acting_email, role=acting_role
    ):
        raise Refused(
            f"only the goal's owner ({goal.metadata.owner or 'none named'}) or a manager records "
            f"a check-in for {goal_id}"
        )
    said = _text(comment, "comment", MAX_TEXT)
    if said is None:
        raise Refused(
            "a check-in needs a comment: what moved since the last one and what you expect next"
        )
    step = _text(next_step, "next step", MAX_STEP)
    if next_step_due is not None and step is None:
        raise UsageError("a next step's date needs the next step itself")
    moment = recorded_at or datetime.now(UTC)
    today = moment.astimezone(ZoneInfo(program.timezone)).date()
    if next_step_due is not None and next_step_due < today:
        raise Refused(f"the next step's date {next_step_due} is already past (today is {today})")
    if not author.strip():
        raise UsageError("a check-in needs an author")
    metrics = [goal.spec.metric, *(g.metric for g in goal.spec.guardrails)]
    repair_owed(engine, program)
    actuals = read_actuals(engine, metrics=[m for m in metrics if m])
    status = evaluate_goal(program, goal, actuals, as_of=today).status
    with transaction(engine) as session:
        row = store.append_checkin(
            session,
            goal_id=goal_id,
            confidence=confidence,
            comment=said,
            author=author.strip(),
            recorded_at=moment,
            blockers=_text(blockers, "blockers", MAX_TEXT),
            next_step=step,
            next_step_due=next_step_due,
            status_then=status,
        )
        return _view(row)


def checkin_history(engine: Engine, *, goal_id: str) -> list[Checkin]:
    """Every check-in of a goal, newest first."""
    with transaction(engine, "read") as session:
        return [_view(row) for row in store.checkin_history(session, goal_id=goal_id)]


def checkins_in(session: Session, goal_ids: Iterable[str] | None = None) -> dict[str, Checkin]:
    """`latest_checkins` inside the caller's transaction."""
    return {row.goal_id: _view(row) for row in store.latest_checkins(session, goal_ids=goal_ids)}


def latest_checkins(engine: Engine, goal_ids: Iterable[str] | None = None) -> dict[str, Checkin]:
    """Goal id → its newest check-in (goals without one are absent). For the attention list, the
    review pack and the reminders."""
    with transaction(engine, "read") as session:
        return checkins_in(session, goal_ids)


def checkin_overview(
    engine: Engine, program: Program, evaluation: ProgramEvaluation
) -> tuple[CheckinState, ...]:
    """Every evaluated goal's check-in state as of the evaluation's date: due, missing, agreement."""
    latest = latest_checkins(engine, [g.goal_id for g in evaluation.goals])
    return checkin_states(program, evaluation.goals, latest, evaluation.as_of)


def confidence_label(confidence: str) -> str:
    return CONFIDENCE_LABEL.get(confidence, confidence.replace("_", " "))
