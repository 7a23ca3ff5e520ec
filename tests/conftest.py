"""Shared fixtures. Database tests run on SQLite and on PostgreSQL.

PostgreSQL comes from CXGOV_TEST_POSTGRES_URL (default: the development machines' server at
127.0.0.1:5432, database `test`). Each test gets its own schema there and its own file on SQLite,
so tests never see each other's rows. With CXGOV_REQUIRE_POSTGRES=1 (set by .ci/run) an
unreachable server fails the run instead of skipping the PostgreSQL half.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import create_engine

PG_URL = os.environ.get(
    "CXGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
REQUIRE_PG = os.environ.get("CXGOV_REQUIRE_POSTGRES") == "1"
REPO_ROOT = Path(__file__).resolve().parent.parent


def _postgres_reachable() -> str | None:
    try:
        engine = create_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


_PG_PROBLEM: str | bool | None = False


def pg_problem() -> str | None:
    global _PG_PROBLEM
    if _PG_PROBLEM is False:
        _PG_PROBLEM = _postgres_reachable()
    return _PG_PROBLEM  # type: ignore[return-value]


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A URL to an empty database of its own: a SQLite file, or a fresh PostgreSQL schema."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'cxgov.db'}"
        return
    problem = pg_problem()
    if problem:
        if REQUIRE_PG:
            pytest.fail(
                f"PostgreSQL is required (CXGOV_REQUIRE_POSTGRES=1) but unreachable: {problem}"
            )
        pytest.skip(f"PostgreSQL unreachable: {problem}")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = make_url(PG_URL).update_query_dict({"options": f"-csearch_path={schema}"})
    try:
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    """An engine on a database whose schema was built by the real Alembic migrations."""
    from app.store.db import make_engine, upgrade

    eng = make_engine(database_url)
    upgrade(eng)
    try:
        yield eng
    finally:
        eng.dispose()
