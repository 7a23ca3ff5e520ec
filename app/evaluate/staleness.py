"""Stale series: the (metric, scope) series the program watches whose newest value is too old.

A value belongs to a month; the data is as fresh as the end of that month. As of a date, a series
is **stale** when its newest month with a value ended more than `stale_after_days` days before
(the metric's own bound, else the program's): with the default 45 days, a monthly series whose
newest value is September is stale from 15 November on. The open month's month-to-date value
counts as fresh. A series that never had a value is stale once `stale_after_days` have passed
since the program's start.

The watched series are those the program needs now: the metric of every active goal whose
deadline month has not long closed, each guardrail of those goals, and every objective of a
contract in effect. Pure: the caller passes the actuals and the date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from app.evaluate.actuals import ActualsIndex
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.common import Scope
from app.spec.program import Program, effective_scope


@dataclass(frozen=True)
class StaleSeries(JsonReady):
    metric: str
    metric_title: str
    scope_key: str
    last_period: Month | None
    """The newest month with a value (None: never had one)."""
    days: int
    """Days since that month ended (or since the program started, without a value)."""
    stale_after_days: int
    used_by: tuple[str, ...]
    """What needs the series: `goal ID`, `guardrail of goal ID`, `SLA CONTRACT/OBJECTIVE`."""
    owners: tuple[str, ...]
    """Who answers for it: the metric's owner, then the owners of what uses it."""
    explanation: str

    @property
    def label(self) -> str:
        """`csat [channel=chat,email,phone]` — how the series is named in lists and messages."""
        return f"{self.metric} [{self.scope_key or 'all contacts'}]"


@dataclass
class _Watch:
    used_by: list[str]
    owners: list[str]


def watched_series(program: Program, as_of: date) -> dict[tuple[str, str], _Watch]:
    """(metric, scope key) → what uses it and who owns that, for everything needing data now."""
    last_closed = Month.of(as_of).shift(-1)
    watched: dict[tuple[str, str], _Watch] = {}

    def add(metric_id: str, scope: Scope | None, use: str, owner: str | None) -> None:
        metric = program.metrics.get(metric_id)
        if metric is None:
            return
        key = (metric_id, effective_scope(metric, scope).key())
        watch = watched.setdefault(
            key, _Watch([], [metric.metadata.owner] if metric.metadata.owner else [])
        )
        watch.used_by.append(use)
        if owner and owner not in watch.owners:
            watch.owners.append(owner)

    for goal_id, goal in sorted(program.goals.items()):
        spec = goal.spec
        if spec.status != "active" or spec.metric is None:
            continue
        if spec.target is not None and Month.of(spec.target.by) < last_closed:
            continue
        add(spec.metric, spec.scope, f"goal {goal_id}", goal.metadata.owner)
        for guardrail in spec.guardrails:
            scope = guardrail.scope if guardrail.scope is not None else spec.scope
            add(guardrail.metric, scope, f"guardrail of goal {goal_id}", goal.metadata.owner)
    for contract_id, contract in sorted(program.contracts.items()):
        effective = contract.spec.effective
        if effective.from_ > as_of or (
            effective.to is not None and Month.of(effective.to) < last_closed
        ):
            continue
        for objective in contract.spec.objectives:
            add(
                objective.metric,
                objective.scope,
                f"SLA {contract_id}/{objective.id}",
                contract.metadata.owner,
            )
    return watched


def stale_series(program: Program, actuals: ActualsIndex, as_of: date) -> tuple[StaleSeries, ...]:
    """Every watched series that is stale as of `as_of`, stalest first."""
    open_month = Month.of(as_of)
    found: list[StaleSeries] = []
    for (metric_id, scope_key), watch in watched_series(program, as_of).items():
        bound = program.stale_after_days(metric_id)
        latest = actuals.latest(metric_id, scope_key, until=open_month)
        if latest is None:
            days = (as_of - program.start_date).days
            why = f"no value yet, {days} days after the program's start on {program.start_date}"
            last = None
        else:
            last = latest[0]
            days = max(0, (as_of - last.last_day()).days)
            why = f"no value since {last} ({days} days after that month ended)"
        if days <= bound:
            continue
        metric = program.metrics[metric_id]
        found.append(
            StaleSeries(
                metric=metric_id,
                metric_title=metric.metadata.title,
                scope_key=scope_key,
                last_period=last,
                days=days,
                stale_after_days=bound,
                used_by=tuple(watch.used_by),
                owners=tuple(watch.owners),
                explanation=f"{why}; stale after {bound} days",
            )
        )
    found.sort(key=lambda s: (-s.days, s.metric, s.scope_key))
    return tuple(found)
