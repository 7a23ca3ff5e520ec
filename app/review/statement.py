"""A credit statement written out: a PDF to attach to an invoice, a CSV, or JSON.

The PDF is laid out as blocks and drawn by the review handout's renderer (`blocks_to_pdf`, which
escapes all text for reportlab). Every CSV cell goes through `spreadsheet_cell`: a title or reason
that begins like a formula (`=HYPERLINK(…)`) gets a leading `'`, while amounts stay numbers. The
JSON is the statement's own form (money as text, exact to the cent).

CSV columns, one row per record:

    record, contract_id, period, objective_id, objective, target, actual, outcome,
    consecutive_misses, band, percent_of_fee, amount, currency, earn_back, exclusions, note

`record` is `objective` (one per objective: its credit lines added up, before caps),
`lines_total`, `earn_back_waived` (when earn-back waived part), `cap` (one per cap applied:
the amount after it; the note says whether it binds), `credit` (the month's credit), `issued`
(one per ledger entry: the invoice in `objective`) and `due_next_invoice` (when something is due).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from app.display.labels import fmt_money, format_value
from app.evaluate.attainment import month_name
from app.evaluate.statement import CreditStatement
from app.review.export import blocks_to_pdf
from app.review.layout import Block, Bullets, Heading, Para, Table
from app.textsafety import spreadsheet_cell

NBSP = "\u00a0"
COLUMNS: tuple[str, ...] = (
    "record",
    "contract_id",
    "period",
    "objective_id",
    "objective",
    "target",
    "actual",
    "outcome",
    "consecutive_misses",
    "band",
    "percent_of_fee",
    "amount",
    "currency",
    "earn_back",
    "exclusions",
    "note",
)
EARN_BACK = {
    "not_applicable": "",
    "provisional": "provisional",
    "waived": "waived",
    "owed": "owed",
}


def title(found: CreditStatement) -> str:
    return f"Service credit statement — {found.counterparty}, {month_name(found.period)}"


def _money(amount: Decimal, found: CreditStatement) -> str:
    return fmt_money(amount, found.currency)


def _value(value: float | None, unit: str | None) -> str:
    """The value with its unit, the two kept together on one line in a table cell."""
    return format_value(value, unit, decimals=2).replace(" ", NBSP)


def _percent(percent: float) -> str:
    return f"{percent:.2f} %".replace(".00 %", " %")


def _rows(found: CreditStatement) -> Iterator[dict[str, Any]]:
    base = {
        "contract_id": found.contract_id,
        "period": str(found.period),
        "currency": found.currency,
    }
    for o in found.objectives:
        yield {
            **base,
            "record": "objective",
            "objective_id": o.objective_id,
            "objective": o.title,
            "target": o.target,
            "actual": "" if o.actual is None else o.actual,
            "outcome": o.outcome,
            "consecutive_misses": o.consecutive_misses,
            "band": o.band or "",
            "percent_of_fee": f"{o.percent_of_fee:g}",
            "amount": str(o.amount),
            "earn_back": EARN_BACK[o.earn_back],
            "exclusions": o.exclusion_text,
            "note": o.explanation or (o.note or ""),
        }
    yield {
        **base,
        "record": "lines_total",
        "objective": "credits before caps",
        "amount": str(found.gross),
    }
    if found.waived:
        yield {
            **base,
            "record": "earn_back_waived",
            "objective": "waived by earn-back",
            "amount": str(-found.waived),
        }
    for cap in found.caps:
        yield {
            **base,
            "record": "cap",
            "objective": cap.label,
            "amount": str(cap.after),
            "note": (
                f"binds: {_money(cap.before, found)} → {_money(cap.after, found)}"
                if cap.binds
                else "not reached"
            ),
        }
    yield {
        **base,
        "record": "credit",
        "objective": f"credit for {month_name(found.period)}",
        "percent_of_fee": f"{found.percent_of_fee:.4g}",
        "amount": str(found.amount),
        "earn_back": EARN_BACK[found.earn_back],
        "note": f"of which provisional: {found.provisional}" if found.provisional else "",
    }
    entries = found.ledger.entries if found.ledger is not None else ()
    for entry in entries:
        yield {
            **base,
            "record": "issued",
            "objective": entry.invoice,
            "amount": str(entry.amount),
            "note": f"issued {entry.issued_on} by {entry.issued_by}"
            + (f"; {entry.note}" if entry.note else ""),
        }
    if found.ledger is not None and found.ledger.due:
        yield {
            **base,
            "record": "due_next_invoice",
            "objective": "due on the next invoice",
            "amount": str(found.ledger.due),
            "note": found.ledger.explanation,
        }


def to_csv(found: CreditStatement) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(COLUMNS), lineterminator="\r\n")
    writer.writeheader()
    for row in _rows(found):
        writer.writerow({key: spreadsheet_cell(str(row.get(key, ""))) for key in COLUMNS})
    return buffer.getvalue()


def to_json(found: CreditStatement) -> str:
    return json.dumps({"statement": found.to_dict()}, indent=2, ensure_ascii=False)


def layout(found: CreditStatement) -> list[Block]:
    """The statement as blocks, in the order finance reads it."""

    def money(amount: Decimal) -> str:
        return _money(amount, found)

    state = (
        "closed: the credit is final unless an actual is corrected, which would show as an "
        "adjustment on a later invoice"
        if found.state == "closed"
        else "open: month to date"
    )
    contract = found.title + (f" (no. {found.contract_number})" if found.contract_number else "")
    header = [
        ("Contract id", found.contract_id),
        ("Counterparty", found.counterparty),
        ("Month", f"{month_name(found.period)} — {state}"),
        ("Fee for the month", found.fee.describe(found.currency)),
        ("Contract year", str(found.fee.contract_year)),
        ("Figures as of", str(found.as_of)),
    ]
    blocks: list[Block] = [
        Heading(1, title(found)),
        Table(("Contract", contract), tuple(header)),
        Heading(2, "Service levels"),
        Table(
            (
                "objective",
                "target",
                "actual",
                "outcome",
                "misses in a row",
                "band",
                "% of fee",
                "credit",
                "earn-back",
            ),
            tuple(
                (
                    o.title,
                    _value(o.target, o.unit),
                    _value(o.actual, o.unit),
                    o.outcome,
                    str(o.consecutive_misses),
                    o.band or "—",
                    _percent(o.percent_of_fee) if o.amount else "—",
                    money(o.amount) if o.amount else "—",
                    EARN_BACK[o.earn_back] or "—",
                )
                for o in found.objectives
            ),
        ),
    ]
    excluded = [(o, e) for o in found.objectives for e in o.exclusions]
    blocks.append(Heading(2, "Exclusions"))
    if excluded:
        zone = ZoneInfo(found.timezone)
        blocks.append(
            Table(
                (
                    "objective",
                    "reason",
                    f"window ({found.timezone}, end excluded)",
                    "which contacts",
                    "hours in the month",
                    "contacts left out",
                ),
                tuple(
                    (
                        o.title,
                        e.reason,
                        f"{e.start.astimezone(zone):%Y-%m-%d %H:%M} – "
                        f"{e.end.astimezone(zone):%Y-%m-%d %H:%M}",
                        e.contacts,
                        f"{e.hours:g}",
                        "—" if o.excluded_contacts is None else f"{o.excluded_contacts:,}",
                    )
                    for o, e in excluded
                ),
            )
        )
        blocks.append(
            Para(
                "Each objective's figure for the month is computed without the contacts created "
                "in these windows; its figure on every contact is in the notes below.",
                "note",
            )
        )
    else:
        blocks.append(Para("No exclusion window in this month."))
    blocks.append(Heading(2, "Credit"))
    steps: list[tuple[str, str]] = [("Credit lines added up", money(found.gross))]
    if found.waived:
        steps.append(("Waived by earn-back", "−" + money(found.waived)))
    for cap in found.caps:
        steps.append(
            (
                cap.label,
                f"binds: {money(cap.before)} → {money(cap.after)}" if cap.binds else "not reached",
            )
        )
    steps.append(
        (
            f"Credit for {month_name(found.period)}",
            f"{money(found.amount)} ({_percent(found.percent_of_fee)} of the fee)",
        )
    )
    if found.provisional:
        steps.append(("of which provisional (earn-back may waive it)", money(found.provisional)))
    blocks.append(Table(("step", "amount"), tuple(steps)))
    blocks.append(Heading(2, "Invoicing"))
    blocks.append(Para(found.issued_status[:1].upper() + found.issued_status[1:] + "."))
    if found.ledger is not None and found.ledger.entries:
        blocks.append(
            Table(
                ("entry", "invoice", "dated", "by", "amount", "note"),
                tuple(
                    (
                        str(e.entry),
                        e.invoice,
                        str(e.issued_on),
                        e.issued_by,
                        money(e.amount),
                        e.note or "",
                    )
                    for e in found.ledger.entries
                ),
            )
        )
    if found.ledger is not None and found.ledger.due:
        blocks.append(Para(f"Due on the next invoice: {money(found.ledger.due)}.", "warning"))
    blocks.append(Heading(2, "How the credit was computed"))
    blocks.append(Para(found.explanation))
    noted = tuple(f"{o.title}: {o.note}" for o in found.objectives if o.note)
    if noted or found.notes:
        blocks.append(Heading(3, "Notes"))
        blocks.append(Bullets(noted + found.notes))
    blocks.append(
        Para(
            f"Prepared by cxgov from the actuals and the credit ledger as of {found.as_of}.", "note"
        )
    )
    return blocks


def render(found: CreditStatement, fmt: str) -> bytes:
    if fmt == "pdf":
        return blocks_to_pdf(layout(found), title=title(found))
    if fmt == "csv":
        return to_csv(found).encode("utf-8")
    if fmt == "json":
        return to_json(found).encode("utf-8")
    raise ValueError(f"a statement is written as pdf, csv or json, not {fmt!r}")
