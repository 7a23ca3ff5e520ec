"""Small builders for KPI tests: a program with a given catalogue, and contacts inserted directly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from app.spec.metric import Metric
from app.spec.program import Program, ProgramSettings
from app.store.tables import Contact

_ids = count(1)
JAN = datetime(2026, 1, 14, 12, 0, tzinfo=UTC)
"""A moment safely inside January in every timezone."""


def metric(
    metric_id: str,
    calculation: dict[str, Any],
    *,
    unit: str = "percent",
    better: str = "higher",
    scope: dict[str, Any] | None = None,
) -> Metric:
    spec: dict[str, Any] = {
        "unit": unit,
        "better": better,
        "calculation": calculation,
        "definition": metric_id,
    }
    if scope:
        spec["scope"] = scope
    return Metric.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Metric",
            "metadata": {"id": metric_id, "title": metric_id},
            "spec": spec,
        }
    )


def program(*metrics: Metric, tz: str = "America/Los_Angeles", **parts: Any) -> Program:
    settings = ProgramSettings.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Program",
            "metadata": {"id": "test", "title": "Test"},
            "spec": {"name": "Test", "start_date": "2026-01-01", "timezone": tz, "currency": "USD"},
        }
    )
    return Program(settings=settings, metrics={m.id: m for m in metrics}, **parts)


def contact(created_at: datetime = JAN, **fields: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        column.name: None
        for column in Contact.__table__.columns  # type: ignore[attr-defined]
        if column.name != "id" and column.computed is None
    }
    row.update(source="test", contact_id=f"c{next(_ids)}", created_at=created_at)
    row.update(fields)
    return row


def contacts(n: int, **fields: Any) -> list[dict[str, Any]]:
    return [contact(**fields) for _ in range(n)]


def insert_contacts(engine: Engine, rows: list[dict[str, Any]]) -> None:
    with engine.begin() as conn:
        conn.execute(insert(Contact.__table__), rows)  # type: ignore[attr-defined]


def after(seconds: float, start: datetime = JAN) -> datetime:
    return start + timedelta(seconds=seconds)
