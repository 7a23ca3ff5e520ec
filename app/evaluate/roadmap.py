"""Roadmap status against an as-of date: each item, each phase's completion, the goals at stake."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.evaluate.serialize import JsonReady
from app.spec.program import Program
from app.spec.roadmap import Item, item_due_date
from app.words import counted

DUE_SOON_DAYS = 14
SLIPPING = ("overdue", "blocked")


@dataclass(frozen=True)
class ItemStatus(JsonReady):
    roadmap_id: str
    phase_id: str
    item_id: str
    title: str
    owner: str | None
    due: date
    status: str
    days: int | None
    goals: tuple[str, ...]
    explanation: str


@dataclass(frozen=True)
class PhaseStatus(JsonReady):
    roadmap_id: str
    phase_id: str
    title: str
    from_day: int
    to_day: int
    items: int
    done: int
    completion_percent: float | None
    counts: dict[str, int]


@dataclass(frozen=True)
class RoadmapEvaluation(JsonReady):
    as_of: date
    items: tuple[ItemStatus, ...]
    phases: tuple[PhaseStatus, ...]
    slipping: tuple[ItemStatus, ...]
    goals_at_stake: dict[str, tuple[str, ...]]
    """Goal id → the slipping item ids it depends on."""


def item_status(
    item: Item, due: date, as_of: date, due_soon_days: int = DUE_SOON_DAYS
) -> tuple[str, int | None, str]:
    """(status, days, explanation): done / blocked / overdue / due_soon / on_schedule.

    `done` wins over everything (with how late it was, if it was); a blocked item stays blocked
    even when it is also overdue, because the blocker is what the committee must remove.
    """
    if item.status == "done":
        if item.completed_on is not None and item.completed_on > due:
            late = (item.completed_on - due).days
            return "done", late, f"done on {item.completed_on}, {counted(late, 'day')} late"
        return "done", None, f"done{f' on {item.completed_on}' if item.completed_on else ''}"
    if item.status == "blocked":
        return "blocked", None, f"blocked: {item.blocked_reason or 'no reason given'} (due {due})"
    days_left = (due - as_of).days
    if days_left < 0:
        return "overdue", -days_left, f"overdue by {counted(-days_left, 'day')} (due {due})"
    if days_left <= due_soon_days:
        return "due_soon", days_left, f"due in {counted(days_left, 'day')} ({due})"
    return "on_schedule", days_left, f"due {due}, {counted(days_left, 'day')} ahead"


def evaluate_roadmap(
    program: Program, *, as_of: date, due_soon_days: int = DUE_SOON_DAYS
) -> RoadmapEvaluation:
    items: list[ItemStatus] = []
    phases: list[PhaseStatus] = []
    for roadmap_id, roadmap in sorted(program.roadmaps.items()):
        for phase in roadmap.spec.phases:
            statuses = []
            for item in phase.items:
                due = item_due_date(item, program.start_date)
                status, days, explanation = item_status(item, due, as_of, due_soon_days)
                statuses.append(
                    ItemStatus(
                        roadmap_id,
                        phase.id,
                        item.id,
                        item.title,
                        item.owner,
                        due,
                        status,
                        days,
                        tuple(item.goals),
                        explanation,
                    )
                )
            counts: dict[str, int] = {}
            for s in statuses:
                counts[s.status] = counts.get(s.status, 0) + 1
            done = counts.get("done", 0)
            phases.append(
                PhaseStatus(
                    roadmap_id,
                    phase.id,
                    phase.title,
                    phase.from_day,
                    phase.to_day,
                    len(statuses),
                    done,
                    round(done / len(statuses) * 100, 1) if statuses else None,
                    counts,
                )
            )
            items.extend(statuses)
    slipping = tuple(i for i in items if i.status in SLIPPING)
    at_stake: dict[str, list[str]] = {}
    for slipped in slipping:
        for goal_id in slipped.goals:
            at_stake.setdefault(goal_id, []).append(slipped.item_id)
    return RoadmapEvaluation(
        as_of=as_of,
        items=tuple(items),
        phases=tuple(phases),
        slipping=slipping,
        goals_at_stake={goal: tuple(ids) for goal, ids in sorted(at_stake.items())},
    )
