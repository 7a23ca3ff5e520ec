"""A month picker: the months that make sense for the question, by name, instead of free text."""

from __future__ import annotations

import streamlit as st

from app.periods import Month


def month_name(month: Month) -> str:
    return month.first_day().strftime("%b %Y")


def month_picker(
    label: str, *, key: str, latest: Month, back: int = 36, default: Month | None = None
) -> Month:
    """A select box of the `back` months up to `latest`, newest first, opening on `default` (else
    `latest`)."""
    options = [latest.shift(-i) for i in range(back)]
    chosen = default if default in options else latest
    return st.selectbox(
        label, options, index=options.index(chosen), key=key, format_func=month_name
    )
