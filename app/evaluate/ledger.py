"""The credit ledger against the credits: owed and issued, owed and not issued, adjustments.

Finance records a closed month's credit as issued (an invoice reference, a date, who) in an
append-only ledger (`app.store.credits`). Here each closed month's credit is read against what
the ledger holds for it, as of the evaluation's date (entries issued later do not count yet):

- `not_issued`: owed, not on any invoice yet — what the next invoice should carry;
- `issued`: the ledger holds exactly the month's credit;
- `adjustment`: the ledger holds a different amount — a corrected actual (or a late exclusion)
  changed a credit after it was issued. The difference is due on the next invoice: more credit
  when positive, to be recovered when negative. An issued credit never changes silently: it
  stays as issued, and the difference is shown until finance records it (a new entry);
- `provisional`: earn-back may still waive it; it cannot be issued yet.

Pure: the ledger's entries come in as `IssuedCredit`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Literal

from app.evaluate.credits import PeriodCredit
from app.evaluate.money import fmt_money
from app.evaluate.serialize import JsonReady
from app.periods import Month

ZERO = Decimal("0.00")
LedgerState = Literal["provisional", "not_issued", "issued", "adjustment"]


@dataclass(frozen=True)
class IssuedCredit(JsonReady):
    """One ledger entry: an amount of a month's credit put on an invoice."""

    contract_id: str
    period: Month
    entry: int
    """1 for the first entry of the month, 2 for an adjustment after it…"""
    amount: Decimal
    currency: str
    invoice: str
    issued_on: date
    issued_by: str
    credit: Decimal
    """The month's whole credit when this entry was recorded."""
    note: str | None = None


@dataclass(frozen=True)
class CreditStatus(JsonReady):
    """A closed month's credit against the ledger."""

    contract_id: str
    period: Month
    credit: Decimal
    """The month's credit as computed now."""
    provisional: Decimal
    issued: Decimal
    """What the ledger holds for the month (its entries added up)."""
    entries: tuple[IssuedCredit, ...]
    state: LedgerState
    due: Decimal
    """What the next invoice should carry for this month: the credit when not issued, the
    difference for an adjustment (negative: to recover), else 0."""
    explanation: str


def _entry_text(entry: IssuedCredit) -> str:
    return (
        f"{fmt_money(entry.amount, entry.currency)} on {entry.invoice} "
        f"({entry.issued_on}, by {entry.issued_by})"
    )


def credit_status(
    contract_id: str, credit: PeriodCredit, entries: Sequence[IssuedCredit], currency: str
) -> CreditStatus | None:
    """The month's credit against its ledger entries; None for a month with neither."""
    issued = sum((e.amount for e in entries), ZERO)
    if not entries and credit.amount == 0:
        return None
    owed = credit.amount - credit.provisional
    money = fmt_money
    if not entries:
        if owed == 0:
            state: LedgerState = "provisional"
            due, why = ZERO, f"provisional {money(credit.amount, currency)}: earn-back may waive it"
        else:
            state, due = "not_issued", owed
            why = f"owed, not issued: {money(owed, currency)}"
            if credit.provisional:
                why += f" (and {money(credit.provisional, currency)} provisional)"
    elif issued == credit.amount:
        state, due = "issued", ZERO
        why = "issued: " + "; ".join(_entry_text(e) for e in entries)
    else:
        state, due = "adjustment", credit.amount - issued
        direction = (
            f"{money(due, currency)} more to credit on the next invoice"
            if due > 0
            else f"{money(-due, currency)} credited too much, to recover on the next invoice"
        )
        why = (
            f"issued {money(issued, currency)} ("
            + "; ".join(_entry_text(e) for e in entries)
            + f"); the credit is now {money(credit.amount, currency)}: {direction}"
        )
    return CreditStatus(
        contract_id=contract_id,
        period=credit.period,
        credit=credit.amount,
        provisional=credit.provisional,
        issued=issued,
        entries=tuple(entries),
        state=state,
        due=due,
        explanation=why,
    )


def reconcile(
    contract_id: str,
    credits: Sequence[PeriodCredit],
    entries: Sequence[IssuedCredit],
    currency: str,
    *,
    as_of: date,
) -> tuple[CreditStatus, ...]:
    """Every closed month with a credit or a ledger entry (issued by `as_of`), in month order."""
    by_month: dict[Month, list[IssuedCredit]] = {}
    for entry in sorted(entries, key=lambda e: (e.period, e.entry)):
        if entry.contract_id == contract_id and entry.issued_on <= as_of:
            by_month.setdefault(entry.period, []).append(entry)
    statuses = []
    for credit in credits:
        if credit.kind != "closed":
            continue
        status = credit_status(contract_id, credit, by_month.get(credit.period, []), currency)
        if status is not None:
            statuses.append(status)
    return tuple(statuses)
