"""SLA contracts: attainment per objective and month, credits per month, and money exposure.

Exposure has three parts, per contract and in total:

- **owed**: credits of closed months (waived earn-back credits excluded; provisional ones included
  and also shown on their own);
- **at risk**: the open month's credit if it closed at its month-to-date value;
- **projected**: next month's credit if each objective's recent trend holds (least squares over
  its last closed values, the goal forecast's machinery; an objective with fewer than three
  values is not projected and says so).

Totals are in the program currency. A contract in another currency is reported in its own and
flagged; no exchange rate is invented.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.evaluate.actuals import ActualsIndex
from app.evaluate.attainment import (
    ObjectivePeriod,
    contract_months,
    judge,
    month_name,
    next_count,
    objective_periods,
)
from app.evaluate.credits import PeriodCredit, period_credit, settle_earn_back
from app.evaluate.forecast import forecast
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.program import Program
from app.spec.sla import SLAContract

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ContractEvaluation(JsonReady):
    contract_id: str
    title: str
    counterparty: str
    currency: str
    monthly_fee: Decimal
    in_program_currency: bool
    objectives: tuple[ObjectivePeriod, ...]
    credits: tuple[PeriodCredit, ...]
    owed: Decimal
    provisional: Decimal
    waived: Decimal
    at_risk: Decimal
    projected: Decimal
    exposure: Decimal
    notes: tuple[str, ...] = ()

    def periods(self, kind: str | None = None) -> list[Month]:
        return sorted({c.period for c in self.credits if kind is None or c.kind == kind})

    @property
    def missed_objective_months(self) -> int:
        """Closed objective-months that count as missed (unmeasured ones too, when the contract says so)."""
        return sum(1 for o in self.objectives if o.kind == "closed" and o.counts_as_miss)


@dataclass(frozen=True)
class ExposureSummary(JsonReady):
    currency: str
    owed: Decimal
    provisional: Decimal
    at_risk: Decimal
    projected: Decimal
    total: Decimal
    other_currencies: dict[str, dict[str, Decimal]]
    flagged_contracts: tuple[str, ...]


def evaluate_contracts(
    program: Program, actuals: ActualsIndex, *, as_of: date
) -> list[ContractEvaluation]:
    """Every contract in id order, evaluated as of `as_of`."""
    return [
        evaluate_contract(program, c, actuals, as_of=as_of)
        for _, c in sorted(program.contracts.items())
    ]


def evaluate_contract(
    program: Program, contract: SLAContract, actuals: ActualsIndex, *, as_of: date
) -> ContractEvaluation:
    spec = contract.spec
    open_month = Month.of(as_of)
    months = contract_months(contract, open_month)
    notes: list[str] = []
    if spec.measurement.timezone != program.timezone:
        notes.append(
            f"the contract measures months in {spec.measurement.timezone}; actuals are cut in the program's "
            f"{program.timezone}"
        )
    effective = spec.effective
    if effective.from_.day != 1:
        notes.append(
            f"the contract starts on {effective.from_}: {Month.of(effective.from_)} is measured as a whole month"
        )
    if effective.to is not None and effective.to != Month.of(effective.to).last_day():
        notes.append(
            f"the contract ends on {effective.to}: {Month.of(effective.to)} is measured as a whole month"
        )
    history: dict[str, list[ObjectivePeriod]] = {}
    for objective in spec.objectives:
        metric = program.metrics.get(objective.metric)
        if metric is None:
            notes.append(
                f"objective {objective.id}: metric {objective.metric!r} is not in the catalogue; not evaluated"
            )
            continue
        history[objective.id] = objective_periods(
            contract, objective, metric, actuals, months, open_month
        )
    by_period: dict[Month, list[ObjectivePeriod]] = {m: [] for m in months}
    for rows in history.values():
        for row in rows:
            by_period[row.period].append(row)

    credits: list[PeriodCredit] = []
    for index, month in enumerate(months):
        so_far = {oid: rows[: index + 1] for oid, rows in history.items()}
        credits.append(
            period_credit(
                contract,
                month,
                "open" if month == open_month else "closed",
                by_period[month],
                so_far,
            )
        )
    ended = spec.effective.to is not None and Month.of(spec.effective.to) < open_month
    credits = settle_earn_back(contract, credits, by_period, ended)

    projected_rows: list[ObjectivePeriod] = []
    next_month = open_month.shift(1)
    if (
        months
        and months[-1] == open_month
        and (spec.effective.to is None or Month.of(spec.effective.to) >= next_month)
    ):
        projected_rows, skipped = _project(history, next_month)
        notes.extend(skipped)
        if projected_rows:
            so_far = {
                oid: [*rows, *(p for p in projected_rows if p.objective_id == oid)]
                for oid, rows in history.items()
            }
            credits.append(period_credit(contract, next_month, "projected", projected_rows, so_far))

    owed = sum((c.amount for c in credits if c.kind == "closed" and c.earn_back != "waived"), ZERO)
    provisional = sum(
        (c.amount for c in credits if c.kind == "closed" and c.earn_back == "provisional"), ZERO
    )
    waived = sum(
        (c.amount for c in credits if c.kind == "closed" and c.earn_back == "waived"), ZERO
    )
    at_risk = sum((c.amount for c in credits if c.kind == "open"), ZERO)
    projected = sum((c.amount for c in credits if c.kind == "projected"), ZERO)
    in_currency = spec.currency == program.spec.currency
    if not in_currency:
        notes.append(
            f"in {spec.currency}, not the program's {program.spec.currency}: left out of the program total"
        )
    return ContractEvaluation(
        contract_id=contract.id,
        title=contract.metadata.title,
        counterparty=spec.counterparty,
        currency=spec.currency,
        monthly_fee=spec.monthly_fee,
        in_program_currency=in_currency,
        objectives=tuple(row for month in months for row in by_period[month])
        + tuple(projected_rows),
        credits=tuple(credits),
        owed=owed,
        provisional=provisional,
        waived=waived,
        at_risk=at_risk,
        projected=projected,
        exposure=owed + at_risk + projected,
        notes=tuple(notes),
    )


def _project(
    history: dict[str, list[ObjectivePeriod]], month: Month
) -> tuple[list[ObjectivePeriod], list[str]]:
    """Each objective's next month if its trend over closed months holds; the open month's
    month-to-date outcome is taken to stand, so the consecutive-miss count continues from it."""
    rows, skipped = [], []
    for objective_id, periods in history.items():
        closed = [
            (p.period, p.value) for p in periods if p.kind == "closed" and p.value is not None
        ]
        fc = forecast(closed, month)
        if fc.value is None:
            skipped.append(
                f"objective {objective_id}: not projected for {month_name(month)}: {fc.refused}"
            )
            continue
        last = periods[-1]
        outcome, miss = judge(
            fc.value, last.target, last.better, excluded=False, unmeasured_counts=True
        )
        rows.append(
            ObjectivePeriod(
                objective_id=objective_id,
                title=last.title,
                metric=last.metric,
                scope_key=last.scope_key,
                period=month,
                kind="projected",
                value=fc.value,
                target=last.target,
                better=last.better,
                outcome=outcome,
                counts_as_miss=miss,
                consecutive_misses=next_count(last.consecutive_misses, outcome, miss),
                note=f"trend over {fc.points_used} closed month(s), {fc.first_month} to {fc.last_month}",
            )
        )
    return rows, skipped


def exposure_summary(program: Program, contracts: list[ContractEvaluation]) -> ExposureSummary:
    """Totals in the program currency; other currencies totalled apart and their contracts flagged."""
    mine = [c for c in contracts if c.in_program_currency]
    others: dict[str, dict[str, Decimal]] = {}
    for c in contracts:
        if c.in_program_currency:
            continue
        sums = others.setdefault(
            c.currency,
            dict.fromkeys(("owed", "provisional", "at_risk", "projected", "total"), ZERO),
        )
        for key, value in (
            ("owed", c.owed),
            ("provisional", c.provisional),
            ("at_risk", c.at_risk),
            ("projected", c.projected),
            ("total", c.exposure),
        ):
            sums[key] += value
    return ExposureSummary(
        currency=program.spec.currency,
        owed=sum((c.owed for c in mine), ZERO),
        provisional=sum((c.provisional for c in mine), ZERO),
        at_risk=sum((c.at_risk for c in mine), ZERO),
        projected=sum((c.projected for c in mine), ZERO),
        total=sum((c.exposure for c in mine), ZERO),
        other_currencies=others,
        flagged_contracts=tuple(c.contract_id for c in contracts if not c.in_program_currency),
    )
