"""The committee's record in the database: keyword-only CRUD taking `session=`, and the lifecycle.

draft → in_meeting → closed. Anything may be recorded while a review is a draft or in its
meeting; a closed review is read-only (every write raises `ReviewClosed`). Opening a review copies
the open action items of the review before it (`carried_from`), so last month's actions are
followed up without anyone re-typing them.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlmodel import Session, col

from app.errors import Refused
from app.periods import Month
from app.review.pack import KINDS, ActionView, ReviewKind, ReviewPack, review_period
from app.review.rules import FindingView, closing_problems
from app.review.snapshot import freeze
from app.spec.program import Program
from app.store.review_tables import (
    ActionItem,
    Review,
    ReviewAttendee,
    ReviewDecision,
    ReviewFinding,
)
from app.store.tables import stored_id, utcnow
from app.words import counted

STATUSES: tuple[str, ...] = ("draft", "in_meeting", "closed")
ACTION_STATUSES: tuple[str, ...] = ("open", "done", "dropped")
SERVES_KINDS: tuple[str, ...] = ("goal", "contract", "roadmap")


class ReviewError(Refused):
    """A request the review store refuses; the message is written for the person who made it."""


class ReviewClosed(ReviewError):
    pass


class ClosingRefused(ReviewError):
    def __init__(self, label: str, problems: Sequence[str]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{label} cannot close yet; {counted(len(self.problems), 'item')} not settled:\n"
            + "\n".join(f"  - {p}" for p in self.problems)
        )


def label(review: Review) -> str:
    return (
        f"the {'quarterly' if review.kind == 'quarterly' else 'monthly'} review of {review.period}"
    )


def _text(value: str | None, what: str) -> str:
    if value is None or not value.strip():
        raise ReviewError(f"{what} is required")
    return value.strip()


def _editable(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise ReviewError(f"there is no review with id {review_id}")
    if review.status == "closed":
        raise ReviewClosed(
            f"{label(review)} is closed and read-only; record it in the next review instead"
        )
    return review


def _touch(review: Review) -> None:
    review.updated_at = utcnow()


def get_review(session: Session, *, period: Month, kind: ReviewKind = "monthly") -> Review | None:
    month = review_period(period, kind)
    return (
        session.execute(
            select(Review).where(col(Review.period) == str(month), col(Review.kind) == kind)
        )
        .scalars()
        .first()
    )


def list_reviews(session: Session) -> list[Review]:
    """Newest period first."""
    return list(
        session.execute(
            select(Review).order_by(col(Review.period).desc(), col(Review.id).desc())
        ).scalars()
    )


def previous_review(session: Session, *, review: Review) -> Review | None:
    """The review held before this one: the latest with an earlier period (or the same period, opened earlier)."""
    return (
        session.execute(
            select(Review)
            .where(
                or_(
                    col(Review.period) < review.period,
                    and_(col(Review.period) == review.period, col(Review.id) < stored_id(review)),
                )
            )
            .order_by(col(Review.period).desc(), col(Review.id).desc())
        )
        .scalars()
        .first()
    )


def open_review(
    session: Session, *, period: Month, kind: ReviewKind = "monthly", author: str
) -> tuple[Review, bool]:
    """The draft review for the period, created if needed: (review, created). Carries open actions over."""
    if kind not in KINDS:
        raise ReviewError(f"a review is monthly or quarterly, not {kind!r}")
    existing = get_review(session, period=period, kind=kind)
    if existing is not None:
        return existing, False
    now = utcnow()
    review = Review(
        period=str(review_period(period, kind)),
        kind=kind,
        status="draft",
        created_by=_text(author, "an author"),
        created_at=now,
        updated_at=now,
    )
    session.add(review)
    session.flush()
    before = previous_review(session, review=review)
    if before is not None:
        for item in action_items(session, review_id=stored_id(before)):
            if item.status != "open":
                continue
            session.add(
                ActionItem(
                    review_id=stored_id(review),
                    description=item.description,
                    owner=item.owner,
                    due=item.due,
                    status="open",
                    serves_kind=item.serves_kind,
                    serves_id=item.serves_id,
                    finding_key=None,
                    carried_from=before.id,
                    origin_id=item.origin_id or item.id,
                    recorded_by=item.recorded_by,
                    updated_at=now,
                )
            )
        session.flush()
    return review, True


def start_meeting(session: Session, *, review_id: int) -> Review:
    review = _editable(session, review_id)
    if review.status == "draft":
        review.status = "in_meeting"
        _touch(review)
        session.flush()
    return review


def add_attendee(
    session: Session, *, review_id: int, name: str, role: str | None = None
) -> ReviewAttendee:
    review = _editable(session, review_id)
    attendee = ReviewAttendee(
        review_id=review_id,
        name=_text(name, "an attendee's name"),
        role=role.strip() if role and role.strip() else None,
    )
    session.add(attendee)
    _touch(review)
    session.flush()
    return attendee


def record_finding(
    session: Session,
    *,
    review_id: int,
    key: str,
    author: str,
    root_cause: str | None = None,
    accepted_no_action: bool = False,
    acceptance_reason: str | None = None,
) -> ReviewFinding:
    """Create or replace the finding for one attention item (`key` from the pack)."""
    review = _editable(session, review_id)
    if accepted_no_action and not (acceptance_reason and acceptance_reason.strip()):
        raise ReviewError("accepting an item with no action needs a reason")
    finding = (
        session.execute(
            select(ReviewFinding).where(
                col(ReviewFinding.review_id) == review_id, col(ReviewFinding.key) == key
            )
        )
        .scalars()
        .first()
    )
    if finding is None:
        finding = ReviewFinding(
            review_id=review_id, key=_text(key, "a finding key"), recorded_by=author
        )
        session.add(finding)
    finding.root_cause = root_cause.strip() if root_cause and root_cause.strip() else None
    finding.accepted_no_action = accepted_no_action
    finding.acceptance_reason = (
        acceptance_reason.strip() if accepted_no_action and acceptance_reason else None
    )
    finding.recorded_by = _text(author, "an author")
    _touch(review)
    session.flush()
    return finding


def add_decision(session: Session, *, review_id: int, text: str, author: str) -> ReviewDecision:
    review = _editable(session, review_id)
    decision = ReviewDecision(
        review_id=review_id,
        text=_text(text, "a decision's text"),
        recorded_by=_text(author, "an author"),
        recorded_at=utcnow(),
    )
    session.add(decision)
    _touch(review)
    session.flush()
    return decision


def action_targets(program: Program) -> dict[str, dict[str, str]]:
    """What an action item may serve, by kind (SERVES_KINDS): id → title. A roadmap is served
    through one of its items."""
    return {
        "goal": {goal_id: goal.metadata.title for goal_id, goal in program.goals.items()},
        "contract": {
            contract_id: contract.metadata.title
            for contract_id, contract in program.contracts.items()
        },
        "roadmap": {
            item.id: item.title
            for roadmap in program.roadmaps.values()
            for phase in roadmap.spec.phases
            for item in phase.items
        },
    }


def add_action_item(
    session: Session,
    *,
    review_id: int,
    description: str,
    owner: str,
    due: date,
    author: str,
    targets: Mapping[str, Mapping[str, str]],
    serves_kind: str | None = None,
    serves_id: str | None = None,
    finding_key: str | None = None,
) -> ActionItem:
    """An action item; with `finding_key` it is one of that finding's corrective actions. What it
    serves must be in `targets` (`action_targets` of the program)."""
    review = _editable(session, review_id)
    if serves_kind is not None and serves_kind not in SERVES_KINDS:
        raise ReviewError(f"an action item serves a {', '.join(SERVES_KINDS)}, not {serves_kind!r}")
    if (serves_kind is None) != (serves_id is None or not serves_id.strip()):
        raise ReviewError(
            "say both what kind of thing an action item serves and its id, or neither"
        )
    if serves_kind is not None and serves_id is not None:
        known = targets.get(serves_kind, {})
        if serves_id.strip() not in known:
            close = difflib.get_close_matches(serves_id.strip(), list(known), n=1)
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise ReviewError(f"the program has no {serves_kind} {serves_id.strip()!r}.{hint}")
    item = ActionItem(
        review_id=review_id,
        description=_text(description, "an action item's description"),
        owner=_text(owner, "an action item's owner"),
        due=due,
        status="open",
        serves_kind=serves_kind,
        serves_id=serves_id.strip() if serves_id else None,
        finding_key=finding_key,
        recorded_by=_text(author, "an author"),
        updated_at=utcnow(),
    )
    session.add(item)
    _touch(review)
    session.flush()
    return item


def set_action_status(session: Session, *, action_id: int, status: str) -> ActionItem:
    if status not in ACTION_STATUSES:
        raise ReviewError(f"an action item is {', '.join(ACTION_STATUSES)}, not {status!r}")
    item = session.get(ActionItem, action_id)
    if item is None:
        raise ReviewError(f"there is no action item with id {action_id}")
    review = _editable(session, item.review_id)
    item.status = status
    item.updated_at = utcnow()
    _touch(review)
    session.flush()
    return item


def action_items(session: Session, *, review_id: int) -> list[ActionItem]:
    return list(
        session.execute(
            select(ActionItem)
            .where(col(ActionItem.review_id) == review_id)
            .order_by(col(ActionItem.id))
        ).scalars()
    )


def carried_actions(session: Session, *, review: Review) -> list[ActionView]:
    """The action items carried into this review from earlier ones, with their current status."""
    periods = {r.id: r.period for r in session.execute(select(Review)).scalars()}
    return [
        ActionView(
            id=stored_id(i),
            description=i.description,
            owner=i.owner,
            due=i.due,
            status=i.status,
            serves_kind=i.serves_kind,
            serves_id=i.serves_id,
            from_period=periods.get(i.carried_from),
        )
        for i in action_items(session, review_id=stored_id(review))
        if i.carried_from is not None
    ]


def last_update(session: Session) -> str:
    """When any review last changed (every write touches its review), as text ("" without
    reviews): with the actuals' last change, the cache key of what depends on reviews."""
    moment = session.execute(select(func.max(col(Review.updated_at)))).scalar()
    return moment.isoformat() if moment is not None else ""


@dataclass(frozen=True)
class CorrectiveAction:
    """A corrective action of a finding, with its status now (that of its newest carried copy)."""

    description: str
    owner: str
    due: date
    status: str


@dataclass(frozen=True)
class FindingOnRecord:
    """The newest review's finding for one attention item, with its corrective actions."""

    key: str
    review_period: str
    review_kind: str
    review_status: str
    root_cause: str | None
    accepted_no_action: bool
    acceptance_reason: str | None
    actions: tuple[CorrectiveAction, ...]


LOOKUP_CHUNK = 500
"""Keys per `IN (…)` list: under SQLite's older 999-parameter limit."""


def latest_findings(session: Session, *, keys: Collection[str]) -> dict[str, FindingOnRecord]:
    """For each key (`goal:<id>`, `sla:<contract>/<objective>/<month>`) that a review has a finding
    for, the finding of the newest such review and its corrective actions. An action carried into
    later reviews reports the status of its newest copy (done there means done)."""
    wanted = sorted(set(keys))
    chosen: dict[str, tuple[ReviewFinding, Review]] = {}
    for start in range(0, len(wanted), LOOKUP_CHUNK):
        rows = session.execute(
            select(ReviewFinding, Review)
            .join(Review, col(Review.id) == col(ReviewFinding.review_id))
            .where(col(ReviewFinding.key).in_(wanted[start : start + LOOKUP_CHUNK]))
            .order_by(col(Review.period).desc(), col(Review.id).desc())
        ).all()
        for finding, review in rows:
            chosen.setdefault(finding.key, (finding, review))
    if not chosen:
        return {}
    actions: dict[str, list[ActionItem]] = {}
    for review_id in {stored_id(review) for _, review in chosen.values()}:
        for item in action_items(session, review_id=review_id):
            picked = chosen.get(item.finding_key or "")
            if picked is not None and stored_id(picked[1]) == review_id:
                actions.setdefault(item.finding_key or "", []).append(item)
    origins = [stored_id(item) for items in actions.values() for item in items]
    newest: dict[int, str] = {}
    for start in range(0, len(origins), LOOKUP_CHUNK):
        for copy in session.execute(
            select(ActionItem)
            .where(col(ActionItem.origin_id).in_(origins[start : start + LOOKUP_CHUNK]))
            .order_by(col(ActionItem.id))
        ).scalars():
            newest[copy.origin_id or 0] = copy.status
    return {
        key: FindingOnRecord(
            key=key,
            review_period=review.period,
            review_kind=review.kind,
            review_status=review.status,
            root_cause=finding.root_cause,
            accepted_no_action=finding.accepted_no_action,
            acceptance_reason=finding.acceptance_reason,
            actions=tuple(
                CorrectiveAction(
                    item.description,
                    item.owner,
                    item.due,
                    newest.get(stored_id(item), item.status),
                )
                for item in actions.get(key, [])
            ),
        )
        for key, (finding, review) in chosen.items()
    }


@dataclass(frozen=True)
class ReviewRecord:
    """What people recorded in a review, JSON-ready."""

    review: dict[str, Any]
    attendees: list[dict[str, Any]]
    findings: list[dict[str, Any]]
    decisions: list[dict[str, Any]]
    action_items: list[dict[str, Any]]

    def to_dict(self) -> dict[str, Any]:
        return {
            "review": self.review,
            "attendees": self.attendees,
            "findings": self.findings,
            "decisions": self.decisions,
            "action_items": self.action_items,
        }


def _iso(moment: Any) -> str | None:
    return None if moment is None else moment.isoformat(timespec="seconds")


def review_meta(review: Review) -> dict[str, Any]:
    return {
        "id": review.id,
        "period": review.period,
        "kind": review.kind,
        "status": review.status,
        "created_by": review.created_by,
        "created_at": _iso(review.created_at),
        "closed_by": review.closed_by,
        "closed_at": _iso(review.closed_at),
    }


def record_of(session: Session, *, review: Review) -> ReviewRecord:
    rid = stored_id(review)
    periods = {r.id: r.period for r in session.execute(select(Review)).scalars()}
    attendees = session.execute(
        select(ReviewAttendee)
        .where(col(ReviewAttendee.review_id) == rid)
        .order_by(col(ReviewAttendee.id))
    ).scalars()
    findings = session.execute(
        select(ReviewFinding)
        .where(col(ReviewFinding.review_id) == rid)
        .order_by(col(ReviewFinding.key))
    ).scalars()
    decisions = session.execute(
        select(ReviewDecision)
        .where(col(ReviewDecision.review_id) == rid)
        .order_by(col(ReviewDecision.id))
    ).scalars()
    return ReviewRecord(
        review=review_meta(review),
        attendees=[{"name": a.name, "role": a.role} for a in attendees],
        findings=[
            {
                "key": f.key,
                "root_cause": f.root_cause,
                "accepted_no_action": f.accepted_no_action,
                "acceptance_reason": f.acceptance_reason,
                "recorded_by": f.recorded_by,
            }
            for f in findings
        ],
        decisions=[
            {"text": d.text, "recorded_by": d.recorded_by, "recorded_at": _iso(d.recorded_at)}
            for d in decisions
        ],
        action_items=[
            {
                "id": i.id,
                "description": i.description,
                "owner": i.owner,
                "due": i.due.isoformat(),
                "status": i.status,
                "serves_kind": i.serves_kind,
                "serves_id": i.serves_id,
                "finding_key": i.finding_key,
                "carried_from": periods.get(i.carried_from),
                "recorded_by": i.recorded_by,
            }
            for i in action_items(session, review_id=rid)
        ],
    )


def close_review(session: Session, *, review_id: int, pack: ReviewPack, author: str) -> Review:
    """Close the review, freezing `pack` and the record as its snapshot; refused while items are unsettled."""
    review = _editable(session, review_id)
    if review.status != "in_meeting":
        raise ReviewError(f"{label(review)} is a draft; start its meeting before closing it")
    if str(pack.period) != review.period or pack.kind != review.kind:
        raise ReviewError(
            f"the pack is for the {pack.kind} review of {pack.period}, not {label(review)}"
        )
    findings = {
        f.key: FindingView(f.key, f.root_cause, f.accepted_no_action, f.acceptance_reason)
        for f in session.execute(
            select(ReviewFinding).where(col(ReviewFinding.review_id) == review_id)
        ).scalars()
    }
    counts: dict[str, int] = {}
    for item in action_items(session, review_id=review_id):
        if item.finding_key and item.status != "dropped":
            counts[item.finding_key] = counts.get(item.finding_key, 0) + 1
    problems = closing_problems(pack.required_findings(), findings, counts)
    if problems:
        raise ClosingRefused(label(review), problems)
    review.status = "closed"
    review.closed_by = _text(author, "an author")
    review.closed_at = utcnow()
    _touch(review)
    record = record_of(session, review=review).to_dict()
    review.snapshot = freeze(pack.to_dict(), record)
    session.flush()
    return review
