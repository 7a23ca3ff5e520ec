"""The one timing rule every benchmark here follows: the median of repeated runs."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable


def median_seconds(
    fn: Callable[[], object],
    repeat: int,
    *,
    number: int = 1,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Median over `repeat` runs of the time of one call (each run averages `number` calls)."""
    times = []
    for _ in range(repeat):
        started = clock()
        for _ in range(number):
            fn()
        times.append((clock() - started) / number)
    return statistics.median(times)
