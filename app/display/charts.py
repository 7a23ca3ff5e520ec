"""Altair charts built from evaluation results (pure: no Streamlit; tests read `chart.to_dict()`).

One module for the app and the review's PDF and HTML, so a chart says the same thing everywhere.
Charts tell the truth:

- every chart has a legend, and the target and today's lines carry their own labels;
- the month still open is drawn apart — a hollow point, a dashed pale cell — and called "month
  to date": it is never coloured met or missed before it closes;
- the forecast is a dashed line with its 80 % range as a band, from the same model as the words
  beside it;
- bars start at zero; a line chart's value axis spans the baseline, target, actuals, plan and
  forecast with a margin, and its title says so ("not from zero"); the reader's zero switch
  (`zero_based=True`) draws it from zero (a percentage to 100);
- a period without a value is a gap in the line (a null in the data), never a zero;
- colour never carries a status alone: cells and bars carry a mark or a word as well.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any, Final

import altair as alt

from app.display.labels import STATUS_COLOR, format_value, status_label
from app.evaluate.goals import SEVERITY
from app.periods import Month

GAP: Final = "break-paths-show-domains"
"""Vega-Lite's `invalid` mode that breaks a line at a null instead of joining across it."""

LABEL_EXPR = "replace(datum.label, '_', ' ')"
"""Legends read "due soon", not "due_soon"."""

EXCLUSION_MARK = "*"
"""After the value of a month whose figure leaves out an exclusion window."""

MONTH_TO_DATE = "month to date"

OUTCOME_COLOR: dict[str, str] = {
    "met": "#2e7d32",
    "missed": "#c62828",
    "excluded": "#607d8b",
    "no value": "#6d4c41",
    MONTH_TO_DATE: "#ffffff",
}
OUTCOME_MARK: dict[str, str] = {
    "met": "✓",
    "missed": "✗",
    "excluded": "excl.",
    "no value": "?",
    MONTH_TO_DATE: "so far",
}
"""What each cell of the attainment grid says beside its value, so colour is not the only carrier."""

SERIES_COLOR: dict[str, str] = {
    "actual": "#1f5f99",
    MONTH_TO_DATE: "#1f5f99",
    "plan": "#6b7b8a",
    "forecast (80 % range)": "#b26a00",
    "target": "#c62828",
}
FORECAST = "forecast (80 % range)"
TODAY_COLOR = "#37474f"
AXIS_MARGIN = 0.1
"""A zoomed value axis reaches 10 % of the data's span beyond its lowest and highest value."""


def _month_date(month: Month) -> str:
    return month.first_day().isoformat()


def value_domain(
    unit: str | None, values: Sequence[float], *, zero_based: bool
) -> tuple[float, float]:
    """The value axis: from zero (a percentage to 100) when `zero_based`; otherwise the span of
    `values` with a margin each side, kept within 0–100 for a percentage."""
    top, bottom = max(values), min(values)
    if zero_based:
        if unit == "percent":
            return 0.0, max(100.0, top)
        span = max(top, 0.0) - min(bottom, 0.0)
        return min(bottom, 0.0), max(top, 0.0) + span * AXIS_MARGIN
    span = top - bottom
    margin = span * AXIS_MARGIN if span > 0 else max(abs(top) * AXIS_MARGIN, 1.0)
    low, high = bottom - margin, top + margin
    if unit == "percent":
        low, high = max(low, 0.0), min(high, 100.0)
    return low, high


def axis_title(unit: str | None, domain: tuple[float, float], *, zero_based: bool) -> str:
    """ "percent · axis 67.5 to 83.4, not from zero" — the reader is told when the axis is zoomed."""
    name = unit or "value"
    if zero_based:
        return f"{name} · axis from zero"
    return f"{name} · axis {domain[0]:,.1f} to {domain[1]:,.1f}, not from zero"


SERIES_DASH: dict[str, list[int]] = {
    "actual": [1, 0],
    "plan": [6, 4],
    FORECAST: [3, 3],
    "target": [1, 0],
}


def _series_encoding(domain: Sequence[str]) -> dict[str, Any]:
    """Colour and dash of each line, one legend for both (the same field, scale domain and title)."""
    legend = alt.Legend(orient="bottom", symbolType="stroke", symbolStrokeWidth=2, symbolSize=300)
    return {
        "color": alt.Color(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(domain), range=[SERIES_COLOR[s] for s in domain]),
            legend=legend,
        ),
        "strokeDash": alt.StrokeDash(
            "series:N",
            title=None,
            scale=alt.Scale(domain=list(domain), range=[SERIES_DASH[s] for s in domain]),
            legend=legend,
        ),
    }


def goal_chart(
    goal: Any,
    *,
    unit: str | None = None,
    zero_based: bool = False,
    today: date | None = None,
    note: str | None = None,
    decimals: int = 1,
    titled: bool = True,
) -> alt.LayerChart:
    """Actuals against the plan, the target and the forecast, for one goal.

    `goal` has `title`, `unit`, `target`, `periods` (period, planned, actual, and `closed` — a
    period without it counts as closed, as in a review), optionally `baseline` and `forecast`
    (value, at, low, high). `today` draws a labelled vertical line; `note` goes under the title
    (where the goal stands against its plan, in the metric's unit); `decimals` are the metric's;
    `titled=False` leaves the title and note to the page around the chart.
    """
    unit = unit or goal.unit
    rows: list[dict[str, Any]] = []
    closed = [p for p in goal.periods if getattr(p, "closed", True)]
    still_open = [p for p in goal.periods if not getattr(p, "closed", True)]
    for p in closed:
        rows.append({"month": _month_date(p.period), "series": "actual", "value": p.actual})
    for p in goal.periods:
        rows.append({"month": _month_date(p.period), "series": "plan", "value": p.planned})
    for p in still_open:
        if p.actual is not None:
            rows.append(
                {"month": _month_date(p.period), "series": MONTH_TO_DATE, "value": p.actual}
            )
    band: list[dict[str, Any]] = []
    forecast = getattr(goal, "forecast", None)
    if forecast is not None and forecast.value is not None:
        line, band = forecast_rows(forecast, closed)
        rows.extend(line)
    numbers = [r["value"] for r in rows if r["value"] is not None]
    for extra in (goal.target, getattr(goal, "baseline", None)):
        if extra is not None:
            numbers.append(extra)
    domain = value_domain(unit, numbers or [0.0], zero_based=zero_based)
    series = [
        s
        for s in ("actual", "plan", FORECAST, "target")
        if any(r["series"] == s for r in rows) or (s == "target" and goal.target is not None)
    ]
    lines = _series_encoding(series)
    y = alt.Y(
        "value:Q",
        title=axis_title(unit, domain, zero_based=zero_based),
        scale=alt.Scale(domain=list(domain), zero=False, nice=False),
    )
    x = alt.X("month:T", title=None, timeUnit="yearmonth", axis=alt.Axis(format="%b %Y"))
    tooltip = [
        alt.Tooltip("month:T", timeUnit="yearmonth", title="month"),
        alt.Tooltip("series:N"),
        alt.Tooltip("value:Q", format=",.2f"),
    ]
    data = alt.Data(values=rows)
    layers: list[Any] = []
    if band:
        layers.append(
            alt.Chart(alt.Data(values=band))
            .mark_area(opacity=0.15, clip=True, color=SERIES_COLOR[FORECAST])
            .encode(x=x, y=alt.Y("low:Q"), y2="high:Q")
        )
    layers.append(
        alt.Chart(data)
        .transform_filter(alt.datum.series == "plan")
        .mark_line(invalid=GAP, clip=True)
        .encode(x=x, y=y, tooltip=tooltip, **lines)
    )
    layers.append(
        alt.Chart(data)
        .transform_filter(alt.datum.series == "actual")
        .mark_line(invalid=GAP, point=alt.OverlayMarkDef(filled=True, size=45), clip=True)
        .encode(x=x, y=y, tooltip=tooltip, **lines)
    )
    if FORECAST in series:
        layers.append(
            alt.Chart(data)
            .transform_filter(alt.datum.series == FORECAST)
            .mark_line(strokeWidth=2, clip=True)
            .encode(x=x, y=y, tooltip=tooltip, **lines)
        )
    if any(r["series"] == MONTH_TO_DATE for r in rows):
        mtd = alt.Chart(data).transform_filter(alt.datum.series == MONTH_TO_DATE)
        layers.append(
            mtd.mark_point(
                filled=False, size=90, strokeWidth=2, clip=True, color=SERIES_COLOR[MONTH_TO_DATE]
            ).encode(x=x, y=y, tooltip=tooltip)
        )
        layers.append(
            mtd.mark_text(
                align="right", dx=-9, fontSize=11, color=SERIES_COLOR[MONTH_TO_DATE]
            ).encode(x=x, y=y, text=alt.value(MONTH_TO_DATE))
        )
    if goal.target is not None:
        target_row = [
            {
                "series": "target",
                "value": goal.target,
                "label": f"target {format_value(goal.target, unit, decimals)}",
            }
        ]
        target = alt.Chart(alt.Data(values=target_row))
        layers.append(
            target.mark_rule(strokeWidth=2).encode(y=alt.Y("value:Q"), tooltip=["label:N"], **lines)
        )
        layers.append(
            target.mark_text(
                align="left", baseline="bottom", dy=-3, x=4, fontSize=11, fontWeight="bold"
            ).encode(y=alt.Y("value:Q"), text="label:N", color=alt.value(SERIES_COLOR["target"]))
        )
    if today is not None:
        layers.extend(_today_rule(today, field="month"))
    chart = alt.LayerChart(layer=layers).properties(height=320)
    if titled:
        chart = chart.properties(
            title=alt.TitleParams(goal.title, subtitle=note) if note else goal.title
        )
    return chart


def forecast_rows(
    forecast: Any, closed: Sequence[Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The forecast's line and its band. The line is the fitted trend itself, from the first month
    it was fitted on to the forecast month, so that it rises or falls as the words beside it say
    ("improving" is never drawn as a falling line). The band runs from the last fitted month (no
    width) to the forecast month's 80 % range. A forecast that does not say what it was fitted on
    (a review frozen before it did) is drawn from the last actual."""
    slope = getattr(forecast, "slope_per_month", None)
    first = getattr(forecast, "first_month", None)
    last = getattr(forecast, "last_month", None)
    end = {"month": _month_date(forecast.at), "series": FORECAST}
    lines = []
    band = []
    if slope is not None and first is not None and last is not None:

        def fitted(month: Month) -> float:
            return float(forecast.value - slope * (forecast.at.index - month.index))

        lines.append({"month": _month_date(first), "series": FORECAST, "value": fitted(first)})
        start = {"month": _month_date(last), "series": FORECAST}
        band.append({**start, "low": fitted(last), "high": fitted(last)})
    else:
        known = [p for p in closed if p.actual is not None]
        if known:
            start = {"month": _month_date(known[-1].period), "series": FORECAST}
            lines.append({**start, "value": known[-1].actual})
            band.append({**start, "low": known[-1].actual, "high": known[-1].actual})
    lines.append({**end, "value": forecast.value})
    low, high = getattr(forecast, "low", None), getattr(forecast, "high", None)
    if low is not None and high is not None and band:
        band.append({**end, "low": low, "high": high})
    else:
        band = []
    return lines, band


def _today_rule(today: date, *, field: str) -> list[alt.Chart]:
    """A vertical line at `today` with its label at the top (x on the `field` date axis)."""
    chart = alt.Chart(alt.Data(values=[{field: today.isoformat(), "label": f"today {today}"}]))
    return [
        chart.mark_rule(color=TODAY_COLOR, strokeWidth=1.5, strokeDash=[2, 2]).encode(
            x=alt.X(f"{field}:T"), tooltip=["label:N"]
        ),
        chart.mark_text(
            align="left", baseline="top", dx=4, y=2, fontSize=11, color=TODAY_COLOR
        ).encode(x=alt.X(f"{field}:T"), text=alt.value("today")),
    ]


CELL_WIDTH = 76
"""Wide enough for "✗ 100.0" and "100.0 so far", and for every month's name on the axis."""


def _outcome(o: Any) -> str:
    if o.kind == "open":
        return MONTH_TO_DATE
    return "no value" if o.outcome == "unmeasured" else str(o.outcome)


def _month_label(o: Any) -> str:
    name = o.period.first_day().strftime("%b %Y")
    return f"{name} (to date)" if o.kind == "open" else name


def attainment_chart(
    objectives: Sequence[Any], *, currency_note: str | None = None
) -> alt.LayerChart:
    """A month × objective grid: each closed cell coloured and marked by outcome (✓ met, ✗ missed,
    excluded, ? no value); the open month drawn as a dashed white cell saying "so far", never
    judged. `objectives` are `ObjectivePeriod`s of one contract (projected ones are left out). A
    month whose figure leaves out an exclusion window (part of the month, or some of the contacts)
    has a `*` after its value, and its tooltip says how many contacts and hours were left out and
    why; a month excluded whole is grey ("excluded")."""
    rows = []
    for o in objectives:
        if o.kind == "projected":
            continue
        outcome = _outcome(o)
        value = ("—" if o.value is None else f"{o.value:.1f}") + (
            EXCLUSION_MARK if o.exclusions else ""
        )
        rows.append(
            {
                "objective": o.title or o.objective_id,
                "month": _month_date(o.period),
                "month label": _month_label(o),
                "outcome": outcome,
                "value": o.value,
                "target": o.target,
                "label": f"{OUTCOME_MARK[outcome]} {value}"
                if outcome != MONTH_TO_DATE
                else f"{value} so far",
                "misses in a row": o.consecutive_misses,
                "exclusions": o.exclusion_text(),
            }
        )
    shown = [k for k in OUTCOME_COLOR if any(r["outcome"] == k for r in rows)]
    labels = {
        k: f"{OUTCOME_MARK[k]} {k}" if k != MONTH_TO_DATE else f"{k} (not judged)" for k in shown
    }
    color = alt.Color(
        "outcome:N",
        title="outcome",
        scale=alt.Scale(domain=shown, range=[OUTCOME_COLOR[k] for k in shown]),
        legend=alt.Legend(
            orient="bottom",
            direction="horizontal",
            labelExpr="{"
            + ", ".join(f"'{k}': '{v}'" for k, v in labels.items())
            + "}[datum.label]",
            symbolStrokeColor="#37474f",
            symbolStrokeWidth=1,
        ),
    )
    base = alt.Chart(alt.Data(values=rows)).encode(
        x=alt.X(
            "month label:O",
            sort=alt.EncodingSortField("month", order="ascending"),
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=120, labelFlush=False),
        ),
        y=alt.Y("objective:N", title=None, axis=alt.Axis(labelLimit=300)),
    )
    is_open = alt.datum.outcome == MONTH_TO_DATE
    cells = base.mark_rect(strokeWidth=1.5).encode(
        color=color,
        stroke=alt.condition(is_open, alt.value("#1f5f99"), alt.value("white")),
        strokeDash=alt.condition(is_open, alt.value([4, 3]), alt.value([1, 0])),
        tooltip=[
            "objective:N",
            alt.Tooltip("month label:N", title="month"),
            "outcome:N",
            "value:Q",
            "target:Q",
            "misses in a row:Q",
            "exclusions:N",
        ],
    )
    text = base.mark_text(fontWeight="bold", fontSize=11).encode(
        text="label:N",
        color=alt.condition(is_open, alt.value("#1b2733"), alt.value("white")),
    )
    return alt.LayerChart(layer=[cells, text]).properties(
        height=alt.Step(34), width=alt.Step(CELL_WIDTH), title=currency_note or ""
    )


def roadmap_gantt(
    items: Sequence[Any], phases: Sequence[Any], *, start: date, today: date
) -> alt.LayerChart:
    """Items as bars from their phase's first day to their due date, coloured by status and named
    at the end of each bar ("overdue 70 days"), with today's labelled line."""
    phase_start = {(p.roadmap_id, p.phase_id): start + timedelta(days=p.from_day) for p in phases}
    phase_title = {(p.roadmap_id, p.phase_id): p.title for p in phases}
    rows = []
    for item in items:
        begin = phase_start.get((item.roadmap_id, item.phase_id), start)
        words = status_label(item.status)
        if item.status == "overdue" and item.days:
            words += f" {item.days} day{'s' if item.days != 1 else ''}"
        rows.append(
            {
                "item": item.title,
                "phase": phase_title.get((item.roadmap_id, item.phase_id), item.phase_id),
                "from": begin.isoformat(),
                "due": item.due.isoformat(),
                "status": item.status,
                "status label": words,
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
    base = alt.Chart(alt.Data(values=rows)).encode(
        y=alt.Y("item:N", sort=order, title=None, axis=alt.Axis(labelLimit=480))
    )
    bars = base.mark_bar(cornerRadius=3).encode(
        x=alt.X("from:T", title=None, axis=alt.Axis(format="%b %Y", labelOverlap=True)),
        x2="due:T",
        color=alt.Color(
            "status:N",
            scale=alt.Scale(domain=statuses, range=colors),
            title="status",
            legend=alt.Legend(labelExpr=LABEL_EXPR, orient="bottom", direction="horizontal"),
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
    words = base.mark_text(align="left", dx=4, fontSize=11, color="#1b2733").encode(
        x=alt.X("due:T"), text="status label:N"
    )
    return alt.LayerChart(layer=[bars, words, *_today_rule(today, field="today")]).properties(
        height=alt.Step(22)
    )


def status_by_pillar_chart(by_pillar: dict[str, dict[str, int]]) -> alt.Chart:
    """Goal counts per pillar, stacked by status from zero, worst first; each pillar's axis label
    spells its counts out ("platform: 1 off track, 1 at risk, 1 achieved")."""
    ordered = [s for s in STATUS_COLOR if any(s in counts for counts in by_pillar.values())]
    rows = [
        {
            "pillar": pillar,
            "pillar label": f"{pillar}: "
            + ", ".join(f"{counts[s]} {status_label(s)}" for s in _worst_first(counts)),
            "status": status,
            "status label": status_label(status),
            "order": _worst_first(counts).index(status),
            "goals": count,
        }
        for pillar, counts in by_pillar.items()
        for status, count in counts.items()
    ]
    domain = _worst_first(dict.fromkeys(ordered, 1))
    return (
        alt.Chart(alt.Data(values=rows))
        .mark_bar(stroke="white", strokeWidth=1)
        .encode(
            y=alt.Y("pillar label:N", title=None, axis=alt.Axis(labelLimit=420)),
            x=alt.X(
                "goals:Q", title="goals", scale=alt.Scale(zero=True), axis=alt.Axis(tickMinStep=1)
            ),
            color=alt.Color(
                "status label:N",
                title="status",
                sort=[status_label(s) for s in domain],
                scale=alt.Scale(
                    domain=[status_label(s) for s in domain],
                    range=[STATUS_COLOR[s] for s in domain],
                ),
            ),
            order=alt.Order("order:Q"),
            tooltip=["pillar:N", "status label:N", "goals:Q"],
        )
        .properties(height=alt.Step(36))
    )


def _worst_first(counts: dict[str, int]) -> list[str]:
    """Statuses worst first (by severity, then in the colour table's order)."""
    known = list(STATUS_COLOR)
    return sorted(
        counts,
        key=lambda s: (-SEVERITY.get(s, 0), known.index(s) if s in known else len(known)),
    )
