"""Which way is better for a metric, and how far a value has come from a baseline to a target."""

from __future__ import annotations

from typing import Literal

Better = Literal["higher", "lower"]
EPSILON = 1e-9
"""Tolerance for float comparisons, so that 99.99 read back from a database still meets 99.99."""


def meets(value: float, target: float, better: Better) -> bool:
    """Whether `value` is at least as good as `target` in the metric's direction."""
    return value >= target - EPSILON if better == "higher" else value <= target + EPSILON


def progress_percent(value: float, baseline: float, target: float, better: Better) -> float:
    """Share of the way from baseline to target, 0–100, respecting the metric's direction.

    A value worse than the baseline is 0 %, a value beyond the target 100 %. A goal whose target
    is not an improvement on its baseline (a "hold the line" goal) is 100 % when the target is
    met and 0 % otherwise.
    """
    sign = 1.0 if better == "higher" else -1.0
    needed = (target - baseline) * sign
    if needed <= EPSILON:
        return 100.0 if meets(value, target, better) else 0.0
    share = (value - baseline) * sign / needed * 100.0
    return min(100.0, max(0.0, share))
