"""SLA attainment per contract, objective and calendar month: met, missed, excluded or unmeasured.

- The periods are the calendar months within the contract's `effective` dates up to the month of
  `as_of`; that month is the *open* period (its value is month to date), earlier ones are closed.
- Exclusions (`app.spec.exclusions`): a window that covers a whole calendar month of the contract
  (in its measurement timezone) for every contact of an objective excludes that month for it
  (outcome `excluded`). A window that covers part of a month — or only some of the objective's
  contacts (`scope: {channel: phone}`) — takes the contacts created in it out of the month's
  figure: the objective is judged on the series the KPI engine computed without them, and the
  note says how many contacts and hours were left out and why. The days of a month before the
  contract starts or after it ends are left out the same way. Until that series is computed the
  objective is judged on all its contacts and the note says so; a hand-entered figure is taken to
  leave the excluded time out already (the note says that too).
- A month without a value is `unmeasured`: never shown as met; for credits it counts as a miss
  unless the contract says `credits.unmeasured: not_counted`. The open month without a
  month-to-date value is unmeasured but puts nothing at risk (there is no value to close at).
- Consecutive misses: a miss (or an unmeasured month that counts as one) adds one; a met month
  resets the count to zero; an excluded month (or an unmeasured one that is not counted) neither
  counts nor resets, because nothing was judged in it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from app.evaluate.actuals import ActualsIndex
from app.evaluate.direction import Better, meets
from app.evaluate.money import MONTH_ABBR
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.exclusions import MonthExclusions, ObjectiveExclusions, series_key
from app.spec.metric import Metric
from app.spec.program import effective_scope
from app.spec.sla import Objective, SLAContract
from app.words import counted

Outcome = Literal["met", "missed", "excluded", "unmeasured"]


@dataclass(frozen=True)
class ExclusionApplied(JsonReady):
    """One window an objective left out of a month: why, when (UTC), which contacts, how long."""

    reason: str
    start: datetime
    end: datetime
    contacts: str
    """Which of the objective's contacts: "all contacts" or e.g. "channel phone"."""
    hours: float
    """Hours of the window inside the month."""


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
    series_key: str = ""
    """The stored series the value was read from (the scope key, or an excluded series' key)."""
    exclusions: tuple[ExclusionApplied, ...] = ()
    """The windows left out of the month (none for a whole-month exclusion: the month is excluded)."""
    excluded_hours: float = 0.0
    excluded_contacts: int | None = None
    """Contacts of the metric's sample left out (the plain series' sample less the excluded
    one's); None when unknown (no computed figure without them, or a hand-entered metric)."""
    exclusions_applied: bool = True
    """False while the value is still the figure on all contacts (nothing computed without them)."""

    def exclusion_text(self) -> str:
        """ "412 contacts and 72 h excluded: carrier outage" — empty without exclusion windows."""
        if not self.exclusions:
            return ""
        reasons = "; ".join(dict.fromkeys(e.reason for e in self.exclusions))
        hours = fmt_hours(self.excluded_hours)
        if not self.exclusions_applied:
            return f"{hours} to exclude ({reasons}), not yet taken out of the figure"
        if self.excluded_contacts is None:
            return f"{hours} excluded ({reasons})"
        return f"{counted(self.excluded_contacts, 'contact')} and {hours} excluded ({reasons})"


def fmt_hours(hours: float) -> str:
    return f"{round(hours, 1):g} h"


def contract_months(contract: SLAContract, open_month: Month) -> list[Month]:
    """Calendar months within the contract's effective dates, up to and including `open_month`."""
    effective = contract.spec.effective
    first = Month.of(effective.from_)
    last = open_month if effective.to is None else min(open_month, Month.of(effective.to))
    return list(first.until(last))


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
    tz: str,
) -> list[ObjectivePeriod]:
    """The objective's outcome in each month, with the running consecutive-miss count. `tz` is
    the program's timezone, the one the actuals' months are cut in."""
    scope_key = effective_scope(metric, objective.scope).key()
    exclusions = ObjectiveExclusions(
        contract, objective, effective_scope(metric, objective.scope), tz
    )
    better: Better = metric.spec.better
    unmeasured_counts = contract.spec.credits.unmeasured == "missed"
    count = 0
    rows = []
    for month in months:
        left_out = exclusions.of(month)
        is_open = month == open_month
        reading = _reading(metric, actuals, scope_key, month, left_out, tz)
        outcome, miss = judge(
            reading.value,
            objective.target,
            better,
            excluded=left_out.whole is not None,
            unmeasured_counts=unmeasured_counts and not is_open,
        )
        count = next_count(count, outcome, miss)
        notes = []
        if left_out.whole is not None:
            whole = left_out.whole
            notes.append(f"excluded: {whole.reason} ({whole.from_} to {whole.to})")
        if reading.note:
            notes.append(reading.note)
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
                value=reading.value,
                target=objective.target,
                better=better,
                outcome=outcome,
                counts_as_miss=miss,
                consecutive_misses=count,
                note="; ".join(notes) or None,
                series_key=reading.key,
                exclusions=reading.applied,
                excluded_hours=reading.hours,
                excluded_contacts=reading.contacts,
                exclusions_applied=reading.taken_out,
            )
        )
    return rows


@dataclass(frozen=True)
class _Reading:
    value: float | None
    key: str
    applied: tuple[ExclusionApplied, ...] = ()
    hours: float = 0.0
    contacts: int | None = None
    taken_out: bool = True
    note: str | None = None


def _reading(
    metric: Metric,
    actuals: ActualsIndex,
    scope_key: str,
    month: Month,
    left_out: MonthExclusions,
    tz: str,
) -> _Reading:
    """The value an objective is judged on in `month`: the plain series, or the series without
    the contacts of the month's exclusion windows, with what was left out."""
    plain = actuals.get(metric.id, scope_key, month)
    plain_value = None if plain is None else plain.value
    if not left_out.windows:
        return _Reading(plain_value, scope_key)
    first, last = month.start(tz), month.end(tz)
    applied = tuple(
        ExclusionApplied(
            w.reason,
            w.start,
            w.end,
            w.scope.describe(),
            round(w.hours_within(first, last), 2),
        )
        for w in left_out.windows
    )
    hours = left_out.hours(month, tz)
    reasons = "; ".join(dict.fromkeys(w.reason for w in left_out.windows))
    if not metric.from_contacts:
        return _Reading(
            plain_value,
            scope_key,
            applied,
            hours,
            note=f"{fmt_hours(hours)} excluded ({reasons}): a hand-entered figure, taken to leave "
            "that time out already",
        )
    key = series_key(scope_key, left_out.windows)
    point = actuals.get(metric.id, key, month)
    if point is None:
        return _Reading(
            plain_value,
            scope_key,
            applied,
            hours,
            taken_out=False,
            note=f"{fmt_hours(hours)} to exclude ({reasons}), but the figure without those "
            f"contacts is not computed yet (run `cxgov actuals compute --from {month} --to "
            f"{month}`): judged on all contacts meanwhile",
        )
    contacts = (
        plain.sample_size - point.sample_size
        if plain is not None and plain.sample_size is not None and point.sample_size is not None
        else None
    )
    counted_text = "" if contacts is None else f"{counted(contacts, 'contact')} and "
    return _Reading(
        point.value,
        key,
        applied,
        hours,
        contacts,
        note=f"{counted_text}{fmt_hours(hours)} excluded ({reasons})"
        + (
            ""
            if plain_value is None or point.value is None
            else f"; {round(plain_value, 2):g} on all contacts"
        ),
    )


def month_name(month: Month) -> str:
    return f"{MONTH_ABBR[month.month - 1]} {month.year}"
