"""How statuses, values and amounts read, in the CLI, the app and the review exports alike.

Values format through their metric's unit (`format_value`, defined with the units in the spec);
amounts through `fmt_money` (defined where the credit explanations need it). Both are named here
so that an edge needs one import for everything it prints.
"""

from __future__ import annotations

from app.evaluate.money import fmt_money
from app.spec.metric import UNIT_SUFFIX, format_value

__all__ = [
    "STATUS_COLOR",
    "STATUS_LABEL",
    "UNIT_SUFFIX",
    "fmt_money",
    "forecast_words",
    "format_value",
    "status_label",
]

STATUS_LABEL: dict[str, str] = {
    "achieved": "achieved",
    "on_track": "on track",
    "at_risk": "at risk",
    "off_track": "off track",
    "no_data": "no data",
    "missed": "missed",
    "done": "done",
    "done_late": "done late",
    "overdue": "overdue",
    "due": "due",
    "planned": "planned",
    "in_progress": "in progress",
    "blocked": "blocked",
    "late": "late",
    "due_soon": "due soon",
    "on_schedule": "on schedule",
}

STATUS_COLOR: dict[str, str] = {
    "achieved": "#2e7d32",
    "done": "#2e7d32",
    "on_track": "#66bb6a",
    "due": "#90a4ae",
    "done_late": "#9ccc65",
    "at_risk": "#f9a825",
    "off_track": "#c62828",
    "no_data": "#6d4c41",
    "missed": "#8e0000",
    "overdue": "#8e0000",
    "planned": "#90a4ae",
    "in_progress": "#1f5f99",
    "blocked": "#c62828",
    "late": "#c62828",
    "due_soon": "#f9a825",
}


def status_label(status: str) -> str:
    return STATUS_LABEL.get(status, status.replace("_", " "))


def forecast_words(
    value: float,
    at: object,
    *,
    direction: str | None,
    unit: str | None,
    decimals: int = 1,
    low: float | None = None,
    high: float | None = None,
    points_used: int | None = None,
    target: float | None = None,
    reaches: bool | None = None,
) -> str:
    """The forecast in one sentence, its trend word from the same fitted line: "Forecast 67.2 %
    for 2026-12 (80 % range 58.1 % to 76.3 %) if the trend of the last 6 values holds; that trend
    is worsening, so it misses the target 80.0 %." """
    span = (
        f" (80 % range {format_value(low, unit, decimals)} to {format_value(high, unit, decimals)})"
        if low is not None and high is not None
        else ""
    )
    trend = f"the trend of the last {points_used} values" if points_used else "the recent trend"
    text = f"Forecast {format_value(value, unit, decimals)} for {at}{span} if {trend} holds"
    if direction:
        text += f"; that trend is {direction}"
    if target is not None and reaches is not None:
        text += f", so it {'reaches' if reaches else 'misses'} the target {format_value(target, unit, decimals)}"
    elif target is not None:
        text += f". Target {format_value(target, unit, decimals)}"
    return text + "."
