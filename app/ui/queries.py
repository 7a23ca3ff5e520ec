"""Read-only queries the Actuals page shows: recent imports and their quarantine reports."""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.engine import Engine

from app.store.db import session_scope
from app.store.tables import FieldIssue, ImportBatch, QuarantinedRow


def recent_imports(engine: Engine, *, limit: int = 10) -> list[dict[str, Any]]:
    with session_scope(engine) as session:
        batches = session.execute(
            select(ImportBatch).order_by(ImportBatch.id.desc()).limit(limit)
        ).scalars()  # type: ignore[union-attr]
        return [
            {
                "batch": b.id,
                "file": b.file_name,
                "profile": b.source,
                "by": b.author,
                "finished": b.finished_at.isoformat(timespec="seconds") if b.finished_at else "",
                "read": b.rows_read,
                "imported": b.rows_imported,
                "updated": b.rows_updated,
                "unchanged": b.rows_unchanged,
                "quarantined": b.rows_quarantined,
                "field issues": b.field_issues,
            }
            for b in batches
        ]


def quarantine_report(engine: Engine, batch_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Rows of one import that could not be placed: line, every reason, the raw values."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(QuarantinedRow)
            .where(QuarantinedRow.batch_id == batch_id)
            .order_by(QuarantinedRow.line_number)
            .limit(limit)  # type: ignore[arg-type]
        ).scalars()
        return [
            {
                "line": r.line_number,
                "reasons": "; ".join(map(str, _json_list(r.reasons))),
                "raw": r.raw,
            }
            for r in rows
        ]


def field_issues(engine: Engine, batch_id: int, *, limit: int = 500) -> list[dict[str, Any]]:
    """Bad fields left blank in otherwise good rows of one import."""
    with session_scope(engine) as session:
        rows = session.execute(
            select(FieldIssue)
            .where(FieldIssue.batch_id == batch_id)
            .order_by(FieldIssue.line_number)
            .limit(limit)  # type: ignore[arg-type]
        ).scalars()
        return [
            {
                "line": r.line_number,
                "contact": r.contact_id,
                "field": r.field,
                "value": r.raw_value,
                "reason": r.reason,
            }
            for r in rows
        ]


def _json_list(text: str) -> list[Any]:
    try:
        value = json.loads(text)
    except ValueError:
        return [text]
    return value if isinstance(value, list) else [value]
