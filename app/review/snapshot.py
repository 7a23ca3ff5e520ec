"""The frozen review: a versioned format, checked when a review closes and migrated when read.

A closed review keeps the pack and the record exactly as the committee saw them. The pack is
built from `app.evaluate`'s results, whose field names may change; the snapshot must not change
with them. So the snapshot's shape is declared here, apart from the dataclasses it is built from:

- closing validates the pack against `ReviewSnapshot` (a renamed field in `evaluate` fails the
  close in the tests, not an old review at the committee's next meeting);
- every stored snapshot carries `version`; reading one applies the migrations from its version
  to `SNAPSHOT_VERSION` in order, and then validates it;
- tests/review/snapshots/ holds a snapshot written by every earlier version, and a test reads
  and renders each.

Models allow extra fields, so what a newer pack adds is kept, never dropped on freezing.
Money stays as text ("2000.00"): a snapshot is read back to the cent.

Versions:
1. `{"pack", "record"}` with no version field (written until December 2026).
2. adds `version` and `frozen_by` (the cxgov version that froze it).
3. "owed" no longer counts provisional credits: `headline.exposure.owed` and
   `headline.credits_owed` are the due credits only, `headline.credits_provisional` holds the
   rest; the exposure adds `issued`, `not_issued` and `adjustments`, each credit its
   `provisional` part and `invoicing`, and the pack an `invoicing` list (the credit ledger). A
   snapshot of an earlier version is migrated exactly (its provisional credits are known); the
   ledger did not exist then, so its invoicing fields stay absent.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from app.errors import CxgovError

SNAPSHOT_VERSION = 3


class _Part(BaseModel):
    model_config = ConfigDict(extra="allow", frozen=True)


class GoalRow(_Part):
    goal_id: str
    title: str
    pillar: str
    owner: str | None
    status: str
    previous_status: str | None
    metric: str | None
    scope_key: str
    unit: str | None
    judged_period: str | None
    actual: float | None
    planned: float | None
    target: float | None
    explanation: str


class TrendPoint(_Part):
    period: str
    planned: float | None
    actual: float | None


class CheckinQuote(_Part):
    confidence: str
    comment: str
    blockers: str | None
    next_step: str | None
    next_step_due: str | None
    author: str
    recorded_on: str
    agreement: str
    note: str


class MissingCheckin(_Part):
    goal_id: str
    title: str
    owner: str | None
    status: str
    last_checkin: str | None
    since: str


class AttentionGoal(_Part):
    key: str
    goal: GoalRow
    trend: list[TrendPoint]
    direction: str
    history: list[TrendPoint]
    forecast_at: str | None
    forecast_value: float | None
    latest_checkin: CheckinQuote | None = None
    """Since version 2's check-ins: absent from packs frozen before, read as None."""


class SlaMiss(_Part):
    key: str
    contract_id: str
    counterparty: str
    objective_id: str
    title: str
    metric: str
    scope_key: str
    period: str
    value: float | None
    target: float
    better: str
    outcome: str
    consecutive_misses: int
    credit: str
    currency: str
    explanation: str


class CreditDue(_Part):
    contract_id: str
    counterparty: str
    period: str
    amount: str
    currency: str
    earn_back: str
    explanation: str


class StaleItem(_Part):
    kind: str
    subject: str
    title: str
    explanation: str


class ActionFollowUp(_Part):
    id: int
    description: str
    owner: str
    due: str
    status: str
    serves: str | None
    from_period: str | None


class Figure(_Part):
    metric: str
    scope_key: str
    period: str
    value: float | None


class Transition(_Part):
    goal_id: str
    title: str
    pillar: str
    previous: str
    current: str
    worse: bool


class Exposure(_Part):
    currency: str
    owed: str
    provisional: str
    at_risk: str
    projected: str
    total: str


class RoadmapItem(_Part):
    item_id: str
    title: str
    status: str
    explanation: str


class RoadmapPhase(_Part):
    phase_id: str
    title: str


class Headline(_Part):
    goals_total: int
    goals_by_status: dict[str, int]
    changes: list[Transition]
    credits_owed: str
    credits_provisional: str
    currency: str
    exposure: Exposure
    roadmap_slipping: list[RoadmapItem]
    roadmap_phases: list[RoadmapPhase]


class Pack(_Part):
    program: str
    kind: str
    period: str
    months: list[str]
    as_of: str
    headline: Headline
    goals: list[GoalRow]
    attention: list[AttentionGoal]
    sla_misses: list[SlaMiss]
    credits: list[CreditDue]
    stale: list[StaleItem]
    actions: list[ActionFollowUp]
    figures: list[Figure]
    checkins_missing: list[MissingCheckin] = Field(default_factory=list)
    checkins_since: str | None = None


class ReviewMeta(_Part):
    id: int | None
    period: str
    kind: str
    status: str
    created_by: str
    closed_by: str | None


class Attendee(_Part):
    name: str
    role: str | None


class Finding(_Part):
    key: str
    root_cause: str | None
    accepted_no_action: bool
    acceptance_reason: str | None
    recorded_by: str


class Decision(_Part):
    text: str
    recorded_by: str


class ActionItem(_Part):
    id: int | None
    description: str
    owner: str
    due: str
    status: str
    serves_kind: str | None
    serves_id: str | None
    finding_key: str | None
    carried_from: str | None


class Record(_Part):
    review: ReviewMeta
    attendees: list[Attendee]
    findings: list[Finding]
    decisions: list[Decision]
    action_items: list[ActionItem]


class ReviewSnapshot(_Part):
    version: int = Field(
        description="The snapshot format's version (SNAPSHOT_VERSION when written)."
    )
    frozen_by: str = Field(description="The cxgov version that froze the review.")
    pack: Pack
    record: Record


class SnapshotUnreadable(CxgovError):
    """A stored snapshot that no migration can read: a bug or a hand-edited database."""


def _v1_to_v2(data: dict[str, Any]) -> dict[str, Any]:
    return {**data, "version": 2, "frozen_by": "0.1.0"}


def _v2_to_v3(data: dict[str, Any]) -> dict[str, Any]:
    """Owed counted provisional credits up to version 2: take them out, and name them."""
    pack = data["pack"]
    head = pack["headline"]
    currency = head["currency"]
    held = sum(
        (
            Decimal(c["amount"])
            for c in pack["credits"]
            if c["earn_back"] == "provisional" and c["currency"] == currency
        ),
        Decimal("0.00"),
    )
    exposure = head["exposure"]
    owed = Decimal(exposure["owed"]) - Decimal(exposure["provisional"])
    head = {
        **head,
        "credits_owed": str(Decimal(head["credits_owed"]) - held),
        "credits_provisional": str(held),
        "exposure": {**exposure, "owed": str(owed)},
    }
    return {**data, "version": 3, "pack": {**pack, "headline": head}}


MIGRATIONS: dict[int, Callable[[dict[str, Any]], dict[str, Any]]] = {1: _v1_to_v2, 2: _v2_to_v3}
"""version → the function that turns a snapshot of that version into the next one."""


def _cxgov_version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("cxgov")
    except PackageNotFoundError:
        return "unknown"


def freeze(pack: dict[str, Any], record: dict[str, Any]) -> str:
    """The snapshot text of a review closing now, checked against the current format."""
    snapshot = ReviewSnapshot.model_validate(
        {"version": SNAPSHOT_VERSION, "frozen_by": _cxgov_version(), "pack": pack, "record": record}
    )
    return json.dumps(snapshot.model_dump(mode="json"), sort_keys=True)


def read_snapshot(text: str) -> ReviewSnapshot:
    """A stored snapshot of any version, migrated to the current format."""
    try:
        data = json.loads(text)
        version = int(data.get("version", 1))
        while version < SNAPSHOT_VERSION:
            data = MIGRATIONS[version](data)
            version = int(data["version"])
        if version > SNAPSHOT_VERSION:
            raise SnapshotUnreadable(
                f"this review was frozen by a newer cxgov (snapshot format {version}; this one "
                f"reads up to {SNAPSHOT_VERSION}): upgrade cxgov to read it"
            )
        return ReviewSnapshot.model_validate(data)
    except (ValueError, KeyError, TypeError, ValidationError) as exc:
        raise SnapshotUnreadable(f"a closed review's snapshot cannot be read: {exc}") from None
