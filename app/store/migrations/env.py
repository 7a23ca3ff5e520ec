"""Alembic environment: migrations target SQLModel.metadata and run on the caller's connection.

`app.store.db.upgrade` passes an open connection in `config.attributes["connection"]`; the
`alembic` command line (with `-x url=…` or CXGOV_DATABASE_URL) is supported for autogenerate.
"""

from __future__ import annotations

import os

from alembic import context
from sqlalchemy import Connection, create_engine
from sqlmodel import SQLModel

import app.store.checkin_tables
import app.store.review_tables
import app.store.tables  # noqa: F401 - registers the tables

target_metadata = SQLModel.metadata


def _run(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        user_module_prefix="",  # renders UTCDateTime(), imported by script.py.mako
    )
    with context.begin_transaction():
        context.run_migrations()


connection = context.config.attributes.get("connection")
if connection is not None:
    _run(connection)
else:
    url = context.get_x_argument(as_dictionary=True).get("url") or os.environ["CXGOV_DATABASE_URL"]
    engine = create_engine(url)
    with engine.begin() as conn:
        _run(conn)
