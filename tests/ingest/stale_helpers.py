"""A small program for the never-stale tests: FCR with a 7-day repeat window, volume, CSAT and a
backlog, each measured by a goal (one on a chat scope), and the comparison of every stored actual
with the value `compute_kpis` gives now."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from sqlalchemy import delete
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.ingest import builtin_profile
from app.metrics import compute_kpis
from app.metrics.compute import contact_months
from app.periods import Month
from app.service.imports import ImportOutcome, import_file
from app.spec.common import Scope
from app.spec.goal import Goal
from app.spec.metric import Metric
from app.spec.program import Program, ProgramSettings
from app.store.actuals import latest_values
from app.store.db import session_scope
from app.store.tables import (
    Actual,
    BatchWithdrawal,
    Contact,
    ContactPrevious,
    FieldIssue,
    ImportBatch,
    QuarantinedRow,
    RecomputeOwed,
    WithdrawnContact,
)


def _metric(metric_id: str, calculation: dict[str, Any], unit: str = "percent") -> Metric:
    return Metric.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Metric",
            "metadata": {"id": metric_id, "title": metric_id},
            "spec": {
                "unit": unit,
                "better": "higher",
                "calculation": calculation,
                "definition": metric_id,
            },
        }
    )


def _goal(goal_id: str, metric_id: str, scope: dict[str, Any] | None = None) -> Goal:
    return Goal.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Goal",
            "metadata": {"id": goal_id, "title": goal_id},
            "spec": {
                "metric": metric_id,
                "scope": scope or {},
                "pillar": "process",
                "baseline": {"value": 1, "period": "2025-12"},
                "target": {"value": 2, "by": "2026-12-31"},
            },
        }
    )


def stale_program(tz: str = "UTC") -> Program:
    metrics = [
        _metric("fcr", {"type": "fcr", "repeat_window": "7 days"}),
        _metric("volume", {"type": "contact_volume"}, unit="count"),
        _metric("csat", {"type": "csat"}),
        _metric("backlog", {"type": "backlog"}, unit="count"),
    ]
    goals = [
        _goal("fcr_up", "fcr"),
        _goal("chat_fcr", "fcr", {"channel": "chat"}),
        _goal("volume", "volume"),
        _goal("csat_up", "csat"),
        _goal("backlog_down", "backlog"),
    ]
    settings = ProgramSettings.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Program",
            "metadata": {"id": "test", "title": "Test"},
            "spec": {"name": "Test", "start_date": "2026-01-01", "timezone": tz, "currency": "USD"},
        }
    )
    return Program(
        settings=settings,
        metrics={m.id: m for m in metrics},
        goals={g.id: g for g in goals},
    )


def run_import(engine: Engine, program: Program, path: Path, **kwargs: Any) -> ImportOutcome:
    return import_file(
        engine, program, path, mapping=builtin_profile("generic"), author="test", **kwargs
    )


def stored(engine: Engine) -> dict[tuple[str, str, str], float | None]:
    """The latest stored value of every actual: (metric, scope key, month) → value."""
    with session_scope(engine) as session:
        return {
            (row.metric, row.scope_key, row.period): row.value for row in latest_values(session)
        }


def mismatches(engine: Engine, program: Program) -> list[str]:
    """Every (goal series, month) whose stored value is not what `compute_kpis` gives now, for
    every month with contacts or with a stored actual (an absent actual counts as no value)."""
    values = stored(engine)
    months = set(contact_months(engine, program.timezone))
    months |= {Month.parse(period) for _, _, period in values}
    found = []
    for goal in program.goals.values():
        scope = goal.spec.scope or Scope()
        key = scope.key()
        for live in compute_kpis(
            engine, program, months=sorted(months), metrics=[goal.spec.metric], scope=scope
        ):
            kept = values.get((goal.spec.metric, key, str(live.period)))
            same = (
                kept is None and live.value is None
                if kept is None or live.value is None
                else math.isclose(kept, live.value, abs_tol=1e-9)
            )
            if not same:
                found.append(f"{goal.spec.metric} [{key}] {live.period}: {kept} != {live.value}")
    return found


def wipe(engine: Engine) -> None:
    """Empty every table an import or a recompute writes (a new hypothesis example)."""
    tables = [
        RecomputeOwed,
        WithdrawnContact,
        BatchWithdrawal,
        ContactPrevious,
        Actual,
        FieldIssue,
        QuarantinedRow,
        Contact,
        ImportBatch,
    ]
    with engine.begin() as conn:
        for table in tables:
            conn.execute(delete(SQLModel.metadata.tables[table.__tablename__]))
