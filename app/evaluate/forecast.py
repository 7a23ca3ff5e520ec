"""Straight-line forecasts by least squares over the most recent values of a series.

A forecast carries its own uncertainty: an 80 % prediction range from the scatter of the values
around their line (Student's t with n − 2 degrees of freedom, widening with the distance from the
months it was fitted on), and its own direction (`Forecast.direction`), so that the words beside a
forecast line ("improving") and the line itself come from one model and cannot disagree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.words import counted

MIN_POINTS = 3
RECENT_POINTS = 6
"""A forecast uses at most the six most recent values: old enough history would hide a change of
trend, and fewer than three points cannot tell a trend from noise."""

RANGE_PERCENT = 80
T_90: tuple[float, ...] = (3.078, 1.886, 1.638, 1.533, 1.476, 1.440, 1.415, 1.397, 1.383, 1.372)
"""Student's t at 0.90 for 1–10 degrees of freedom: the half-width factor of an 80 % range."""
T_90_LARGE = 1.2816
"""The normal quantile, for more degrees of freedom than the table holds (within 2 % from 11 on)."""

Direction = Literal["improving", "worsening", "flat"]
FLAT_SLOPE = 1e-9


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
    low: float | None = None
    high: float | None = None
    """The 80 % prediction range at `at` (`RANGE_PERCENT`); equal to `value` for values on a line."""

    def direction(self, better: str | None) -> Direction | None:
        """Which way the fitted line runs for a metric where `better` is "higher" or "lower"
        (None without a forecast or a direction of improvement)."""
        if self.slope_per_month is None or better is None:
            return None
        if abs(self.slope_per_month) < FLAT_SLOPE:
            return "flat"
        rising = self.slope_per_month > 0
        return "improving" if rising == (better == "higher") else "worsening"


def least_squares(points: Sequence[tuple[float, float]]) -> tuple[float, float]:
    """(slope, intercept) of the least-squares line through `points` (needs two distinct x)."""
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    sxx = sum((x - mean_x) ** 2 for x, _ in points)
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in points)
    slope = sxy / sxx
    return slope, mean_y - slope * mean_x


def t_90(degrees_of_freedom: int) -> float:
    if degrees_of_freedom < 1:
        raise ValueError("a prediction range needs at least one degree of freedom")
    if degrees_of_freedom <= len(T_90):
        return T_90[degrees_of_freedom - 1]
    return T_90_LARGE


def prediction_half_width(
    points: Sequence[tuple[float, float]], slope: float, intercept: float, x: float
) -> float:
    """Half the width of the 80 % prediction range at `x` for the line fitted to `points` (n ≥ 3):
    t · s · √(1 + 1/n + (x − x̄)² / Sxx), with s² the residuals' squares summed over n − 2."""
    n = len(points)
    mean_x = sum(px for px, _ in points) / n
    sxx = sum((px - mean_x) ** 2 for px, _ in points)
    residuals = sum((py - (slope * px + intercept)) ** 2 for px, py in points)
    s = math.sqrt(residuals / (n - 2))
    return t_90(n - 2) * s * math.sqrt(1 + 1 / n + (x - mean_x) ** 2 / sxx)


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
            refused=f"only {counted(len(usable), 'value')}; a trend needs at least {MIN_POINTS}",
        )
    points = [(float(m.index), v) for m, v in usable]
    slope, intercept = least_squares(points)
    value = slope * at.index + intercept
    half = prediction_half_width(points, slope, intercept, float(at.index))
    return Forecast(
        at=at,
        value=value,
        points_used=len(usable),
        slope_per_month=slope,
        first_month=usable[0][0],
        last_month=usable[-1][0],
        low=value - half,
        high=value + half,
    )
