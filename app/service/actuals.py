"""Actuals: record a figure by hand, read its revisions, KPIs from the contacts, recompute.

Every check on a hand-entered figure lives here (the metric exists, the value fits its unit, a
numerator comes with its denominator, a correction has a reason, nobody else corrected it since),
so the CLI and the app refuse the same things with the same words.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from app.errors import NotFound, Refused, UsageError
from app.metrics import KpiValue as KpiValue
from app.metrics import StaleActual, compute_kpis, stale_actuals, write_computed_actuals
from app.metrics.compute import DIMENSIONS as DIMENSIONS
from app.metrics.compute import contact_months
from app.metrics.record import ComputeSummary
from app.periods import Month
from app.service.database import store_errors, transaction
from app.spec.common import Scope
from app.spec.metric import Metric
from app.spec.program import Program, effective_scope, measured_series
from app.store.actuals import append_revision, computed_periods, history
from app.store.owed import owed_months, take_owed
from app.store.tables import Actual as Actual


def metric_of(program: Program, metric_id: str) -> Metric:
    found = program.metrics.get(metric_id)
    if found is None:
        known = ", ".join(sorted(program.metrics)) or "(none)"
        raise NotFound(f"no metric {metric_id!r} in the catalogue; known: {known}")
    return found


def scope_key(program: Program, metric_id: str, scope: Scope) -> str:
    """The stored key of `scope` for this metric: the metric's default scope filled in."""
    found = program.metrics.get(metric_id)
    return (effective_scope(found, scope) if found else scope).key()


def record_actual(
    engine: Engine,
    program: Program,
    *,
    metric: str,
    period: Month,
    value: float,
    author: str,
    scope: Scope | None = None,
    numerator: float | None = None,
    denominator: float | None = None,
    reason: str | None = None,
    expected_revision: int | None = None,
) -> Actual:
    """Append a hand-entered value; a second value for the same month is a correction (it needs a
    reason, and a newer revision than `expected_revision` is a conflict). The scope is filled in
    with the metric's default scope."""
    found = metric_of(program, metric)
    problem = found.value_problem(value)
    if problem:
        raise Refused(problem)
    if (numerator is None) != (denominator is None):
        raise UsageError("give both a numerator and a denominator, or neither")
    if denominator is not None and denominator <= 0:
        raise Refused("the denominator must be positive")
    key = effective_scope(found, scope).key()
    with transaction(engine) as session:
        return append_revision(
            session,
            metric=metric,
            scope_key=key,
            period=period,
            value=value,
            numerator=numerator,
            denominator=denominator,
            source="manual",
            author=author,
            reason=reason,
            expected_revision=expected_revision,
        )


def revisions(engine: Engine, *, metric: str, scope_key: str | None = None) -> list[Actual]:
    """Every revision of a metric (one scope, when given), oldest first within each period."""
    with transaction(engine, "read") as session:
        return history(session, metric=metric, scope_key=scope_key)


def kpis(
    engine: Engine,
    program: Program,
    *,
    month: Month,
    metrics: Sequence[str] | None = None,
    by: str | None = None,
) -> list[KpiValue]:
    """KPI values for a month, computed from the contacts (every catalogue metric that can be)."""
    if by is not None and by not in DIMENSIONS:
        raise UsageError(f"cannot split by {by!r}; choose one of: {', '.join(DIMENSIONS)}")
    unknown = [metric_id for metric_id in metrics or [] if metric_id not in program.metrics]
    if unknown:
        raise UsageError(f"not in the catalogue: {', '.join(unknown)}")
    try:
        with store_errors("read"):
            return compute_kpis(engine, program, months=[month], metrics=metrics or None, by=by)
    except ValueError as exc:  # a metric that has no calculation from contacts
        raise UsageError(str(exc)) from None


def breakdown(
    engine: Engine,
    program: Program,
    *,
    metric: str,
    scope_key: str,
    months: Sequence[Month],
    by: str,
) -> list[KpiValue]:
    """A series' values for `months`, computed from the contacts and split by one dimension
    (channel, queue, team, priority, segment): what lies behind a goal's or an objective's figure.
    Each value's scope names its group under `by`."""
    if by not in DIMENSIONS:
        raise UsageError(f"cannot split by {by!r}; choose one of: {', '.join(DIMENSIONS)}")
    found = metric_of(program, metric)
    if not found.from_contacts:
        raise UsageError(
            f"{found.metadata.title} is entered by hand: there are no contacts to split"
        )
    with store_errors("read"):
        return compute_kpis(
            engine,
            program,
            months=sorted(set(months)),
            metrics=[metric],
            by=by,
            scope=Scope.from_key(scope_key),
        )


@dataclass(frozen=True)
class Recomputed:
    first: Month
    last: Month
    summary: ComputeSummary


def recompute(
    engine: Engine,
    program: Program,
    *,
    first: Month | None = None,
    last: Month | None = None,
    author: str = "cxgov",
) -> Recomputed | None:
    """Compute the actuals the goals and SLA objectives measure from the contacts, for the months
    from `first` to `last` (default: every month with contacts); None when there are no contacts
    and no months were given. Only changed values add a revision. What an interrupted import
    owes is recomputed with them (and no longer owed)."""
    if first and last and last < first:
        raise UsageError(f"{last} is before the first month {first}")
    with store_errors("read"):
        months = contact_months(engine, program.timezone)
    if not months and not (first and last):
        return None
    first = first or months[0]
    last = last or months[-1]
    if last < first:
        raise UsageError(f"the contacts end in {last}, before the first month {first}")
    with transaction(engine) as session:
        owed = take_owed(session)
        summary = write_computed_actuals(
            session, program, months=sorted({*first.until(last), *owed}), author=author
        )
    return Recomputed(first, last, summary)


@dataclass(frozen=True)
class ActualsCheck:
    """Whether the stored computed actuals are what the contacts give now."""

    months: list[Month]
    """the months compared: every month with contacts or with a computed actual"""
    owed: list[Month]
    """months an import or a withdrawal left owed a recompute"""
    stale: list[StaleActual]

    @property
    def up_to_date(self) -> bool:
        return not self.owed and not self.stale

    def as_dict(self) -> dict[str, object]:
        return {
            "up_to_date": self.up_to_date,
            "months": [str(month) for month in self.months],
            "owed": [str(month) for month in self.owed],
            "stale": [item.as_dict() for item in self.stale],
        }


def check_actuals(engine: Engine, program: Program) -> ActualsCheck:
    """Compare every stored computed actual of the measured series with the value the contacts
    give now, and list the months owed a recompute; writes nothing (`actuals compute --check`)."""
    metrics = {metric_id for metric_id, _ in measured_series(program)}
    with store_errors("read"):
        months = set(contact_months(engine, program.timezone))
        with transaction(engine, "read") as session:
            owed = owed_months(session)
            months |= {Month.parse(period) for period in computed_periods(session, metrics=metrics)}
            stale = stale_actuals(session, program, months=sorted(months))
    return ActualsCheck(sorted(months), owed, stale)
