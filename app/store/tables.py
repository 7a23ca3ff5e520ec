"""SQLModel tables. Schema changes go through Alembic migrations (app/store/migrations)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, Protocol

from sqlalchemy import (
    Column,
    Computed,
    Date,
    DateTime,
    Float,
    Index,
    String,
    Text,
    UniqueConstraint,
    literal_column,
)
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

from app.store.durations import seconds_until


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC datetimes on every backend (SQLite has no timezone type: it stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; convert to UTC at the edge")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class MoneyText(TypeDecorator[Decimal]):
    """An exact amount stored as its text ("2000.00"): SQLite has no decimal type, and a float
    would not give the cents back exactly."""

    impl = String(32)
    cache_ok = True

    def process_bind_param(self, value: Decimal | None, dialect: Any) -> str | None:
        return None if value is None else str(Decimal(value))

    def process_result_value(self, value: str | None, dialect: Any) -> Decimal | None:
        return None if value is None else Decimal(value)


def utcnow() -> datetime:
    return datetime.now(UTC)


class _Row(Protocol):
    @property
    def id(self) -> int | None: ...


def stored_id(row: _Row) -> int:
    """The primary key of a row read from the database or flushed to it. A row only added to the
    session has none yet, and its `None` would match nothing in a query, silently."""
    if row.id is None:
        raise ValueError(f"the {type(row).__name__} has no id until the session is flushed")
    return row.id


class ImportBatch(SQLModel, table=True):
    __tablename__ = "import_batches"

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(
        sa_column=Column(String(64), nullable=False), description="mapping/profile name"
    )
    file_name: str = Field(sa_column=Column(String(512), nullable=False))
    file_sha256: str = Field(sa_column=Column(String(64), nullable=False))
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    author: str = Field(sa_column=Column(String(128), nullable=False))
    rows_read: int = 0
    rows_imported: int = 0
    rows_updated: int = 0
    rows_unchanged: int = 0
    rows_quarantined: int = 0
    field_issues: int = Field(default=0, description="bad fields left blank in otherwise good rows")


def _seconds_from_creation(column: str) -> Computed:
    """A stored generated column: the database fills it on every insert and update, so the KPI
    scans read a number instead of parsing two timestamps per contact and calculation."""
    return Computed(
        seconds_until(literal_column("created_at"), literal_column(column)), persisted=True
    )


TICKET_STATUSES: tuple[str, ...] = ("open", "pending", "solved", "closed")
"""A contact's canonical status (`Contact.status`); an import maps its help desk's onto these."""
DONE_STATUSES: tuple[str, ...] = ("solved", "closed")
"""Statuses that say the work is done, whether or not the export knows when: such a contact is
never open in a backlog (see `app.metrics.queries.backlog_query`)."""


class Contact(SQLModel, table=True):
    """One customer contact (ticket, call, chat), in canonical fields. Blank means unknown."""

    __tablename__ = "contacts"
    __table_args__ = (
        UniqueConstraint("source", "contact_id", name="uq_contacts_source_contact_id"),
        Index("ix_contacts_created_at", "created_at"),
        Index("ix_contacts_customer_created", "customer_id", "created_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str = Field(sa_column=Column(String(64), nullable=False))
    contact_id: str = Field(sa_column=Column(String(128), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    channel: str | None = Field(default=None, sa_column=Column(String(32)))
    queue: str | None = Field(default=None, sa_column=Column(String(64)))
    team: str | None = Field(default=None, sa_column=Column(String(64)))
    agent_id: str | None = Field(default=None, sa_column=Column(String(64)))
    customer_id: str | None = Field(default=None, sa_column=Column(String(128)))
    priority: str | None = Field(default=None, sa_column=Column(String(32)))
    segment: str | None = Field(default=None, sa_column=Column(String(64)))
    first_response_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    wait_seconds: float | None = None
    abandoned: bool | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    wrap_seconds: float | None = None
    fcr: str | None = Field(
        default=None, sa_column=Column(String(8)), description="yes / no / pending"
    )
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    status: str | None = Field(
        default=None,
        sa_column=Column(String(8)),
        description="open / pending / solved / closed: the ticket's status in the export",
    )
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id")
    first_response_seconds: float | None = Field(
        default=None,
        sa_column=Column(Float, _seconds_from_creation("first_response_at")),
        description="generated: seconds from created_at to first_response_at (blank if unknown or earlier)",
    )
    resolution_seconds: float | None = Field(
        default=None,
        sa_column=Column(Float, _seconds_from_creation("resolved_at")),
        description="generated: seconds from created_at to resolved_at (blank if unknown or earlier)",
    )


class QuarantinedRow(SQLModel, table=True):
    """A row that could not be placed at all, kept with its raw values and every reason."""

    __tablename__ = "quarantined_rows"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id", index=True)
    line_number: int
    raw: str = Field(sa_column=Column(Text, nullable=False), description="the row as JSON")
    reasons: str = Field(
        sa_column=Column(Text, nullable=False), description="JSON list of reason codes/messages"
    )


class FieldIssue(SQLModel, table=True):
    """A bad field in an otherwise good row: the field was left blank, the rest of the row kept."""

    __tablename__ = "field_issues"

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id", index=True)
    line_number: int
    contact_id: str = Field(sa_column=Column(String(128), nullable=False))
    field: str = Field(sa_column=Column(String(32), nullable=False))
    raw_value: str = Field(sa_column=Column(Text, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))


class Actual(SQLModel, table=True):
    """One revision of a metric's value for a scope and a month. Append-only: never updated."""

    __tablename__ = "actuals"
    __table_args__ = (
        UniqueConstraint("metric", "scope_key", "period", "revision", name="uq_actuals_revision"),
        Index("ix_actuals_lookup", "metric", "scope_key", "period"),
    )

    id: int | None = Field(default=None, primary_key=True)
    metric: str = Field(sa_column=Column(String(64), nullable=False))
    scope_key: str = Field(
        default="", sa_column=Column(String(256), nullable=False), description="Scope.key()"
    )
    period: str = Field(sa_column=Column(String(7), nullable=False), description="YYYY-MM")
    revision: int = Field(ge=1)
    value: float | None = None
    numerator: float | None = None
    denominator: float | None = None
    sample_size: int | None = None
    source: str = Field(
        sa_column=Column(String(16), nullable=False), description="computed / manual / imported"
    )
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id")
    author: str = Field(sa_column=Column(String(128), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str | None = Field(default=None, sa_column=Column(Text))


class CreditIssue(SQLModel, table=True):
    """A service credit put on an invoice: one entry of the credit ledger. Append-only: a credit
    that changes after it was issued gets a further entry (the adjustment) on a later invoice."""

    __tablename__ = "credit_ledger"
    __table_args__ = (
        UniqueConstraint("contract_id", "period", "entry", name="uq_credit_ledger_entry"),
    )

    id: int | None = Field(default=None, primary_key=True)
    contract_id: str = Field(sa_column=Column(String(64), nullable=False))
    period: str = Field(sa_column=Column(String(7), nullable=False), description="YYYY-MM")
    entry: int = Field(ge=1, description="1, 2, … per contract and month")
    amount: Decimal = Field(
        sa_column=Column(MoneyText, nullable=False),
        description="what this invoice credits (negative: recovered)",
    )
    credit: Decimal = Field(
        sa_column=Column(MoneyText, nullable=False),
        description="the month's whole credit when this entry was recorded",
    )
    currency: str = Field(sa_column=Column(String(3), nullable=False))
    invoice: str = Field(sa_column=Column(String(64), nullable=False))
    issued_on: date = Field(sa_column=Column(Date, nullable=False))
    issued_by: str = Field(sa_column=Column(String(128), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))


class ContactPrevious(SQLModel, table=True):
    """A contact as it was before an import changed it: what a recompute needs to know which
    months the contact left, and what withdrawing that import puts back. Written in the import's
    transaction, never changed."""

    __tablename__ = "contact_previous"
    __table_args__ = (
        Index("ix_contact_previous_batch", "batch_id"),
        Index("ix_contact_previous_prior", "previous_batch_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id", description="the import that changed it")
    contact_row: int = Field(description="contacts.id of the contact")
    previous_batch_id: int | None = Field(
        default=None, description="the import its previous values came from"
    )
    source: str = Field(sa_column=Column(String(64), nullable=False))
    contact_id: str = Field(sa_column=Column(String(128), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    channel: str | None = Field(default=None, sa_column=Column(String(32)))
    queue: str | None = Field(default=None, sa_column=Column(String(64)))
    team: str | None = Field(default=None, sa_column=Column(String(64)))
    agent_id: str | None = Field(default=None, sa_column=Column(String(64)))
    customer_id: str | None = Field(default=None, sa_column=Column(String(128)))
    priority: str | None = Field(default=None, sa_column=Column(String(32)))
    segment: str | None = Field(default=None, sa_column=Column(String(64)))
    first_response_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    wait_seconds: float | None = None
    abandoned: bool | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    wrap_seconds: float | None = None
    fcr: str | None = Field(default=None, sa_column=Column(String(8)))
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    status: str | None = Field(default=None, sa_column=Column(String(8)))


class RecomputeOwed(SQLModel, table=True):
    """A month whose computed actuals are owed a recompute: written in the transaction that
    changed the contacts (an import, a withdrawal), deleted in the recompute's transaction. Until
    then the next reader of actuals, or the next import, recomputes it first."""

    __tablename__ = "recompute_owed"

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(sa_column=Column(String(7), nullable=False), description="YYYY-MM")
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id")
    reason: str = Field(sa_column=Column(String(32), nullable=False), description="import / revert")
    owed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class BatchWithdrawal(SQLModel, table=True):
    """An import withdrawn (`cxgov ingest revert`): who, when, why. The batch row stays; its new
    contacts leave the contacts table for `withdrawn_contacts`, the contacts it changed get their
    previous values back."""

    __tablename__ = "batch_withdrawals"
    __table_args__ = (UniqueConstraint("batch_id", name="uq_batch_withdrawals_batch"),)

    id: int | None = Field(default=None, primary_key=True)
    batch_id: int = Field(foreign_key="import_batches.id")
    withdrawn_by: str = Field(sa_column=Column(String(128), nullable=False))
    withdrawn_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    reason: str = Field(sa_column=Column(Text, nullable=False))
    contacts_withdrawn: int = Field(default=0, description="new contacts of the batch taken out")
    contacts_restored: int = Field(
        default=0, description="changed contacts given back their values"
    )


class WithdrawnContact(SQLModel, table=True):
    """A contact as it stood when its import was withdrawn: kept, no longer counted."""

    __tablename__ = "withdrawn_contacts"
    __table_args__ = (Index("ix_withdrawn_contacts_withdrawal", "withdrawal_id"),)

    id: int | None = Field(default=None, primary_key=True)
    withdrawal_id: int = Field(foreign_key="batch_withdrawals.id")
    contact_row: int = Field(description="contacts.id it had")
    restored: bool = Field(description="true: its previous values were put back; false: taken out")
    batch_id: int | None = Field(default=None, foreign_key="import_batches.id")
    source: str = Field(sa_column=Column(String(64), nullable=False))
    contact_id: str = Field(sa_column=Column(String(128), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    channel: str | None = Field(default=None, sa_column=Column(String(32)))
    queue: str | None = Field(default=None, sa_column=Column(String(64)))
    team: str | None = Field(default=None, sa_column=Column(String(64)))
    agent_id: str | None = Field(default=None, sa_column=Column(String(64)))
    customer_id: str | None = Field(default=None, sa_column=Column(String(128)))
    priority: str | None = Field(default=None, sa_column=Column(String(32)))
    segment: str | None = Field(default=None, sa_column=Column(String(64)))
    first_response_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    resolved_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    wait_seconds: float | None = None
    abandoned: bool | None = None
    talk_seconds: float | None = None
    hold_seconds: float | None = None
    wrap_seconds: float | None = None
    fcr: str | None = Field(default=None, sa_column=Column(String(8)))
    csat: int | None = None
    nps: int | None = None
    ces: int | None = None
    status: str | None = Field(default=None, sa_column=Column(String(8)))
