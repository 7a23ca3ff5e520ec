"""A known state of the example program as of 2026-11-23, built to make one event of each kind.

Every series the program measures gets a value that keeps its goal on plan and its SLA objective
met, from June (or the contract's start) to November (month to date), except:

- CSAT (goal csat_to_85): 78.0 in October, 40 points of progress behind plan → off track (it
  was on track at the end of October, judged on September) — `goal_worse`;
- Brightwater chat first response: missed in September and October (a $2,000 credit owed for
  October, two misses in a row) and 72 % month to date in November — `sla_at_risk` heading for
  a third credit, and `credit_owed`;
- Brightwater e-mail first response: missed in October, no value for November yet — one miss
  away from a credit (`sla_at_risk`, one_miss_away);
- agent turnover: no value after August — a `stale_series`;
- no check-in recorded — every owner's check-in is missing;
- the roadmap, as the example has it, has overdue items — `roadmap_overdue`.
"""

from __future__ import annotations

from datetime import date

from app.evaluate import ActualsIndex
from app.evaluate.plan import planned_points, planned_value
from app.periods import Month
from app.spec.program import Program, effective_scope
from app.store.actuals import append_revision
from app.store.db import session_scope

AS_OF = date(2026, 11, 23)
FIRST = Month(2026, 4)
LAST = Month(2026, 11)
CHAT = ("frt_chat_30s", "channel=chat;segment=brightwater")
EMAIL = ("frt_email", "channel=email;segment=brightwater")
CSAT = ("csat", "channel=chat,email,phone")
TURNOVER = "agent_turnover"
OVERRIDES: dict[tuple[str, str], dict[str, float | None]] = {
    CSAT: {"2026-10": 78.0, "2026-11": 78.2},
    CHAT: {"2026-09": 70.0, "2026-10": 71.0, "2026-11": 72.0},
    EMAIL: {"2026-10": 85.0, "2026-11": None},
}


def good_values(program: Program) -> dict[tuple[str, str], dict[str, float]]:
    """(metric, scope key) → month → a value that is on plan, inside guardrails, meeting targets."""
    values: dict[tuple[str, str], dict[str, float]] = {}
    months = list(FIRST.until(LAST))
    for goal in program.goals.values():
        spec = goal.spec
        if spec.metric is None or spec.baseline is None or spec.target is None:
            continue
        metric = program.metrics[spec.metric]
        key = (metric.id, effective_scope(metric, spec.scope).key())
        points = planned_points(spec)
        values[key] = {str(m): round(planned_value(points, m), 3) for m in months}
        for guardrail in spec.guardrails:
            guarded = program.metrics[guardrail.metric]
            scope = guardrail.scope if guardrail.scope is not None else spec.scope
            gkey = (guarded.id, effective_scope(guarded, scope).key())
            inside = guardrail.min + 5 if guardrail.min is not None else guardrail.max - 1  # type: ignore[operator]
            values.setdefault(gkey, {str(m): inside for m in months})
    for contract in program.contracts.values():
        for objective in contract.spec.objectives:
            metric = program.metrics[objective.metric]
            key = (metric.id, effective_scope(metric, objective.scope).key())
            met = (
                min(objective.target + 4, 100.0)
                if metric.spec.better == "higher"
                else objective.target * 0.8
            )
            if objective.target > 99:
                met = min(objective.target + 0.04, 100.0)
            values[key] = {str(m): met for m in months}
    return values


def scenario_values(program: Program) -> dict[tuple[str, str], dict[str, float]]:
    """The scenario's actuals: good values with the overrides above."""
    values = good_values(program)
    for key, months in OVERRIDES.items():
        for month, value in months.items():
            if value is None:
                values[key].pop(month, None)
            else:
                values[key][month] = value
    for key in list(values):
        if key[0] == TURNOVER:
            values[key] = {m: v for m, v in values[key].items() if m <= "2026-08"}
    return values


def scenario_index(program: Program) -> ActualsIndex:
    return ActualsIndex.from_values(
        {
            (metric, scope_key, month): value
            for (metric, scope_key), months in scenario_values(program).items()
            for month, value in months.items()
        }
    )


def record_scenario(engine: object, program: Program) -> None:
    with session_scope(engine) as session:  # type: ignore[arg-type]
        for (metric, scope_key), months in sorted(scenario_values(program).items()):
            for month, value in sorted(months.items()):
                append_revision(
                    session,
                    metric=metric,
                    scope_key=scope_key,
                    period=month,
                    value=value,
                    source="manual",
                    author="scenario",
                )
