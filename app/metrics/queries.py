"""The KPI queries: one aggregate scan for all rate/mean/count series, one per percentile series,
one per backlog series, one for FCR's repeat windows. Pure query construction — execution is in `app.metrics.compute`.

Periods are calendar months in the program timezone. Their UTC bounds come from `Month.start` /
`Month.end` (app/periods.py, the one place instants become months) and the rows are grouped with
a CASE over `created_at` ranges: correct across daylight-saving changes and the same SQL on both
databases. The WHERE clause bounds `created_at` by the first and last month, so the index on
`created_at` can serve it.

A series is a metric on a scope, optionally without the contacts created in some windows (an SLA
objective's exclusions, `app.spec.exclusions`): every query selects a series' contacts through
`contacts_condition`, so the windows are left out of every calculation alike.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    Float,
    Select,
    Table,
    and_,
    case,
    cast,
    func,
    literal,
    literal_column,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.sql.elements import ColumnElement, True_
from sqlalchemy.sql.selectable import FromClause
from sqlmodel import SQLModel

from app.metrics.measures import RepeatWindow, came_back, measure_for
from app.periods import Month
from app.spec.common import Scope
from app.spec.exclusions import ExcludedWindow, series_key
from app.spec.metric import Metric
from app.store.durations import seconds_later
from app.store.tables import DONE_STATUSES, Contact

CONTACTS: Table = SQLModel.metadata.tables[Contact.__tablename__]


@dataclass(frozen=True)
class Window:
    """The months asked for, as the contiguous run first..last with its UTC bounds."""

    months: tuple[Month, ...]
    bounds: tuple[datetime, ...]
    """bounds[i] is the start of months[i]; the last one is the end of the last month."""

    @classmethod
    def covering(cls, months: Sequence[Month], tz: str) -> Window:
        if not months:
            raise ValueError("at least one month is needed")
        run = tuple(min(months).until(max(months)))
        return cls(run, (*tuple(month.start(tz) for month in run), run[-1].end(tz)))

    @property
    def start(self) -> datetime:
        return self.bounds[0]

    @property
    def end(self) -> datetime:
        return self.bounds[-1]

    def end_of(self, month: Month) -> datetime:
        return self.bounds[self.months.index(month) + 1]


def period_label(created_at: ColumnElement[Any], window: Window) -> ColumnElement[str]:
    """`YYYY-MM` of the month containing `created_at` (rows are already bounded to the window),
    as a binary search over the month bounds: a nested CASE that tests about log2(months) bounds
    per contact instead of up to one per month."""

    def label(first: int, last: int) -> ColumnElement[str]:
        if last - first == 1:
            return literal(str(window.months[first]))
        middle = (first + last) // 2
        return case(
            (created_at < window.bounds[middle], label(first, middle)), else_=label(middle, last)
        )

    return label(0, len(window.months))


def in_window(created_at: ColumnElement[Any], window: Window) -> ColumnElement[bool]:
    return and_(created_at >= window.start, created_at < window.end)


@dataclass(frozen=True)
class Series:
    """A metric measured on one scope (the effective scope: the metric's default, overridden),
    without the contacts created in `excluded` windows."""

    metric: Metric
    scope: Scope
    excluded: tuple[ExcludedWindow, ...] = ()

    def key(self) -> str:
        """The key its actuals are stored under (`Scope.key()` when nothing is excluded)."""
        return series_key(self.scope.key(), self.excluded)


def scope_condition(scope: Scope, c: Any) -> ColumnElement[bool]:
    """The scope's filters as bound `IN` parameters; everything when it restricts nothing."""
    conditions = [
        getattr(c, dimension).in_(values) for dimension, values in scope.filters().items()
    ]
    return and_(*conditions) if conditions else true()


def contacts_condition(series: Series, c: Any) -> ColumnElement[bool]:
    """The contacts of a series: in its scope, and not created in one of its excluded windows
    (for the contacts the window names)."""
    in_scope = scope_condition(series.scope, c)
    if not series.excluded:
        return in_scope
    windows = [
        and_(c.created_at >= w.start, c.created_at < w.end, scope_condition(w.scope, c))
        for w in series.excluded
    ]
    return and_(in_scope, not_(or_(*windows)))


def repeat_query(
    series: Sequence[Series], repeat: RepeatWindow, window: Window, by: str | None
) -> tuple[Select[Any], list[str]]:
    """For FCR series sharing the repeat window `repeat`, their repeated "yes" contacts per
    (period, `by`): what the scan's numerator must give back (see `RepeatWindow`). Returns the
    query and the column name per series.

    Each "yes" of the window looks up a later contact by the same customer through the index on
    (customer_id, created_at), bounded one second past the window so the range is tight on both
    databases, and `came_back` decides exactly. The lookup is a WHERE EXISTS, which PostgreSQL
    turns into a semi-join. Sorting every contact by customer instead (LEAD) cost several times
    more on a year of contacts.
    """
    contact, later = CONTACTS.alias("contact"), CONTACTS.alias("later")
    c = contact.c
    keys: list[ColumnElement[Any]] = [period_label(c.created_at, window).label("period")]
    if by is not None:
        keys.append(getattr(c, by).label("grp"))
    names = [f"r{index}_repeated" for index in range(len(series))]
    columns = [
        func.count().filter(contacts_condition(item, c)).label(name)
        for item, name in zip(series, names)
    ]
    returned = (
        select(literal(1))
        .where(
            came_back(repeat, c, later.c),
            later.c.created_at <= seconds_later(c.created_at, repeat.seconds + 1),
        )
        .exists()
    )
    statement = (
        select(*keys, *columns)
        .where(
            in_window(c.created_at, window), c.fcr == "yes", c.customer_id.is_not(None), returned
        )
        .group_by(*keys)
    )
    return statement, names


def _count_where(condition: ColumnElement[bool]) -> ColumnElement[int]:
    return func.count() if isinstance(condition, True_) else func.count().filter(condition)


@dataclass(frozen=True)
class Column:
    """Names of one series' aggregate columns in the scan's result."""

    total: str
    size: str
    in_scope: str


def scan(
    source: FromClause, window: Window, by: str | None, series: Sequence[Series]
) -> tuple[Select[Any], list[Column]]:
    """One pass over the window's contacts, grouped by (period, `by`): for every series its
    numerator (`SUM` of contributions over its sample), sample size and in-scope count, and the
    number of contacts per group regardless of scope (`contacts`, to tell "no data" from "none").

    Aggregates are `FILTER (WHERE …)`ed rather than summed over a CASE: a contact outside a
    sample then costs one test instead of an aggregate step, which more than halves the scan on
    SQLite (most contacts are outside most samples — a minority answers a survey)."""
    c = source.c
    period = period_label(c.created_at, window).label("period")
    keys: list[ColumnElement[Any]] = [period]
    if by is not None:
        keys.append(getattr(c, by).label("grp"))
    aggregates: list[ColumnElement[Any]] = [func.count().label("contacts")]
    shared: list[tuple[ColumnElement[Any], str]] = [(func.count(), "contacts")]

    def aggregate(expression: ColumnElement[Any], name: str) -> str:
        """The label of an aggregate equal to `expression`, added once however many series share it
        (the in-scope count of every series on the same scope, the contact count itself…)."""
        for known, label in shared:
            if known.compare(expression):
                return label
        shared.append((expression, name))
        aggregates.append(expression.label(name))
        return name

    names: list[Column] = []
    for index, item in enumerate(series):
        measure = measure_for(item.metric.spec.calculation, c)
        in_scope = contacts_condition(item, c)
        counted = and_(in_scope, measure.sample)
        names.append(
            Column(
                aggregate(func.sum(measure.contribution).filter(counted), f"s{index}_total"),
                aggregate(_count_where(counted), f"s{index}_size"),
                aggregate(_count_where(in_scope), f"s{index}_in"),
            )
        )
    statement = select(*keys, *aggregates).where(in_window(c.created_at, window)).group_by(*keys)
    return statement, names


def percentile_query(series: Series, window: Window, by: str | None) -> Select[Any]:
    """The percentile (`percentile_cont` semantics: linear interpolation between the two nearest
    ranks) of a duration per (period, `by`), in one portable formulation on both databases.

    Rows are ranked with ROW_NUMBER and counted with COUNT(*) OVER the group. For p = a/b the
    interpolation position is h = p·(n − 1) (0-based), so the lower rank is ⌊a(n − 1)/b⌋ + 1 and
    the weight of the upper one is (a(n − 1) mod b)/b — integer arithmetic, identical on SQLite
    and PostgreSQL, with no reliance on either one's percentile function.
    """
    c = CONTACTS.c
    measure = measure_for(series.metric.spec.calculation, c)
    if measure.percentile is None:
        raise ValueError(f"metric {series.metric.id!r} is not a percentile")
    fraction_a: ColumnElement[Any]  # int(): the only text that may reach the SQL is a number
    fraction_b: ColumnElement[Any]
    fraction_a, fraction_b = (literal_column(str(int(part))) for part in measure.percentile)
    keys: list[ColumnElement[Any]] = [period_label(c.created_at, window).label("period")]
    if by is not None:
        keys.append(getattr(c, by).label("grp"))
    ranked = (
        select(
            *keys,
            measure.contribution.label("d"),
            func.row_number().over(partition_by=keys, order_by=measure.contribution).label("rn"),
            func.count().over(partition_by=keys).label("n"),
        )
        .where(in_window(c.created_at, window), contacts_condition(series, c), measure.sample)
        .subquery("ranked")
    )
    r = ranked.c
    steps = (r.n - 1) * fraction_a
    lower = steps // fraction_b + 1
    upper_weight = cast(steps % fraction_b, Float) / fraction_b
    value = func.sum(
        case(
            (r.rn == lower, r.d * (1 - upper_weight)),
            (r.rn == lower + 1, r.d * upper_weight),
            else_=0,
        )
    )
    groups = [r.period] + ([r.grp] if by is not None else [])
    return (
        select(*groups, func.max(r.n).label("n"), value.label("value"))
        .where(or_(r.rn == lower, r.rn == lower + 1))
        .group_by(*groups)
    )


def not_done(c: Any) -> ColumnElement[bool]:
    """The contact's status does not say the work is done (an unknown status does not)."""
    return or_(c.status.is_(None), c.status.not_in(DONE_STATUSES))


def backlog_query(
    series: Series, older_than: timedelta, ends: Sequence[datetime], by: str | None
) -> Select[Any]:
    """The contacts of a backlog series that are open at one or more of the month ends `ends`
    (ascending), counted per (`by`, `opened`, `closed`): open at `ends[i]` — created before it
    minus `older_than`, not resolved before it, not an abandoned call — exactly when
    `opened <= i < closed`, because a contact counts from the first end it is old enough at until
    the first end it was resolved before. One scan labels each contact twice, however many months
    are asked for; the caller adds the (few) rows up per month. A contact resolved sooner than
    `older_than` after it was created is never old and open at once: the stored
    `resolution_seconds` rules most contacts out before they are labelled.

    A contact whose resolution time is unknown is open from then on, unless its status says the
    work is done (solved or closed): the export knows it was finished, only not when — its
    resolution was missing or contradicted its creation — so it is left out rather than counted
    as open for ever."""
    c = CONTACTS.c
    keys: list[ColumnElement[Any]] = [getattr(c, by).label("grp")] if by is not None else []
    never = literal(len(ends))
    opened = case(
        *((c.created_at < end - older_than, literal(i)) for i, end in enumerate(ends)), else_=never
    )
    closed = case(
        (c.resolved_at.is_(None), never),
        *((c.resolved_at < end, literal(i)) for i, end in enumerate(ends)),
        else_=never,
    )
    keys += [opened.label("opened"), closed.label("closed")]
    return (
        select(*keys, func.count().label("contacts"))
        .where(
            contacts_condition(series, c),
            measure_for(series.metric.spec.calculation, c).sample,
            c.created_at < ends[-1] - older_than,
            or_(
                and_(c.resolved_at.is_(None), not_done(c)),
                and_(c.resolved_at >= ends[0], c.resolution_seconds >= older_than.total_seconds()),
            ),
        )
        .group_by(*keys)
    )
