"""The committee's review: prepare, record the meeting, close, show and export.

A review's numbers come from `evaluate_program` over the latest actuals, as of the first day
after its period. A closed review is read from its frozen snapshot (`app.review.snapshot`); the
only live part is the list of figures corrected since ("revised since this review: was X, now
Y"). Each function is one transaction; the store's rules (`app.review.store`) refuse what the
lifecycle does not allow, with a message for the person who asked.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.errors import NotFound, UsageError
from app.evaluate import evaluate_program
from app.periods import Month
from app.review import store
from app.review.pack import (
    ReviewKind,
    ReviewPack,
    build_pack,
    previous_review_as_of,
    review_as_of,
    review_kind,
)
from app.review.rules import revisions_since
from app.review.snapshot import read_snapshot
from app.review.store import ACTION_STATUSES as ACTION_STATUSES
from app.review.store import SERVES_KINDS as SERVES_KINDS
from app.review.store import ClosingRefused as ClosingRefused
from app.service.checkins import checkins_in
from app.service.database import transaction
from app.service.program import actuals_in, issued_in, repair_owed
from app.spec.program import Program
from app.store.review_tables import ActionItem, Review
from app.store.tables import stored_id

T = TypeVar("T")


def _write(engine: Engine, action: Callable[[Session], T]) -> T:
    with transaction(engine) as session:
        return action(session)


def _kind(kind: str) -> ReviewKind:
    try:
        return review_kind(kind)
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def _find(session: Session, period: Month, kind: str) -> Review:
    review = store.get_review(session, period=period, kind=_kind(kind))
    if review is None:
        option = " --quarter" if kind == "quarterly" else ""
        raise NotFound(
            f"there is no {kind} review for {period}; create it with "
            f"`cxgov review open --period {period}{option}`"
        )
    return review


def _get(session: Session, review_id: int) -> Review:
    review = session.get(Review, review_id)
    if review is None:
        raise NotFound(f"there is no review with id {review_id}")
    return review


def find_review(engine: Engine, *, period: Month, kind: str = "monthly") -> Review:
    with transaction(engine, "read") as session:
        return _find(session, period, kind)


def list_reviews(engine: Engine) -> list[Review]:
    """Every review, newest period first."""
    with transaction(engine, "read") as session:
        return store.list_reviews(session)


def label(review: Review) -> str:
    """How a review is named in messages: "the monthly review of 2026-10"."""
    return store.label(review)


@dataclass(frozen=True)
class OpenedReview:
    review: Review
    created: bool
    carried: int
    """Open action items carried over from the review before."""

    @property
    def label(self) -> str:
        return label(self.review)


def open_review(
    engine: Engine, *, period: Month, kind: str = "monthly", author: str
) -> OpenedReview:
    """The draft review for a period, created if needed (idempotent); open items carry over."""

    def run(session: Session) -> OpenedReview:
        review, created = store.open_review(session, period=period, kind=_kind(kind), author=author)
        carried = sum(
            1
            for item in store.action_items(session, review_id=stored_id(review))
            if item.carried_from is not None
        )
        return OpenedReview(review, created, carried)

    return _write(engine, run)


def start_meeting(engine: Engine, *, review_id: int) -> Review:
    return _write(engine, lambda s: store.start_meeting(s, review_id=review_id))


def add_attendee(engine: Engine, *, review_id: int, name: str, role: str | None = None) -> None:
    _write(engine, lambda s: store.add_attendee(s, review_id=review_id, name=name, role=role))


def add_decision(engine: Engine, *, review_id: int, text: str, author: str) -> None:
    _write(engine, lambda s: store.add_decision(s, review_id=review_id, text=text, author=author))


def record_finding(
    engine: Engine,
    *,
    review_id: int,
    key: str,
    author: str,
    root_cause: str | None = None,
    accepted_no_action: bool = False,
    acceptance_reason: str | None = None,
) -> None:
    """The root cause of one attention item (or its acceptance with no action, and why)."""
    _write(
        engine,
        lambda s: store.record_finding(
            s,
            review_id=review_id,
            key=key,
            author=author,
            root_cause=root_cause,
            accepted_no_action=accepted_no_action,
            acceptance_reason=acceptance_reason,
        ),
    )


def add_action_item(
    engine: Engine,
    program: Program,
    *,
    review_id: int,
    description: str,
    owner: str,
    due: date,
    author: str,
    serves_kind: str | None = None,
    serves_id: str | None = None,
    finding_key: str | None = None,
) -> None:
    """An action item; what it serves must be a goal, contract or roadmap item of `program`."""
    targets = store.action_targets(program)
    _write(
        engine,
        lambda s: store.add_action_item(
            s,
            review_id=review_id,
            description=description,
            owner=owner,
            due=due,
            author=author,
            targets=targets,
            serves_kind=serves_kind,
            serves_id=serves_id,
            finding_key=finding_key,
        ),
    )


def set_action_status(engine: Engine, *, action_id: int, status: str) -> None:
    _write(engine, lambda s: store.set_action_status(s, action_id=action_id, status=status))


def action_items(engine: Engine, *, review_id: int) -> list[ActionItem]:
    with transaction(engine, "read") as session:
        return store.action_items(session, review_id=review_id)


def action_targets(program: Program) -> dict[str, dict[str, str]]:
    """What an action item may serve, by kind: id → title."""
    return store.action_targets(program)


def pack_for(session: Session, *, program: Program, review: Review) -> ReviewPack:
    """The review's pack from the current actuals (a QBR is also evaluated at the previous
    quarter's end, to say what changed over the quarter)."""
    period, kind = Month.parse(review.period), review_kind(review.kind)
    actuals = actuals_in(session, metrics=program.metrics)
    issued = issued_in(session)
    evaluation = evaluate_program(program, actuals, as_of=review_as_of(period, kind), issued=issued)
    previous = (
        evaluate_program(program, actuals, as_of=previous_review_as_of(period, kind), issued=issued)
        if kind == "quarterly"
        else None
    )
    return build_pack(
        evaluation,
        period=period,
        kind=kind,
        previous_open_actions=store.carried_actions(session, review=review),
        previous_evaluation=previous,
        checkins=checkins_in(session),
        cadences={goal_id: program.checkin_cadence(goal_id) for goal_id in program.goals},
        timezone=program.timezone,
    )


def required_findings(engine: Engine, program: Program, *, review_id: int) -> dict[str, str]:
    """Finding key → its title: every item the committee must explain before closing."""
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        return pack_for(
            session, program=program, review=_get(session, review_id)
        ).required_finding_titles()


def document_of(session: Session, *, program: Program, review: Review) -> dict[str, Any]:
    """`review_document` inside the caller's transaction."""
    snapshot = read_snapshot(review.snapshot) if review.snapshot is not None else None
    if snapshot is not None:
        frozen = snapshot.model_dump(mode="json")
        figures = frozen["pack"]["figures"]
        current = actuals_in(session, metrics=[f["metric"] for f in figures])
        revisions = [
            {**r.to_dict(), "message": r.message()} for r in revisions_since(figures, current)
        ]
        return {
            "review": store.review_meta(review),
            "pack": frozen["pack"],
            "record": frozen["record"],
            "revisions": revisions,
            "frozen": True,
        }
    return {
        "review": store.review_meta(review),
        "pack": pack_for(session, program=program, review=review).to_dict(),
        "record": store.record_of(session, review=review).to_dict(),
        "revisions": [],
        "frozen": False,
    }


def review_document(engine: Engine, program: Program, *, review_id: int) -> dict[str, Any]:
    """The review as shown and exported: {review, pack, record, revisions, frozen}.

    Closed: the snapshot as frozen (migrated to the current format), plus the figures corrected
    since. Open: the live pack."""
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        return document_of(session, program=program, review=_get(session, review_id))


def document_for(
    engine: Engine, program: Program, *, period: Month, kind: str = "monthly"
) -> dict[str, Any]:
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        return document_of(session, program=program, review=_find(session, period, kind))


def close_review(engine: Engine, program: Program, *, review_id: int, author: str) -> Review:
    """Close the review with a pack built now and freeze it; refused (`ClosingRefused`, naming
    what is missing) while an item lacks a root cause or corrective actions."""
    repair_owed(engine, program)
    return _write(
        engine, lambda s: close(s, program=program, review=_get(s, review_id), author=author)
    )


def close(session: Session, *, program: Program, review: Review, author: str) -> Review:
    """`close_review` inside the caller's transaction."""
    return store.close_review(
        session,
        review_id=stored_id(review),
        pack=pack_for(session, program=program, review=review),
        author=author,
    )


def export_review(document: Mapping[str, Any], fmt: str) -> bytes:
    """The review as Markdown, self-contained HTML or a PDF handout."""
    from app.review.export import FORMATS, export

    if fmt not in FORMATS:
        raise UsageError(f"export format is one of {', '.join(FORMATS)}, not {fmt!r}")
    return export(document, fmt)
