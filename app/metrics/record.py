"""Turn computed KPI values into actuals: append a revision only where the number changed.

The series are the ones the program measures (`measured_series`: goals, guardrails and SLA
objectives with their scopes) and, for the months an SLA objective has exclusion windows in, the
objective's series without the excluded contacts (`excluded_series`, stored under their own key
beside the plain series, which goals keep reading). A value equal to the latest revision adds nothing, so running this
twice on the same contacts writes nothing the second time. A changed value becomes a new revision
whose reason names the latest import batch. A latest revision entered by hand (or imported) is a
person's correction: it is kept, and counted as such, rather than silently overwritten.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import func, select
from sqlalchemy.engine import Connection, Engine
from sqlmodel import Session

from app.metrics.compute import KpiValue, compute_series
from app.metrics.queries import Series
from app.periods import Month
from app.spec.exclusions import excluded_series
from app.spec.program import Program, measured_series
from app.store.actuals import append_revision, latest_actuals
from app.store.db import session_scope
from app.store.owed import take_owed
from app.store.tables import Actual, ImportBatch


@dataclass
class ComputeSummary:
    """What one `write_computed_actuals` run did, per actual (metric, scope, month)."""

    months: list[Month]
    series: int = 0
    recorded: int = 0
    """first revision of an actual"""
    revised: int = 0
    """a new revision because the contacts changed"""
    unchanged: int = 0
    kept_manual: int = 0
    """latest revision entered by hand or imported: left alone"""
    no_value: int = 0
    """nothing to compute from (no answers, no contacts) and nothing recorded before"""
    written: list[Actual] = field(default_factory=list)
    empty: list[tuple[str, str, str]] = field(default_factory=list)
    """(metric, scope key, month) of each actual counted in `no_value`"""

    def as_dict(self) -> dict[str, object]:
        return {
            "months": [str(month) for month in self.months],
            "series": self.series,
            "recorded": self.recorded,
            "revised": self.revised,
            "unchanged": self.unchanged,
            "kept_manual": self.kept_manual,
            "no_value": self.no_value,
            "no_value_series": [
                {"metric": metric, "scope_key": scope, "period": period}
                for metric, scope, period in self.empty
            ],
        }


def _same(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=1e-12, abs_tol=1e-12)


def _unchanged(latest: Actual, value: KpiValue) -> bool:
    return (
        _same(latest.value, value.value)
        and _same(latest.numerator, value.numerator)
        and _same(latest.denominator, value.denominator)
        and (latest.sample_size or 0) == value.sample_size
    )


def _compared(
    session: Session, program: Program, wanted: list[Month], summary: ComputeSummary
) -> list[tuple[KpiValue, str, Actual | None, str]]:
    """Every measured series' value computed from contacts for `wanted`, with its key, the latest
    stored revision and the verdict: "empty" (nothing to compute, nothing stored), "manual" (the
    latest revision is a person's: kept), "same", or "write" (new or changed)."""
    series = [
        Series(program.metrics[metric_id], scope)
        for metric_id, scope in measured_series(program)
        if program.metrics[metric_id].from_contacts
    ]
    summary.series = len(series)
    if not series or not wanted:
        return []
    bind = session.get_bind()
    values = compute_series(bind, program, series, months=wanted)
    keyed = list(zip(values, [item.key() for item in series for _ in wanted], strict=True))
    keyed += _excluded_values(bind, program, wanted, summary)
    current = {
        (actual.metric, actual.scope_key, actual.period): actual
        for actual in latest_actuals(
            session, metrics={item.metric.id for item in series}, since=wanted[0], until=wanted[-1]
        )
    }
    compared = []
    for value, scope_key in keyed:
        latest = current.get((value.metric, scope_key, str(value.period)))
        if latest is None and value.value is None:
            verdict = "empty"
        elif latest is not None and latest.source != "computed":
            verdict = "manual"
        elif latest is not None and _unchanged(latest, value):
            verdict = "same"
        else:
            verdict = "write"
        compared.append((value, scope_key, latest, verdict))
    return compared


def write_computed_actuals(
    session: Session, program: Program, *, months: list[Month], author: str = "cxgov"
) -> ComputeSummary:
    """Compute every measured series from contacts for `months` and append the changed values as
    `source="computed"` revisions (flushed in `session`; the caller commits).

    The KPI queries run on the session's engine, side by side on connections of their own (the
    example program's 17 series over 13 months at 1M contacts, SQLite: 6.7 s in the session, 3.8 s
    so), and so read the contacts committed when each starts. Contacts change only through imports
    and withdrawals, each committed on its own, with the months it touched owed a recompute
    (`app.store.owed`), before anything is computed from it; one that commits while these queries
    run could leave a month computed from two states, and the recompute it owes revises that
    month."""
    wanted = sorted(set(months))
    summary = ComputeSummary(months=wanted)
    compared = _compared(session, program, wanted, summary)
    if not compared:
        return summary
    batch = session.execute(select(func.max(ImportBatch.id))).scalar()
    reason = (
        f"recomputed: contacts changed (batch {batch})"
        if batch is not None
        else "recomputed: contacts changed"
    )
    for value, scope_key, latest, verdict in compared:
        if verdict == "empty":
            summary.no_value += 1
            summary.empty.append((value.metric, scope_key, str(value.period)))
            continue
        if verdict == "manual":
            summary.kept_manual += 1
            continue
        if verdict == "same":
            summary.unchanged += 1
            continue
        summary.written.append(
            append_revision(
                session,
                metric=value.metric,
                scope_key=scope_key,
                period=value.period,
                value=value.value,
                numerator=value.numerator,
                denominator=value.denominator,
                sample_size=value.sample_size,
                source="computed",
                author=author,
                reason=None if latest is None else reason,
                expected_revision=0 if latest is None else latest.revision,
            )
        )
        if latest is None:
            summary.recorded += 1
        else:
            summary.revised += 1
    return summary


@dataclass(frozen=True)
class StaleActual:
    """A computed actual whose stored value is not what the contacts give now."""

    metric: str
    scope_key: str
    period: str
    stored: float | None
    """the latest revision's value (None: none stored)"""
    live: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "metric": self.metric,
            "scope_key": self.scope_key,
            "period": self.period,
            "stored": self.stored,
            "live": self.live,
        }


def stale_actuals(session: Session, program: Program, *, months: list[Month]) -> list[StaleActual]:
    """The computed actuals of `months` whose stored value differs from the contacts' (a
    revision entered by hand is a person's correction, not stale). Writes nothing."""
    wanted = sorted(set(months))
    compared = _compared(session, program, wanted, ComputeSummary(months=wanted))
    return [
        StaleActual(
            value.metric,
            scope_key,
            str(value.period),
            None if latest is None else latest.value,
            value.value,
        )
        for value, scope_key, latest, verdict in compared
        if verdict == "write"
    ]


def _excluded_values(
    bind: Engine | Connection, program: Program, wanted: list[Month], summary: ComputeSummary
) -> list[tuple[KpiValue, str]]:
    """The SLA objectives' series without their excluded contacts, for the wanted months each is
    needed in (one more scan, over those months only), with the key each is stored under."""
    needed = [
        (Series(program.metrics[found.metric], found.scope, found.windows), set(found.months))
        for found in excluded_series(program)
        if program.metrics[found.metric].from_contacts and set(found.months) & set(wanted)
    ]
    if not needed:
        return []
    summary.series += len(needed)
    months = sorted({month for _, chosen in needed for month in chosen} & set(wanted))
    values = compute_series(bind, program, [series for series, _ in needed], months=months)
    positions = [(series, chosen) for series, chosen in needed for _ in months]
    return [
        (value, series.key())
        for value, (series, chosen) in zip(values, positions, strict=True)
        if value.period in chosen
    ]


IN_TRANSACTION_CACHE_KIB = 131_072
"""SQLite: the page cache while the KPI queries run inside an import's own transaction (its
preview). The contacts that transaction wrote are pages in the write-ahead log, not in the
database file's memory map, and the default 2 MB cache reads them from the log again for every
query: 1M contacts, a year of the example program's series, 37 s with it, 21 s with 128 MB."""


@contextmanager
def _sqlite_cache(conn: Connection, kib: int) -> Iterator[None]:
    """On SQLite, `conn`'s page cache at `kib` KiB for the block, then as it was."""
    if conn.dialect.name != "sqlite":
        yield
        return
    before = int(conn.exec_driver_sql("PRAGMA cache_size").scalar_one())
    conn.exec_driver_sql(f"PRAGMA cache_size = {-int(kib)}")
    try:
        yield
    finally:
        conn.exec_driver_sql(f"PRAGMA cache_size = {before}")


def recompute_owed(
    bind: Engine | Connection, program: Program, *, author: str
) -> ComputeSummary | None:
    """Recompute every month owed a recompute (`app.store.owed`) and clear the debt, in one
    transaction; None when nothing was owed. Given a connection, inside its transaction (which
    the caller ends: the import's preview rolls it back), the queries reading the contacts as
    that transaction sees them."""
    if isinstance(bind, Connection):
        with (
            _sqlite_cache(bind, IN_TRANSACTION_CACHE_KIB),
            Session(bind=bind, expire_on_commit=False) as session,
        ):
            months = take_owed(session)
            if not months:
                return None
            summary = write_computed_actuals(session, program, months=months, author=author)
            session.flush()
            return summary
    with session_scope(bind) as session:
        months = take_owed(session)
        if not months:
            return None
        return write_computed_actuals(session, program, months=months, author=author)
