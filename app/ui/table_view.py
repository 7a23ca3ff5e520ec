"""Tables that fit a 1440-px screen: long text wraps instead of being cut.

Every cell goes through `app.ui.tables` (safe to copy into a spreadsheet), as in every table.

`st.table` wraps every cell and shows every row, which is right for the short tables of this
app (a contract's credits, a goal's guardrails, the goals of a program of ordinary size). Past
`WRAP_ROWS` rows a table becomes a scrolling `st.dataframe` with set column widths, where a cut
cell shows in full on hover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Literal

import streamlit as st

from app.ui.tables import data_table, text_table

WRAP_ROWS = 60
Width = Literal["small", "medium", "large"] | int


def fitted_table(
    rows: Sequence[Mapping[str, Any]],
    *,
    key: str,
    widths: Mapping[str, Width] | None = None,
) -> None:
    """`rows` as a wrapped table (up to `WRAP_ROWS`), else as a dataframe with `widths` per column."""
    if not rows:
        return
    if len(rows) <= WRAP_ROWS:
        with st.container(key=f"table.{key}"):
            text_table(rows)
        return
    data_table(
        [dict(row) for row in rows],
        hide_index=True,
        width="stretch",
        key=key,
        column_config={
            name: st.column_config.Column(name, width=width)
            for name, width in (widths or {}).items()
        },
    )
