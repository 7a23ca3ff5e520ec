"""Goal status: planned vs actual per period, progress, status, forecast, guardrails, deliverables.

Periods are judged once they have closed: with `as_of` in November, October is the last period
due and November (month to date) is open. Status rules, in order:

- deliverable goals: `done` (completed on or before the due date), `done_late`, `overdue`
  (not completed and the due date has passed), `due` (not completed, due date still ahead);
- nothing due yet (only the baseline month has closed): judged on the baseline, `on_track`;
- deadline month closed: `achieved` if its actual meets the target, `missed` if not, `no_data`
  if it has no actual;
- the last period due has no actual: `no_data` (stale data is never on track);
- the actual meets the target: `achieved`;
- otherwise by how many points of progress the actual is behind plan: within
  `status.on_track_within` → `on_track`, within `status.at_risk_within` → `at_risk`, else
  `off_track`.

The explanation says how far behind (or ahead of) plan the actual is in the metric's own unit —
"2.7 points behind the plan of 77.3 %", "12 tickets behind" — with the share of the way from
baseline to target in brackets; the status tolerances are in that share (`behind_points`).
A goal that needs attention also says since when its status has held (`status_since`).

Only goals with `status: active` are evaluated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypedDict

from app.evaluate.actuals import ActualsIndex
from app.evaluate.direction import EPSILON, Better, meets, progress_percent
from app.evaluate.forecast import Forecast, forecast
from app.evaluate.plan import cadence_periods, planned_points, planned_value
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.common import Scope
from app.spec.goal import Goal, Guardrail
from app.spec.metric import Metric
from app.spec.program import Program, ProgramSpec, effective_scope
from app.words import counted

SEVERITY: dict[str, int] = {
    "achieved": 0,
    "done": 0,
    "on_track": 1,
    "due": 1,
    "done_late": 1,
    "at_risk": 2,
    "off_track": 3,
    "no_data": 3,
    "missed": 4,
    "overdue": 4,
}
"""How bad a status is, for ordering and for deciding whether a transition is a change for the worse."""

NEEDS_ATTENTION: tuple[str, ...] = ("missed", "off_track", "at_risk")
"""Metric-goal statuses the committee must discuss: a root cause and actions in the review, links to
the playbooks that protect the metric in the app."""


@dataclass(frozen=True)
class GoalPeriod(JsonReady):
    period: Month
    planned: float
    actual: float | None
    progress: float | None
    planned_progress: float
    closed: bool


@dataclass(frozen=True)
class GuardrailCheck(JsonReady):
    metric: str
    scope_key: str
    min: float | None
    max: float | None
    period: Month | None
    value: float | None
    breached: bool
    message: str


@dataclass(frozen=True)
class DeliverableState(JsonReady):
    due: date
    completed_on: date | None
    days_late: int | None
    days_left: int | None
    evidence: str | None


@dataclass(frozen=True)
class Judgement:
    status: str
    period: Month | None
    actual: float | None
    progress: float | None
    planned: float | None
    planned_progress: float | None
    behind_points: float | None
    explanation: str
    behind: float | None = None


class _Heading(TypedDict):
    """The fields every goal's evaluation opens with, whatever kind of goal it is."""

    goal_id: str
    title: str
    pillar: str
    owner: str | None


@dataclass(frozen=True)
class GoalEvaluation(JsonReady):
    goal_id: str
    title: str
    pillar: str
    owner: str | None
    metric: str | None
    scope_key: str
    better: Better | None
    unit: str | None
    status: str
    previous_status: str | None
    judged_period: Month | None
    planned: float | None
    actual: float | None
    progress: float | None
    planned_progress: float | None
    behind_points: float | None
    baseline: float | None
    target: float | None
    deadline: date | None
    explanation: str
    periods: tuple[GoalPeriod, ...] = ()
    forecast: Forecast | None = None
    forecast_reaches_target: bool | None = None
    guardrails: tuple[GuardrailCheck, ...] = ()
    guardrail_breached: bool = False
    deliverable: DeliverableState | None = None
    behind: float | None = None
    """How far the actual is behind plan in the metric's unit (negative: ahead); None when not judged on plan."""
    status_since: Month | None = None
    """The first judged period of the current run of this status (goals that need attention or
    have no data): "off track since 2026-10"."""

    @property
    def needs_attention(self) -> bool:
        return self.status in NEEDS_ATTENTION


def previous_as_of(as_of: date) -> date:
    """The last day of the month before `as_of`'s: the date the previous status is taken at."""
    return Month.of(as_of).first_day() - timedelta(days=1)


def evaluate_goals(program: Program, actuals: ActualsIndex, *, as_of: date) -> list[GoalEvaluation]:
    """Every active goal, in id order, evaluated as of `as_of` (with its status a month earlier)."""
    return [
        evaluate_goal(program, goal, actuals, as_of=as_of)
        for goal_id, goal in sorted(program.goals.items())
        if goal.spec.status == "active"
    ]


def evaluate_goal(
    program: Program, goal: Goal, actuals: ActualsIndex, *, as_of: date
) -> GoalEvaluation:
    spec = goal.spec
    base = _Heading(
        goal_id=goal.id, title=goal.metadata.title, pillar=spec.pillar, owner=goal.metadata.owner
    )
    if spec.deliverable is not None:
        return _deliverable(base, goal, as_of)
    metric = program.metrics.get(spec.metric or "")
    if metric is None or spec.baseline is None or spec.target is None:
        reason = (
            f"metric {spec.metric!r} is not in the catalogue"
            if metric is None
            else "the goal has no baseline or no target, so there is nothing to judge progress against"
        )
        return GoalEvaluation(
            **base,
            metric=spec.metric,
            scope_key="",
            better=None,
            unit=None,
            status="no_data",
            previous_status=None,
            judged_period=None,
            planned=None,
            actual=None,
            progress=None,
            planned_progress=None,
            behind_points=None,
            baseline=spec.baseline.value if spec.baseline else None,
            target=spec.target.value if spec.target else None,
            deadline=spec.target.by if spec.target else None,
            explanation=reason,
        )
    better: Better = metric.spec.better
    scope_key = effective_scope(metric, spec.scope).key()
    points = planned_points(spec)
    baseline, target = spec.baseline.value, spec.target.value
    open_month = Month.of(as_of)

    def prog(value: float) -> float:
        return progress_percent(value, baseline, target, better)

    periods = []
    open_index = open_month.index
    for month in cadence_periods(spec):
        if month.index > open_index:
            break
        planned = planned_value(points, month)
        actual = actuals.value(metric.id, scope_key, month)
        periods.append(
            GoalPeriod(
                period=month,
                planned=planned,
                actual=actual,
                progress=None if actual is None else prog(actual),
                planned_progress=prog(planned),
                closed=month.index < open_index,
            )
        )

    baseline_month, deadline = spec.baseline.period, Month.of(spec.target.by)

    def judge_at(month: Month) -> Judgement:
        return _judge(
            baseline_month,
            deadline,
            baseline,
            target,
            better,
            periods,
            month,
            program.spec,
            metric,
        )

    now = judge_at(open_month)
    before = judge_at(Month.of(previous_as_of(as_of)))
    since = (
        _status_since(now, periods, judge_at)
        if now.status in (*NEEDS_ATTENTION, "no_data")
        else None
    )
    fc, reaches = _forecast(periods, Month.of(spec.target.by), open_month, target, better)
    guardrails = tuple(
        _guardrail(program, g, spec.scope if g.scope is None else g.scope, actuals, open_month)
        for g in spec.guardrails
    )
    breached = any(g.breached for g in guardrails)
    explanation = now.explanation
    if breached:
        explanation += "; guardrail crossed: " + "; ".join(
            g.message for g in guardrails if g.breached
        )
    return GoalEvaluation(
        **base,
        metric=metric.id,
        scope_key=scope_key,
        better=better,
        unit=metric.spec.unit,
        status=now.status,
        previous_status=before.status,
        judged_period=now.period,
        planned=now.planned,
        actual=now.actual,
        progress=now.progress,
        planned_progress=now.planned_progress,
        behind_points=now.behind_points,
        baseline=baseline,
        target=target,
        deadline=spec.target.by,
        explanation=explanation,
        periods=tuple(periods),
        forecast=fc,
        forecast_reaches_target=reaches,
        guardrails=guardrails,
        guardrail_breached=breached,
        behind=now.behind,
        status_since=since,
    )


def _status_since(
    now: Judgement, periods: list[GoalPeriod], judge_at: Callable[[Month], Judgement]
) -> Month | None:
    """The earliest closed period, counting back from the judged one without a gap, whose own
    judgement (as of the month after it closed) had the same status as now."""
    if now.period is None:
        return None
    since = now.period
    earlier = [p.period for p in periods if p.closed and p.period < now.period]
    for period in reversed(earlier):
        if judge_at(period.shift(1)).status != now.status:
            break
        since = period
    return since


def _judge(
    baseline_month: Month,
    deadline_month: Month,
    baseline: float,
    target: float,
    better: Better,
    periods: list[GoalPeriod],
    open_month: Month,
    settings: ProgramSpec,
    metric: Metric,
) -> Judgement:
    _fmt = metric.format
    open_index, baseline_index = open_month.index, baseline_month.index
    due = [p for p in periods if baseline_index < p.period.index < open_index]
    if not due:
        return Judgement(
            "on_track",
            baseline_month,
            baseline,
            0.0,
            baseline,
            0.0,
            0.0,
            f"nothing due yet: the first period after the baseline ({baseline_month}) has not closed",
            0.0,
        )
    last = due[-1]
    if open_index > deadline_month.index:
        if last.actual is None:
            return Judgement(
                "no_data",
                last.period,
                None,
                None,
                last.planned,
                last.planned_progress,
                None,
                f"deadline passed; no actual for the deadline month {last.period}",
            )
        status = "achieved" if meets(last.actual, target, better) else "missed"
        return Judgement(
            status,
            last.period,
            last.actual,
            last.progress,
            last.planned,
            last.planned_progress,
            None,
            f"deadline passed: {_fmt(last.actual)} in {last.period} against a target of "
            f"{_fmt(target)} ({'met' if status == 'achieved' else 'not met'})",
        )
    if last.actual is None:
        return Judgement(
            "no_data",
            last.period,
            None,
            None,
            last.planned,
            last.planned_progress,
            None,
            f"no actual for {last.period}, the last period due; stale data is never on track",
        )
    assert last.progress is not None
    behind = last.planned_progress - last.progress
    gap = (last.planned - last.actual) * (1.0 if better == "higher" else -1.0)
    if meets(last.actual, target, better):
        return Judgement(
            "achieved",
            last.period,
            last.actual,
            last.progress,
            last.planned,
            last.planned_progress,
            behind,
            f"{_fmt(last.actual)} in {last.period} already meets the target {_fmt(target)}",
            gap,
        )
    tolerances = settings.status
    if behind <= tolerances.on_track_within + EPSILON:
        status = "on_track"
    elif behind <= tolerances.at_risk_within + EPSILON:
        status = "at_risk"
    else:
        status = "off_track"
    return Judgement(
        status,
        last.period,
        last.actual,
        last.progress,
        last.planned,
        last.planned_progress,
        behind,
        f"{_fmt(last.actual)} in {last.period} is {plan_gap(gap, last.planned, metric)} "
        f"({last.progress:.1f} % of the way from {_fmt(baseline)} to {_fmt(target)}, "
        f"plan {last.planned_progress:.1f} %)",
        gap,
    )


def plan_gap(gap: float, planned: float, metric: Metric) -> str:
    """ "2.7 points behind the plan of 77.3 %", "12 tickets ahead of the plan of 78", "on the plan
    of 9.6 min": the distance to plan in the metric's unit, between the values as they are
    printed (77.3 − 74.6 reads 2.7, whatever the digits beyond the metric's decimals)."""
    decimals = metric.spec.decimals
    actual = planned - gap if metric.spec.better == "higher" else planned + gap
    shown = round(round(planned, decimals) - round(actual, decimals), decimals)
    if metric.spec.better == "lower":
        shown = -shown
    plan = metric.format(planned)
    if shown > 0:
        return f"{metric.format_difference(shown)} behind the plan of {plan}"
    if shown < 0:
        return f"{metric.format_difference(shown)} ahead of the plan of {plan}"
    return f"on the plan of {plan}"


def _forecast(
    periods: list[GoalPeriod], deadline: Month, open_month: Month, target: float, better: Better
) -> tuple[Forecast, bool | None]:
    if open_month > deadline:
        return Forecast(
            at=deadline, value=None, points_used=0, refused="the deadline has passed"
        ), None
    series = [(p.period, p.actual) for p in periods if p.closed and p.actual is not None]
    fc = forecast(series, deadline)
    return fc, None if fc.value is None else meets(fc.value, target, better)


def _guardrail(
    program: Program, guardrail: Guardrail, scope: Scope, actuals: ActualsIndex, open_month: Month
) -> GuardrailCheck:
    """A guardrail reads the latest actual up to the open month (month to date counts: it is an early warning)."""
    metric = program.metrics.get(guardrail.metric)
    scope_key, found = "", None
    if metric is not None:
        scope_key = effective_scope(metric, scope).key()
        found = actuals.latest(guardrail.metric, scope_key, until=open_month)
    if metric is None or found is None:
        return GuardrailCheck(
            guardrail.metric,
            scope_key,
            guardrail.min,
            guardrail.max,
            None,
            None,
            False,
            f"{guardrail.metric}: no actual yet",
        )
    month, point = found
    value = point.value
    assert value is not None
    low = guardrail.min is not None and value < guardrail.min - EPSILON
    high = guardrail.max is not None and value > guardrail.max + EPSILON
    if low:
        message = f"{guardrail.metric} {metric.format(value)} in {month} is below its floor {metric.format(guardrail.min)}"
    elif high:
        message = f"{guardrail.metric} {metric.format(value)} in {month} is above its ceiling {metric.format(guardrail.max)}"
    else:
        message = f"{guardrail.metric} {metric.format(value)} in {month} is within bounds"
    return GuardrailCheck(
        guardrail.metric,
        scope_key,
        guardrail.min,
        guardrail.max,
        month,
        value,
        low or high,
        message,
    )


def deliverable_status(due: date, completed_on: date | None, as_of: date) -> str:
    """done / done_late / overdue / due; a completion date after `as_of` is not done yet as of then."""
    if completed_on is not None and completed_on <= as_of:
        return "done" if completed_on <= due else "done_late"
    return "overdue" if as_of > due else "due"


def _deliverable(base: _Heading, goal: Goal, as_of: date) -> GoalEvaluation:
    d = goal.spec.deliverable
    assert d is not None
    status = deliverable_status(d.due, d.completed_on, as_of)
    previous = deliverable_status(d.due, d.completed_on, previous_as_of(as_of))
    done = status in ("done", "done_late")
    state = DeliverableState(
        due=d.due,
        completed_on=d.completed_on,
        days_late=(d.completed_on - d.due).days
        if done and d.completed_on and d.completed_on > d.due
        else ((as_of - d.due).days if status == "overdue" else None),
        days_left=(d.due - as_of).days if status == "due" else None,
        evidence=d.evidence,
    )
    late = counted(state.days_late or 0, "day")
    explanation = {
        "done": f"completed on {d.completed_on}, due {d.due}",
        "done_late": f"completed on {d.completed_on}, {late} after the due date {d.due}",
        "overdue": f"not completed; due {d.due}, {late} overdue",
        "due": f"due {d.due}, in {counted(state.days_left or 0, 'day')}",
    }[status]
    return GoalEvaluation(
        **base,
        metric=None,
        scope_key="",
        better=None,
        unit=None,
        status=status,
        previous_status=previous,
        judged_period=None,
        planned=None,
        actual=None,
        progress=None,
        planned_progress=None,
        behind_points=None,
        baseline=None,
        target=None,
        deadline=d.due,
        explanation=explanation,
        deliverable=state,
    )
