"""Review tables: the human part of a steering-committee review, stored beside the actuals.

A review is one period's meeting (a month, or a quarter for a QBR). What people record —
attendees, findings (root cause per off-track goal or SLA miss), decisions, action items — lives
here; the numbers come from `evaluate` and are frozen as JSON in `Review.snapshot` when it closes.
Corrective actions are action items tied to a finding (`finding_key`).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Column, Index, String, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from app.store.tables import UTCDateTime


class Review(SQLModel, table=True):
    __tablename__ = "reviews"
    __table_args__ = (UniqueConstraint("period", "kind", name="uq_reviews_period_kind"),)

    id: int | None = Field(default=None, primary_key=True)
    period: str = Field(
        sa_column=Column(String(7), nullable=False), description="YYYY-MM; a quarter's last month"
    )
    kind: str = Field(
        sa_column=Column(String(16), nullable=False), description="monthly / quarterly"
    )
    status: str = Field(
        sa_column=Column(String(16), nullable=False), description="draft / in_meeting / closed"
    )
    created_by: str = Field(sa_column=Column(String(128), nullable=False))
    created_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
    closed_by: str | None = Field(default=None, sa_column=Column(String(128)))
    closed_at: datetime | None = Field(default=None, sa_column=Column(UTCDateTime))
    snapshot: str | None = Field(
        default=None, sa_column=Column(Text), description="frozen JSON, set on close"
    )


class ReviewAttendee(SQLModel, table=True):
    __tablename__ = "review_attendees"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="reviews.id", index=True)
    name: str = Field(sa_column=Column(String(128), nullable=False))
    role: str | None = Field(default=None, sa_column=Column(String(128)))


class ReviewFinding(SQLModel, table=True):
    """The committee's reading of one item that needs attention: its root cause, or why no action."""

    __tablename__ = "review_findings"
    __table_args__ = (UniqueConstraint("review_id", "key", name="uq_review_findings_key"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="reviews.id", index=True)
    key: str = Field(
        sa_column=Column(String(256), nullable=False),
        description="goal:<id> or sla:<contract>/<objective>/<month>",
    )
    root_cause: str | None = Field(default=None, sa_column=Column(Text))
    accepted_no_action: bool = False
    acceptance_reason: str | None = Field(default=None, sa_column=Column(Text))
    recorded_by: str = Field(sa_column=Column(String(128), nullable=False))


class ReviewDecision(SQLModel, table=True):
    __tablename__ = "review_decisions"

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="reviews.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    recorded_by: str = Field(sa_column=Column(String(128), nullable=False))
    recorded_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))


class ActionItem(SQLModel, table=True):
    """A follow-up with an owner and a due date. Open items are copied into the next review when it
    is opened (`carried_from` = the review they came from, `origin_id` = the first item of the chain)."""

    __tablename__ = "review_action_items"
    __table_args__ = (Index("ix_review_action_items_review", "review_id"),)

    id: int | None = Field(default=None, primary_key=True)
    review_id: int = Field(foreign_key="reviews.id")
    description: str = Field(sa_column=Column(Text, nullable=False))
    owner: str = Field(sa_column=Column(String(128), nullable=False))
    due: date
    status: str = Field(
        sa_column=Column(String(16), nullable=False), description="open / done / dropped"
    )
    serves_kind: str | None = Field(
        default=None, sa_column=Column(String(16)), description="goal / contract / roadmap"
    )
    serves_id: str | None = Field(default=None, sa_column=Column(String(128)))
    finding_key: str | None = Field(
        default=None,
        sa_column=Column(String(256)),
        description="set for a corrective action of a finding",
    )
    carried_from: int | None = Field(default=None, foreign_key="reviews.id")
    origin_id: int | None = Field(default=None)
    recorded_by: str = Field(sa_column=Column(String(128), nullable=False))
    updated_at: datetime = Field(sa_column=Column(UTCDateTime, nullable=False))
