"""The row of money figures the committee pages share (display only; amounts come from evaluate)."""

from __future__ import annotations

from decimal import Decimal

import streamlit as st

from app.display.labels import fmt_money


def money_row(figures: list[tuple[str, Decimal]], currency: str) -> None:
    """One `st.metric` per (label, amount), side by side."""
    for column, (label, amount) in zip(st.columns(len(figures)), figures):
        column.metric(label, fmt_money(amount, currency))
