"""Tables for between meetings: owners' check-ins (append-only) and what `cxgov notify` sent.

`checkins`: one row per check-in, never updated — a newer one supersedes it, the history stays.

`notify_deliveries`: one row per (event, channel, recipient), unique, so an event reaches a
recipient at most once however many runs overlap. Its `status` moves pending → sending → sent
(or failed); `notify_runs` records each run of `cxgov notify`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Date, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.tables import UTCDateTime


class CheckinRow(SQLModel, table=True):
    __tablename__ = "checkins"
    __table_args__ = (Index("ix_checkins_goal_recorded", "goal_id", "recorded_at"),)

    id: int | None = Field(default=None, primary_key=True)
    goal_id: str = Field(sa_column=Column(String(64), nullable=False))
    confidence: str = Field(
        sa_column=Column(String(16), nullable=False), description="on_track / at_risk / off_track"
    )
    comment: str = Field(sa_column=Column(Text, nullable=False))
    blockers: str | None = Field(default=None, sa_column=Column(Text))
    next_step: str | None = Field(default=None, sa_column=Column(Text))
    next_step_due: date | None = Field(default=None, sa_column=Column(Date))
    author: str = Field(sa_column=Column(String(128), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    status_then: str | None = Field(
        default=None,
        sa_column=Column(String(16)),
        description="the goal's computed status when the check-in was recorded",
    )


class NotifyRun(SQLModel, table=True):
    __tablename__ = "notify_runs"

    id: str = Field(sa_column=Column(String(36), primary_key=True))
    as_of: date = Field(sa_column=Column(Date, nullable=False))
    started_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    finished_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    status: str = Field(
        sa_column=Column(String(16), nullable=False), description="running / done / failed"
    )
    events: int = 0
    sent: int = 0
    failed: int = 0


class NotifyDelivery(SQLModel, table=True):
    __tablename__ = "notify_deliveries"
    __table_args__ = (
        UniqueConstraint("event_key", "channel", "recipient", name="uq_notify_delivery"),
        Index("ix_notify_deliveries_run", "run_id"),
    )

    id: int | None = Field(default=None, primary_key=True)
    event_key: str = Field(sa_column=Column(String(255), nullable=False))
    kind: str = Field(sa_column=Column(String(32), nullable=False))
    channel: str = Field(sa_column=Column(String(64), nullable=False))
    recipient: str = Field(sa_column=Column(String(255), nullable=False))
    status: str = Field(
        sa_column=Column(String(16), nullable=False),
        description="pending / sending / sent / failed",
    )
    run_id: str = Field(sa_column=Column(String(36), nullable=False))
    claimed_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    attempted_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    sent_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    error: str | None = Field(default=None, sa_column=Column(Text))
