"""Roll-ups for the committee: goal counts by status per pillar and overall, and what changed."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from app.evaluate.goals import SEVERITY, GoalEvaluation
from app.evaluate.serialize import JsonReady


@dataclass(frozen=True)
class Transition(JsonReady):
    goal_id: str
    title: str
    pillar: str
    previous: str
    current: str
    worse: bool


@dataclass(frozen=True)
class Rollup(JsonReady):
    total: int
    overall: dict[str, int]
    by_pillar: dict[str, dict[str, int]]
    transitions: tuple[Transition, ...]
    worse: int
    guardrail_breaches: int

    @property
    def off_track_or_worse(self) -> int:
        """Goals off track, missed, overdue or without a value for the last closed month."""
        return sum(
            count
            for status, count in self.overall.items()
            if SEVERITY.get(status, 0) >= SEVERITY["off_track"]
        )


def _ordered(counter: Counter[str]) -> dict[str, int]:
    return {
        status: counter[status]
        for status in sorted(counter, key=lambda s: (-SEVERITY.get(s, 0), s))
    }


def goal_rollup(evaluations: Sequence[GoalEvaluation]) -> Rollup:
    """Counts (worst status first) and the status changes since the previous period.

    Transitions list only goals whose status changed; changes for the worse come first, the
    biggest fall first, so the committee reads what needs attention before what improved.
    """
    overall: Counter[str] = Counter(e.status for e in evaluations)
    pillars: dict[str, Counter[str]] = {}
    for e in evaluations:
        pillars.setdefault(e.pillar, Counter())[e.status] += 1
    transitions = [
        Transition(
            e.goal_id,
            e.title,
            e.pillar,
            e.previous_status,
            e.status,
            SEVERITY.get(e.status, 0) > SEVERITY.get(e.previous_status, 0),
        )
        for e in evaluations
        if e.previous_status is not None and e.previous_status != e.status
    ]
    transitions.sort(
        key=lambda t: (
            not t.worse,
            -(SEVERITY.get(t.current, 0) - SEVERITY.get(t.previous, 0)),
            t.goal_id,
        )
    )
    return Rollup(
        total=len(evaluations),
        overall=_ordered(overall),
        by_pillar={pillar: _ordered(counter) for pillar, counter in sorted(pillars.items())},
        transitions=tuple(transitions),
        worse=sum(t.worse for t in transitions),
        guardrail_breaches=sum(e.guardrail_breached for e in evaluations),
    )
