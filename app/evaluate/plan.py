"""A goal's plan: the periods of its cadence and the planned value in each of them."""

from __future__ import annotations

import itertools

from app.periods import Month
from app.spec.goal import GoalSpec


def planned_points(spec: GoalSpec) -> list[tuple[Month, float]]:
    """Baseline, milestones and target as (month, value), in month order (a later point wins a tie)."""
    assert spec.baseline is not None and spec.target is not None
    points = {spec.baseline.period: spec.baseline.value}
    for milestone in sorted(spec.milestones, key=lambda m: m.by):
        points[Month.of(milestone.by)] = milestone.value
    points[Month.of(spec.target.by)] = spec.target.value
    return sorted(points.items())


def planned_value(points: list[tuple[Month, float]], month: Month) -> float:
    """Straight lines between the plan's points; flat before the first and after the last."""
    at = month.index
    if at <= points[0][0].index:
        return points[0][1]
    for (m0, v0), (m1, v1) in itertools.pairwise(points):
        i0, i1 = m0.index, m1.index
        if at <= i1:
            return v0 + (v1 - v0) * (at - i0) / (i1 - i0)
    return points[-1][1]


def cadence_periods(spec: GoalSpec) -> list[Month]:
    """The months a goal is judged on, from its baseline month to its deadline month.

    Monthly: every month. Quarterly: every third month counted back from the deadline's month, so
    the deadline always closes a period; a quarter is judged on the actual of its last month
    (the value the committee reads at the quarter's close; medians and percentiles cannot be
    pooled over months, so no averaging is invented).
    """
    assert spec.baseline is not None and spec.target is not None
    first, last = spec.baseline.period, Month.of(spec.target.by)
    if last <= first:
        return [first]
    step = 1 if spec.cadence == "monthly" else 3
    months = [Month.from_index(i) for i in range(last.index, first.index, -step)]
    return [first, *reversed(months)]
