"""What needs the committee's attention now: the exceptions first, each with what it is about.

One use case, `needs_attention`, for every edge that leads with the exceptions (the app's
Overview, `cxgov status`, the review pack, notifications). It returns a plain `Attention`:

- `items`: every credit a contract owes or puts at risk (one line per contract-month), every goal
  off track, at risk or missed (and every overdue deliverable), every roadmap item overdue or
  blocked — ordered by money first (credits owed in the program's currency, largest first), then
  by severity (missed and owed before off track, overdue and blocked, before at risk), then by
  kind and title;
- `decisions`: what the open review asks of the committee this month — items that still need a
  root cause, action items past their due date, changes to goals, contracts and metric
  definitions merged since the last closed review (compared with `app.diff` between the program
  as its git branch stood when that review closed and the program now), and decisions already
  recorded;
- `stale`: the measured series without a figure for the month they are due, by name.

A goal line carries the root cause and corrective actions that the newest review with a finding
for it recorded ("no root cause recorded yet" otherwise). Nothing here draws: the edges do.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Literal

from sqlalchemy.engine import Engine
from sqlmodel import Session

from app.diff import compare
from app.diff.sides import open_side, revision_at
from app.errors import CxgovError
from app.evaluate import ContractEvaluation, GoalEvaluation, ItemStatus, ProgramEvaluation
from app.evaluate.attainment import month_name
from app.evaluate.checkins import Checkin, agreement_text
from app.evaluate.goals import SEVERITY
from app.evaluate.money import fmt_money
from app.load import load_program
from app.periods import Month
from app.review import store
from app.review.pack import ReviewPack, build_pack, goal_key, review_as_of
from app.review.store import CorrectiveAction, FindingOnRecord
from app.service.checkins import checkins_in
from app.service.database import transaction
from app.service.reviews import pack_for
from app.spec.common import Scope
from app.spec.program import Program
from app.store.review_tables import Review

__all__ = [
    "Attention",
    "CorrectiveAction",
    "CreditLine",
    "Decision",
    "FindingOnRecord",
    "GoalLine",
    "Item",
    "ReviewRef",
    "RoadmapLine",
    "StaleSeries",
    "attention_version",
    "needs_attention",
]

GOAL_STATUSES: tuple[str, ...] = ("missed", "overdue", "off_track", "at_risk")
CREDIT_SEVERITY: dict[str, int] = {"owed": 5, "provisional": 4, "at risk": 4, "projected": 2}
ROADMAP_SEVERITY = SEVERITY["off_track"]
CHANGE_KINDS: dict[str, str] = {"Goal": "goal", "SLAContract": "contract", "Metric": "metric"}
NO_ROOT_CAUSE = "no root cause recorded yet"
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class GoalLine:
    """A goal that is off track, at risk or missed (or a deliverable past its due date)."""

    goal_id: str
    title: str
    owner: str | None
    status: str
    metric: str | None
    unit: str | None
    actual: float | None
    planned: float | None
    target: float | None
    deadline: date | None
    judged_period: Month | None
    explanation: str
    """Where it stands against its plan, in the metric's unit ("2.7 points behind the plan of …")."""
    since: Month | None
    months: int | None
    """How many months in a row the status has held (monthly goals), counting the judged one."""
    finding: FindingOnRecord | None
    checkin: Checkin | None = None
    """The owner's newest check-in, if any."""
    kind: Literal["goal"] = "goal"

    @property
    def money(self) -> Decimal:
        return ZERO

    @property
    def severity(self) -> int:
        return SEVERITY.get(self.status, 0)

    @property
    def root_cause(self) -> str:
        if self.finding is None:
            return NO_ROOT_CAUSE
        if self.finding.accepted_no_action:
            return f"accepted with no action: {self.finding.acceptance_reason or 'no reason given'}"
        return self.finding.root_cause or NO_ROOT_CAUSE

    @property
    def corrective_actions(self) -> tuple[CorrectiveAction, ...]:
        return () if self.finding is None else self.finding.actions

    @property
    def checkin_disagrees(self) -> str:
        """'' when the owner's newest confidence agrees with the status, else what differs."""
        return "" if self.checkin is None else agreement_text(self.checkin.confidence, self.status)


@dataclass(frozen=True)
class CreditLine:
    """One contract-month whose credit is owed, provisional (earn-back pending), at risk (the
    month to date) or projected (next month if the trend holds)."""

    contract_id: str
    contract: str
    counterparty: str
    objectives: tuple[str, ...]
    period: Month
    state: Literal["owed", "provisional", "at risk", "projected"]
    amount: Decimal
    currency: str
    in_program_currency: bool
    rule: str
    """The rule that fired, in one sentence (its credit lines' explanations; the month's full
    explanation — exclusions, caps, earn-back — is on the SLA page)."""
    kind: Literal["credit"] = "credit"

    @property
    def money(self) -> Decimal:
        counts = self.in_program_currency and self.state != "projected"
        return self.amount if counts else ZERO

    @property
    def severity(self) -> int:
        return CREDIT_SEVERITY[self.state]

    @property
    def title(self) -> str:
        return self.contract

    @property
    def amount_text(self) -> str:
        return fmt_money(self.amount, self.currency)


@dataclass(frozen=True)
class RoadmapLine:
    """A roadmap item past its due date or blocked."""

    item_id: str
    title: str
    owner: str | None
    status: str
    due: date
    days_late: int | None
    """Days past the due date (None while a blocked item is not yet due)."""
    goals: tuple[tuple[str, str], ...]
    """The goals it serves: (id, title)."""
    explanation: str
    kind: Literal["roadmap"] = "roadmap"

    @property
    def money(self) -> Decimal:
        return ZERO

    @property
    def severity(self) -> int:
        return ROADMAP_SEVERITY


Item = GoalLine | CreditLine | RoadmapLine
KIND_ORDER: dict[str, int] = {"credit": 0, "goal": 1, "roadmap": 2}


@dataclass(frozen=True)
class StaleSeries:
    """A measured series without a figure for the month it is due."""

    metric: str
    name: str
    """The metric's title and scope: "Customer satisfaction (CSAT) — channel chat"."""
    due: Month
    last_value: Month | None
    used_by: tuple[str, ...]


@dataclass(frozen=True)
class Decision:
    kind: Literal["root cause", "overdue action", "program change", "recorded"]
    text: str
    page: str
    query: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class ReviewRef:
    id: int
    period: str
    kind: str
    status: str
    closed_at: datetime | None

    @property
    def label(self) -> str:
        """ "monthly review of 2026-11", "quarterly review of 2026-12"."""
        return f"{'quarterly' if self.kind == 'quarterly' else 'monthly'} review of {self.period}"


@dataclass(frozen=True)
class Attention:
    as_of: date
    open_period: Month
    currency: str
    items: tuple[Item, ...]
    decisions: tuple[Decision, ...]
    open_review: ReviewRef | None
    last_review: ReviewRef | None
    changes_note: str
    """How program changes since the last review were found, or why they could not be."""
    stale: tuple[StaleSeries, ...]

    @property
    def last_closed(self) -> Month:
        return self.open_period.shift(-1)

    @property
    def goals(self) -> tuple[GoalLine, ...]:
        return tuple(i for i in self.items if isinstance(i, GoalLine))

    @property
    def credits(self) -> tuple[CreditLine, ...]:
        return tuple(i for i in self.items if isinstance(i, CreditLine))

    @property
    def roadmap(self) -> tuple[RoadmapLine, ...]:
        return tuple(i for i in self.items if isinstance(i, RoadmapLine))

    @property
    def first_goal(self) -> str | None:
        """The id of the goal that most needs attention."""
        goals = self.goals
        return goals[0].goal_id if goals else None


def order_key(item: Item) -> tuple[Decimal, int, int, int, str]:
    """Money first (largest first), then severity, then kind, then how far gone, then title."""
    depth = 0
    if isinstance(item, GoalLine):
        depth = item.months or 0
    elif isinstance(item, RoadmapLine):
        depth = item.days_late or 0
    return (-item.money, -item.severity, KIND_ORDER[item.kind], -depth, item.title.casefold())


def attention_version(engine: Engine) -> str:
    """Changes whenever the answer of `needs_attention` may (for the same program and date): a
    new actual or import, or any write to a review."""
    with transaction(engine, "read") as session:
        return store.last_update(session)


def needs_attention(
    engine: Engine,
    program: Program,
    evaluation: ProgramEvaluation,
    *,
    root: Path | None = None,
) -> Attention:
    """Everything the committee should look at first, as of the evaluation's date. `root` (the
    program's folder) lets program changes since the last review be read from git."""
    goals = _goal_lines(evaluation.goals)
    with transaction(engine, "read") as session:
        findings = store.latest_findings(session, keys=[goal_key(g.goal_id) for g in goals])
        checkins = checkins_in(session, [g.goal_id for g in goals])
        reviews = store.list_reviews(session)
        open_review = next((r for r in reviews if r.status != "closed"), None)
        last_review = next((r for r in reviews if r.status == "closed"), None)
        decisions: list[Decision] = []
        if open_review is not None:
            pack = _pack(session, program, evaluation, open_review)
            decisions += _unsettled(session, pack, open_review)
            decisions += _overdue_actions(session, open_review, evaluation.as_of)
    changes, note = _program_changes(program, last_review, root)
    if open_review is not None:
        decisions += changes
        with transaction(engine, "read") as session:
            decisions += [
                Decision("recorded", d["text"], "reviews")
                for d in store.record_of(session, review=open_review).decisions
            ]
    items: list[Item] = [
        *(
            replace(g, finding=findings.get(goal_key(g.goal_id)), checkin=checkins.get(g.goal_id))
            for g in goals
        ),
        *_credit_lines(evaluation.contracts),
        *_roadmap_lines(evaluation.roadmap.slipping, evaluation.goals, evaluation.as_of),
    ]
    return Attention(
        as_of=evaluation.as_of,
        open_period=evaluation.open_period,
        currency=evaluation.currency,
        items=tuple(sorted(items, key=order_key)),
        decisions=tuple(decisions),
        open_review=_ref(open_review),
        last_review=_ref(last_review),
        changes_note=note,
        stale=tuple(stale_series(program, evaluation)),
    )


def _ref(review: Review | None) -> ReviewRef | None:
    if review is None or review.id is None:
        return None
    return ReviewRef(review.id, review.period, review.kind, review.status, review.closed_at)


def _goal_lines(goals: Iterable[GoalEvaluation]) -> list[GoalLine]:
    lines = []
    for g in goals:
        if g.status not in GOAL_STATUSES:
            continue
        months = None
        if g.status_since is not None and g.judged_period is not None:
            months = g.judged_period.index - g.status_since.index + 1
        lines.append(
            GoalLine(
                goal_id=g.goal_id,
                title=g.title,
                owner=g.owner,
                status=g.status,
                metric=g.metric,
                unit=g.unit,
                actual=g.actual,
                planned=g.planned,
                target=g.target,
                deadline=g.deadline,
                judged_period=g.judged_period,
                explanation=g.explanation,
                since=g.status_since,
                months=months,
                finding=None,
            )
        )
    return lines


def _credit_lines(contracts: Iterable[ContractEvaluation]) -> list[CreditLine]:
    """A line per contract-month and state: a closed month's credit splits into what is owed and
    what earn-back may still waive (provisional); the open month's is at risk; next month's is
    projected."""
    lines: list[CreditLine] = []
    for contract in contracts:
        titles = {o.objective_id: o.title for o in contract.objectives}
        for credit in contract.credits:
            if credit.amount <= 0:
                continue
            parts: list[tuple[Literal["owed", "provisional", "at risk", "projected"], Decimal]]
            if credit.kind == "open":
                parts = [("at risk", credit.amount)]
            elif credit.kind == "projected":
                parts = [("projected", credit.amount)]
            else:
                parts = [
                    ("owed", credit.amount - credit.provisional),
                    ("provisional", credit.provisional),
                ]
            objectives = tuple(
                dict.fromkeys(titles.get(x.objective_id, x.objective_id) for x in credit.lines)
            )
            lines.extend(
                CreditLine(
                    contract_id=contract.contract_id,
                    contract=contract.title,
                    counterparty=contract.counterparty,
                    objectives=objectives,
                    period=credit.period,
                    state=state,
                    amount=amount,
                    currency=contract.currency,
                    in_program_currency=contract.in_program_currency,
                    rule="; ".join(x.explanation for x in credit.lines) or credit.explanation,
                )
                for state, amount in parts
                if amount > 0
            )
    return lines


def _roadmap_lines(
    slipping: Iterable[ItemStatus], goals: Sequence[GoalEvaluation], as_of: date
) -> list[RoadmapLine]:
    titles = {g.goal_id: g.title for g in goals}
    return [
        RoadmapLine(
            item_id=item.item_id,
            title=item.title,
            owner=item.owner,
            status=item.status,
            due=item.due,
            days_late=max((as_of - item.due).days, 0) or None,
            goals=tuple((goal_id, titles.get(goal_id, goal_id)) for goal_id in item.goals),
            explanation=item.explanation,
        )
        for item in slipping
    ]


def _pack(
    session: Session, program: Program, evaluation: ProgramEvaluation, review: Review
) -> ReviewPack:
    """The open review's pack: built from the evaluation at hand when the review is of the month
    that just closed (its statuses are the same as at the review's own date), else evaluated as
    of the review's date."""
    period = Month.parse(review.period)
    if (
        review.kind == "monthly"
        and Month.of(review_as_of(period, "monthly")) == evaluation.open_period
    ):
        return build_pack(evaluation, period=period, kind="monthly")
    return pack_for(session, program=program, review=review)


def _unsettled(session: Session, pack: ReviewPack, review: Review) -> list[Decision]:
    """Items the open review must settle that have neither a root cause nor an acceptance."""
    record = store.record_of(session, review=review)
    settled = {
        f["key"]
        for f in record.findings
        if (f["root_cause"] or "").strip()
        or (f["accepted_no_action"] and (f["acceptance_reason"] or "").strip())
    }
    out = []
    for item in pack.attention:
        if item.key not in settled:
            out.append(
                Decision(
                    "root cause",
                    f"{item.goal.title} ({item.goal.status.replace('_', ' ')}): no root cause yet",
                    "goals",
                    {"goal": item.goal.goal_id},
                )
            )
    for miss in pack.sla_misses:
        if miss.key not in settled:
            out.append(
                Decision(
                    "root cause",
                    f"{miss.counterparty} — {miss.title}, missed in {month_name(miss.period)}: "
                    "no root cause yet",
                    "slas",
                    {"contract": miss.contract_id},
                )
            )
    return out


def _overdue_actions(session: Session, review: Review, as_of: date) -> list[Decision]:
    return [
        Decision(
            "overdue action",
            f"{item.description} — {item.owner}, due {item.due} ({(as_of - item.due).days} days late)",
            "reviews",
        )
        for item in store.action_items(session, review_id=review.id or 0)
        if item.status == "open" and item.due < as_of
    ]


def _program_changes(
    program: Program, last_review: Review | None, root: Path | None
) -> tuple[list[Decision], str]:
    """Changes to goals, contracts and metric definitions since the last closed review, read from
    git: the program as the branch stood when the review closed against the program now."""
    if last_review is None or last_review.closed_at is None:
        return [], "no review has closed yet, so there is nothing to compare the program with"
    if root is None:
        return [], "the program's folder is not known, so its history cannot be read"
    closed = last_review.closed_at
    try:
        commit = revision_at(root, closed)
        if commit is None:
            return [], (
                f"the program is not in git, or its branch has no commit from before "
                f"{closed:%Y-%m-%d}: changes since the last review cannot be listed"
            )
        with open_side(commit, root) as side:
            before = load_program(side.root, today=closed.date()).program
    except CxgovError as exc:
        return [], f"the program's history could not be read: {exc}"
    if before is None:
        return [], f"the program as of {closed:%Y-%m-%d} does not validate; nothing compared"
    changes = [
        c for c in compare(before, program) if c.kind in CHANGE_KINDS and c.severity != "info"
    ]
    note = (
        f"compared with the program as merged when {_ref_label(last_review)} closed "
        f"({closed:%Y-%m-%d}, commit {commit[:8]})"
    )
    decisions = [
        Decision(
            "program change",
            f"{CHANGE_KINDS[c.kind]} {_title(program, c.kind, c.doc_id)}: {c.summary} ({c.severity})",
            "goals" if c.kind == "Goal" else ("slas" if c.kind == "SLAContract" else "metrics"),
            {"goal": c.doc_id}
            if c.kind == "Goal"
            else ({"contract": c.doc_id} if c.kind == "SLAContract" else {}),
        )
        for c in changes
    ]
    return decisions, note


def _ref_label(review: Review) -> str:
    return store.label(review)


def _title(program: Program, kind: str, doc_id: str) -> str:
    documents = {"Goal": program.goals, "SLAContract": program.contracts, "Metric": program.metrics}
    found = documents.get(kind, {}).get(doc_id)
    return f"“{found.metadata.title}”" if found is not None else doc_id


@dataclass
class _Series:
    due: Month
    last: Month | None
    users: list[str] = field(default_factory=list)


def stale_series(program: Program, evaluation: ProgramEvaluation) -> list[StaleSeries]:
    """Every measured series (a goal's, a guardrail's, an SLA objective's) with no figure for the
    month it is due: the goal's judged period, the last closed month for the others."""
    last_closed = evaluation.open_period.shift(-1)
    found: dict[tuple[str, str], _Series] = {}

    def add(metric: str, scope_key: str, due: Month, last: Month | None, user: str) -> None:
        found.setdefault((metric, scope_key), _Series(due, last)).users.append(user)

    for g in evaluation.goals:
        if g.metric and g.status == "no_data" and g.judged_period is not None:
            last = max((p.period for p in g.periods if p.actual is not None), default=None)
            add(g.metric, g.scope_key, g.judged_period, last, f"goal “{g.title}”")
        for rail in g.guardrails:
            if rail.period is None or rail.period < last_closed:
                add(
                    rail.metric,
                    rail.scope_key,
                    last_closed,
                    rail.period,
                    f"guardrail of “{g.title}”",
                )
    for contract in evaluation.contracts:
        measured: dict[str, Month] = {}
        for op in contract.objectives:
            if op.kind == "closed" and op.value is not None:
                measured[op.objective_id] = op.period
        for op in contract.objectives:
            if op.kind == "closed" and op.period == last_closed and op.outcome == "unmeasured":
                add(
                    op.metric,
                    op.scope_key,
                    last_closed,
                    measured.get(op.objective_id),
                    f"{contract.title} — {op.title}",
                )
    out = []
    for (metric_id, scope_key), series in sorted(found.items()):
        metric = program.metrics.get(metric_id)
        name = metric.metadata.title if metric is not None else metric_id
        out.append(
            StaleSeries(
                metric=metric_id,
                name=f"{name} — {Scope.from_key(scope_key).describe()}",
                due=series.due,
                last_value=series.last,
                used_by=tuple(dict.fromkeys(series.users)),
            )
        )
    return out
