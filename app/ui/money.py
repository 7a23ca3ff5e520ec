"""The row of money figures the committee pages share (display only; amounts come from evaluate)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import streamlit as st

from app.display.labels import fmt_money


def money_row(figures: list[tuple[str, Decimal]], currency: str) -> None:
    """One `st.metric` per (label, amount), side by side."""
    for column, (label, amount) in zip(st.columns(len(figures)), figures):
        column.metric(label, fmt_money(amount, currency))


def credit_figures(figures: Any, currency: str) -> None:
    """The four credit figures, always apart: owed (closed months, due), provisional (closed,
    earn-back may still waive), at risk (the open month so far), projected (next month's trend).
    `figures` is a contract's evaluation or the program's exposure summary."""
    money_row(
        [
            ("Owed (closed months)", figures.owed),
            ("Provisional (earn-back pending)", figures.provisional),
            ("At risk (this month so far)", figures.at_risk),
            ("Projected (next month)", figures.projected),
        ],
        currency,
    )


def invoicing_row(figures: Any, currency: str) -> None:
    """What the ledger says of the owed credits: not yet on an invoice, adjustments due, issued."""
    money_row(
        [
            ("Owed, not issued", figures.not_issued),
            ("Adjustments due on the next invoice", figures.adjustments),
            ("Issued on invoices", figures.issued),
        ],
        currency,
    )
