"""The migrations are the schema: they build exactly the tables the models declare."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Engine
from sqlmodel import SQLModel

from app.store.db import (
    current_revision,
    database_url,
    head_revision,
    make_engine,
    needs_upgrade,
    open_store,
    upgrade,
)


def test_migrations_produce_exactly_the_model_metadata(engine: Engine) -> None:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, SQLModel.metadata) == []


def test_migrated_database_is_at_head_and_upgrade_is_idempotent(engine: Engine) -> None:
    assert current_revision(engine) == head_revision() is not None
    upgrade(engine)
    assert not needs_upgrade(engine)
    assert {"contacts", "import_batches", "quarantined_rows", "field_issues", "actuals"} <= set(
        inspect(engine).get_table_names()
    )


def test_empty_database_needs_upgrade(database_url: str) -> None:
    engine = make_engine(database_url)
    try:
        assert current_revision(engine) is None
        assert needs_upgrade(engine)
    finally:
        engine.dispose()


def test_default_store_is_a_sqlite_file_under_the_root_that_upgrades_itself(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CXGOV_DATABASE_URL", raising=False)
    url = database_url(tmp_path)
    assert url == f"sqlite:///{tmp_path.resolve() / '.cxgov' / 'cxgov.db'}"
    engine = open_store(tmp_path)
    assert (tmp_path / ".cxgov" / "cxgov.db").exists()
    assert current_revision(engine) == head_revision()


def test_environment_variable_selects_another_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CXGOV_DATABASE_URL", "postgresql+psycopg://someone@db.example/cx")
    assert database_url(tmp_path) == "postgresql+psycopg://someone@db.example/cx"
