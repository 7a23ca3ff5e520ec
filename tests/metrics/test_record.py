"""Computed actuals: written for the series goals and objectives measure, idempotent, revisions
with a reason when the contacts change, hand corrections left alone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from metrics_builders import contacts, insert_contacts, metric, program
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.metrics import write_computed_actuals
from app.periods import Month
from app.spec.goal import Goal
from app.store.actuals import append_revision, history
from app.store.db import session_scope
from app.store.tables import Actual, ImportBatch

JANUARY, FEBRUARY = Month(2026, 1), Month(2026, 2)


def goal(
    goal_id: str, metric_id: str, scope: dict | None = None, guardrails: list | None = None
) -> Goal:
    return Goal.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Goal",
            "metadata": {"id": goal_id, "title": goal_id},
            "spec": {
                "metric": metric_id,
                "scope": scope or {},
                "pillar": "process",
                "guardrails": guardrails or [],
                "baseline": {"value": 1, "period": "2025-12"},
                "target": {"value": 2, "by": "2026-12-31"},
            },
        }
    )


def measured_program():  # type: ignore[no-untyped-def]
    catalogue = [
        metric("csat", {"type": "csat"}),
        metric("aht", {"type": "aht"}, unit="minutes", better="lower"),
        metric("uptime", {"type": "manual"}),
        metric("volume", {"type": "contact_volume"}, unit="count"),
    ]
    goals = [
        goal("csat_up", "csat", guardrails=[{"metric": "aht", "max": 12}]),
        goal("chat_csat", "csat", scope={"channel": "chat"}),
        goal("uptime", "uptime"),
    ]
    return program(*catalogue, goals={g.id: g for g in goals})


def run(engine: Engine, months: list[Month] | None = None):  # type: ignore[no-untyped-def]
    with session_scope(engine) as session:
        return write_computed_actuals(
            session, measured_program(), months=months or [JANUARY, FEBRUARY]
        )


def count_actuals(engine: Engine) -> int:
    with session_scope(engine) as session:
        return int(session.execute(select(func.count()).select_from(Actual)).scalar() or 0)


def test_writes_each_measured_series_once_and_a_second_run_adds_nothing(engine: Engine) -> None:
    insert_contacts(
        engine,
        contacts(3, channel="chat", csat=5)
        + contacts(
            1, channel="phone", csat=2, talk_seconds=600.0, hold_seconds=0.0, wrap_seconds=60.0
        ),
    )
    first = run(engine)
    # csat (all), csat (chat), aht (all) for January; February has no contacts: nothing to record.
    assert (first.series, first.recorded, first.revised, first.no_value) == (3, 3, 0, 3)
    assert count_actuals(engine) == 3
    with session_scope(engine) as session:
        chat = history(session, metric="csat", scope_key="channel=chat")
        aht = history(session, metric="aht")
    assert [(a.period, a.value, a.source, a.revision) for a in chat] == [
        ("2026-01", 100.0, "computed", 1)
    ]
    assert aht[0].value == pytest.approx(11.0) and aht[0].sample_size == 1
    second = run(engine)
    assert (second.recorded, second.revised, second.unchanged) == (0, 0, 3)
    assert count_actuals(engine) == 3


def test_changed_contacts_add_a_revision_with_an_automatic_reason(engine: Engine) -> None:
    insert_contacts(engine, contacts(1, channel="chat", csat=5))
    run(engine, [JANUARY])
    with session_scope(engine) as session:
        batch = ImportBatch(
            source="generic",
            file_name="late.csv",
            file_sha256="0" * 64,
            author="ana",
            started_at=datetime.now(UTC),
        )
        session.add(batch)
        session.flush()
        batch_id = batch.id
    insert_contacts(engine, contacts(1, channel="phone", csat=1))
    summary = run(engine, [JANUARY])
    assert (summary.revised, summary.unchanged) == (
        1,
        1,
    )  # all-contacts CSAT moved, chat CSAT did not
    with session_scope(engine) as session:
        revisions = history(session, metric="csat", scope_key="")
    assert [(a.revision, a.value, a.reason) for a in revisions] == [
        (1, 100.0, None),
        (2, 50.0, f"recomputed: contacts changed (batch {batch_id})"),
    ]


def test_a_hand_correction_is_kept(engine: Engine) -> None:
    insert_contacts(engine, contacts(2, csat=5))
    run(engine, [JANUARY])
    with session_scope(engine) as session:
        append_revision(
            session,
            metric="csat",
            scope_key="",
            period=JANUARY,
            value=97.0,
            source="manual",
            author="ana",
            reason="survey vendor re-weighted January",
        )
    insert_contacts(engine, contacts(2, csat=1))
    summary = run(engine, [JANUARY])
    assert summary.kept_manual == 1
    with session_scope(engine) as session:
        assert [a.value for a in history(session, metric="csat", scope_key="")] == [100.0, 97.0]
