"""SLA attainment per contract, objective and calendar month: met, missed, excluded or unmeasured.

- The periods are the calendar months within the contract's `effective` dates up to the month of
  `as_of`; that month is the *open* period (its value is month to date), earlier ones are closed.
- An exclusion that covers a whole calendar month (dates in the contract's measurement timezone)
  excludes that month for its objectives (all objectives when it names none). An exclusion that
  covers only part of a month does not exclude it — the contract measures whole months and the
  actual cannot be split — but it is reported in the period's note.
- A month without a value is `unmeasured`: never shown as met; for credits it counts as a miss
  unless the contract says `credits.unmeasured: not_counted`. The open month without a
  month-to-date value is unmeasured but puts nothing at risk (there is no value to close at).
- Consecutive misses: a miss (or an unmeasured month that counts as one) adds one; a met month
  resets the count to zero; an excluded month (or an unmeasured one that is not counted) neither
  counts nor resets, because nothing was judged in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from app.evaluate.actuals import ActualsIndex
from app.evaluate.direction import Better, meets
from app.evaluate.money import MONTH_ABBR
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.metric import Metric
from app.spec.program import effective_scope
from app.spec.sla import Exclusion, Objective, SLAContract

Outcome = Literal["met", "missed", "excluded", "unmeasured"]


@dataclass(frozen=True)
class ObjectivePeriod(JsonReady):
    objective_id: str
    title: str
    metric: str
    scope_key: str
    period: Month
    kind: Literal["closed", "open", "projected"]
    value: float | None
    target: float
    better: Better
    outcome: Outcome
    counts_as_miss: bool
    consecutive_misses: int
    note: str | None = None


def contract_months(contract: SLAContract, open_month: Month) -> list[Month]:
    """Calendar months within the contract's effective dates, up to and including `open_month`."""
    effective = contract.spec.effective
    first = Month.of(effective.from_)
    last = open_month if effective.to is None else min(open_month, Month.of(effective.to))
    return list(first.until(last))


def _applies(exclusion: Exclusion, objective_id: str) -> bool:
    return not exclusion.objectives or objective_id in exclusion.objectives


def exclusion_for(
    contract: SLAContract, objective_id: str, month: Month
) -> tuple[Exclusion | None, list[Exclusion]]:
    """(an exclusion covering the whole month, exclusions overlapping only part of it)."""
    whole: Exclusion | None = None
    partial: list[Exclusion] = []
    at = (month.year, month.month)
    exclusions = [
        e
        for e in contract.spec.exclusions
        if (e.from_.year, e.from_.month) <= at <= (e.to.year, e.to.month)
        and _applies(e, objective_id)
    ]
    if not exclusions:
        return whole, partial
    first, last = month.first_day(), month.last_day()
    for exclusion in exclusions:
        if exclusion.from_ <= first and exclusion.to >= last:
            whole = whole or exclusion
        else:
            partial.append(exclusion)
    return whole, partial


def judge(
    value: float | None, target: float, better: Better, *, excluded: bool, unmeasured_counts: bool
) -> tuple[Outcome, bool]:
    """(outcome, whether it counts as a miss for credits)."""
    if excluded:
        return "excluded", False
    if value is None:
        return "unmeasured", unmeasured_counts
    if meets(value, target, better):
        return "met", False
    return "missed", True


def next_count(previous: int, outcome: Outcome, counts_as_miss: bool) -> int:
    if outcome == "met":
        return 0
    return previous + 1 if counts_as_miss else previous


def objective_periods(
    contract: SLAContract,
    objective: Objective,
    metric: Metric,
    actuals: ActualsIndex,
    months: list[Month],
    open_month: Month,
) -> list[ObjectivePeriod]:
    """The objective's outcome in each month, with the running consecutive-miss count."""
    scope_key = effective_scope(metric, objective.scope).key()
    better: Better = metric.spec.better
    unmeasured_counts = contract.spec.credits.unmeasured == "missed"
    count = 0
    rows = []
    for month in months:
        whole, partial = exclusion_for(contract, objective.id, month)
        value = actuals.value(metric.id, scope_key, month)
        is_open = month == open_month
        outcome, miss = judge(
            value,
            objective.target,
            better,
            excluded=whole is not None,
            unmeasured_counts=unmeasured_counts and not is_open,
        )
        count = next_count(count, outcome, miss)
        notes = []
        if whole is not None:
            notes.append(f"excluded: {whole.reason} ({whole.from_} to {whole.to})")
        for p in partial:
            notes.append(
                f"partly covered by an exclusion ({p.reason}, {p.from_} to {p.to}); "
                "not excluded because the contract measures whole months"
            )
        if outcome == "unmeasured" and is_open:
            notes.append("no month-to-date value yet")
        elif outcome == "unmeasured":
            notes.append(
                "no value"
                + (": counted as a miss for credits" if miss else ": not counted for credits")
            )
        rows.append(
            ObjectivePeriod(
                objective_id=objective.id,
                title=objective.title or objective.id,
                metric=metric.id,
                scope_key=scope_key,
                period=month,
                kind="open" if is_open else "closed",
                value=value,
                target=objective.target,
                better=better,
                outcome=outcome,
                counts_as_miss=miss,
                consecutive_misses=count,
                note="; ".join(notes) or None,
            )
        )
    return rows


def month_name(month: Month) -> str:
    return f"{MONTH_ABBR[month.month - 1]} {month.year}"
