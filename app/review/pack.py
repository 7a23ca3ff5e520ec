"""The automatic part of a review, built from the evaluation (pure: no database, no clock).

A review covers a *period*: one month (monthly review) or a quarter (QBR), named by its last
month. It is evaluated as of the first day after that period (`review_as_of`), so every month it
covers has closed and nothing later counts. For a QBR:

- a goal's status is its status at the quarter's last month (the evaluation as of the quarter's
  end), its trend runs over the quarter's three months;
- credits are summed over the three months; SLA misses are listed for each of them;
- the credits owed and not yet on an invoice (and adjustments of issued credits that changed since)
  are listed whatever their month, as the credit ledger stands at the review's date;
- "what changed" compares with the previous quarter's end (the caller passes that evaluation),
  where a monthly review compares with the month before (the evaluation's own previous status).

`ReviewPack.to_dict()` is the snapshot format frozen when a review closes.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from app.evaluate import (
    ExposureSummary,
    GoalEvaluation,
    ItemStatus,
    PhaseStatus,
    ProgramEvaluation,
    Transition,
)
from app.evaluate.checkins import Checkin, agreement, agreement_text, asks_for_checkins
from app.evaluate.goals import SEVERITY
from app.evaluate.serialize import JsonReady
from app.periods import Month

ReviewKind = Literal["monthly", "quarterly"]
KINDS: tuple[str, ...] = ("monthly", "quarterly")
STALE_STATUSES: tuple[str, ...] = ("no_data",)
TREND_MONTHS = 3
ZERO = Decimal("0.00")


def quarter_end(month: Month) -> Month:
    return Month(month.year, month.quarter * 3)


def review_kind(text: str) -> ReviewKind:
    """The kind a stored or typed review names; a ValueError for anything else."""
    match text:
        case "monthly" | "quarterly":
            return text
    raise ValueError(f"a review is monthly or quarterly, not {text!r}")


def review_period(month: Month, kind: ReviewKind) -> Month:
    """The month that names a review: the month itself, or its quarter's last month for a QBR."""
    return quarter_end(month) if kind == "quarterly" else month


def review_months(period: Month, kind: ReviewKind) -> tuple[Month, ...]:
    last = review_period(period, kind)
    return (last.shift(-2), last.shift(-1), last) if kind == "quarterly" else (last,)


def review_as_of(period: Month, kind: ReviewKind) -> date:
    """The evaluation date of a review: the first day after its period."""
    return review_months(period, kind)[-1].shift(1).first_day()


def previous_review_as_of(period: Month, kind: ReviewKind) -> date:
    """The evaluation date of the review before (a QBR compares with the previous quarter's end)."""
    return review_months(period, kind)[0].first_day()


def goal_key(goal_id: str) -> str:
    return f"goal:{goal_id}"


def sla_key(contract_id: str, objective_id: str, period: Month) -> str:
    return f"sla:{contract_id}/{objective_id}/{period}"


@dataclass(frozen=True)
class ActionView:
    """An action item from an earlier review, as the store hands it to the builder."""

    id: int
    description: str
    owner: str
    due: date
    status: str
    serves_kind: str | None = None
    serves_id: str | None = None
    from_period: str | None = None


@dataclass(frozen=True)
class ActionFollowUp(JsonReady):
    id: int
    description: str
    owner: str
    due: date
    status: str
    """done / dropped / open / overdue (open and due before the review date)."""
    serves: str | None
    from_period: str | None


@dataclass(frozen=True)
class TrendPoint(JsonReady):
    period: Month
    planned: float | None
    actual: float | None


@dataclass(frozen=True)
class GoalRow(JsonReady):
    goal_id: str
    title: str
    pillar: str
    owner: str | None
    status: str
    previous_status: str | None
    metric: str | None
    scope_key: str
    unit: str | None
    judged_period: Month | None
    actual: float | None
    planned: float | None
    target: float | None
    explanation: str


@dataclass(frozen=True)
class CheckinQuote(JsonReady):
    """The owner's latest check-in, quoted beside the numbers it may contradict."""

    confidence: str
    comment: str
    blockers: str | None
    next_step: str | None
    next_step_due: date | None
    author: str
    recorded_on: date
    agreement: str
    """agrees / more_confident / more_worried / unjudged, against the goal's status in the pack."""
    note: str
    """The contradiction in words ('' when they agree)."""


@dataclass(frozen=True)
class MissingCheckin(JsonReady):
    """A goal whose owner has not checked in since the last review."""

    goal_id: str
    title: str
    owner: str | None
    status: str
    last_checkin: date | None
    since: date


@dataclass(frozen=True)
class AttentionGoal(JsonReady):
    key: str
    goal: GoalRow
    trend: tuple[TrendPoint, ...]
    """The review's trend window: the quarter's months, or the last three months for a monthly review."""
    direction: str
    """improving / worsening / flat: the forecast line's direction (the same model as the forecast
    drawn beside it); without a forecast, from the first to the last value in the trend window;
    unknown with fewer than two values."""
    history: tuple[TrendPoint, ...]
    """Every period up to the review's last month, for the chart."""
    forecast_at: Month | None
    forecast_value: float | None
    latest_checkin: CheckinQuote | None = None
    forecast_low: float | None = None
    forecast_high: float | None = None
    """The forecast's 80 % range (absent from snapshots frozen before it was kept)."""
    forecast_slope: float | None = None
    forecast_from: Month | None = None
    forecast_to: Month | None = None
    """The fitted line's slope a month and the months it was fitted on, so the chart draws the
    trend the words describe."""
    baseline: float | None = None


@dataclass(frozen=True)
class SlaMiss(JsonReady):
    key: str
    contract_id: str
    counterparty: str
    objective_id: str
    title: str
    metric: str
    scope_key: str
    period: Month
    value: float | None
    target: float
    better: str
    outcome: str
    consecutive_misses: int
    credit: Decimal
    currency: str
    explanation: str


@dataclass(frozen=True)
class CreditDue(JsonReady):
    contract_id: str
    counterparty: str
    period: Month
    amount: Decimal
    currency: str
    earn_back: str
    explanation: str
    provisional: Decimal = Decimal("0.00")
    """The part earn-back may still waive."""
    invoicing: str = ""
    """What the credit ledger says of it (not issued, issued on which invoice, an adjustment)."""


@dataclass(frozen=True)
class InvoiceDue(JsonReady):
    """A closed month's credit that the next invoice should carry: owed and not issued, or the
    adjustment of an issued credit that changed since."""

    contract_id: str
    counterparty: str
    period: Month
    state: str
    due: Decimal
    currency: str
    explanation: str


@dataclass(frozen=True)
class StaleItem(JsonReady):
    kind: str
    subject: str
    title: str
    explanation: str


@dataclass(frozen=True)
class Figure(JsonReady):
    """One actual the pack shows: what is compared with the store when a closed review is read."""

    metric: str
    scope_key: str
    period: Month
    value: float | None


@dataclass(frozen=True)
class Headline(JsonReady):
    goals_total: int
    goals_by_status: dict[str, int]
    changes: tuple[Transition, ...]
    credits_owed: Decimal
    """The review's months' credits that are due (no earn-back can waive them any more)."""
    credits_provisional: Decimal
    """The review's months' credits that earn-back may still waive."""
    currency: str
    exposure: ExposureSummary
    roadmap_slipping: tuple[ItemStatus, ...]
    roadmap_phases: tuple[PhaseStatus, ...]


@dataclass(frozen=True)
class ReviewPack(JsonReady):
    program: str
    kind: str
    period: Month
    months: tuple[Month, ...]
    as_of: date
    headline: Headline
    goals: tuple[GoalRow, ...]
    attention: tuple[AttentionGoal, ...]
    sla_misses: tuple[SlaMiss, ...]
    credits: tuple[CreditDue, ...]
    invoicing: tuple[InvoiceDue, ...]
    stale: tuple[StaleItem, ...]
    actions: tuple[ActionFollowUp, ...]
    figures: tuple[Figure, ...]
    checkins_missing: tuple[MissingCheckin, ...] = ()
    checkins_since: date | None = None
    """The previous review's date: a check-in on or after it counts as "since the last review"."""

    def required_findings(self) -> dict[str, str]:
        """Finding key → what it is about: every item the committee must explain before closing."""
        out = {
            a.key: f"goal {a.goal.goal_id} ({a.goal.status.replace('_', ' ')})"
            for a in self.attention
        }
        out.update(
            {
                m.key: f"SLA miss {m.contract_id}/{m.objective_id} in {m.period}"
                for m in self.sla_misses
            }
        )
        return out

    def required_finding_titles(self) -> dict[str, str]:
        """The same items as `required_findings`, named as the committee reads them: the goal's
        or objective's title first, its id last (the pages' choices; the command line keeps the
        ids it types)."""
        out = {
            a.key: f"{a.goal.title} (goal {a.goal.goal_id}, {a.goal.status.replace('_', ' ')})"
            for a in self.attention
        }
        out.update(
            {
                m.key: f"{m.title}, {m.period.first_day():%b %Y} — {m.counterparty} "
                f"(SLA miss {m.contract_id}/{m.objective_id})"
                for m in self.sla_misses
            }
        )
        return out


def _row(goal: GoalEvaluation) -> GoalRow:
    return GoalRow(
        goal_id=goal.goal_id,
        title=goal.title,
        pillar=goal.pillar,
        owner=goal.owner,
        status=goal.status,
        previous_status=goal.previous_status,
        metric=goal.metric,
        scope_key=goal.scope_key,
        unit=goal.unit,
        judged_period=goal.judged_period,
        actual=goal.actual,
        planned=goal.planned,
        target=goal.target,
        explanation=goal.explanation,
    )


def trend_direction(values: Sequence[float | None], better: str | None) -> str:
    """improving / worsening / flat from the first to the last value in the window (gaps skipped)."""
    known = [v for v in values if v is not None]
    if len(known) < 2 or better is None:
        return "unknown"
    change = known[-1] - known[0]
    if abs(change) < 1e-9:
        return "flat"
    return "improving" if (change > 0) == (better == "higher") else "worsening"


def quote(checkin: Checkin, status: str, timezone: str) -> CheckinQuote:
    return CheckinQuote(
        confidence=checkin.confidence,
        comment=checkin.comment,
        blockers=checkin.blockers,
        next_step=checkin.next_step,
        next_step_due=checkin.next_step_due,
        author=checkin.author,
        recorded_on=checkin.day(timezone),
        agreement=agreement(checkin.confidence, status),
        note=agreement_text(checkin.confidence, status),
    )


def _attention(
    goal: GoalEvaluation,
    window: tuple[Month, ...],
    last: Month,
    checkin: CheckinQuote | None = None,
) -> AttentionGoal:
    history = tuple(
        TrendPoint(p.period, p.planned, p.actual) for p in goal.periods if p.period <= last
    )
    by_month = {p.period: p for p in history}
    trend = tuple(by_month.get(m, TrendPoint(m, None, None)) for m in window)
    fc = goal.forecast
    drawn = fc is not None and fc.value is not None
    direction = (fc.direction(goal.better) if fc is not None and drawn else None) or (
        trend_direction([p.actual for p in trend], goal.better)
    )
    return AttentionGoal(
        key=goal_key(goal.goal_id),
        goal=_row(goal),
        trend=trend,
        direction=direction,
        history=history,
        forecast_at=fc.at if fc is not None and drawn else None,
        forecast_value=fc.value if fc is not None else None,
        latest_checkin=checkin,
        forecast_low=fc.low if fc is not None and drawn else None,
        forecast_high=fc.high if fc is not None and drawn else None,
        forecast_slope=fc.slope_per_month if fc is not None and drawn else None,
        forecast_from=fc.first_month if fc is not None and drawn else None,
        forecast_to=fc.last_month if fc is not None and drawn else None,
        baseline=goal.baseline,
    )


def _changes(
    evaluation: ProgramEvaluation, previous: ProgramEvaluation | None
) -> tuple[Transition, ...]:
    if previous is None:
        return evaluation.rollup.transitions
    before = {g.goal_id: g.status for g in previous.goals}
    changes = [
        Transition(
            g.goal_id,
            g.title,
            g.pillar,
            before[g.goal_id],
            g.status,
            SEVERITY.get(g.status, 0) > SEVERITY.get(before[g.goal_id], 0),
        )
        for g in evaluation.goals
        if g.goal_id in before and before[g.goal_id] != g.status
    ]
    changes.sort(
        key=lambda t: (
            not t.worse,
            -(SEVERITY.get(t.current, 0) - SEVERITY.get(t.previous, 0)),
            t.goal_id,
        )
    )
    return tuple(changes)


def follow_up_status(action: ActionView, on: date) -> str:
    return "overdue" if action.status == "open" and action.due < on else action.status


def build_pack(
    evaluation: ProgramEvaluation,
    *,
    period: Month,
    previous_open_actions: Sequence[ActionView] = (),
    kind: ReviewKind = "monthly",
    previous_evaluation: ProgramEvaluation | None = None,
    checkins: Mapping[str, Checkin] | None = None,
    cadences: Mapping[str, str] | None = None,
    timezone: str = "UTC",
) -> ReviewPack:
    """The review pack for `period` from an evaluation made as of `review_as_of(period, kind)`.

    `checkins` holds each goal's latest check-in (recorded up to now: an owner who checks in the
    day before the meeting is quoted); `cadences` each goal's check-in cadence. Without them the
    pack quotes no check-in and flags none missing."""
    if kind not in KINDS:
        raise ValueError(f"a review is monthly or quarterly, not {kind!r}")
    months = review_months(period, kind)
    last = months[-1]
    if evaluation.open_period != last.shift(1):
        raise ValueError(
            f"the evaluation is as of {evaluation.as_of}; a review of {last} needs one as of "
            f"{review_as_of(period, kind)}"
        )
    window = (
        months
        if kind == "quarterly"
        else tuple(last.shift(-i) for i in reversed(range(TREND_MONTHS)))
    )
    latest = dict(checkins or {})
    attention = tuple(
        _attention(
            g,
            window,
            last,
            quote(latest[g.goal_id], g.status, timezone) if g.goal_id in latest else None,
        )
        for g in evaluation.goals
        if g.needs_attention
    )
    attention = tuple(
        sorted(attention, key=lambda a: (-SEVERITY.get(a.goal.status, 0), a.goal.goal_id))
    )

    misses: list[SlaMiss] = []
    credits: list[CreditDue] = []
    stale: list[StaleItem] = [
        StaleItem("goal", g.goal_id, g.title, g.explanation)
        for g in evaluation.goals
        if g.status in STALE_STATUSES
    ]
    stale += [
        StaleItem(
            "series", s.label, s.metric_title, f"{s.explanation}; used by {', '.join(s.used_by)}"
        )
        for s in evaluation.stale_series
    ]
    since = previous_review_as_of(period, kind)
    missing = (
        tuple(
            MissingCheckin(
                g.goal_id,
                g.title,
                g.owner,
                g.status,
                latest[g.goal_id].day(timezone) if g.goal_id in latest else None,
                since,
            )
            for g in evaluation.goals
            if asks_for_checkins(g, cadences.get(g.goal_id, "none"), evaluation.as_of)
            and (g.goal_id not in latest or latest[g.goal_id].day(timezone) < since)
        )
        if cadences is not None
        else ()
    )
    owed = provisional = ZERO
    invoicing: list[InvoiceDue] = []
    for contract in evaluation.contracts:
        by_period = {c.period: c for c in contract.credits if c.kind == "closed"}
        ledger = {s.period: s for s in contract.ledger}
        for month in months:
            credit = by_period.get(month)
            if credit is not None and credit.amount > 0:
                status = ledger.get(month)
                credits.append(
                    CreditDue(
                        contract.contract_id,
                        contract.counterparty,
                        month,
                        credit.amount,
                        contract.currency,
                        credit.earn_back,
                        credit.explanation,
                        credit.provisional,
                        status.explanation if status is not None else "",
                    )
                )
                if contract.in_program_currency:
                    owed += credit.amount - credit.provisional
                    provisional += credit.provisional
        invoicing += [
            InvoiceDue(
                contract.contract_id,
                contract.counterparty,
                s.period,
                s.state,
                s.due,
                contract.currency,
                s.explanation,
            )
            for s in contract.ledger
            if s.due
        ]
        for op in contract.objectives:
            if op.kind != "closed" or op.period not in months:
                continue
            if op.outcome == "unmeasured":
                stale.append(
                    StaleItem(
                        "sla",
                        f"{contract.contract_id}/{op.objective_id}",
                        op.title,
                        f"no value for {op.period}" + (f" ({op.note})" if op.note else ""),
                    )
                )
            if not op.counts_as_miss:
                continue
            credit = by_period.get(op.period)
            lines = [
                line
                for line in (credit.lines if credit else ())
                if line.objective_id == op.objective_id
            ]
            amount = sum((line.amount for line in lines), ZERO)
            why = (
                "; ".join(line.explanation for line in lines)
                or "no credit for this miss under the contract's rules"
            )
            if op.note:
                why += f" (note: {op.note})"
            misses.append(
                SlaMiss(
                    key=sla_key(contract.contract_id, op.objective_id, op.period),
                    contract_id=contract.contract_id,
                    counterparty=contract.counterparty,
                    objective_id=op.objective_id,
                    title=op.title,
                    metric=op.metric,
                    scope_key=op.scope_key,
                    period=op.period,
                    value=op.value,
                    target=op.target,
                    better=op.better,
                    outcome=op.outcome,
                    consecutive_misses=op.consecutive_misses,
                    credit=amount,
                    currency=contract.currency,
                    explanation=why,
                )
            )

    figures: dict[tuple[str, str, Month], Figure] = {}
    for g in evaluation.goals:
        if g.metric and g.judged_period is not None and g.deliverable is None:
            # The stored actual of the judged month: a goal with nothing due yet is judged on its
            # baseline, a value from the goal's YAML that no correction of the store can revise.
            stored = next((p.actual for p in g.periods if p.period == g.judged_period), None)
            figures[(g.metric, g.scope_key, g.judged_period)] = Figure(
                g.metric, g.scope_key, g.judged_period, stored
            )
    for a in attention:
        for point in a.history:
            if a.goal.metric:
                figures[(a.goal.metric, a.goal.scope_key, point.period)] = Figure(
                    a.goal.metric, a.goal.scope_key, point.period, point.actual
                )
    for m in misses:
        figures[(m.metric, m.scope_key, m.period)] = Figure(
            m.metric, m.scope_key, m.period, m.value
        )

    rollup = evaluation.rollup
    return ReviewPack(
        program=evaluation.program,
        kind=kind,
        period=last,
        months=months,
        as_of=evaluation.as_of,
        headline=Headline(
            goals_total=rollup.total,
            goals_by_status=dict(rollup.overall),
            changes=_changes(evaluation, previous_evaluation),
            credits_owed=owed,
            credits_provisional=provisional,
            currency=evaluation.currency,
            exposure=evaluation.exposure,
            roadmap_slipping=evaluation.roadmap.slipping,
            roadmap_phases=evaluation.roadmap.phases,
        ),
        goals=tuple(_row(g) for g in evaluation.goals),
        attention=attention,
        sla_misses=tuple(misses),
        credits=tuple(credits),
        invoicing=tuple(invoicing),
        stale=tuple(stale),
        actions=tuple(
            ActionFollowUp(
                a.id,
                a.description,
                a.owner,
                a.due,
                follow_up_status(a, evaluation.as_of),
                f"{a.serves_kind} {a.serves_id}" if a.serves_kind and a.serves_id else None,
                a.from_period,
            )
            for a in previous_open_actions
        ),
        figures=tuple(figures[k] for k in sorted(figures, key=lambda k: (k[0], k[1], k[2].index))),
        checkins_missing=missing,
        checkins_since=since if cadences is not None else None,
    )
