"""Altair charts built from evaluation results (pure: no Streamlit; tests read `chart.to_dict()`).

Charts tell the truth: value axes start at zero unless the reader switches that off
(`zero_based=False`), percentages run 0–100, the target is always drawn, and a period without a
value is a gap in the line (a null in the data), never a zero.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Final

import altair as alt

from app.display.labels import STATUS_COLOR, status_label
from app.periods import Month

GAP: Final = "break-paths-show-domains"
"""Vega-Lite's `invalid` mode that breaks a line at a null instead of joining across it."""

LABEL_EXPR = "replace(datum.label, '_', ' ')"
"""Legends read "due soon", not "due_soon"."""

EXCLUSION_MARK = "*"
"""After the value of a month whose figure leaves out an exclusion window."""

OUTCOME_COLOR: dict[str, str] = {
    "met": "#2e7d32",
    "missed": "#c62828",
    "excluded": "#90a4ae",
    "unmeasured": "#6d4c41",
}


def _month_date(month: Month) -> str:
    return month.first_day().isoformat()


def _y_scale(unit: str | None, zero_based: bool, values: Sequence[float]) -> alt.Scale:
    if unit == "percent" and zero_based:
        top = max([100.0, *values])
        return alt.Scale(domain=[0, top], zero=True)
    return alt.Scale(zero=zero_based)


def goal_chart(goal: Any, *, unit: str | None = None, zero_based: bool = True) -> alt.LayerChart:
    """Actuals against the planned trajectory, the target line and the forecast, for one goal.

    `goal` is a `GoalEvaluation` with `periods` (period, planned, actual), `target` and `forecast`.
    """
    unit = unit or goal.unit
    rows: list[dict[str, Any]] = []
    for p in goal.periods:
        rows.append({"month": _month_date(p.period), "series": "actual", "value": p.actual})
        rows.append({"month": _month_date(p.period), "series": "planned", "value": p.planned})
    forecast = goal.forecast
    if forecast is not None and forecast.value is not None:
        last = [p for p in goal.periods if p.actual is not None]
        if last:
            rows.append(
                {
                    "month": _month_date(last[-1].period),
                    "series": "forecast",
                    "value": last[-1].actual,
                }
            )
        rows.append(
            {"month": _month_date(forecast.at), "series": "forecast", "value": forecast.value}
        )
    numbers = [r["value"] for r in rows if r["value"] is not None] + (
        [goal.target] if goal.target is not None else []
    )
    y = alt.Y("value:Q", title=unit or "value", scale=_y_scale(unit, zero_based, numbers))
    x = alt.X("month:T", title=None, timeUnit="yearmonth", axis=alt.Axis(format="%b %Y"))
    color = alt.Color(
        "series:N",
        title=None,
        scale=alt.Scale(
            domain=["actual", "planned", "forecast", "target"],
            range=["#1f5f99", "#8a9aa8", "#f9a825", "#c62828"],
        ),
    )
    dash = alt.StrokeDash(
        "series:N",
        legend=None,
        scale=alt.Scale(domain=["actual", "planned", "forecast"], range=[[1, 0], [6, 4], [2, 2]]),
    )
    tooltip = [
        alt.Tooltip("month:T", timeUnit="yearmonth", title="month"),
        "series:N",
        alt.Tooltip("value:Q", format=",.2f"),
    ]
    base = alt.Chart(alt.Data(values=rows))
    lines = base.mark_line(invalid=GAP, point=True).encode(
        x=x, y=y, color=color, strokeDash=dash, tooltip=tooltip
    )
    layers: list[alt.Chart] = [lines]
    if goal.target is not None:
        target = (
            alt.Chart(alt.Data(values=[{"series": "target", "value": goal.target}]))
            .mark_rule(strokeWidth=2)
            .encode(y=alt.Y("value:Q"), color=color, tooltip=["series:N", "value:Q"])
        )
        layers.append(target)
    return alt.layer(*layers).properties(height=280, title=goal.title).resolve_scale(y="shared")


def attainment_chart(
    objectives: Sequence[Any], *, currency_note: str | None = None
) -> alt.LayerChart:
    """A month × objective grid: each cell coloured by outcome (met / missed / excluded / unmeasured).

    `objectives` are `ObjectivePeriod`s of one contract (closed and open periods). A month whose
    figure leaves out an exclusion window (part of the month, or some of the contacts) has a `*`
    after its value, and its tooltip says how many contacts and hours were left out and why; a
    month excluded whole is grey ("excluded").
    """
    rows = [
        {
            "objective": o.title or o.objective_id,
            "month": _month_date(o.period),
            "outcome": o.outcome,
            "value": o.value,
            "target": o.target,
            "kind": o.kind,
            "label": ("—" if o.value is None else f"{o.value:.1f}")
            + (EXCLUSION_MARK if o.exclusions else ""),
            "misses in a row": o.consecutive_misses,
            "exclusions": o.exclusion_text(),
        }
        for o in objectives
        if o.kind != "projected"
    ]
    color = alt.Color(
        "outcome:N", scale=alt.Scale(domain=list(OUTCOME_COLOR), range=list(OUTCOME_COLOR.values()))
    )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            "month:O", timeUnit="yearmonth", title=None, axis=alt.Axis(format="%b %Y", labelAngle=0)
        ),
        y=alt.Y("objective:N", title=None, axis=alt.Axis(labelLimit=300)),
    )
    cells = base.mark_rect(stroke="white").encode(
        color=color,
        tooltip=[
            "objective:N",
            alt.Tooltip("month:T", timeUnit="yearmonth"),
            "outcome:N",
            "value:Q",
            "target:Q",
            "kind:N",
            "misses in a row:Q",
            "exclusions:N",
        ],
    )
    text = base.mark_text(color="white", fontWeight="bold").encode(text="label:N")
    return alt.LayerChart(layer=[cells, text]).properties(
        height=alt.Step(34), title=currency_note or ""
    )


def roadmap_gantt(
    items: Sequence[Any], phases: Sequence[Any], *, start: date, today: date
) -> alt.LayerChart:
    """Items as bars from their phase's first day to their due date, coloured by status, with today's line."""
    phase_start = {(p.roadmap_id, p.phase_id): start + timedelta(days=p.from_day) for p in phases}
    phase_title = {(p.roadmap_id, p.phase_id): p.title for p in phases}
    rows = []
    for item in items:
        begin = phase_start.get((item.roadmap_id, item.phase_id), start)
        rows.append(
            {
                "item": item.title,
                "phase": phase_title.get((item.roadmap_id, item.phase_id), item.phase_id),
                "from": begin.isoformat(),
                "due": item.due.isoformat(),
                "status": item.status,
                "status label": status_label(item.status),
                "owner": item.owner or "",
                "explanation": item.explanation,
            }
        )
    statuses = ["done", "on_schedule", "due_soon", "overdue", "blocked"]
    colors = [
        STATUS_COLOR["done"],
        STATUS_COLOR["in_progress"],
        STATUS_COLOR["due_soon"],
        STATUS_COLOR["overdue"],
        STATUS_COLOR["blocked"],
    ]
    order = [r["item"] for r in rows]
    bars = (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(cornerRadius=3)
        .encode(
            x=alt.X("from:T", title=None),
            x2="due:T",
            y=alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=320)),
            color=alt.Color(
                "status:N",
                scale=alt.Scale(domain=statuses, range=colors),
                title="status",
                legend=alt.Legend(labelExpr=LABEL_EXPR),
            ),
            tooltip=[
                "item:N",
                "phase:N",
                "status label:N",
                "owner:N",
                alt.Tooltip("due:T"),
                "explanation:N",
            ],
        )
    )
    rule = (
        alt.Chart(alt.Data(values=[{"today": today.isoformat(), "label": "today"}]))
        .mark_rule(color="#c62828", strokeWidth=2)
        .encode(x="today:T", tooltip=["label:N", alt.Tooltip("today:T")])
    )
    return alt.LayerChart(layer=[bars, rule]).properties(height=alt.Step(22))


def status_by_pillar_chart(by_pillar: dict[str, dict[str, int]]) -> alt.Chart:
    """Goal counts per pillar, stacked by status (worst at the end of each bar)."""
    rows = [
        {"pillar": pillar, "status": status, "status label": status_label(status), "goals": count}
        for pillar, counts in by_pillar.items()
        for status, count in counts.items()
    ]
    domain = [s for s in STATUS_COLOR if any(r["status"] == s for r in rows)]
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar()
        .encode(
            y=alt.Y("pillar:N", title=None),
            x=alt.X(
                "goals:Q", title="goals", scale=alt.Scale(zero=True), axis=alt.Axis(tickMinStep=1)
            ),
            color=alt.Color(
                "status label:N",
                title="status",
                scale=alt.Scale(
                    domain=[status_label(s) for s in domain],
                    range=[STATUS_COLOR[s] for s in domain],
                ),
            ),
            tooltip=["pillar:N", "status label:N", "goals:Q"],
        )
        .properties(height=alt.Step(36))
    )
