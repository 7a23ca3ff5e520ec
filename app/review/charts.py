"""The review's charts: the app's own Altair charts, drawn from the document, rendered to PNG.

The charts come from `app.display.charts` (one definition of each chart); here they are fed from the
review document (a frozen snapshot has plain values, so small read-only views stand in for the
evaluation objects) and rendered with vl-convert for the HTML and PDF exports.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

import altair as alt

from app.display.charts import goal_chart, status_by_pillar_chart
from app.periods import Month

PNG_SCALE = 2
CHART_WIDTH = 560


def _month(text: str | None) -> Month | None:
    return Month.parse(text) if text else None


def _goal_view(item: Mapping[str, Any]) -> SimpleNamespace:
    goal = item["goal"]
    periods = [
        SimpleNamespace(period=Month.parse(p["period"]), planned=p["planned"], actual=p["actual"])
        for p in item["history"]
    ]
    forecast = (
        SimpleNamespace(
            value=item["forecast_value"],
            at=Month.parse(item["forecast_at"]),
            low=item.get("forecast_low"),
            high=item.get("forecast_high"),
            slope_per_month=item.get("forecast_slope"),
            first_month=_month(item.get("forecast_from")),
            last_month=_month(item.get("forecast_to")),
        )
        if item["forecast_value"] is not None and item["forecast_at"]
        else None
    )
    return SimpleNamespace(
        title=goal["title"],
        unit=goal["unit"],
        target=goal["target"],
        baseline=item.get("baseline"),
        periods=periods,
        forecast=forecast,
    )


def review_charts(document: Mapping[str, Any]) -> dict[str, alt.Chart | alt.LayerChart]:
    """Chart name → Altair chart: "status" (goals by pillar) and one per goal needing attention."""
    pack = document["pack"]
    by_pillar: dict[str, dict[str, int]] = {}
    for goal in pack["goals"]:
        counts = by_pillar.setdefault(goal["pillar"], {})
        counts[goal["status"]] = counts.get(goal["status"], 0) + 1
    charts: dict[str, alt.Chart | alt.LayerChart] = {}
    if by_pillar:
        charts["status"] = status_by_pillar_chart(by_pillar).properties(width=CHART_WIDTH)
    for item in pack["attention"]:
        if item["history"]:
            view = _goal_view(item)
            charts[item["key"]] = goal_chart(view, note=item["goal"]["explanation"]).properties(
                width=CHART_WIDTH
            )
    return charts


def png(chart: alt.TopLevelMixin, *, scale: int = PNG_SCALE) -> bytes:
    import vl_convert as vlc

    return bytes(vlc.vegalite_to_png(chart.to_json(), scale=scale))


def chart_images(document: Mapping[str, Any]) -> dict[str, bytes]:
    return {name: png(chart) for name, chart in review_charts(document).items()}
