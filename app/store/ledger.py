"""The credit ledger: which service credits were put on which invoice. Append-only.

Nothing here updates or deletes a `CreditIssue`. A month's credit is issued with one entry; when
the credit changes afterwards (a corrected actual), the difference is issued on a later invoice as
a further entry, so the ledger always adds up to what was invoiced, invoice by invoice. Entries
are numbered per contract and month; the writer states the entry it expects to write, and two
finance users issuing the same credit at once cannot both succeed.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import func, select
from sqlmodel import Session, col

from app.errors import Conflict, Refused
from app.periods import Month
from app.store.append import insert_once
from app.store.tables import CreditIssue, utcnow


class LedgerConflict(Conflict):
    pass


def last_entry(session: Session, *, contract_id: str, period: Month) -> int:
    """The number of the month's latest entry, 0 when none."""
    statement = select(func.max(col(CreditIssue.entry))).where(
        col(CreditIssue.contract_id) == contract_id, col(CreditIssue.period) == str(period)
    )
    return int(session.execute(statement).scalar() or 0)


def append_issue(
    session: Session,
    *,
    contract_id: str,
    period: Month,
    amount: Decimal,
    credit: Decimal,
    currency: str,
    invoice: str,
    issued_on: date,
    issued_by: str,
    note: str | None = None,
    expected_entry: int,
) -> CreditIssue:
    """Record that `amount` of the month's credit is on `invoice` (flushed, not committed).
    `expected_entry` is the number of the month's latest entry the caller saw (0: none)."""
    if not issued_by.strip():
        raise Refused("a ledger entry needs who issued it")
    if not invoice.strip():
        raise Refused("a ledger entry needs the invoice it is on")
    latest = last_entry(session, contract_id=contract_id, period=period)
    where = f"the credit of {contract_id} for {period}"
    if latest != expected_entry:
        raise LedgerConflict(
            f"{where} has {latest} ledger entr{'y' if latest == 1 else 'ies'}, not "
            f"{expected_entry}: someone recorded it since you looked. Review the ledger and try again."
        )
    row = CreditIssue(
        contract_id=contract_id,
        period=str(period),
        entry=latest + 1,
        amount=amount,
        credit=credit,
        currency=currency,
        invoice=invoice.strip(),
        issued_on=issued_on,
        issued_by=issued_by.strip(),
        recorded_at=utcnow(),
        note=note.strip() if note and note.strip() else None,
    )
    insert_once(
        session,
        row,
        LedgerConflict(
            f"{where}: someone else recorded it at the same moment; nothing was recorded. "
            "Review the ledger and try again."
        ),
    )
    return row


def ledger_entries(session: Session, *, contract_id: str | None = None) -> list[CreditIssue]:
    """Every entry (of one contract, when given), by contract, month and entry."""
    statement = select(CreditIssue)
    if contract_id is not None:
        statement = statement.where(col(CreditIssue.contract_id) == contract_id)
    statement = statement.order_by(
        col(CreditIssue.contract_id), col(CreditIssue.period), col(CreditIssue.entry)
    )
    return list(session.execute(statement).scalars())
