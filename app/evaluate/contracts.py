"""SLA contracts: attainment per objective and month, credits per month, and money exposure.

Exposure has four separate parts, per contract and in total:

- **owed**: credits of closed months that are due — no earn-back can waive them any more (waived
  credits are not owed; provisional ones are counted on their own);
- **provisional**: credits of closed months that earn-back may still waive;
- **at risk**: the open month's credit if it closed at its month-to-date value;
- **projected**: next month's credit if each objective's recent trend holds (least squares over
  its last closed values, the goal forecast's machinery; an excluded month is skipped; an
  objective with fewer than three values is not projected and says so).

Against the credit ledger (`app.evaluate.ledger`), the owed credits are further split into
issued, owed-not-issued and adjustments due on the next invoice.

Totals are in the program currency. A contract in another currency is reported in its own and
flagged; no exchange rate is invented.
"""

from __future__ import annotations

from collections.abc import Sequence
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
from app.evaluate.credits import (
    MonthLines,
    PeriodCredit,
    credit_months,
    month_lines,
    settle_earn_back,
)
from app.evaluate.fees import FeeBook, month_fee
from app.evaluate.forecast import forecast
from app.evaluate.ledger import CreditStatus, IssuedCredit, reconcile
from app.evaluate.money import fmt_money
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.program import Program
from app.spec.sla import SLAContract
from app.words import counted

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
    ledger: tuple[CreditStatus, ...] = ()
    """Closed months with a credit or a ledger entry, against the ledger."""
    issued: Decimal = ZERO
    not_issued: Decimal = ZERO
    """Owed and on no invoice yet."""
    adjustments: Decimal = ZERO
    """Due on the next invoice for credits that changed after they were issued (negative: to recover)."""

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
    issued: Decimal = ZERO
    not_issued: Decimal = ZERO
    adjustments: Decimal = ZERO


def evaluate_contracts(
    program: Program,
    actuals: ActualsIndex,
    *,
    as_of: date,
    issued: Sequence[IssuedCredit] = (),
) -> list[ContractEvaluation]:
    """Every contract in id order, evaluated as of `as_of` (against the ledger's `issued` entries)."""
    return [
        evaluate_contract(program, c, actuals, as_of=as_of, issued=issued)
        for _, c in sorted(program.contracts.items())
    ]


def evaluate_contract(
    program: Program,
    contract: SLAContract,
    actuals: ActualsIndex,
    *,
    as_of: date,
    issued: Sequence[IssuedCredit] = (),
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
            _partial_note(contract, Month.of(effective.from_), f"starts on {effective.from_}")
        )
    if effective.to is not None and effective.to != Month.of(effective.to).last_day():
        notes.append(_partial_note(contract, Month.of(effective.to), f"ends on {effective.to}"))
    history: dict[str, list[ObjectivePeriod]] = {}
    for objective in spec.objectives:
        metric = program.metrics.get(objective.metric)
        if metric is None:
            notes.append(
                f"objective {objective.id}: metric {objective.metric!r} is not in the catalogue; not evaluated"
            )
            continue
        history[objective.id] = objective_periods(
            contract, objective, metric, actuals, months, open_month, program.timezone
        )
    by_period = _by_period(history, months)
    fees = FeeBook(contract)
    entries = month_entries(contract, history, months, open_month, fees)

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
            entries.append(
                month_lines(
                    contract,
                    next_month,
                    "projected",
                    fees.of(next_month),
                    projected_rows,
                    so_far,
                )
            )
    credits = credit_months(contract, entries, fees)

    closed = [c for c in credits if c.kind == "closed"]
    provisional = sum((c.provisional for c in closed), ZERO)
    owed = sum((c.amount for c in closed), ZERO) - provisional
    waived = sum((c.waived for c in closed), ZERO)
    at_risk = sum((c.amount for c in credits if c.kind == "open"), ZERO)
    projected = sum((c.amount for c in credits if c.kind == "projected"), ZERO)
    ledger = reconcile(contract.id, credits, issued, spec.currency, as_of=as_of)
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
        exposure=owed + provisional + at_risk + projected,
        notes=tuple(notes),
        ledger=ledger,
        issued=sum((s.issued for s in ledger), ZERO),
        not_issued=sum((s.due for s in ledger if s.state == "not_issued"), ZERO),
        adjustments=sum((s.due for s in ledger if s.state == "adjustment"), ZERO),
    )


def _by_period(
    history: dict[str, list[ObjectivePeriod]], months: Sequence[Month]
) -> dict[Month, list[ObjectivePeriod]]:
    by_period: dict[Month, list[ObjectivePeriod]] = {m: [] for m in months}
    for rows in history.values():
        for row in rows:
            by_period[row.period].append(row)
    return by_period


def month_entries(
    contract: SLAContract,
    history: dict[str, list[ObjectivePeriod]],
    months: Sequence[Month],
    open_month: Month,
    fees: FeeBook,
) -> list[MonthLines]:
    """Each month's credit lines, earn-back settled, from every objective's periods in month
    order (`history`: objective id → one period per month of `months`)."""
    by_period = _by_period(history, months)
    entries = [
        month_lines(
            contract,
            month,
            "open" if month == open_month else "closed",
            fees.of(month),
            by_period[month],
            {oid: rows[: index + 1] for oid, rows in history.items()},
        )
        for index, month in enumerate(months)
    ]
    effective_to = contract.spec.effective.to
    ended = effective_to is not None and Month.of(effective_to) < open_month
    return settle_earn_back(contract, entries, ended)


def credit_if(
    contract: SLAContract, evaluation: ContractEvaluation, open_rows: Sequence[ObjectivePeriod]
) -> PeriodCredit:
    """The open month's credit had its objectives ended as `open_rows` say (the closed months as
    they are, so earn-back and the contract-year cap count as they would)."""
    replaced = {row.objective_id: row for row in open_rows}
    history: dict[str, list[ObjectivePeriod]] = {}
    for row in evaluation.objectives:
        if row.kind == "projected":
            continue
        chosen = replaced.get(row.objective_id, row) if row.kind == "open" else row
        history.setdefault(row.objective_id, []).append(chosen)
    months = sorted({row.period for rows in history.values() for row in rows})
    open_month = next(row.period for row in open_rows)
    fees = FeeBook(contract)
    credits = credit_months(
        contract, month_entries(contract, history, months, open_month, fees), fees
    )
    return next(c for c in credits if c.period == open_month)


def _partial_note(contract: SLAContract, month: Month, what: str) -> str:
    """What a month the contract covers in part is measured and credited on."""
    fee = month_fee(contract, month)
    currency = contract.spec.currency
    credited = (
        f"credited on its fee prorated to {fee.describe(currency)}"
        if fee.prorated
        else f"credited on the full monthly fee of {fmt_money(fee.monthly_fee, currency)}"
    )
    return (
        f"the contract {what}: {month_name(month)} is measured on its {counted(fee.days, 'day')} in "
        f"effect and {credited}"
    )


def _project(
    history: dict[str, list[ObjectivePeriod]], month: Month
) -> tuple[list[ObjectivePeriod], list[str]]:
    """Each objective's next month if its trend over closed months holds; the open month's
    month-to-date outcome is taken to stand, so the consecutive-miss count continues from it."""
    rows, skipped = [], []
    for objective_id, periods in history.items():
        closed = [
            (p.period, p.value)
            for p in periods
            if p.kind == "closed" and p.value is not None and p.outcome != "excluded"
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
                note=f"trend over {counted(fc.points_used, 'closed month')}, {fc.first_month} to "
                f"{fc.last_month} (excluded months skipped)",
                series_key=last.scope_key,
            )
        )
    return rows, skipped


FIGURES = ("owed", "provisional", "at_risk", "projected", "issued", "not_issued", "adjustments")


def exposure_summary(program: Program, contracts: list[ContractEvaluation]) -> ExposureSummary:
    """Totals in the program currency; other currencies totalled apart and their contracts flagged."""
    mine = [c for c in contracts if c.in_program_currency]
    others: dict[str, dict[str, Decimal]] = {}
    for c in contracts:
        if c.in_program_currency:
            continue
        sums = others.setdefault(c.currency, dict.fromkeys((*FIGURES, "total"), ZERO))
        for key in FIGURES:
            sums[key] += getattr(c, key)
        sums["total"] += c.exposure

    def total(figure: str) -> Decimal:
        return sum((getattr(c, figure) for c in mine), ZERO)

    return ExposureSummary(
        currency=program.spec.currency,
        owed=total("owed"),
        provisional=total("provisional"),
        at_risk=total("at_risk"),
        projected=total("projected"),
        total=total("exposure"),
        other_currencies=others,
        flagged_contracts=tuple(c.contract_id for c in contracts if not c.in_program_currency),
        issued=total("issued"),
        not_issued=total("not_issued"),
        adjustments=total("adjustments"),
    )
