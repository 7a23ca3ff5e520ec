"""Where a program's store is, opening it (upgraded on first use), and transactions.

The location rule itself lives in `app.store.db.database_url`; this module is what the edges call
so that none of them opens a session or handles a driver's exception: a database that cannot be
reached, read or written becomes a `StoreError` with the driver's own words and nothing changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from app.errors import StoreError
from app.store import db

# The id of a row a use case returned (a review, an action item), for the edges, which hold those
# rows but do not import the store.
from app.store.tables import stored_id as stored_id

Store: TypeAlias = Engine
"""The handle every use case takes: the program's database (an SQLAlchemy engine). Edges hold it
and pass it on; they never query it themselves."""


def safe_url(url: str) -> str:
    """The URL as it may be shown: the password masked."""
    return make_url(url).render_as_string(hide_password=True)


def _store_error(exc: SQLAlchemyError, doing: str) -> StoreError:
    detail = getattr(exc, "orig", None) or exc
    return StoreError(f"cannot {doing} the database: {type(exc).__name__}: {detail}")


@contextmanager
def store_errors(doing: str = "use") -> Iterator[None]:
    """Turn a driver's exception into a `StoreError` (the transaction has been rolled back)."""
    try:
        yield
    except SQLAlchemyError as exc:
        raise _store_error(exc, doing) from None


def open_store(root: Path) -> Engine:
    """The program's database (CXGOV_DATABASE_URL, else `.cxgov/cxgov.db`), created and upgraded."""
    with store_errors("open"):
        return db.open_store(root)


def open_url(url: str) -> Engine:
    """The database at `url`, upgraded to the current schema if it is behind."""
    with store_errors("open"):
        engine = db.get_engine(url)
        if db.needs_upgrade(engine):
            db.upgrade(engine)
        return engine


def store_url(root: Path) -> str:
    return db.database_url(root)


def existing_store(root: Path) -> Engine | None:
    """The program's database if one exists and is current, else None; never creates one.

    For readers that must leave no trace (`cxgov diff` in a pull request's checkout)."""
    url = db.database_url(root, create=False)
    if url is None:
        return None
    engine = db.make_engine(url)
    try:
        with store_errors("read"):
            if db.needs_upgrade(engine):
                raise StoreError("the database schema is behind (run `cxgov db upgrade`)")
    except StoreError:
        engine.dispose()
        raise
    return engine


@contextmanager
def transaction(engine: Engine, doing: str = "write to") -> Iterator[Session]:
    """A session that commits on success; on any error it rolls back, and a driver's error
    becomes a `StoreError`."""
    with store_errors(doing), db.session_scope(engine) as session:
        yield session


@dataclass(frozen=True)
class SchemaStatus:
    database: str
    """The URL with its password masked."""
    schema: str | None
    latest: str | None
    exists: bool = True
    """False for a SQLite file not created yet (asking for the status does not create it)."""

    @property
    def up_to_date(self) -> bool:
        return self.schema == self.latest

    def as_dict(self) -> dict[str, object]:
        return {
            "database": self.database,
            "exists": self.exists,
            "schema": self.schema,
            "latest": self.latest,
            "up_to_date": self.up_to_date,
        }


def _sqlite_file_missing(url: str) -> bool:
    parsed = make_url(url)
    return (
        parsed.get_backend_name() == "sqlite"
        and parsed.database not in (None, "", ":memory:")
        and not Path(parsed.database).exists()
    )


def schema_status(root: Path) -> SchemaStatus:
    url = db.database_url(root)
    if _sqlite_file_missing(url):
        return SchemaStatus(safe_url(url), None, db.head_revision(), exists=False)
    with store_errors("open"):
        current = db.current_revision(db.get_engine(url))
    return SchemaStatus(safe_url(url), current, db.head_revision())


def upgrade_schema(root: Path) -> tuple[SchemaStatus, SchemaStatus]:
    """Bring the schema up to date; (before, after)."""
    before = schema_status(root)
    with store_errors("upgrade"):
        db.upgrade(db.database_url(root))
    return before, schema_status(root)
