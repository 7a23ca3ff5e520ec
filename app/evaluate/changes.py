"""What changed between two evaluations of one program: the stored actuals, each goal's status,
each SLA objective's outcome per month and each month's credit.

Pure: given the actuals and the evaluation before and after something happened (an import and
the recompute that follows it — previewed and rolled back, or committed), list what a manager
must know before trusting it. The import's preview and its summary afterwards both call
`program_changes`, so "what an import changes" is worked out in one place.

Only closed and open months count: a projected month is a forecast that moves with every value.
A credit change is a change of the month's amount (after earn-back and caps); a goal's change is
a change of its status, not of its forecast.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from decimal import Decimal

from app.evaluate.actuals import ActualsIndex
from app.evaluate.attainment import Outcome
from app.evaluate.program import ProgramEvaluation
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.words import counted

JUDGED_KINDS = ("closed", "open")
"""The months whose outcomes and credits are compared (a projected month is a forecast)."""


@dataclass(frozen=True)
class ActualChange(JsonReady):
    """A stored actual whose value changes (old None: there was none)."""

    metric: str
    scope_key: str
    period: Month
    old: float | None
    new: float | None


@dataclass(frozen=True)
class GoalStatusChange(JsonReady):
    goal_id: str
    title: str
    old: str | None
    """None: the goal was not evaluated before."""
    new: str | None
    """None: the goal is no longer evaluated."""


@dataclass(frozen=True)
class OutcomeChange(JsonReady):
    """An SLA objective's outcome for one month (met, missed, excluded, unmeasured)."""

    contract_id: str
    objective_id: str
    title: str
    period: Month
    kind: str
    """closed or open (month to date)."""
    old: Outcome | None
    new: Outcome | None


@dataclass(frozen=True)
class CreditChange(JsonReady):
    """A contract's credit for one month, in the contract's currency."""

    contract_id: str
    counterparty: str
    period: Month
    kind: str
    """closed, or open: the month to date, at risk."""
    currency: str
    old: Decimal
    new: Decimal


@dataclass(frozen=True)
class ProgramChanges(JsonReady):
    actuals: tuple[ActualChange, ...] = ()
    goals: tuple[GoalStatusChange, ...] = ()
    outcomes: tuple[OutcomeChange, ...] = ()
    credits: tuple[CreditChange, ...] = ()

    @property
    def decisive(self) -> bool:
        """A goal's status or a credit changes: what a manager confirms before importing."""
        return bool(self.goals or self.credits)

    @property
    def empty(self) -> bool:
        return not (self.actuals or self.goals or self.outcomes or self.credits)

    def headline(self) -> list[str]:
        """One short phrase per kind of change that happens, e.g. "2 goal statuses"."""
        parts = []
        if self.goals:
            parts.append(counted(len(self.goals), "goal status", "goal statuses"))
        if self.credits:
            parts.append(counted(len(self.credits), "credit"))
        if self.outcomes:
            parts.append(counted(len(self.outcomes), "SLA outcome"))
        if self.actuals:
            parts.append(counted(len(self.actuals), "stored actual"))
        return parts


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def actual_changes(before: ActualsIndex, after: ActualsIndex) -> list[ActualChange]:
    """Every actual whose latest value differs (appeared, changed or lost its value)."""
    old = {(metric, scope, month): point.value for metric, scope, month, point in before.points()}
    out = []
    for metric, scope, month, point in after.points():
        previous = old.get((metric, scope, month))
        if (metric, scope, month) in old and _same(previous, point.value):
            continue
        if previous is None and point.value is None:
            continue
        out.append(ActualChange(metric, scope, month, previous, point.value))
    return out


def goal_changes(before: ProgramEvaluation, after: ProgramEvaluation) -> list[GoalStatusChange]:
    old = {goal.goal_id: goal for goal in before.goals}
    new = {goal.goal_id: goal for goal in after.goals}
    out = []
    for goal_id in sorted(old.keys() | new.keys()):
        a, b = old.get(goal_id), new.get(goal_id)
        if a is not None and b is not None and a.status == b.status:
            continue
        title = b.title if b is not None else a.title if a is not None else goal_id
        out.append(
            GoalStatusChange(
                goal_id, title, a.status if a is not None else None, b.status if b else None
            )
        )
    return out


def outcome_changes(before: ProgramEvaluation, after: ProgramEvaluation) -> list[OutcomeChange]:
    def rows(
        evaluation: ProgramEvaluation,
    ) -> dict[tuple[str, str, Month], tuple[str, str, Outcome]]:
        return {
            (contract.contract_id, row.objective_id, row.period): (row.title, row.kind, row.outcome)
            for contract in evaluation.contracts
            for row in contract.objectives
            if row.kind in JUDGED_KINDS
        }

    old, new = rows(before), rows(after)
    out = []
    for key in sorted(old.keys() | new.keys(), key=lambda k: (k[0], k[2], k[1])):
        a, b = old.get(key), new.get(key)
        if a is not None and b is not None and a[2] == b[2]:
            continue
        title, kind, _ = b if b is not None else a if a is not None else ("", "", "met")
        contract_id, objective_id, period = key
        out.append(
            OutcomeChange(
                contract_id,
                objective_id,
                title,
                period,
                kind,
                a[2] if a is not None else None,
                b[2] if b is not None else None,
            )
        )
    return out


def credit_changes(before: ProgramEvaluation, after: ProgramEvaluation) -> list[CreditChange]:
    zero = Decimal("0.00")

    def amounts(
        evaluation: ProgramEvaluation,
    ) -> dict[tuple[str, Month], tuple[str, str, str, Decimal]]:
        return {
            (contract.contract_id, credit.period): (
                contract.counterparty,
                credit.kind,
                contract.currency,
                credit.amount,
            )
            for contract in evaluation.contracts
            for credit in contract.credits
            if credit.kind in JUDGED_KINDS
        }

    old, new = amounts(before), amounts(after)
    out = []
    for key in sorted(old.keys() | new.keys()):
        a, b = old.get(key), new.get(key)
        old_amount = a[3] if a is not None else zero
        new_amount = b[3] if b is not None else zero
        if old_amount == new_amount:
            continue
        counterparty, kind, currency, _ = b or a or ("", "", "", zero)
        out.append(
            CreditChange(key[0], counterparty, key[1], kind, currency, old_amount, new_amount)
        )
    return out


def program_changes(
    before: ProgramEvaluation,
    after: ProgramEvaluation,
    *,
    actuals_before: ActualsIndex,
    actuals_after: ActualsIndex,
) -> ProgramChanges:
    """Everything that differs between the evaluation `before` and `after` (same program, same
    as-of date), with the stored actuals each read."""
    return ProgramChanges(
        actuals=tuple(actual_changes(actuals_before, actuals_after)),
        goals=tuple(goal_changes(before, after)),
        outcomes=tuple(outcome_changes(before, after)),
        credits=tuple(credit_changes(before, after)),
    )
