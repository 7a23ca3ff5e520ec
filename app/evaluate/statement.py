"""A credit statement: one contract's service credit for one month, as finance attaches it to an
invoice — every objective's target, actual, outcome, run of misses, band, percentage and amount,
the exclusions, the caps applied, earn-back and what the ledger says was issued.

Pure: built from a `ContractEvaluation` (which carries the ledger) and the program's catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.evaluate.attainment import ExclusionApplied, ObjectivePeriod, month_name
from app.evaluate.contracts import ContractEvaluation
from app.evaluate.credits import (
    CapApplied,
    CreditLine,
    EarnBackState,
    PeriodCredit,
    lines_state,
)
from app.evaluate.fees import MonthFee
from app.evaluate.ledger import CreditStatus
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.spec.program import Program

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class StatementObjective(JsonReady):
    objective_id: str
    title: str
    metric: str
    unit: str | None
    target: float
    better: str
    actual: float | None
    outcome: str
    consecutive_misses: int
    band: str | None
    rules: tuple[str, ...]
    percent_of_fee: float
    amount: Decimal
    """The objective's credit lines added up (before the month's caps)."""
    earn_back: EarnBackState
    exclusions: tuple[ExclusionApplied, ...]
    excluded_hours: float
    excluded_contacts: int | None
    exclusion_text: str
    note: str | None
    explanation: str


@dataclass(frozen=True)
class CreditStatement(JsonReady):
    contract_id: str
    title: str
    counterparty: str
    contract_number: str | None
    currency: str
    timezone: str
    """The contract's measurement timezone: its dates and exclusion windows are in it."""
    period: Month
    as_of: date
    state: str
    """closed (final unless an actual is corrected) or open (month to date)."""
    fee: MonthFee
    objectives: tuple[StatementObjective, ...]
    gross: Decimal
    waived: Decimal
    amount: Decimal
    provisional: Decimal
    percent_of_fee: float
    caps: tuple[CapApplied, ...]
    earn_back: EarnBackState
    ledger: CreditStatus | None
    issued_status: str
    explanation: str
    notes: tuple[str, ...]

    @property
    def month_name(self) -> str:
        return month_name(self.period)


def _objective(
    op: ObjectivePeriod, lines: list[CreditLine], unit: str | None
) -> StatementObjective:
    band = next((line.band for line in lines if line.band is not None), None)
    return StatementObjective(
        objective_id=op.objective_id,
        title=op.title,
        metric=op.metric,
        unit=unit,
        target=op.target,
        better=op.better,
        actual=op.value,
        outcome=op.outcome,
        consecutive_misses=op.consecutive_misses,
        band=band,
        rules=tuple(dict.fromkeys(line.rule for line in lines)),
        percent_of_fee=sum(line.percent_of_fee for line in lines),
        amount=sum((line.amount for line in lines), ZERO),
        earn_back=lines_state(lines),
        exclusions=op.exclusions,
        excluded_hours=op.excluded_hours,
        excluded_contacts=op.excluded_contacts,
        exclusion_text=op.exclusion_text(),
        note=op.note,
        explanation="; ".join(line.explanation for line in lines),
    )


def issued_status(status: CreditStatus | None, credit: PeriodCredit) -> str:
    """What the ledger says of the month's credit, in a sentence."""
    if status is not None:
        return status.explanation
    if credit.kind != "closed":
        return "the month is still open: nothing can be issued yet"
    return "no credit owed"


def credit_statement(
    program: Program, evaluation: ContractEvaluation, credit: PeriodCredit, *, as_of: date
) -> CreditStatement:
    """The statement of `credit` (a month of `evaluation`)."""
    contract = program.contracts[evaluation.contract_id]
    ops = [
        op for op in evaluation.objectives if op.period == credit.period and op.kind != "projected"
    ]
    units = {m.id: m.spec.unit for m in program.metrics.values()}
    status = next((s for s in evaluation.ledger if s.period == credit.period), None)
    return CreditStatement(
        contract_id=evaluation.contract_id,
        title=evaluation.title,
        counterparty=evaluation.counterparty,
        contract_number=contract.metadata.labels.get("contract_number"),
        currency=evaluation.currency,
        timezone=contract.spec.measurement.timezone,
        period=credit.period,
        as_of=as_of,
        state=credit.kind,
        fee=credit.fee,
        objectives=tuple(
            _objective(
                op,
                [line for line in credit.lines if line.objective_id == op.objective_id],
                units.get(op.metric),
            )
            for op in ops
        ),
        gross=credit.gross,
        waived=credit.waived,
        amount=credit.amount,
        provisional=credit.provisional,
        percent_of_fee=credit.percent_of_fee,
        caps=credit.caps,
        earn_back=credit.earn_back,
        ledger=status,
        issued_status=issued_status(status, credit),
        explanation=credit.explanation,
        notes=evaluation.notes,
    )
