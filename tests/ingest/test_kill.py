"""A real crash half-way (SIGKILL of the importing process) leaves the database as it was."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.store.tables import Contact, FieldIssue, ImportBatch, QuarantinedRow

CHILD = """
import sys, time
from pathlib import Path
from app.ingest import builtin_profile, ingest_file
from app.store.db import make_engine

def halfway(rows_read):
    print(f"progress {rows_read}", flush=True)
    time.sleep(60)  # the transaction is open, rows are staged: now kill me

ingest_file(make_engine(sys.argv[1]), Path(sys.argv[2]), mapping=builtin_profile("generic"),
            program_timezone="UTC", author="child", progress=halfway, chunk_rows=50)
"""


def test_sigkill_half_way_leaves_the_database_unchanged(
    engine: Engine, database_url: str, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": f"K{i}", "created_at": "2026-03-01T08:00:00Z", "csat": 7 if i % 2 else 4}
            for i in range(200)
        ]
        + [{"contact_id": "", "created_at": ""}]
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, database_url, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "progress 50"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    with engine.connect() as conn:
        counts = [
            conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()  # type: ignore[attr-defined]
            for t in (Contact, ImportBatch, QuarantinedRow, FieldIssue)
        ]
    assert counts == [0, 0, 0, 0]
