"""The events that exist as of a date, from the evaluation and the owners' check-ins (pure).

Each event has a **key** that names what happened, not when it was noticed, so that `cxgov notify`
sends it once however often it runs:

| kind | when | key |
| --- | --- | --- |
| `goal_worse` | a goal's status is worse than a month before (the Overview's "got worse") | goal, status, judged month |
| `sla_at_risk` | an objective's month-to-date value misses and would cost a credit if the month closed so; or a closed miss left it one miss from a consecutive-miss credit | contract/objective, month |
| `credit_owed` | a closed month's credit is owed (not provisional, not waived) | contract, month |
| `roadmap_overdue` | a roadmap item passed its due date undone | item, due date |
| `stale_series` | a watched series has no fresh value (`app.evaluate.staleness`) | series, its newest month |
| `checkin_missing` | a goal's owner has not checked in by the due date | goal, due date |

Money rides apart from the facts (`Event.money`), so a message for a recipient who may not read
money is rendered without it rather than scrubbed afterwards.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from app.evaluate import ContractEvaluation, ObjectivePeriod, ProgramEvaluation
from app.evaluate.checkins import CheckinState
from app.evaluate.contracts import credit_if
from app.evaluate.credits import PeriodCredit
from app.evaluate.goals import SEVERITY
from app.evaluate.money import cents
from app.evaluate.staleness import StaleSeries
from app.spec.common import Scope
from app.spec.notifications import EVENT_KINDS, EventKind
from app.spec.program import Program
from app.spec.sla import ConsecutiveMissesRule


@dataclass(frozen=True)
class Event:
    key: str
    kind: EventKind
    title: str
    """The item in the program's words: the goal's title, the objective's, the item's."""
    link: str
    """The app page of the item, relative to the app's URL (`goals?goal=csat_to_85`)."""
    owners: tuple[str, ...]
    """Who answers for the item (addresses as written in the YAML)."""
    facts: dict[str, Any] = field(default_factory=dict)
    """Values for the message; never money."""
    money: dict[str, Decimal] = field(default_factory=dict)
    """Amounts, with `currency` in the facts; shown only to recipients who may read money."""
    severity: int = 0


def _owners(*names: str | None) -> tuple[str, ...]:
    return tuple(dict.fromkeys(n.strip() for n in names if n and n.strip()))


def goal_events(program: Program, evaluation: ProgramEvaluation) -> list[Event]:
    goals = {g.goal_id: g for g in evaluation.goals}
    events = []
    for change in evaluation.rollup.transitions:
        if not change.worse:
            continue
        goal = goals[change.goal_id]
        period = goal.judged_period or evaluation.open_period
        decimals = _decimals(program, goal.metric)
        events.append(
            Event(
                key=f"goal_worse:{goal.goal_id}:{goal.status}:{period}",
                kind="goal_worse",
                title=goal.title,
                link=f"goals?goal={goal.goal_id}",
                owners=_owners(goal.owner),
                facts={
                    "goal_id": goal.goal_id,
                    "previous": change.previous,
                    "status": goal.status,
                    "period": goal.judged_period,
                    "actual": goal.actual,
                    "planned": goal.planned,
                    "target": goal.target,
                    "unit": goal.unit,
                    "decimals": decimals,
                },
                severity=SEVERITY.get(goal.status, 0),
            )
        )
    return events


def _decimals(program: Program, metric_id: str | None) -> int:
    metric = program.metrics.get(metric_id or "")
    return metric.spec.decimals if metric is not None else 1


def _share(credit: PeriodCredit | None, objective_id: str) -> tuple[Decimal, str]:
    """What one objective's lines add to a period's credit (scaled down when the cap binds)."""
    if credit is None:
        return Decimal("0.00"), ""
    lines = [line for line in credit.lines if line.objective_id == objective_id]
    amount = sum((line.amount for line in lines), Decimal("0.00"))
    if credit.cap_binds and credit.gross > 0:
        amount = cents(amount * credit.amount / credit.gross)
    return amount, lines[0].rule if lines else ""


def _consecutive_rule(program: Program, contract_id: str, objective_id: str) -> int | None:
    """The shortest run of a consecutive-miss rule covering the objective (2 or more)."""
    counts = [
        rule.count
        for rule in program.contracts[contract_id].spec.credits.rules
        if isinstance(rule, ConsecutiveMissesRule)
        and rule.count >= 2
        and (not rule.objectives or objective_id in rule.objectives)
    ]
    return min(counts) if counts else None


def _if_missed(
    program: Program,
    contract: ContractEvaluation,
    open_rows: list[ObjectivePeriod],
    row: ObjectivePeriod,
    run: int,
) -> PeriodCredit:
    """The open month's credit if `row`'s objective missed it and every other objective met it."""
    rows = [
        replace(op, outcome="missed", counts_as_miss=True, consecutive_misses=run + 1)
        if op is row
        else replace(op, outcome="met", counts_as_miss=False, consecutive_misses=0)
        for op in open_rows
    ]
    return credit_if(program.contracts[contract.contract_id], contract, rows)


def sla_events(program: Program, evaluation: ProgramEvaluation) -> list[Event]:
    """Objectives heading for a credit this month, or one miss away from a consecutive-miss credit."""
    open_month = evaluation.open_period
    events: list[Event] = []
    for contract in evaluation.contracts:
        document = program.contracts[contract.contract_id]
        metrics = {o.id: program.metrics.get(o.metric) for o in document.spec.objectives}
        open_rows = [op for op in contract.objectives if op.kind == "open"]
        open_credit = next((c for c in contract.credits if c.kind == "open"), None)
        closed = [op for op in contract.objectives if op.kind == "closed"]
        for row in open_rows:
            metric = metrics.get(row.objective_id)
            facts: dict[str, Any] = {
                "contract_id": contract.contract_id,
                "counterparty": contract.counterparty,
                "objective_id": row.objective_id,
                "month": open_month,
                "value": row.value,
                "target": row.target,
                "unit": metric.spec.unit if metric else None,
                "decimals": metric.spec.decimals if metric else 1,
                "currency": contract.currency,
            }
            if row.outcome == "missed":
                amount, rule = _share(open_credit, row.objective_id)
                if amount <= 0:
                    continue
                key = f"sla_at_risk:{contract.contract_id}/{row.objective_id}:{open_month}"
                facts.update(trigger="heading", misses=row.consecutive_misses, rule=rule)
                severity = 3
            else:
                needed = _consecutive_rule(program, contract.contract_id, row.objective_id)
                last = next(
                    (op for op in reversed(closed) if op.objective_id == row.objective_id), None
                )
                if needed is None or last is None or last.consecutive_misses + 1 < needed:
                    continue
                run = last.consecutive_misses
                amount, rule = _share(
                    _if_missed(program, contract, open_rows, row, run), row.objective_id
                )
                key = f"sla_at_risk:{contract.contract_id}/{row.objective_id}:one_miss_away:{last.period}"
                facts.update(
                    trigger="one_miss_away",
                    misses=run,
                    last_miss=last.period,
                    starts=run + 1 == needed,
                    rule=rule,
                )
                severity = 2
            events.append(
                Event(
                    key=key,
                    kind="sla_at_risk",
                    title=row.title,
                    link=f"slas?contract={contract.contract_id}",
                    owners=_owners(document.metadata.owner),
                    facts=facts,
                    money={"amount": amount} if amount > 0 else {},
                    severity=severity,
                )
            )
    return events


def credit_events(program: Program, evaluation: ProgramEvaluation) -> list[Event]:
    """Credits of closed months that are owed: the last closed month's, and those an earn-back
    lost within the earn-back window (older credits were owed before and are history)."""
    last_closed = evaluation.open_period.shift(-1)
    events = []
    for contract in evaluation.contracts:
        spec = program.contracts[contract.contract_id]
        window = spec.spec.credits.earn_back.periods if spec.spec.credits.earn_back else 0
        for credit in contract.credits:
            owed = credit.amount - credit.provisional
            if credit.kind != "closed" or owed <= 0 or credit.period < last_closed.shift(-window):
                continue
            events.append(
                Event(
                    key=f"credit_owed:{contract.contract_id}:{credit.period}",
                    kind="credit_owed",
                    title=contract.title,
                    link=f"slas?contract={contract.contract_id}",
                    owners=_owners(spec.metadata.owner),
                    facts={
                        "contract_id": contract.contract_id,
                        "counterparty": contract.counterparty,
                        "month": credit.period,
                        "currency": contract.currency,
                        "earn_back_lost": credit.earn_back == "owed",
                    },
                    money={"amount": owed},
                    severity=4,
                )
            )
    return events


def roadmap_events(program: Program, evaluation: ProgramEvaluation) -> list[Event]:
    events = []
    for item in evaluation.roadmap.items:
        if item.status != "overdue":
            continue
        roadmap = program.roadmaps.get(item.roadmap_id)
        events.append(
            Event(
                key=f"roadmap_overdue:{item.roadmap_id}/{item.item_id}:{item.due}",
                kind="roadmap_overdue",
                title=item.title,
                link="roadmap",
                owners=_owners(item.owner, roadmap.metadata.owner if roadmap else None),
                facts={
                    "item_id": item.item_id,
                    "due": item.due,
                    "days": item.days,
                    "owner": item.owner,
                    "goals": item.goals,
                },
                severity=3,
            )
        )
    return events


def stale_events(stale: Sequence[StaleSeries]) -> list[Event]:
    return [
        Event(
            key=f"stale_series:{s.label}:{s.last_period or 'none'}",
            kind="stale_series",
            title=s.metric_title,
            link="actuals",
            owners=s.owners,
            facts={
                "series": s.label,
                "scope": Scope.from_key(s.scope_key).describe() if s.scope_key else "",
                "last_period": s.last_period,
                "days": s.days,
                "bound": s.stale_after_days,
                "used_by": s.used_by,
            },
            severity=2,
        )
        for s in stale
    ]


def checkin_events(states: Sequence[CheckinState]) -> list[Event]:
    return [
        Event(
            key=f"checkin_missing:{s.goal_id}:{s.due}",
            kind="checkin_missing",
            title=s.title,
            link=f"goals?goal={s.goal_id}",
            owners=_owners(s.owner),
            facts={
                "goal_id": s.goal_id,
                "due": s.due,
                "last": s.last_day,
                "cadence": s.cadence,
                "owner": s.owner,
            },
            severity=1,
        )
        for s in states
        if s.missing
    ]


def current_events(
    program: Program,
    evaluation: ProgramEvaluation,
    *,
    stale: Sequence[StaleSeries],
    checkins: Sequence[CheckinState],
) -> list[Event]:
    """Every event that exists as of the evaluation's date, in a stable order."""
    events = [
        *goal_events(program, evaluation),
        *sla_events(program, evaluation),
        *credit_events(program, evaluation),
        *roadmap_events(program, evaluation),
        *stale_events(stale),
        *checkin_events(checkins),
    ]
    order = {kind: index for index, kind in enumerate(EVENT_KINDS)}
    events.sort(key=lambda e: (order[e.kind], -e.severity, e.key))
    return events
