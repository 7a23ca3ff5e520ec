"""Owners' check-ins read against the numbers: when the next one is due, and whether the owner's
confidence agrees with the computed status (pure: the caller passes the check-ins and the date).

Confidence is the committee's own three-step scale — on track, at risk, off track — so it can be
held against the computed status without an invented conversion. A computed status is read on
the same scale (achieved and done count as on track; missed and overdue as off track); a goal
without a value for its last period (`no_data`) cannot be held against anything.

A check-in is due one cadence after the owner's latest one (weekly: 7 days, fortnightly: 14,
monthly: the same day a month later, or the month's last day); without any, one cadence after
the program's start. It is **missing** from the day after that date. Goals that are finished
(a deliverable done, or a metric goal whose deadline month has closed) ask for none.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

from app.evaluate.goals import GoalEvaluation
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.program import Program
from app.words import counted

Confidence = Literal["on_track", "at_risk", "off_track"]
CONFIDENCES: tuple[Confidence, ...] = ("on_track", "at_risk", "off_track")
CONFIDENCE_LABEL: dict[str, str] = {
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
}

LEVEL: dict[str, int] = {
    "on_track": 1,
    "achieved": 1,
    "done": 1,
    "due": 1,
    "done_late": 1,
    "at_risk": 2,
    "off_track": 3,
    "missed": 3,
    "overdue": 3,
}
"""A computed status on the confidence scale; a status not listed (`no_data`) has no level."""

Agreement = Literal["agrees", "more_confident", "more_worried", "unjudged"]
FINISHED: tuple[str, ...] = ("done", "done_late")


@dataclass(frozen=True)
class Checkin(JsonReady):
    """One recorded check-in (append-only: a later one supersedes it, nothing edits it)."""

    id: int | None
    goal_id: str
    confidence: str
    comment: str
    blockers: str | None
    next_step: str | None
    next_step_due: date | None
    author: str
    recorded_at: datetime
    status_then: str | None
    """The computed status when it was recorded."""

    def day(self, timezone: str) -> date:
        """The day it was recorded, in the program's timezone."""
        return self.recorded_at.astimezone(ZoneInfo(timezone)).date()


def agreement(confidence: str, status: str | None) -> Agreement:
    """How the owner's confidence reads against a computed status."""
    level = LEVEL.get(status or "")
    if level is None:
        return "unjudged"
    said = LEVEL[confidence]
    if said == level:
        return "agrees"
    return "more_confident" if said < level else "more_worried"


def agreement_text(confidence: str, status: str | None) -> str:
    """`the owner says on track; the numbers say off track` — or '' when they agree."""
    verdict = agreement(confidence, status)
    if verdict in ("agrees", "unjudged"):
        return ""
    said = CONFIDENCE_LABEL[confidence]
    numbers = (status or "").replace("_", " ")
    if verdict == "more_confident":
        return f"contradicts the numbers: the owner says {said}, the numbers say {numbers}"
    return f"more worried than the numbers: the owner says {said}, the numbers say {numbers}"


def add_cadence(day: date, cadence: str) -> date:
    if cadence == "weekly":
        return day + timedelta(days=7)
    if cadence == "fortnightly":
        return day + timedelta(days=14)
    if cadence == "monthly":
        month = Month.of(day).shift(1)
        return month.first_day().replace(day=min(day.day, month.last_day().day))
    raise ValueError(f"no check-in cadence {cadence!r}")


@dataclass(frozen=True)
class CheckinState(JsonReady):
    goal_id: str
    title: str
    owner: str | None
    status: str
    cadence: str
    latest: Checkin | None
    last_day: date | None
    """The day of the latest check-in, in the program's timezone."""
    due: date | None
    """When the next check-in is due (None: the goal asks for none)."""
    missing: bool
    days_overdue: int
    agreement: Agreement
    """The latest check-in's confidence against the goal's status now."""


def asks_for_checkins(goal: GoalEvaluation, cadence: str, as_of: date) -> bool:
    if cadence == "none" or goal.status in FINISHED:
        return False
    if goal.deliverable is None and goal.deadline is not None:
        return Month.of(goal.deadline) >= Month.of(as_of)
    return True


def checkin_states(
    program: Program,
    goals: Sequence[GoalEvaluation],
    latest: Mapping[str, Checkin],
    as_of: date,
) -> tuple[CheckinState, ...]:
    """Every evaluated goal's check-in state as of `as_of` (in the order given)."""
    states = []
    for goal in goals:
        cadence = program.checkin_cadence(goal.goal_id)
        last = latest.get(goal.goal_id)
        last_day = last.day(program.timezone) if last is not None else None
        due: date | None = None
        if asks_for_checkins(goal, cadence, as_of):
            due = add_cadence(last_day or program.start_date, cadence)
        overdue = (as_of - due).days if due is not None and as_of > due else 0
        states.append(
            CheckinState(
                goal_id=goal.goal_id,
                title=goal.title,
                owner=goal.owner,
                status=goal.status,
                cadence=cadence,
                latest=last,
                last_day=last_day,
                due=due,
                missing=overdue > 0,
                days_overdue=overdue,
                agreement=agreement(last.confidence, goal.status) if last else "unjudged",
            )
        )
    return tuple(states)


def missing_text(state: CheckinState) -> str:
    """Why a check-in is missing, for lists and messages."""
    if state.last_day is None:
        return f"no check-in yet; one was due on {state.due} ({state.cadence})"
    return (
        f"last check-in on {state.last_day}; the next was due on {state.due} "
        f"({state.cadence}, {counted(state.days_overdue, 'day')} ago)"
    )
