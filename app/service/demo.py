"""Fill a program's store with the demo year: contacts through the real importer, hand-entered
figures through the append-only actuals, then computed actuals through the KPI engine; then the
committee's record: the review of the month before last, closed (a root cause and two corrective
actions for every item that needed attention, the meeting's decisions), and last month's review
as a draft that carries the open actions on.

Everything goes through the same use cases the CLI and the app call, so the demo exercises them. Running
it twice adds nothing: the importer leaves an identical file unchanged, a manual figure is only
recorded where the series has no value yet (a person's correction is never overwritten), the
KPI engine adds no revision for an unchanged value, and a review that exists is left as it is.
"""

from __future__ import annotations

import csv
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy.engine import Engine

from app.demo import reviews as canned
from app.demo.generate import COLUMNS, DemoPlan, ManualFigure, generate_contacts, manual_figures
from app.evaluate.attainment import month_name
from app.evaluate.checkins import CONFIDENCES, LEVEL
from app.evaluate.money import fmt_money
from app.ingest import builtin_profile
from app.periods import Month
from app.service import reviews
from app.service.actuals import recompute
from app.service.checkins import latest_checkins, record_checkin
from app.service.database import transaction
from app.service.imports import DEFAULT_PROFILE, import_file
from app.service.program import evaluate_at
from app.spec.metric import CONTACT_CALCULATIONS
from app.spec.program import Program, measured_series
from app.store.actuals import append_revision, latest_revision

DEMO_AUTHOR = "cxgov demo"


@dataclass
class DemoSummary:
    first_month: Month
    last_month: Month
    contacts: int
    import_summary: dict[str, Any]
    manual_recorded: int
    manual_kept: int
    computed: dict[str, Any] = field(default_factory=dict)
    checkins: int = 0
    reviews: DemoReviews | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "checkins": self.checkins,
            "first_month": str(self.first_month),
            "last_month": str(self.last_month),
            "contacts": self.contacts,
            "import": self.import_summary,
            "manual_recorded": self.manual_recorded,
            "manual_kept": self.manual_kept,
            "computed": self.computed,
            "reviews": None if self.reviews is None else self.reviews.as_dict(),
        }


@dataclass(frozen=True)
class DemoReviews:
    """The committee's record the demo wrote: the closed review and the draft after it."""

    closed: Month
    closed_created: bool
    findings: int
    actions: int
    decisions: int
    draft: Month
    draft_created: bool
    carried: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "closed": str(self.closed),
            "closed_created": self.closed_created,
            "findings": self.findings,
            "actions": self.actions,
            "decisions": self.decisions,
            "draft": str(self.draft),
            "draft_created": self.draft_created,
            "carried": self.carried,
        }


def plan_for(program: Program, *, as_of: date, seed: int, months: int) -> DemoPlan:
    """A demo plan in the program's timezone that also covers every scope value the program uses."""
    extra: dict[str, set[str]] = {}
    for _metric, scope in measured_series(program):
        for dimension, values in scope.filters().items():
            extra.setdefault(dimension, set()).update(values)
    return DemoPlan(
        as_of=as_of,
        months=months,
        seed=seed,
        timezone=program.timezone,
        extra_values={dimension: tuple(sorted(values)) for dimension, values in extra.items()},
    )


def manual_series(program: Program) -> list[tuple[str, str, str, str]]:
    """(metric, scope key, calculation, unit) of every measured series that is entered by hand."""
    out: list[tuple[str, str, str, str]] = []
    for metric_id, scope in measured_series(program):
        metric = program.metrics[metric_id]
        if metric.spec.calculation.type not in CONTACT_CALCULATIONS:
            out.append((metric_id, scope.key(), metric.spec.calculation.type, metric.spec.unit))
    return out


def write_csv(rows: Any, path: Path) -> int:
    count = 0
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(COLUMNS))
        writer.writeheader()
        for row in rows:
            writer.writerow(row)
            count += 1
    return count


def seed_demo(
    engine: Engine,
    program: Program,
    *,
    as_of: date,
    seed: int = 7,
    months: int = 12,
    author: str = DEMO_AUTHOR,
    progress: Callable[[int], None] | None = None,
) -> DemoSummary:
    plan = plan_for(program, as_of=as_of, seed=seed, months=months)
    window = plan.window()
    with tempfile.TemporaryDirectory(prefix="cxgov-demo-") as folder:
        path = Path(folder) / f"demo-contacts-seed{seed}-{window[0]}-{as_of.isoformat()}.csv"
        count = write_csv(generate_contacts(plan), path)
        imported = import_file(
            engine,
            program,
            path,
            mapping=builtin_profile(DEFAULT_PROFILE),
            author=author,
            compute=False,
            progress=progress,
        )
    recorded, kept = record_manual_figures(
        engine, manual_figures(plan, manual_series(program)), author=author
    )
    computed = recompute(engine, program, first=window[0], last=window[-1], author=author)
    assert computed is not None  # both months given: always computed
    return DemoSummary(
        window[0],
        window[-1],
        count,
        imported.summary.as_dict(),
        recorded,
        kept,
        computed.summary.as_dict(),
        seed_checkins(engine, program, as_of=as_of),
        seed_reviews(engine, program, as_of=as_of, author=author),
    )


DEMO_CHECKINS: dict[str, tuple[str, str | None, str | None]] = {
    "on_track": (
        "Numbers moved as planned this fortnight; the team keeps the current routine.",
        None,
        "Review the weekly figures with the team leads",
    ),
    "at_risk": (
        "Slower than planned: two agents left the chat queue and the new ones are still shadowing.",
        "Hiring for two open seats is not approved yet.",
        "Ask the committee to approve the two seats",
    ),
    "off_track": (
        "Behind plan for a second month; the root cause is the routing change in the phone queue.",
        "Telephony vendor has not fixed the routing bug.",
        "Escalate the routing bug to the vendor's account manager",
    ),
}
"""What a demo owner writes at each confidence: comment, blockers, next step."""


def seed_checkins(engine: Engine, program: Program, *, as_of: date) -> int:
    """Two check-ins per active goal by its owner (20 and 6 days before `as_of`), when the store
    has none yet: one owner is more confident than the numbers (shown as a contradiction), one
    has not checked in for a month (shown as missing). Returns how many were recorded."""
    if latest_checkins(engine):
        return 0
    evaluation = evaluate_at(engine, program, as_of)
    optimist = next((g.goal_id for g in evaluation.goals if g.needs_attention), None)
    recorded = 0
    for index, goal in enumerate(evaluation.goals):
        said = CONFIDENCES[LEVEL.get(goal.status, 2) - 1]
        if goal.goal_id == optimist:
            said = "on_track"
        days = (34,) if index == 2 else (20, 6)
        for ago in days:
            comment, blockers, step = DEMO_CHECKINS[said]
            moment = datetime.combine(as_of - timedelta(days=ago), time(9, 30), tzinfo=UTC)
            record_checkin(
                engine,
                program,
                goal_id=goal.goal_id,
                confidence=said,
                comment=comment,
                blockers=blockers,
                next_step=step,
                next_step_due=as_of + timedelta(days=14 - ago % 7),
                author=goal.owner or DEMO_AUTHOR,
                recorded_at=moment,
            )
            recorded += 1
    return recorded


def seed_reviews(engine: Engine, program: Program, *, as_of: date, author: str) -> DemoReviews:
    """Close the review of the month before last with the demo committee's findings, actions and
    decisions, and open last month's as a draft (its last carried action marked done early, so
    the draft shows progress as well as what is overdue). An existing review is left as it is."""
    period = Month.of(as_of).shift(-2)
    opened = reviews.open_review(engine, period=period, author=author)
    findings = actions = decided = 0
    if opened.created:
        findings, actions, decided = _hold_meeting(engine, program, opened.review, author=author)
    draft = reviews.open_review(engine, period=period.shift(1), author=author)
    if draft.created:
        carried = reviews.action_items(engine, review_id=draft.review.id or 0)
        if carried:  # the last one, due at the end of this month, done early; the first overdue
            reviews.set_action_status(engine, action_id=carried[-1].id or 0, status="done")
    return DemoReviews(
        period,
        opened.created,
        findings,
        actions,
        decided,
        period.shift(1),
        draft.created,
        draft.carried,
    )


def _hold_meeting(
    engine: Engine, program: Program, review: Any, *, author: str
) -> tuple[int, int, int]:
    """The demo committee's meeting on `review`: attendees, a finding and two corrective actions
    for every item the pack needs settled, decisions; then the review is closed. (findings,
    actions, decisions)."""
    review_id = review.id or 0
    period = Month.parse(review.period)
    reviews.start_meeting(engine, review_id=review_id)
    for name, role in canned.ATTENDEES:
        reviews.add_attendee(engine, review_id=review_id, name=name, role=role)
    pack = reviews.review_document(engine, program, review_id=review_id)["pack"]
    items: list[tuple[str, str | None, str, str, str]] = [
        (a["key"], a["goal"]["metric"], a["goal"]["owner"] or author, "goal", a["goal"]["goal_id"])
        for a in pack["attention"]
    ]
    for miss in pack["sla_misses"]:
        contract = program.contracts.get(miss["contract_id"])
        owner = (contract.metadata.owner if contract else None) or author
        items.append((miss["key"], miss["metric"], owner, "contract", miss["contract_id"]))
    dues = canned.action_dues(period)
    for key, metric, owner, kind, subject in items:
        found = canned.finding_for(metric)
        reviews.record_finding(
            engine, review_id=review_id, key=key, author=author, root_cause=found.root_cause
        )
        for text, due in zip(found.actions, dues):
            reviews.add_action_item(
                engine,
                program,
                review_id=review_id,
                description=text,
                owner=owner,
                due=due,
                author=author,
                serves_kind=kind,
                serves_id=subject,
                finding_key=key,
            )
    top = pack["attention"][0]["goal"]["title"] if pack["attention"] else None
    credits = [
        f"{fmt_money(Decimal(str(c['amount'])), c['currency'])} credit owed to {c['counterparty']} for "
        f"{month_name(Month.parse(c['period']))}"
        for c in pack["credits"]
        if c["earn_back"] != "waived"
    ]
    texts = canned.decisions(period, len(items), top, credits)
    for text in texts:
        reviews.add_decision(engine, review_id=review_id, text=text, author=author)
    reviews.close_review(engine, program, review_id=review_id, author=author)
    return len(items), 2 * len(items), len(texts)


def record_manual_figures(
    engine: Engine, figures: list[ManualFigure], *, author: str
) -> tuple[int, int]:
    """Record each figure whose series has no value yet for its month; (recorded, kept as they were).

    The demo's own figures, not a person's: they skip the checks of `record_actual` and never
    become corrections."""
    recorded = kept = 0
    with transaction(engine) as session:
        for figure in figures:
            if latest_revision(
                session, metric=figure.metric, scope_key=figure.scope_key, period=figure.period
            ):
                kept += 1
                continue
            append_revision(
                session,
                metric=figure.metric,
                scope_key=figure.scope_key,
                period=figure.period,
                value=figure.value,
                numerator=figure.numerator,
                denominator=figure.denominator,
                source="manual",
                author=author,
            )
            recorded += 1
    return recorded, kept
