"""Each contact calculation as SQL: which contacts form its sample, and what each one contributes.

A `Measure` is the calculation's definition in SQLAlchemy Core expressions over the columns of the
contacts table. The query builders (`app.metrics.queries`) wrap it in aggregates
— `SUM(contribution) FILTER (WHERE scope AND sample)` and the sample count — so every
definition is stated once and runs on SQLite and PostgreSQL alike. Nothing here touches a
database.

Conventions, shared by every calculation:
- "within T" means at most T (a reply after exactly 60 s is within 60 seconds); a short abandon
  is one abandoned after waiting at most the short-abandon threshold.
- A duration is measured from `created_at`; a missing or negative one is left out of the sample
  (the stored `first_response_seconds` / `resolution_seconds` are blank for those).
- A contact whose `abandoned` is blank counts as not abandoned (e-mail, social), except in the
  abandonment rate, which only counts contacts that were offered to a queue (`abandoned` known).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import and_, case, false, literal, not_, or_, true
from sqlalchemy.sql.elements import ColumnElement

from app.spec.common import duration_seconds
from app.spec.metric import (
    AbandonmentRate,
    Aht,
    Backlog,
    Calculation,
    Ces,
    ContactVolume,
    Csat,
    Fcr,
    FirstResponseTime,
    Nps,
    ResolutionTime,
    ServiceLevel,
)
from app.store.durations import seconds_between

Kind = Literal["share", "mean", "percentile", "count", "backlog"]
PERCENTILES: dict[str, tuple[int, int]] = {"median": (1, 2), "p90": (9, 10)}
"""Percentiles as exact fractions a/b, so the row arithmetic stays in integers on both databases."""


@dataclass(frozen=True)
class RepeatWindow:
    """FCR's repeat window: a "yes" followed by the same customer's next contact within `seconds`
    counts as not resolved. That looks at a second contact, so it is not part of the one scan: the
    scan counts every "yes" and `repeat_query` withdraws the repeated ones (`came_back`) — the
    same numerator as counting "yes and not repeated"."""

    seconds: float


@dataclass(frozen=True)
class Measure:
    """One calculation in SQL.

    `sample` selects the contacts the value is about (its size is the denominator); each one adds
    `contribution` to the numerator. `kind` says how numerator and denominator become the value:
    share → 100 × numerator / denominator; mean → numerator / denominator; percentile → computed
    from the ordered contributions; count → the number of contacts; backlog → its own query.
    `seconds` marks values measured in seconds, converted to the metric's time unit.
    """

    kind: Kind
    sample: ColumnElement[bool]
    contribution: ColumnElement[Any]
    seconds: bool = False
    percentile: tuple[int, int] | None = None
    repeat: RepeatWindow | None = None


def _flag(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return case((condition, 1), else_=0)


def _not_abandoned(c: Any) -> ColumnElement[bool]:
    return or_(c.abandoned.is_(None), c.abandoned == false())


def _answer(column: ColumnElement[Any], low: int, high: int) -> ColumnElement[bool]:
    return and_(column.is_not(None), column >= low, column <= high)


def kind_of(calculation: Calculation) -> Kind:
    """How a calculation's value is formed (see `Measure`), without building its SQL."""
    if isinstance(calculation, ContactVolume):
        return "count"
    if isinstance(calculation, Backlog):
        return "backlog"
    if isinstance(calculation, (FirstResponseTime, ResolutionTime)):
        statistic_kinds: dict[str, Kind] = {"share_within": "share", "mean": "mean"}
        return statistic_kinds.get(calculation.statistic, "percentile")
    if isinstance(calculation, Aht) or (
        isinstance(calculation, Ces) and calculation.method == "mean"
    ):
        return "mean"
    if isinstance(calculation, (Csat, Nps, Ces, Fcr, ServiceLevel, AbandonmentRate)):
        return "share"
    raise ValueError(
        f"calculation {getattr(calculation, 'type', calculation)!r} is not computed from contacts"
    )


def measure_for(calculation: Calculation, c: Any) -> Measure:
    """The SQL definition of a contact calculation over columns `c` (the contacts table's `.c`).
    Raises ValueError for a hand-entered one."""
    if isinstance(calculation, Csat):
        return Measure(
            "share",
            _answer(c.csat, 1, calculation.scale),
            _flag(c.csat >= calculation.satisfied_from),
        )
    if isinstance(calculation, Nps):
        net = case(
            (c.nps >= calculation.promoters_from, 1),
            (c.nps <= calculation.detractors_to, -1),
            else_=0,
        )
        return Measure("share", _answer(c.nps, 0, 10), net)
    if isinstance(calculation, Ces):
        answered = _answer(c.ces, 1, calculation.scale)
        if calculation.method == "mean":
            return Measure("mean", answered, c.ces)
        return Measure("share", answered, _flag(c.ces >= calculation.agree_from))
    if isinstance(calculation, Fcr):
        return _fcr(calculation, c)
    if isinstance(calculation, Aht):
        parts = [getattr(c, f"{name}_seconds") for name in calculation.components]
        known = and_(*(and_(part.is_not(None), part >= 0) for part in parts))
        total = parts[0]
        for part in parts[1:]:
            total = total + part
        return Measure("mean", and_(_not_abandoned(c), known), total, seconds=True)
    if isinstance(calculation, (FirstResponseTime, ResolutionTime)):
        waited = (
            c.first_response_seconds
            if isinstance(calculation, FirstResponseTime)
            else c.resolution_seconds
        )
        sample = waited.is_not(None)
        if calculation.statistic == "share_within":
            limit = duration_seconds(calculation.threshold or "")
            return Measure("share", sample, _flag(waited <= limit))
        if calculation.statistic == "mean":
            return Measure("mean", sample, waited, seconds=True)
        return Measure(
            "percentile",
            sample,
            waited,
            seconds=True,
            percentile=PERCENTILES[calculation.statistic],
        )
    if isinstance(calculation, ServiceLevel):
        return _service_level(calculation, c)
    if isinstance(calculation, AbandonmentRate):
        offered = c.abandoned.is_not(None)
        if calculation.short_abandon:
            short = and_(
                c.abandoned == true(),
                c.wait_seconds.is_not(None),
                c.wait_seconds <= duration_seconds(calculation.short_abandon),
            )
            offered = and_(offered, not_(short))
        return Measure("share", offered, _flag(c.abandoned == true()))
    if isinstance(calculation, ContactVolume):
        return Measure("count", true(), literal(1))
    if isinstance(calculation, Backlog):
        return Measure("backlog", _not_abandoned(c), literal(1))
    raise ValueError(
        f"calculation {getattr(calculation, 'type', calculation)!r} is not computed from contacts"
    )


def _fcr(calculation: Fcr, c: Any) -> Measure:
    repeat = (
        None
        if calculation.repeat_window is None
        else RepeatWindow(duration_seconds(calculation.repeat_window))
    )
    return Measure("share", c.fcr.in_(("yes", "no")), _flag(c.fcr == "yes"), repeat=repeat)


def came_back(repeat: RepeatWindow, contact: Any, later: Any) -> ColumnElement[bool]:
    """`later` (columns of another contact) is the same customer's, after `contact` — by creation
    time, ties broken by id, any channel or queue — and within the repeat window.

    "Some later contact within the window" holds exactly when the next contact is within it, so
    the check needs no ordering of a customer's contacts, only a lookup."""
    return and_(
        later.customer_id == contact.customer_id,
        later.created_at >= contact.created_at,
        or_(later.created_at > contact.created_at, later.id > contact.id),
        seconds_between(contact.created_at, later.created_at) <= repeat.seconds,
    )


def _service_level(calculation: ServiceLevel, c: Any) -> Measure:
    threshold = duration_seconds(calculation.threshold)
    waited = and_(c.wait_seconds.is_not(None), c.wait_seconds >= 0)
    answered = and_(waited, _not_abandoned(c))
    abandoned = and_(waited, c.abandoned == true())
    answered_in_time = _flag(and_(_not_abandoned(c), c.wait_seconds <= threshold))
    if calculation.abandoned == "ignored":
        return Measure("share", answered, answered_in_time)
    if calculation.abandoned == "counted_against":
        return Measure("share", or_(answered, abandoned), answered_in_time)
    if calculation.abandoned == "short_excluded":
        counted = and_(abandoned, c.wait_seconds > duration_seconds(calculation.short_abandon))
        return Measure("share", or_(answered, counted), answered_in_time)
    return Measure("share", or_(answered, abandoned), _flag(c.wait_seconds <= threshold))
