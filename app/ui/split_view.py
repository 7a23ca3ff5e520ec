"""What lies behind a figure: a series split by channel, queue, priority, segment or team.

Shared by the Goals and SLA pages. The values come from `app.service.actuals.breakdown` (the KPI
engine's own calculation, grouped by one dimension), cached once per version of the program and
state of the store; the table has a column per month (the month to date marked) and the sample
size of the month the figure is judged on.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import streamlit as st

from app.periods import Month
from app.service.actuals import DIMENSIONS, breakdown
from app.service.program import last_change
from app.ui.attention_view import month_text
from app.ui.context import PageContext


def split_choices(scope_key: str) -> list[str]:
    """The dimensions worth splitting by: those the series does not already fix to one value."""
    fixed = {part.split("=")[0] for part in scope_key.split(";") if part and "," not in part}
    return [d for d in DIMENSIONS if d not in fixed]


@st.cache_data(show_spinner=False, max_entries=64)
def _split_cached(
    _engine: Any,
    _program: Any,
    url: str,
    files_hash: str,
    changed: str,
    metric: str,
    scope_key: str,
    months: tuple[Month, ...],
    by: str,
) -> list[Any]:
    """The split of one series, once per version of the program and state of the store."""
    return breakdown(_engine, _program, metric=metric, scope_key=scope_key, months=months, by=by)


def split_rows(
    ctx: PageContext,
    *,
    metric: str,
    scope_key: str,
    by: str,
    months: Sequence[Month],
    judged: Month,
    open_period: Month,
    fmt: Callable[[float | None], str],
) -> list[dict[str, Any]]:
    """One row per group: its value in each month (the month to date marked) and the contacts
    of the judged month it rests on."""
    values = _split_cached(
        ctx.engine,
        ctx.program,
        ctx.database_url,
        ctx.files_hash,
        last_change(ctx.engine),
        metric,
        scope_key,
        tuple(months),
        by,
    )
    groups: dict[str, dict[Month, Any]] = {}
    for value in values:
        groups.setdefault(value.scope.get(by, "(unknown)"), {})[value.period] = value
    rows = []
    for group, by_month in sorted(groups.items()):
        row: dict[str, Any] = {by: group}
        for month in months:
            found = by_month.get(month)
            label = month_text(month) + (" (to date)" if month == open_period else "")
            row[label] = fmt(found.value if found is not None else None)
        sample = by_month.get(judged)
        row[f"contacts, {month_text(judged)}"] = f"{sample.sample_size:,}" if sample else "0"
        rows.append(row)
    return rows
