"""Helpers on the tables themselves."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from sqlalchemy.engine import Engine

from app.store.db import session_scope
from app.store.tables import ImportBatch, stored_id


def test_a_row_has_an_id_once_flushed_and_not_before(engine: Engine) -> None:
    now = datetime(2026, 1, 5, tzinfo=UTC)
    batch = ImportBatch(
        source="generic", file_name="a.csv", file_sha256="0" * 64, started_at=now, author="dana"
    )
    with session_scope(engine) as session:
        session.add(batch)
        with pytest.raises(
            ValueError, match="the ImportBatch has no id until the session is flushed"
        ):
            stored_id(batch)
        session.flush()
        assert stored_id(batch) == batch.id and batch.id is not None
