"""Append-only actuals: revisions, required reasons, conflicts (also a real race on PostgreSQL)."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.periods import Month
from app.store.actuals import (
    VALUE_COLUMNS,
    CorrectionNeedsReason,
    RevisionConflict,
    append_revision,
    history,
    last_change,
    latest_actuals,
    latest_values,
)
from app.store.db import session_scope
from app.store.tables import Actual, ImportBatch


def record(engine: Engine, **kwargs) -> Actual:  # type: ignore[no-untyped-def]
    base = {
        "metric": "csat",
        "scope_key": "",
        "period": "2026-01",
        "value": 80.0,
        "source": "manual",
        "author": "ana",
    }
    base.update(kwargs)
    with session_scope(engine) as session:
        return append_revision(session, **base)


def test_first_value_is_revision_one_and_needs_no_reason(engine: Engine) -> None:
    actual = record(engine, numerator=80, denominator=100, sample_size=100)
    assert (actual.revision, actual.reason, actual.value, actual.author) == (1, None, 80.0, "ana")
    assert actual.recorded_at.tzinfo is not None


def test_correction_needs_a_reason_and_keeps_the_history(engine: Engine) -> None:
    record(engine)
    with pytest.raises(CorrectionNeedsReason, match="needs a reason"):
        record(engine, value=82.0)
    with pytest.raises(CorrectionNeedsReason):
        record(engine, value=82.0, reason="   ")
    corrected = record(engine, value=82.0, reason="survey vendor re-sent January", author="ben")
    assert corrected.revision == 2
    with session_scope(engine) as session:
        revisions = history(session, metric="csat")
        assert [(a.revision, a.value, a.author) for a in revisions] == [
            (1, 80.0, "ana"),
            (2, 82.0, "ben"),
        ]
        assert [a.value for a in latest_actuals(session)] == [82.0]


def test_expected_revision_turns_a_stale_correction_into_a_conflict(engine: Engine) -> None:
    record(engine)
    record(engine, value=81.0, reason="first fix", expected_revision=1)
    with pytest.raises(RevisionConflict, match="is at revision 2, not 1"):
        record(engine, value=79.0, reason="second fix, from a stale page", expected_revision=1)
    with session_scope(engine) as session:
        assert session.execute(select(func.count()).select_from(Actual)).scalar() == 2


def test_latest_actuals_one_per_key_filtered_by_metric_and_period(engine: Engine) -> None:
    record(engine, period="2025-12", value=70.0)
    record(engine, period="2026-01", value=75.0)
    record(engine, period="2026-01", value=76.0, reason="late answers")
    record(engine, period="2026-02", value=77.0)
    record(engine, period="2026-01", scope_key="channel=chat", value=90.0)
    record(engine, metric="nps", period="2026-01", value=12.0)
    with session_scope(engine) as session:
        everything = latest_actuals(session)
        assert len(everything) == 5
        window = latest_actuals(
            session, metrics=["csat"], since=Month(2026, 1), until=Month(2026, 1)
        )
        assert [(a.scope_key, a.period, a.value, a.revision) for a in window] == [
            ("", "2026-01", 76.0, 2),
            ("channel=chat", "2026-01", 90.0, 1),
        ]
        assert [a.value for a in history(session, metric="csat", scope_key="channel=chat")] == [
            90.0
        ]
        # The evaluation's plain rows are the same latest revisions, attribute for attribute.
        rows = sorted(latest_values(session), key=lambda r: (r.metric, r.scope_key, r.period))
        assert [tuple(getattr(r, c) for c in VALUE_COLUMNS) for r in rows] == [
            tuple(getattr(a, c) for c in VALUE_COLUMNS) for a in everything
        ]
        assert [r.value for r in latest_values(session, metrics=["nps"])] == [12.0]


def test_last_change_follows_actuals_and_imports(engine: Engine) -> None:
    with session_scope(engine) as session:
        assert last_change(session) is None
    actual = record(engine)
    with session_scope(engine) as session:
        assert last_change(session) == actual.recorded_at
        later = datetime(2999, 1, 1, tzinfo=UTC)
        session.add(
            ImportBatch(
                source="generic",
                file_name="x.csv",
                file_sha256="0" * 64,
                started_at=later,
                finished_at=later,
                author="ana",
            )
        )
    with session_scope(engine) as session:
        assert last_change(session) == later


def test_bad_period_and_source_are_refused(engine: Engine) -> None:
    with pytest.raises(ValueError, match="YYYY-MM"):
        record(engine, period="January")
    with pytest.raises(ValueError, match="source must be"):
        record(engine, source="guessed")


def test_two_people_correcting_at_once_one_gets_a_conflict(engine: Engine) -> None:
    """Both read revision 1 and try to write revision 2 in overlapping transactions."""
    record(engine)
    both_read = threading.Barrier(2, timeout=10)
    outcomes: list[str] = []
    lock = threading.Lock()

    def correct(author: str, value: float) -> None:
        from app.store import actuals as store

        try:
            with session_scope(engine) as session:
                latest = store.latest_revision(
                    session, metric="csat", scope_key="", period="2026-01"
                )
                both_read.wait()
                store.append_revision(
                    session,
                    metric="csat",
                    scope_key="",
                    period="2026-01",
                    value=value,
                    source="manual",
                    author=author,
                    reason="race",
                    expected_revision=latest,
                )
            result = "ok"
        except RevisionConflict:
            result = "conflict"
        with lock:
            outcomes.append(result)

    threads = [
        threading.Thread(target=correct, args=(name, value))
        for name, value in (("ana", 81.0), ("ben", 79.0))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["conflict", "ok"]
    with session_scope(engine) as session:
        assert [a.revision for a in history(session, metric="csat")] == [1, 2]
