"""Service credits for one contract and one period, from the contract's credit rules.

Readings chosen where contracts differ (each is tested):

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
- **pool**: objective's `allocation_percent` × `pool_percent` × at-risk amount (`at_risk_percent`
  of the monthly fee); the pool credits of one period never exceed the at-risk amount.
- **cap** (`percent_of_fee` or `amount`): per period, on the sum of all lines.
- **earn-back**: a closed period's credit is waived when the next N closed periods all meet
  every objective (excluded objectives do not spoil it; unmeasured ones do). Until N periods have
  closed it is *provisional*; a miss among them makes it *owed*; when the contract ends before N
  periods it is owed.

Each credit line is rounded to cents (half up) as it is computed, so a period's lines add up to
its gross amount exactly as printed; the cap then applies to that sum.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from app.evaluate.attainment import ObjectivePeriod, month_name
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

EarnBackState = Literal["not_applicable", "provisional", "waived", "owed"]


@dataclass(frozen=True)
class CreditLine(JsonReady):
    objective_id: str
    rule: str
    percent_of_fee: float
    amount: Decimal
    explanation: str


@dataclass(frozen=True)
class PeriodCredit(JsonReady):
    period: Month
    kind: Literal["closed", "open", "projected"]
    lines: tuple[CreditLine, ...]
    gross: Decimal
    amount: Decimal
    percent_of_fee: float
    cap_binds: bool
    earn_back: EarnBackState
    explanation: str


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
    fee: Decimal,
    currency: str,
    why: str,
    fee_text: str,
) -> CreditLine:
    amount = cents(percent_of(fee, percent))
    return CreditLine(
        op.objective_id,
        rule,
        percent,
        amount,
        f"{why} → {fmt_percent(percent)} of {fee_text} = {fmt_money(amount, currency)}",
    )


def rule_lines(
    rule: CreditRule,
    ops: Sequence[ObjectivePeriod],
    history: dict[str, list[ObjectivePeriod]],
    contract: SLAContract,
) -> list[CreditLine]:
    """The credit lines one rule gives in one period. `history` holds each objective's periods up to this one."""
    fee, currency = contract.spec.monthly_fee, contract.spec.currency
    fee_text = fmt_money(fee, currency)
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
                    _line(
                        op, "bands", band.percent, fee, currency, f"{_what(op)}: {reason}", fee_text
                    )
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
                        fee_text,
                    )
                )
        elif isinstance(rule, PerMissRule):
            lines.append(
                _line(op, "per_miss", rule.percent, fee, currency, f"{_what(op)}: missed", fee_text)
            )
    if isinstance(rule, PoolRule) and any(op.counts_as_miss for op in ops):
        lines.extend(_pool_lines(rule, ops, contract))
    return lines


def _pool_lines(
    rule: PoolRule, ops: Sequence[ObjectivePeriod], contract: SLAContract
) -> list[CreditLine]:
    fee, currency = contract.spec.monthly_fee, contract.spec.currency
    at_risk = percent_of(fee, rule.at_risk_percent)
    allocations = {o.id: o.allocation_percent for o in contract.spec.objectives}
    lines: list[CreditLine] = []
    remaining = at_risk
    stake = (
        f"× pool {fmt_percent(rule.pool_percent)} × at-risk {fmt_percent(rule.at_risk_percent)} of "
        f"{fmt_money(fee, currency)} ({fmt_money(at_risk, currency)})"
    )
    for op in ops:
        if not op.counts_as_miss or not _covers(rule, op.objective_id):
            continue
        allocation = allocations.get(op.objective_id) or 0.0
        raw = percent_of(percent_of(at_risk, rule.pool_percent), allocation)
        amount = cents(min(raw, remaining))
        remaining -= amount
        why = f"{_what(op)}: allocation {fmt_percent(allocation)} {stake} = {fmt_money(raw, currency)}"
        if amount < raw:
            why += f"; pool credits capped at the at-risk amount: {fmt_money(amount, currency)}"
        percent = float(amount / fee * 100) if fee else 0.0
        lines.append(CreditLine(op.objective_id, "pool", percent, amount, why))
    return lines


def period_credit(
    contract: SLAContract,
    period: Month,
    kind: Literal["closed", "open", "projected"],
    ops: Sequence[ObjectivePeriod],
    history: dict[str, list[ObjectivePeriod]],
) -> PeriodCredit:
    """All rules for one period, summed and capped; earn-back is settled later by `settle_earn_back`."""
    spec = contract.spec
    fee, currency = spec.monthly_fee, spec.currency
    lines = (
        [line for rule in spec.credits.rules for line in rule_lines(rule, ops, history, contract)]
        if any(op.counts_as_miss for op in ops)
        else []
    )
    gross = sum((line.amount for line in lines), Decimal(0))
    amount, binds, cap_text = gross, False, ""
    cap = spec.credits.cap
    if cap is not None:
        limit = (
            percent_of(fee, cap.percent_of_fee)
            if cap.percent_of_fee is not None
            else Decimal(cap.amount or 0)
        )
        label = (
            fmt_percent(cap.percent_of_fee)
            if cap.percent_of_fee is not None
            else fmt_money(limit, currency)
        )
        if gross > limit:
            amount, binds = limit, True
            cap_text = f"cap {label} ({fmt_money(limit, currency)}) binds: {fmt_money(gross, currency)} → {fmt_money(limit, currency)}"
        elif lines:
            cap_text = f"cap {label} not reached"
    amount = cents(amount)
    parts = [line.explanation for line in lines] or [f"no credit in {month_name(period)}"]
    if cap_text:
        parts.append(cap_text)
    return PeriodCredit(
        period=period,
        kind=kind,
        lines=tuple(lines),
        gross=cents(gross),
        amount=amount,
        percent_of_fee=float(amount / fee * 100) if fee else 0.0,
        cap_binds=binds,
        earn_back="not_applicable",
        explanation="; ".join(parts),
    )


def all_met(ops: Sequence[ObjectivePeriod]) -> bool:
    """A period in which every objective is met (excluded objectives do not count against it)."""
    return all(op.outcome in ("met", "excluded") for op in ops)


def settle_earn_back(
    contract: SLAContract,
    credits: list[PeriodCredit],
    ops_by_period: dict[Month, list[ObjectivePeriod]],
    contract_ended: bool,
) -> list[PeriodCredit]:
    """Mark each closed credit waived / owed / provisional under the contract's earn-back clause."""
    earn_back = contract.spec.credits.earn_back
    if earn_back is None:
        return credits
    closed = [c.period for c in credits if c.kind == "closed"]  # in month order
    settled = []
    for position, credit in enumerate(credits):
        if credit.kind != "closed" or credit.amount == 0:
            settled.append(credit)
            continue
        following = closed[position + 1 : position + 1 + earn_back.periods]
        failed = next((m for m in following if not all_met(ops_by_period[m])), None)
        if failed is not None:
            state: EarnBackState = "owed"
            note = f"earn-back lost: not every objective was met in {month_name(failed)}"
        elif len(following) == earn_back.periods:
            state = "waived"
            note = f"waived by earn-back: every objective met in the next {earn_back.periods} period(s)"
        elif contract_ended:
            state, note = "owed", "owed: the contract ended before the earn-back periods"
        else:
            state = "provisional"
            note = (
                f"provisional: waived if every objective is met in the next {earn_back.periods} period(s) "
                f"({len(following)} met so far)"
            )
        settled.append(_replace(credit, state, note))
    return settled


def _replace(credit: PeriodCredit, state: EarnBackState, note: str) -> PeriodCredit:
    return replace(credit, earn_back=state, explanation=f"{credit.explanation}; {note}")
