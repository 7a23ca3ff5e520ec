"""Every table the app shows goes through `data_table`: what a reader can download or copy is safe.

Streamlit's tables offer "Download as CSV" and copying cells to the clipboard, and a spreadsheet
runs a cell such as `=HYPERLINK("https://…","Open")` or `=cmd|' /C calc'!A0` as a formula. Goal
titles, owners, review notes, imported contact fields and the quarantine report's raw rows are
written by other people, so every cell goes through `app.textsafety.spreadsheet_cell` (a leading
`'` before such text, shown on the page too, so what is seen is what is downloaded).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

import streamlit as st

from app.textsafety import authored_markdown, spreadsheet_cell, spreadsheet_rows


def safe_table_data(data: Any) -> Any:
    """`data` (rows as mappings, or a pandas DataFrame) with every cell made safe for a spreadsheet."""
    if hasattr(data, "map") and hasattr(data, "rename"):  # a pandas DataFrame
        return data.map(spreadsheet_cell).rename(columns=spreadsheet_cell)
    if isinstance(data, Iterable) and not isinstance(data, (str, bytes, Mapping)):
        rows = list(data)
        if all(isinstance(row, Mapping) for row in rows):
            return spreadsheet_rows(rows)
        raise TypeError("data_table takes rows as mappings or a DataFrame")
    raise TypeError("data_table takes rows as mappings or a DataFrame")


def data_table(data: Any, **options: Any) -> Any:
    """`st.dataframe(data, **options)` with every cell safe to download or paste into a spreadsheet."""
    return st.dataframe(safe_table_data(data), **options)


def text_table(rows: Iterable[Mapping[str, Any]]) -> Any:
    """`st.table` of `rows`, every text cell shown as typed. `st.table` reads its cells as
    Markdown, so a title or an owner's address would otherwise become a link or formatting;
    here a table carries no link at all (`authored_markdown` with no allowed host)."""
    cells = [
        {
            name: authored_markdown(value) if isinstance(value, str) else value
            for name, value in row.items()
        }
        for row in safe_table_data(list(rows))
    ]
    return st.table(cells, hide_index=True)
