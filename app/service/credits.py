"""Service credits as finance handles them: issue a closed month's credit on an invoice, read the
ledger, and the month's credit statement to attach to the invoice.

Issuing records what is due now — the month's credit when nothing was issued yet, the difference
when an issued credit has changed since (a corrected actual) — so the ledger adds up to the credit
invoice by invoice; a provisional credit (earn-back may still waive it), an open month and a
credit already issued in full are refused. Every check is here, so the CLI and the app refuse the
same things with the same words.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy.engine import Engine

from app.errors import Conflict, NotFound, Refused, UsageError
from app.evaluate import ContractEvaluation, CreditStatus, IssuedCredit, ProgramEvaluation
from app.evaluate.money import fmt_money
from app.evaluate.statement import CreditStatement, credit_statement
from app.periods import Month, today_in
from app.service.database import transaction
from app.service.program import evaluation_in, issued_in, repair_owed
from app.spec.program import Program
from app.spec.sla import SLAContract
from app.store.ledger import append_issue

STATEMENT_FORMATS: tuple[str, ...] = ("pdf", "csv", "json")


def contract_of(program: Program, contract_id: str) -> SLAContract:
    found = program.contracts.get(contract_id)
    if found is None:
        known = ", ".join(sorted(program.contracts)) or "(none)"
        raise NotFound(f"no SLA contract {contract_id!r} in the program; known: {known}")
    return found


def _evaluated(evaluation: ProgramEvaluation, contract_id: str) -> ContractEvaluation:
    return next(c for c in evaluation.contracts if c.contract_id == contract_id)


def _closed_month(program: Program, contract: SLAContract, period: Month, as_of: date) -> None:
    """Refuse a month that is not a closed month of the contract as of `as_of`."""
    effective = contract.spec.effective
    first = Month.of(effective.from_)
    last = Month.of(effective.to) if effective.to is not None else None
    if period < first or (last is not None and period > last):
        span = f"{first} to {last}" if last is not None else f"{first} on"
        raise NotFound(f"{contract.id} is not in effect in {period} (it runs {span})")
    if period >= Month.of(as_of):
        raise Refused(
            f"{period} has not closed yet (as of {as_of}): a credit is final once its month has",
            hint="pass --as-of a later date to look at it from then",
        )


@dataclass(frozen=True)
class Issued:
    """What `issue_credit` recorded, and the month's state before it."""

    entry: IssuedCredit
    before: CreditStatus

    @property
    def adjustment(self) -> bool:
        return self.before.state == "adjustment"

    def message(self) -> str:
        e = self.entry
        money = fmt_money(e.amount, e.currency)
        what = (
            f"an adjustment of {money} (the credit is now {fmt_money(e.credit, e.currency)}, "
            f"{fmt_money(self.before.issued, e.currency)} was issued before)"
            if self.adjustment
            else f"the credit of {money}"
        )
        return (
            f"Recorded {what} for {e.contract_id} {e.period} on invoice {e.invoice}, "
            f"{e.issued_on}, by {e.issued_by} (ledger entry {e.entry})."
        )


def issue_credit(
    engine: Engine,
    program: Program,
    *,
    contract_id: str,
    period: Month,
    invoice: str,
    issued_on: date,
    author: str,
    amount: Decimal | None = None,
    note: str | None = None,
    today: date | None = None,
) -> Issued:
    """Record that the month's credit (or its adjustment) is on `invoice`, dated `issued_on`.

    `amount`, when given, is the amount the person saw and put on the invoice: a different amount
    due now (someone corrected an actual or issued it meanwhile) is a conflict, not a silent
    change."""
    contract = contract_of(program, contract_id)
    today = today or today_in(program.timezone)
    _closed_month(program, contract, period, today)
    if issued_on > today:
        raise Refused(
            f"the invoice date {issued_on} is after today ({today}): record it once issued"
        )
    if issued_on < period.shift(1).first_day():
        raise Refused(
            f"the invoice date {issued_on} is before {period} closed: its credit is invoiced from "
            f"{period.shift(1).first_day()} on"
        )
    if not invoice.strip():
        raise UsageError("name the invoice the credit is on (--invoice)")
    repair_owed(engine, program)
    with transaction(engine) as session:
        evaluation = evaluation_in(session, program, today)
        status = next(
            (s for s in _evaluated(evaluation, contract_id).ledger if s.period == period), None
        )
        currency = contract.spec.currency
        if status is None:
            raise Refused(f"{contract_id} owes no credit for {period}: there is nothing to issue")
        if status.state == "provisional":
            raise Refused(
                f"the credit of {contract_id} for {period} is provisional: earn-back may still "
                "waive it, so it cannot be issued yet",
                hint="it becomes owed, or is waived, once the earn-back months have closed",
            )
        if status.state == "issued":
            raise Refused(
                f"the credit of {contract_id} for {period} is already issued: {status.explanation}"
            )
        if amount is not None and amount != status.due:
            raise Conflict(
                f"{fmt_money(status.due, currency)} is due for {contract_id} {period}, not "
                f"{fmt_money(amount, currency)}: the figures changed since you looked. "
                f"{status.explanation}."
            )
        row = append_issue(
            session,
            contract_id=contract_id,
            period=period,
            amount=status.due,
            credit=status.credit,
            currency=currency,
            invoice=invoice,
            issued_on=issued_on,
            issued_by=author,
            note=note,
            expected_entry=len(status.entries),
        )
        entry = next(
            e
            for e in issued_in(session, contract_id=contract_id)
            if e.period == period and e.entry == row.entry
        )
    return Issued(entry, status)


@dataclass(frozen=True)
class Ledger:
    """Every contract's closed months against the ledger, and the program's totals."""

    evaluation: ProgramEvaluation
    contracts: tuple[ContractEvaluation, ...]


def credit_ledger(
    engine: Engine, program: Program, *, as_of: date | None = None, contract_id: str | None = None
) -> Ledger:
    """The credits against the ledger as of `as_of` (default today): what is owed and not issued,
    what is issued, and the adjustments due on the next invoice."""
    if contract_id is not None:
        contract_of(program, contract_id)
    day = as_of or today_in(program.timezone)
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        evaluation = evaluation_in(session, program, day)
    chosen = tuple(
        c for c in evaluation.contracts if contract_id is None or c.contract_id == contract_id
    )
    return Ledger(evaluation, chosen)


def statement_of(
    program: Program, evaluation: ProgramEvaluation, *, contract_id: str, period: Month
) -> CreditStatement:
    """The statement of a month from an evaluation already made (the app's cached one)."""
    evaluated = _evaluated(evaluation, contract_id)
    credit = next(c for c in evaluated.credits if c.period == period)
    return credit_statement(program, evaluated, credit, as_of=evaluation.as_of)


def statement(
    engine: Engine,
    program: Program,
    *,
    contract_id: str,
    period: Month,
    as_of: date | None = None,
) -> CreditStatement:
    """The credit statement of one contract for one closed month (as of `as_of`, default today)."""
    contract = contract_of(program, contract_id)
    day = as_of or today_in(program.timezone)
    _closed_month(program, contract, period, day)
    repair_owed(engine, program)
    with transaction(engine, "read") as session:
        evaluation = evaluation_in(session, program, day)
    return statement_of(program, evaluation, contract_id=contract_id, period=period)


def export_statement(found: CreditStatement, fmt: str) -> bytes:
    """The statement as a PDF to attach to an invoice, a CSV (cells safe for a spreadsheet) or JSON."""
    from app.review.statement import render

    if fmt not in STATEMENT_FORMATS:
        raise UsageError(f"a statement is written as {', '.join(STATEMENT_FORMATS)}, not {fmt!r}")
    return render(found, fmt)
