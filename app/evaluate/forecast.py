"""Straight-line forecasts by least squares over the most recent values of a series."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from app.evaluate.serialize import JsonReady
from app.periods import Month

MIN_POINTS = 3
RECENT_POINTS = 6
"""A forecast uses at most the six most recent values: old enough history would hide a change of
trend, and fewer than three points cannot tell a trend from noise."""


@dataclass(frozen=True)
class Forecast(JsonReady):
    """The value a series reaches at `at` if its recent trend holds, or why there is none."""

    at: Month
    value: float | None
    points_used: int
    slope_per_month: float | None = None
    first_month: Month | None = None
    last_month: Month | None = None
    refused: str | None = None


def least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through `points` (needs two distinct x)."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def forecast(
    series: Sequence[tuple[Month, float]], at: Month, *, recent: int = RECENT_POINTS
) -> Forecast:
    """Forecast at month `at` from the last `recent` (month, value) pairs; refused below 3 points."""
    usable = sorted(series)[-recent:]
    if len(usable) < MIN_POINTS:
        return Forecast(
            at=at,
            value=None,
            points_used=len(usable),
            refused=f"only {len(usable)} value(s); a trend needs at least {MIN_POINTS}",
        )
    slope, intercept = least_squares([(float(m.index), v) for m, v in usable])
    return Forecast(
        at=at,
        value=slope * at.index + intercept,
        points_used=len(usable),
        slope_per_month=slope,
        first_month=usable[0][0],
        last_month=usable[-1][0],
    )
