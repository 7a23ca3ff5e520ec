"""Append-only actuals: a correction is a new revision with a reason and an author.

Nothing here updates or deletes an `Actual`. The current value of (metric, scope, period) is its
latest revision; the earlier ones stay queryable as history. Two people correcting the same
actual at once cannot both win: the caller states the revision it saw (`expected_revision`) and
the unique constraint on (metric, scope_key, period, revision) is the backstop when both race.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, Subquery, and_, func, select
from sqlmodel import Session, col

from app.errors import Conflict, Refused
from app.periods import Month
from app.store.append import insert_once
from app.store.tables import Actual, CreditIssue, ImportBatch, utcnow

ActualSource = Literal["computed", "manual", "imported"]
SOURCES: tuple[str, ...] = ("computed", "manual", "imported")


class ActualsError(Refused):
    """A request the store refuses; the message is written for the person who made it."""


class CorrectionNeedsReason(ActualsError):
    pass


class RevisionConflict(ActualsError, Conflict):
    pass


def _period_text(period: Month | str) -> str:
    return str(period if isinstance(period, Month) else Month.parse(period))


def latest_revision(session: Session, *, metric: str, scope_key: str, period: Month | str) -> int:
    """The latest revision number of one actual, 0 when there is none yet."""
    statement = select(func.max(col(Actual.revision))).where(
        col(Actual.metric) == metric,
        col(Actual.scope_key) == scope_key,
        col(Actual.period) == _period_text(period),
    )
    return int(session.execute(statement).scalar() or 0)


def append_revision(
    session: Session,
    *,
    metric: str,
    scope_key: str,
    period: Month | str,
    value: float | None,
    numerator: float | None = None,
    denominator: float | None = None,
    sample_size: int | None = None,
    source: ActualSource,
    author: str,
    reason: str | None = None,
    batch_id: int | None = None,
    expected_revision: int | None = None,
) -> Actual:
    """Record a new revision of (metric, scope_key, period) and return it (flushed, not committed)."""
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}, got {source!r}")
    if not author.strip():
        raise ActualsError("an actual needs an author")
    month = _period_text(period)
    latest = latest_revision(session, metric=metric, scope_key=scope_key, period=month)
    where = f"{metric} [{scope_key or 'all contacts'}] {month}"
    if expected_revision is not None and expected_revision != latest:
        raise RevisionConflict(
            f"{where} is at revision {latest}, not {expected_revision}: someone recorded a value since you "
            "looked. Review the history and try again with the current revision."
        )
    if latest and not (reason and reason.strip()):
        raise CorrectionNeedsReason(
            f"{where} already has a value (revision {latest}); a correction needs a reason (--reason …)."
        )
    actual = Actual(
        metric=metric,
        scope_key=scope_key,
        period=month,
        revision=latest + 1,
        value=value,
        numerator=numerator,
        denominator=denominator,
        sample_size=sample_size,
        source=source,
        batch_id=batch_id,
        author=author.strip(),
        recorded_at=utcnow(),
        reason=reason.strip() if reason else None,
    )
    insert_once(
        session,
        actual,
        RevisionConflict(
            f"{where}: someone else wrote to it at the same moment; nothing was recorded. "
            "Review the history and try again."
        ),
    )
    return actual


def _latest_revisions_subquery(
    metrics: Iterable[str] | None, since: Month | None, until: Month | None
) -> Subquery:
    conditions: list[ColumnElement[bool]] = []
    if metrics is not None:
        conditions.append(col(Actual.metric).in_(list(metrics)))
    if since is not None:
        conditions.append(col(Actual.period) >= str(since))
    if until is not None:
        conditions.append(col(Actual.period) <= str(until))
    return (
        select(
            col(Actual.metric),
            col(Actual.scope_key),
            col(Actual.period),
            func.max(col(Actual.revision)).label("revision"),
        )
        .where(*conditions)
        .group_by(col(Actual.metric), col(Actual.scope_key), col(Actual.period))
        .subquery()
    )


def _is_latest(latest: Subquery) -> ColumnElement[bool]:
    """An actual row is the latest revision of its (metric, scope, month) in `latest`."""
    return and_(
        col(Actual.metric) == latest.c.metric,
        col(Actual.scope_key) == latest.c.scope_key,
        col(Actual.period) == latest.c.period,
        col(Actual.revision) == latest.c.revision,
    )


def latest_actuals(
    session: Session,
    *,
    metrics: Iterable[str] | None = None,
    since: Month | None = None,
    until: Month | None = None,
) -> list[Actual]:
    """The current value of every actual (its latest revision), in one query, ordered by key."""
    latest = _latest_revisions_subquery(metrics, since, until)
    statement = (
        select(Actual)
        .join(latest, _is_latest(latest))
        .order_by(col(Actual.metric), col(Actual.scope_key), col(Actual.period))
    )
    return list(session.execute(statement).scalars())


VALUE_COLUMNS = (
    "metric",
    "scope_key",
    "period",
    "value",
    "numerator",
    "denominator",
    "sample_size",
    "revision",
    "source",
)


def latest_values(session: Session, *, metrics: Iterable[str] | None = None) -> list[Any]:
    """The latest revision of every actual (of `metrics` only, when given) as plain rows with
    the attributes an evaluation reads (`VALUE_COLUMNS`): the same rows as `latest_actuals`
    without building an ORM object per value (61 instead of 165 ms for 6,840 values)."""
    latest = _latest_revisions_subquery(metrics, None, None)
    statement = select(*(getattr(Actual, name) for name in VALUE_COLUMNS)).join(
        latest, _is_latest(latest)
    )
    return list(session.execute(statement).all())


def history(session: Session, *, metric: str, scope_key: str | None = None) -> list[Actual]:
    """Every revision of a metric (optionally one scope), oldest first within each period."""
    statement = select(Actual).where(col(Actual.metric) == metric)
    if scope_key is not None:
        statement = statement.where(col(Actual.scope_key) == scope_key)
    statement = statement.order_by(col(Actual.scope_key), col(Actual.period), col(Actual.revision))
    return list(session.execute(statement).scalars())


def last_change(session: Session) -> datetime | None:
    """When the numbers last changed (a cache key for the app): the newest actual, finished
    import or credit-ledger entry."""
    newest_actual = session.execute(select(func.max(col(Actual.recorded_at)))).scalar()
    newest_import = session.execute(select(func.max(col(ImportBatch.finished_at)))).scalar()
    newest_issue = session.execute(select(func.max(col(CreditIssue.recorded_at)))).scalar()
    candidates = [
        moment for moment in (newest_actual, newest_import, newest_issue) if moment is not None
    ]
    return max(candidates) if candidates else None


def computed_periods(session: Session, *, metrics: Iterable[str]) -> list[str]:
    """Every month (YYYY-MM) with a computed revision of one of `metrics`."""
    wanted = sorted(set(metrics))
    if not wanted:
        return []
    return sorted(
        session.execute(
            select(col(Actual.period))
            .where(col(Actual.source) == "computed", col(Actual.metric).in_(wanted))
            .distinct()
        ).scalars()
    )
