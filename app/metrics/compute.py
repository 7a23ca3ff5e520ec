"""Compute KPI values from the contacts table: the SQL runs in the database, Python only divides.

`compute_kpis` answers "what were these metrics, per month (and per channel, queue…)"; the same
numbers feed `write_computed_actuals` (app/metrics/record.py), the CLI and the app.

What comes back for a month and scope:
- a group that has contacts in scope but none in the calculation's sample (no CSAT answers, no
  answered calls) has value None, never 0;
- a month asked for that has no group at all still appears, once, with the metric's own scope and
  value None — except for counts (contact volume, backlog) in a month that has contacts, where
  "none" really is 0;
- a month with no contacts at all is None for every metric, counts included: nothing imported is
  not the same as nothing happened.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from functools import partial
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.pool import NullPool, QueuePool
from sqlmodel import Session

from app.metrics.measures import RepeatWindow, kind_of
from app.metrics.queries import (
    CONTACTS,
    Column,
    Series,
    Window,
    backlog_query,
    percentile_query,
    repeat_query,
    scan,
)
from app.periods import Month
from app.spec.common import Scope, duration_seconds
from app.spec.metric import TIME_UNIT_SECONDS, Backlog, Fcr, Metric
from app.spec.program import Program, effective_scope

DIMENSIONS: tuple[str, ...] = Scope.DIMENSIONS
UNKNOWN = "(unknown)"
"""The scope value shown for contacts whose `by` dimension is blank."""

Bind = Engine | Connection | Session


@dataclass(frozen=True)
class KpiValue:
    """One metric's value for one month and scope, with what it was computed from.

    Shares (CSAT, FCR, service level…) are 0–100 with numerator and denominator as counts; NPS is
    100 × (promoters − detractors) / answers with numerator = promoters − detractors; means are in
    the metric's unit with numerator in that unit too (value = numerator / denominator);
    percentiles and counts have no numerator or denominator. `sample_size` is the number of
    contacts the value rests on.
    """

    metric: str
    period: Month
    scope: dict[str, str] = field(hash=False)
    value: float | None
    numerator: float | None
    denominator: float | None
    sample_size: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "metric": self.metric,
            "period": str(self.period),
            "scope": dict(self.scope),
            "value": self.value,
            "numerator": self.numerator,
            "denominator": self.denominator,
            "sample_size": self.sample_size,
        }


def contact_metrics(program: Program) -> list[Metric]:
    """The catalogue's metrics computed from contacts, in catalogue order."""
    return [metric for metric in program.metrics.values() if metric.from_contacts]


def contact_months(bind: Bind, tz: str) -> list[Month]:
    """Every month from the first to the last contact, in timezone `tz` (empty without contacts).
    (The months one import can change: `app.metrics.touched`.)"""
    with _connection(bind) as conn:
        first = conn.execute(select(func.min(CONTACTS.c.created_at))).scalar()
        last = conn.execute(select(func.max(CONTACTS.c.created_at))).scalar()
    if first is None or last is None:
        return []
    return list(Month.containing(first, tz).until(Month.containing(last, tz)))


def compute_kpis(
    bind: Bind,
    program: Program,
    *,
    months: list[Month],
    metrics: Iterable[str] | None = None,
    by: str | None = None,
    scope: Scope | None = None,
) -> list[KpiValue]:
    """Values of `metrics` (default: every catalogue metric computed from contacts) for `months`,
    on each metric's scope narrowed by `scope`, optionally split by one dimension (`by`)."""
    chosen = (
        contact_metrics(program)
        if metrics is None
        else [_contact_metric(program, metric_id) for metric_id in metrics]
    )
    return compute_series(
        bind,
        program,
        [Series(metric, effective_scope(metric, scope)) for metric in chosen],
        months=months,
        by=by,
    )


def _contact_metric(program: Program, metric_id: str) -> Metric:
    metric = program.metrics.get(metric_id)
    if metric is None:
        known = ", ".join(sorted(program.metrics)) or "none"
        raise ValueError(f"unknown metric {metric_id!r}; the catalogue has: {known}")
    if not metric.from_contacts:
        raise ValueError(
            f"metric {metric_id!r} is {metric.spec.calculation.type!r}: entered by hand, not computed from contacts"
        )
    return metric


def compute_series(
    bind: Bind,
    program: Program,
    series: Sequence[Series],
    *,
    months: Sequence[Month],
    by: str | None = None,
) -> list[KpiValue]:
    """Values for each (metric, scope) series and month, series by series, months in order within
    each (without `by`: exactly one value per series and month). One scan serves every rate, mean
    and count series; each percentile series and each backlog series has its own query, and FCR's
    repeat windows share one."""
    if by is not None and by not in DIMENSIONS:
        raise ValueError(f"cannot split by {by!r}; choose one of: {', '.join(DIMENSIONS)}")
    if not months:
        return []
    kinds = [
        kind_of(item.metric.spec.calculation) for item in series
    ]  # a hand-entered metric fails here
    wanted = sorted(set(months))
    window = Window.covering(wanted, program.timezone)
    scanned = [(index, item) for index, item in enumerate(series) if kinds[index] != "backlog"]
    queries: dict[object, Callable[[Connection], Any]] = {
        "scan": partial(_scan_rows, scanned=scanned, window=window, by=by),
        "repeated": partial(_repeated, scanned_series=scanned, window=window, by=by),
        "backlogs": partial(_backlogs, series=series, months=wanted, window=window, by=by),
    }
    for index, (item, kind) in enumerate(zip(series, kinds)):
        if kind == "percentile":
            queries[index] = partial(_percentile_rows, item=item, window=window, by=by)
    answers = _run(bind, queries)
    found, contacts_per_month = _scan_values(answers["scan"], scanned, by, answers["repeated"])
    for index, kind in enumerate(kinds):
        if kind == "percentile":
            found[index] = _with_percentiles(answers[index], series[index], by, found[index])
    found.update(answers["backlogs"])
    return _assemble(series, wanted, found, contacts_per_month)


def _run(bind: Bind, queries: dict[object, Callable[[Connection], Any]]) -> dict[object, Any]:
    """Each query's answer. Given an engine on a database several connections can read at once
    (a SQLite file, PostgreSQL), the queries run side by side, one connection each, longest first:
    the scan and FCR's repeat lookups each take a core (a year by channel at 1M contacts on SQLite:
    5.5 s one after the other). Given a connection or a session — a caller's transaction — they
    run in order on it, in its one snapshot."""
    if not (isinstance(bind, Engine) and isinstance(bind.pool, QueuePool | NullPool)):
        with _connection(bind) as conn:
            return {name: query(conn) for name, query in queries.items()}

    def run(query: Callable[[Connection], Any]) -> Any:
        with bind.connect() as conn:
            return query(conn)

    with ThreadPoolExecutor(max_workers=PARALLEL_QUERIES) as pool:
        futures = {name: pool.submit(run, query) for name, query in queries.items()}
        return {name: future.result() for name, future in futures.items()}


PARALLEL_QUERIES = 2


@contextmanager
def _connection(bind: Bind) -> Iterator[Connection]:
    if isinstance(bind, Engine):
        with bind.connect() as conn:
            yield conn
    elif isinstance(bind, Session):
        yield bind.connection()
    else:
        yield bind


def _scope_dict(scope: Scope, by: str | None, group: Any) -> dict[str, str]:
    filters = {dimension: ",".join(values) for dimension, values in scope.filters().items()}
    if by is not None:
        filters[by] = UNKNOWN if group is None else str(group)
    return {dimension: filters[dimension] for dimension in DIMENSIONS if dimension in filters}


def _unit_seconds(metric: Metric) -> float:
    return float(TIME_UNIT_SECONDS.get(metric.spec.unit, 1))


def _scan_rows(
    conn: Connection, scanned: Sequence[tuple[int, Series]], window: Window, by: str | None
) -> tuple[list[Any], list[Column]]:
    statement, columns = scan(CONTACTS, window, by, [item for _, item in scanned])
    return list(conn.execute(statement).mappings()), columns


def _scan_values(
    scanned_rows: tuple[list[Any], list[Column]],
    scanned: Sequence[tuple[int, Series]],
    by: str | None,
    withdrawn: dict[tuple[int, Month, str | None], int],
) -> tuple[dict[int, dict[tuple[Month, str | None], KpiValue]], dict[Month, int]]:
    rows, columns = scanned_rows
    results: dict[int, dict[tuple[Month, str | None], KpiValue]] = defaultdict(dict)
    contacts_per_month: dict[Month, int] = defaultdict(int)
    for row in rows:
        month = Month.parse(row["period"])
        group = row["grp"] if by is not None else None
        contacts_per_month[month] += int(row["contacts"])
        for (index, item), names in zip(scanned, columns):
            if not row[names.in_scope]:
                continue
            results[index][(month, group)] = _value(
                item, month, by, group, row, names, withdrawn.get((index, month, group), 0)
            )
    return results, contacts_per_month


def _repeated(
    conn: Connection, scanned_series: Sequence[tuple[int, Series]], window: Window, by: str | None
) -> dict[tuple[int, Month, str | None], int]:
    """FCR's repeated "yes" contacts per (series index, month, group), to take off the scan's
    numerator: one query per distinct repeat window (a catalogue usually has one)."""
    by_window: dict[RepeatWindow, list[tuple[int, Series]]] = defaultdict(list)
    for index, item in scanned_series:
        calculation = item.metric.spec.calculation
        if isinstance(calculation, Fcr) and calculation.repeat_window is not None:
            by_window[RepeatWindow(duration_seconds(calculation.repeat_window))].append(
                (index, item)
            )
    counts: dict[tuple[int, Month, str | None], int] = {}
    for repeat, chosen in by_window.items():
        statement, names = repeat_query([item for _, item in chosen], repeat, window, by)
        for row in conn.execute(statement).mappings():
            month = Month.parse(row["period"])
            group = row["grp"] if by is not None else None
            for (index, _), name in zip(chosen, names):
                counts[(index, month, group)] = int(row[name] or 0)
    return counts


def _value(
    item: Series, month: Month, by: str | None, group: Any, row: Any, names: Column, withdrawn: int
) -> KpiValue:
    metric = item.metric
    kind = kind_of(metric.spec.calculation)
    total = float(row[names.total] or 0) - withdrawn
    size = int(row[names.size] or 0)
    scope = _scope_dict(item.scope, by, group)
    if kind == "count":
        return KpiValue(metric.id, month, scope, float(size), None, None, size)
    if size == 0:
        return KpiValue(metric.id, month, scope, None, None, None, 0)
    if kind == "share":
        return KpiValue(metric.id, month, scope, 100.0 * total / size, total, float(size), size)
    if kind == "mean":
        numerator = total / _unit_seconds(metric)
        return KpiValue(metric.id, month, scope, numerator / size, numerator, float(size), size)
    return KpiValue(
        metric.id, month, scope, None, None, None, size
    )  # percentile: filled in by _with_percentiles


def _percentile_rows(conn: Connection, item: Series, window: Window, by: str | None) -> list[Any]:
    return list(conn.execute(percentile_query(item, window, by)).mappings())


def _with_percentiles(
    rows: list[Any], item: Series, by: str | None, scanned: dict[tuple[Month, str | None], KpiValue]
) -> dict[tuple[Month, str | None], KpiValue]:
    values = dict(scanned)
    unit = _unit_seconds(item.metric)
    for row in rows:
        key = (Month.parse(row["period"]), row["grp"] if by is not None else None)
        base = values.get(key)
        if base is None:
            continue
        values[key] = KpiValue(
            base.metric,
            base.period,
            base.scope,
            float(row["value"]) / unit,
            None,
            None,
            int(row["n"]),
        )
    return values


def _backlogs(
    conn: Connection,
    series: Sequence[Series],
    months: Sequence[Month],
    window: Window,
    by: str | None,
) -> dict[int, dict[tuple[Month, str | None], KpiValue]]:
    ends = [window.end_of(month) for month in months]
    results: dict[int, dict[tuple[Month, str | None], KpiValue]] = defaultdict(dict)
    for index, item in enumerate(series):
        calculation = item.metric.spec.calculation
        if not isinstance(calculation, Backlog):
            continue
        older_than = timedelta(
            seconds=duration_seconds(calculation.older_than) if calculation.older_than else 0
        )
        open_at: dict[tuple[int, str | None], int] = defaultdict(int)
        for row in conn.execute(backlog_query(item, older_than, ends, by)).mappings():
            group = row["grp"] if by is not None else None
            for position in range(int(row["opened"]), int(row["closed"])):
                open_at[(position, group)] += int(row["contacts"])
        for (position, group), count in open_at.items():
            month = months[position]
            scope = _scope_dict(item.scope, by, group)
            results[index][(month, group)] = KpiValue(
                item.metric.id, month, scope, float(count), None, None, count
            )
    return results


def _assemble(
    series: Sequence[Series],
    months: Sequence[Month],
    found: dict[int, dict[tuple[Month, str | None], KpiValue]],
    contacts_per_month: dict[Month, int],
) -> list[KpiValue]:
    out: list[KpiValue] = []
    for index, item in enumerate(series):
        counts = kind_of(item.metric.spec.calculation) in ("count", "backlog")
        values = found.get(index, {})
        for month in months:
            in_month = sorted(
                (value for (period, _), value in values.items() if period == month),
                key=lambda value: tuple(sorted(value.scope.items())),
            )
            if in_month:
                out.extend(in_month)
                continue
            has_data = contacts_per_month.get(month, 0) > 0
            value = 0.0 if counts and has_data else None
            out.append(
                KpiValue(
                    item.metric.id, month, _scope_dict(item.scope, None, None), value, None, None, 0
                )
            )
    return out
