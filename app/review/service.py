"""Reviews against the store: evaluate the program for a review, read it, close it (the I/O edge).

A review's numbers come from `evaluate_program` over the latest actuals, as of the first day
after its period. A closed review is read from its frozen snapshot; the only live part is the
list of figures corrected since ("revised since this review: was X, now Y").
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlmodel import Session

from app.evaluate import ActualsIndex, evaluate_program
from app.periods import Month
from app.review.pack import ReviewPack, build_pack, previous_review_as_of, review_as_of
from app.review.rules import revisions_since
from app.review.store import carried_actions, close_review, record_of, review_meta, snapshot_of
from app.review.tables import Review
from app.spec.program import Program
from app.store.actuals import latest_actuals


def actuals_index(session: Session, *, metrics: Iterable[str] | None = None) -> ActualsIndex:
    return ActualsIndex.from_rows(
        latest_actuals(session, metrics=None if metrics is None else sorted(set(metrics)))
    )


def pack_for(session: Session, *, program: Program, review: Review) -> ReviewPack:
    """The review's pack from the current actuals (a QBR is also evaluated at the previous quarter's end)."""
    period, kind = Month.parse(review.period), review.kind
    actuals = actuals_index(session, metrics=program.metrics)
    evaluation = evaluate_program(program, actuals, as_of=review_as_of(period, kind))  # type: ignore[arg-type]
    previous = (
        evaluate_program(program, actuals, as_of=previous_review_as_of(period, kind))  # type: ignore[arg-type]
        if kind == "quarterly"
        else None
    )
    return build_pack(
        evaluation,
        period=period,
        kind=kind,  # type: ignore[arg-type]
        previous_open_actions=carried_actions(session, review=review),
        previous_evaluation=previous,
    )


def review_document(session: Session, *, program: Program, review: Review) -> dict[str, Any]:
    """The review as shown and exported: {review, pack, record, revisions, frozen}.

    Closed: the snapshot exactly as frozen, plus the figures corrected since. Open: the live pack.
    """
    snapshot = snapshot_of(review)
    if snapshot is not None:
        figures = snapshot["pack"]["figures"]
        current = actuals_index(session, metrics=[f["metric"] for f in figures])
        revisions = [
            {**r.to_dict(), "message": r.message()} for r in revisions_since(figures, current)
        ]
        return {
            "review": review_meta(review),
            "pack": snapshot["pack"],
            "record": snapshot["record"],
            "revisions": revisions,
            "frozen": True,
        }
    pack = pack_for(session, program=program, review=review)
    return {
        "review": review_meta(review),
        "pack": pack.to_dict(),
        "record": record_of(session, review=review).to_dict(),
        "revisions": [],
        "frozen": False,
    }


def close(session: Session, *, program: Program, review: Review, author: str) -> Review:
    """Close `review` with a pack built now (refused, naming what is missing, while items are unsettled)."""
    return close_review(
        session,
        review_id=review.id,
        pack=pack_for(session, program=program, review=review),  # type: ignore[arg-type]
        author=author,
    )
