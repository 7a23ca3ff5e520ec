"""Service credits for one contract and one period, from the contract's credit rules.

Readings chosen where contracts differ (each is tested):

- **the fee**: each month's credits are percentages of that month's fee (`app.evaluate.fees`:
  the fee schedule, prorated by days in a month the contract covers only in part).
- **bands**: half-open, the lower bound inclusive. With `below: 99.99 → 10`, `below: 99.0 → 30`,
  `below: 95.0 → 100`, exactly 99.0 earns 10 % and 98.99 earns 30 %: the band with the lowest
  `below` edge the value is under applies. `above` bands mirror this for lower-is-better metrics
  (the band with the highest `above` edge the value exceeds; a value equal to an edge is not
  above it). Bands apply to missed periods only; a missed period without a value (unmeasured,
  counted as missed) gets the mildest band.
- **consecutive_misses**: owed in every period whose consecutive-miss count is at least `count`
  — in the period the count reaches N and again for each further miss in the same run (the
  "repeat failure" reading of outsourcing contracts); a met month resets the run.
- **per_miss**: owed for every missed period.
- **pool**: the pool is `pool_percent` of the at-risk amount (`at_risk_percent` of the month's
  fee); a missed objective is credited its `allocation_percent` of the pool. Allocations may add
  up to more than 100 % (`allocatable_percent`, e.g. 250 %), so that several misses in one month
  can reach the pool, but a month's pool credits never exceed it: when they would, each is scaled
  down in proportion (pro rata) so that they add up to the pool.
- **earn-back** (`per: contract`): a closed period's credit is waived when the next N closed
  periods all meet every objective (excluded objectives do not spoil it; unmeasured ones do).
  `per: objective`: each objective's credit lines are waived when the next N closed periods meet
  that objective. Until N periods have closed a credit is *provisional*; a miss among them makes
  it *owed*; when the contract ends before N periods it is owed.
- **caps**, in this order, on what earn-back leaves: no credit at all in the contract's first
  `no_credit_months` months; the monthly `cap` (`percent_of_fee` of the month's fee, or an
  `amount`, prorated like the fee); the `contract_year_cap` (a percentage of the contract year's
  fees, or an amount), as what is left of it after the year's earlier months. The explanation
  names every cap that binds and the amounts before and after it.

Each credit line is rounded to cents (half up) as it is computed, so a period's lines add up to
its gross amount exactly as printed; the caps then apply to that sum.

Of a month's credit, the part earn-back may still waive is *provisional*: the credit less what it
would be with the provisional lines waived (against the same room under the contract-year cap).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from app.evaluate.attainment import ObjectivePeriod, month_name
from app.evaluate.fees import FeeBook, MonthFee, year_fees
from app.evaluate.money import cents, fmt_money, fmt_percent, percent_of
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.sla import (
    Band,
    BandsRule,
    ConsecutiveMissesRule,
    CreditRule,
    PerMissRule,
    PoolRule,
    SLAContract,
)
from app.words import counted

EarnBackState = Literal["not_applicable", "provisional", "waived", "owed"]
PeriodKind = Literal["closed", "open", "projected"]
ZERO = Decimal("0.00")


@dataclass(frozen=True)
class CreditLine(JsonReady):
    objective_id: str
    rule: str
    percent_of_fee: float
    amount: Decimal
    explanation: str
    band: str | None = None
    """For a `bands` line: the band's edge, e.g. "below 99.0"."""
    earn_back: EarnBackState = "not_applicable"


@dataclass(frozen=True)
class CapApplied(JsonReady):
    """One cap as it applied to a month: its limit, the credit before and after it."""

    cap: Literal["no_credit_month", "monthly", "contract_year"]
    label: str
    limit: Decimal
    before: Decimal
    after: Decimal
    binds: bool

    @classmethod
    def of(
        cls,
        cap: Literal["no_credit_month", "monthly", "contract_year"],
        label: str,
        limit: Decimal,
        before: Decimal,
    ) -> CapApplied:
        after = min(before, limit)
        return cls(cap, label, limit, before, after, after < before)


@dataclass(frozen=True)
class PeriodCredit(JsonReady):
    period: Month
    kind: PeriodKind
    fee: MonthFee
    lines: tuple[CreditLine, ...]
    gross: Decimal
    """The lines added up, before earn-back and caps."""
    amount: Decimal
    """The month's credit: what earn-back leaves, capped."""
    provisional: Decimal
    """The part of `amount` earn-back may still waive."""
    waived: Decimal
    """What earn-back took off the (capped) credit."""
    percent_of_fee: float
    cap_binds: bool
    caps: tuple[CapApplied, ...]
    earn_back: EarnBackState
    explanation: str

    @property
    def binding_caps(self) -> tuple[CapApplied, ...]:
        return tuple(cap for cap in self.caps if cap.binds)


@dataclass(frozen=True)
class MonthLines:
    """A month's credit lines before caps, with the earn-back notes once settled."""

    period: Month
    kind: PeriodKind
    fee: MonthFee
    lines: tuple[CreditLine, ...]
    ops: tuple[ObjectivePeriod, ...]
    notes: tuple[str, ...] = ()


def _covers(rule: CreditRule, objective_id: str) -> bool:
    return not rule.objectives or objective_id in rule.objectives


def band_for(bands: Sequence[Band], value: float | None) -> Band | None:
    """The band a missed period's value falls in (None: in no band); the mildest band without a value."""
    below = sorted((b for b in bands if b.side == "below"), key=lambda b: b.edge)
    above = sorted((b for b in bands if b.side == "above"), key=lambda b: b.edge, reverse=True)
    if value is None:
        mildest = [*below[-1:], *above[-1:]]
        return min(mildest, key=lambda b: b.percent) if mildest else None
    for band in below:
        if value < band.edge:
            return band
    for band in above:
        if value > band.edge:
            return band
    return None


def _what(op: ObjectivePeriod) -> str:
    got = "no value" if op.value is None else f"{op.value:g}"
    return f"{op.title} {got} against {op.target:g} in {month_name(op.period)}"


def _months(months: Sequence[Month]) -> str:
    """'Feb 2027 and Mar 2027'; 'Jan 2027, Feb 2027 and Mar 2027'; a longer run as 'Apr 2026 to Oct 2026'."""
    names = [month_name(m) for m in months]
    if len(names) > 3:
        return f"{names[0]} to {names[-1]}"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


def _line(
    op: ObjectivePeriod,
    rule: str,
    percent: float,
    fee: MonthFee,
    currency: str,
    why: str,
    band: str | None = None,
) -> CreditLine:
    amount = cents(percent_of(fee.fee, percent))
    return CreditLine(
        op.objective_id,
        rule,
        percent,
        amount,
        f"{why} → {fmt_percent(percent)} of {fee.describe(currency)} = {fmt_money(amount, currency)}",
        band,
    )


def rule_lines(
    rule: CreditRule,
    ops: Sequence[ObjectivePeriod],
    history: dict[str, list[ObjectivePeriod]],
    contract: SLAContract,
    fee: MonthFee,
) -> list[CreditLine]:
    """The credit lines one rule gives in one period. `history` holds each objective's periods up to this one."""
    currency = contract.spec.currency
    lines: list[CreditLine] = []
    for op in ops:
        if not op.counts_as_miss or not _covers(rule, op.objective_id):
            continue
        if isinstance(rule, BandsRule):
            band = band_for(rule.bands, op.value)
            if band is not None:
                edge = f"{band.side} {band.edge:g}"
                reason = "no value: the mildest band" if op.value is None else f"band {edge}"
                lines.append(
                    _line(op, "bands", band.percent, fee, currency, f"{_what(op)}: {reason}", edge)
                )
        elif isinstance(rule, ConsecutiveMissesRule):
            if op.consecutive_misses >= rule.count:
                run = [h for h in history[op.objective_id] if h.counts_as_miss][
                    -op.consecutive_misses :
                ]
                lines.append(
                    _line(
                        op,
                        "consecutive_misses",
                        rule.percent,
                        fee,
                        currency,
                        f"{op.title} missed in {_months([h.period for h in run])}: {op.consecutive_misses} consecutive misses "
                        f"(credit from {rule.count})",
                    )
                )
        elif isinstance(rule, PerMissRule):
            lines.append(_line(op, "per_miss", rule.percent, fee, currency, f"{_what(op)}: missed"))
    if isinstance(rule, PoolRule) and any(op.counts_as_miss for op in ops):
        lines.extend(_pool_lines(rule, ops, contract, fee))
    return lines


def _pool_lines(
    rule: PoolRule, ops: Sequence[ObjectivePeriod], contract: SLAContract, fee: MonthFee
) -> list[CreditLine]:
    """Each missed objective's share of the pool; when the shares add up to more than the pool
    (allocations over 100 %), each is scaled down in proportion so that they add up to the pool
    exactly (the last line takes the cent of rounding)."""
    currency = contract.spec.currency
    at_risk = percent_of(fee.fee, rule.at_risk_percent)
    pool = cents(percent_of(at_risk, rule.pool_percent))
    allocations = {o.id: o.allocation_percent for o in contract.spec.objectives}
    stake = (
        f"× pool {fmt_percent(rule.pool_percent)} × at-risk {fmt_percent(rule.at_risk_percent)} of "
        f"{fee.describe(currency)} ({fmt_money(at_risk, currency)})"
    )
    missed = [op for op in ops if op.counts_as_miss and _covers(rule, op.objective_id)]
    shares = [
        (
            op,
            allocations.get(op.objective_id) or 0.0,
            cents(percent_of(pool, allocations.get(op.objective_id) or 0.0)),
        )
        for op in missed
    ]
    total = sum((raw for _, _, raw in shares), ZERO)
    scaled = total > pool
    lines: list[CreditLine] = []
    paid = ZERO
    for position, (op, allocation, raw) in enumerate(shares):
        why = f"{_what(op)}: allocation {fmt_percent(allocation)} {stake} = {fmt_money(raw, currency)}"
        amount = raw
        if scaled:
            last = position == len(shares) - 1
            amount = pool - paid if last else cents(raw * pool / total)
            why += (
                f"; the month's pool credits ({fmt_money(total, currency)}) exceed the pool of "
                f"{fmt_money(pool, currency)}: scaled to {fmt_money(amount, currency)}"
            )
        paid += amount
        percent = float(amount / fee.fee * 100) if fee.fee else 0.0
        lines.append(CreditLine(op.objective_id, "pool", percent, amount, why))
    return lines


def month_lines(
    contract: SLAContract,
    period: Month,
    kind: PeriodKind,
    fee: MonthFee,
    ops: Sequence[ObjectivePeriod],
    history: dict[str, list[ObjectivePeriod]],
) -> MonthLines:
    """Every rule's lines for one period, before earn-back and caps."""
    lines = (
        [
            line
            for rule in contract.spec.credits.rules
            for line in rule_lines(rule, ops, history, contract, fee)
        ]
        if any(op.counts_as_miss for op in ops)
        else []
    )
    return MonthLines(period, kind, fee, tuple(lines), tuple(ops))


def all_met(ops: Sequence[ObjectivePeriod]) -> bool:
    """A period in which every objective is met (excluded objectives do not count against it)."""
    return all(op.outcome in ("met", "excluded") for op in ops)


def settle_earn_back(
    contract: SLAContract, months: Sequence[MonthLines], contract_ended: bool
) -> list[MonthLines]:
    """Mark each closed month's lines waived / owed / provisional under the earn-back clause."""
    earn_back = contract.spec.credits.earn_back
    if earn_back is None:
        return list(months)
    closed = [m for m in months if m.kind == "closed"]  # in month order
    position = {m.period: index for index, m in enumerate(closed)}
    settled: list[MonthLines] = []
    for month in months:
        if month.kind != "closed" or not any(line.amount for line in month.lines):
            settled.append(month)
            continue
        following = closed[position[month.period] + 1 :][: earn_back.periods]
        if earn_back.per == "contract":
            state, note = _earn_back(following, earn_back.periods, contract_ended, all_met, None)
            lines = tuple(replace(line, earn_back=state) for line in month.lines)
            settled.append(replace(month, lines=lines, notes=(note,)))
            continue
        lines_out, notes = [], []
        for objective_id in dict.fromkeys(line.objective_id for line in month.lines):
            title = next(op.title for op in month.ops if op.objective_id == objective_id)
            state, note = _earn_back(
                following, earn_back.periods, contract_ended, _objective_met(objective_id), title
            )
            notes.append(note)
            lines_out += [
                replace(line, earn_back=state)
                for line in month.lines
                if line.objective_id == objective_id
            ]
        settled.append(replace(month, lines=tuple(lines_out), notes=tuple(notes)))
    return settled


def _objective_met(objective_id: str) -> Callable[[Sequence[ObjectivePeriod]], bool]:
    def met(ops: Sequence[ObjectivePeriod]) -> bool:
        return all(
            op.outcome in ("met", "excluded") for op in ops if op.objective_id == objective_id
        )

    return met


def _earn_back(
    following: Sequence[MonthLines],
    periods: int,
    contract_ended: bool,
    met: Callable[[Sequence[ObjectivePeriod]], bool],
    objective: str | None,
) -> tuple[EarnBackState, str]:
    """The state of a credit under earn-back, and why: `objective` names the objective whose
    credit it is (per-objective earn-back), None for the whole month's (per contract)."""
    who = "every objective" if objective is None else objective
    whose = "" if objective is None else f" of {objective}"
    failed = next((m.period for m in following if not met(m.ops)), None)
    if failed is not None:
        what = "not every objective was met" if objective is None else f"{objective} was not met"
        return "owed", f"earn-back{whose} lost: {what} in {month_name(failed)}"
    if len(following) == periods:
        return (
            "waived",
            f"credit{whose} waived by earn-back: {who} met in the next {counted(periods, 'period')}",
        )
    if contract_ended:
        return "owed", f"credit{whose} owed: the contract ended before the earn-back periods"
    return (
        "provisional",
        f"credit{whose} provisional: waived if {who} is met in the next {counted(periods, 'period')} "
        f"({len(following)} met so far)",
    )


def _sum(lines: Sequence[CreditLine]) -> Decimal:
    return sum((line.amount for line in lines), ZERO)


class CapRoom:
    """The caps of one contract, and what is left of each contract year's cap as the months go by."""

    def __init__(self, contract: SLAContract, fees: FeeBook | None = None) -> None:
        self.contract = contract
        self.fees = fees or FeeBook(contract)
        self.used: dict[int, Decimal] = {}
        self._year_limits: dict[int, Decimal] = {}

    def year_limit(self, year: int) -> Decimal | None:
        cap = self.contract.spec.credits.contract_year_cap
        if cap is None:
            return None
        if year not in self._year_limits:
            self._year_limits[year] = (
                cents(percent_of(year_fees(self.contract, year, self.fees), cap.percent_of_fees))
                if cap.percent_of_fees is not None
                else cents(Decimal(cap.amount or 0))
            )
        return self._year_limits[year]

    def apply(self, fee: MonthFee, total: Decimal) -> tuple[Decimal, list[CapApplied]]:
        """`total` after every cap, and each cap as it applied (without using any room)."""
        credits = self.contract.spec.credits
        currency = self.contract.spec.currency
        steps: list[CapApplied] = []
        amount = total
        if fee.credit_free:
            months = credits.no_credit_months
            label = (
                "no credit in the contract's first month"
                if months == 1
                else f"no credit in the contract's first {months} months"
            )
            steps.append(CapApplied.of("no_credit_month", label, ZERO, amount))
            amount = ZERO
        cap = credits.cap
        if cap is not None:
            if cap.percent_of_fee is not None:
                limit = cents(percent_of(fee.fee, cap.percent_of_fee))
                label = (
                    f"monthly cap {fmt_percent(cap.percent_of_fee)} ({fmt_money(limit, currency)})"
                )
            else:
                monthly = Decimal(cap.amount or 0)
                limit = fee.share(monthly)
                label = f"monthly cap {fmt_money(monthly, currency)}" + (
                    f" prorated to {fmt_money(limit, currency)}" if limit != monthly else ""
                )
            steps.append(CapApplied.of("monthly", label, limit, amount))
            amount = steps[-1].after
        year_limit = self.year_limit(fee.contract_year)
        year_cap = credits.contract_year_cap
        if year_limit is not None and year_cap is not None:
            room = max(ZERO, year_limit - self.used.get(fee.contract_year, ZERO))
            what = (
                f"{fmt_percent(year_cap.percent_of_fees)} of year {fee.contract_year}'s fees "
                f"({fmt_money(year_limit, currency)})"
                if year_cap.percent_of_fees is not None
                else f"{fmt_money(year_limit, currency)} for year {fee.contract_year}"
            )
            label = f"contract-year cap {what}, {fmt_money(room, currency)} of it left"
            steps.append(CapApplied.of("contract_year", label, room, amount))
            amount = steps[-1].after
        return amount, steps

    def use(self, fee: MonthFee, amount: Decimal) -> None:
        self.used[fee.contract_year] = self.used.get(fee.contract_year, ZERO) + amount


def lines_state(lines: Sequence[CreditLine]) -> EarnBackState:
    """The earn-back state of some lines together: provisional while any is, else owed if any
    is, else waived."""
    states = {line.earn_back for line in lines if line.amount}
    if "provisional" in states:
        return "provisional"
    if "owed" in states:
        return "owed"
    if "waived" in states:
        return "waived"
    return "not_applicable"


def _cap_text(steps: Sequence[CapApplied], currency: str) -> list[str]:
    texts = []
    for step in steps:
        if step.binds:
            texts.append(
                f"{step.label} binds: {fmt_money(step.before, currency)} → "
                f"{fmt_money(step.after, currency)}"
            )
        elif step.cap != "no_credit_month":
            texts.append(f"{step.label} not reached")
    return texts


def credit_months(
    contract: SLAContract, months: Sequence[MonthLines], fees: FeeBook | None = None
) -> list[PeriodCredit]:
    """Each month's credit (earn-back settled, in month order): the caps applied in turn, the
    contract-year cap's room used up by each month's credit. A month without a credit line has
    no cap to apply."""
    currency = contract.spec.currency
    room = CapRoom(contract, fees)
    credits = []
    for month in months:
        lines = month.lines
        gross = _sum(lines)
        counted = _sum([line for line in lines if line.earn_back != "waived"])
        pending = _sum([line for line in lines if line.earn_back == "provisional"])
        amount, steps = room.apply(month.fee, counted) if gross else (ZERO, [])
        definite = room.apply(month.fee, counted - pending)[0] if pending else amount
        full = room.apply(month.fee, gross)[0] if gross != counted else amount
        room.use(month.fee, amount)
        amount = cents(amount)
        parts = [line.explanation for line in lines] or [f"no credit in {month_name(month.period)}"]
        excluded = [
            f"{op.title}: {op.exclusion_text()}"
            for op in month.ops
            if op.exclusion_text() and op.excluded_contacts != 0
        ]
        if excluded:
            parts.append("exclusions: " + "; ".join(excluded))
        if lines:
            parts += _cap_text(steps, currency)
        parts += month.notes
        fee = month.fee.fee
        credits.append(
            PeriodCredit(
                period=month.period,
                kind=month.kind,
                fee=month.fee,
                lines=lines,
                gross=cents(gross),
                amount=amount,
                provisional=cents(amount - definite),
                waived=cents(full - amount),
                percent_of_fee=float(amount / fee * 100) if fee else 0.0,
                cap_binds=any(step.binds for step in steps) and bool(lines),
                caps=tuple(steps),
                earn_back=lines_state(lines)
                if contract.spec.credits.earn_back is not None
                else "not_applicable",
                explanation="; ".join(parts),
            )
        )
    return credits
