"""The actuals the evaluation reads: a pure lookup `(metric, scope_key, month) -> ActualPoint`.

The store (or a test, or the demo) builds it with `ActualsIndex.from_rows`; the evaluation never
touches a database. When several revisions of one key are given, the highest revision wins.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from app.periods import Month

SeriesKey = tuple[str, str]


@dataclass(frozen=True)
class ActualPoint:
    """One month's value of a (metric, scope) series: the latest revision."""

    value: float | None
    numerator: float | None = None
    denominator: float | None = None
    sample_size: int | None = None
    revision: int = 1
    source: str = "manual"


class ActualsIndex:
    """Latest actuals by series and month, with each series kept sorted by month."""

    def __init__(self, points: dict[tuple[str, str, Month], ActualPoint] | None = None) -> None:
        # Keyed by Month.index internally: int hashing and comparison are much cheaper than Month's.
        self._series: dict[SeriesKey, dict[int, ActualPoint]] = {}
        self._months: dict[SeriesKey, list[int]] = {}
        for (metric, scope_key, month), point in (points or {}).items():
            self._series.setdefault((metric, scope_key), {})[month.index] = point
        for key, by_month in self._series.items():
            self._months[key] = sorted(by_month)

    @classmethod
    def from_rows(cls, rows: Iterable[Any]) -> ActualsIndex:
        """From objects with metric, scope_key, period ("YYYY-MM"), value, numerator, denominator,
        sample_size, revision and source attributes (the store's `Actual` rows fit)."""
        chosen: dict[tuple[str, str, Month], ActualPoint] = {}
        for row in rows:
            key = (
                row.metric,
                row.scope_key or "",
                Month.parse(row.period) if isinstance(row.period, str) else row.period,
            )
            point = ActualPoint(
                value=None if row.value is None else float(row.value),
                numerator=row.numerator,
                denominator=row.denominator,
                sample_size=row.sample_size,
                revision=int(row.revision),
                source=str(row.source),
            )
            if key not in chosen or chosen[key].revision < point.revision:
                chosen[key] = point
        return cls(chosen)

    @classmethod
    def from_values(cls, values: dict[tuple[str, str, Month | str], float | None]) -> ActualsIndex:
        """Convenience for tests and demos: plain values, revision 1."""
        return cls(
            {
                (
                    metric,
                    scope_key,
                    Month.parse(month) if isinstance(month, str) else month,
                ): ActualPoint(value)
                for (metric, scope_key, month), value in values.items()
            }
        )

    def get(self, metric: str, scope_key: str, month: Month) -> ActualPoint | None:
        series = self._series.get((metric, scope_key))
        return None if series is None else series.get(month.index)

    def value(self, metric: str, scope_key: str, month: Month) -> float | None:
        """The month's value, or None when there is no actual or the actual has no value."""
        point = self.get(metric, scope_key, month)
        return None if point is None else point.value

    def latest(
        self, metric: str, scope_key: str, *, until: Month
    ) -> tuple[Month, ActualPoint] | None:
        """The latest month ≤ `until` that has a value, with its point."""
        months = self._months.get((metric, scope_key), [])
        by_month = self._series.get((metric, scope_key), {})
        for index in reversed(months[: bisect_right(months, until.index)]):
            if by_month[index].value is not None:
                return Month.from_index(index), by_month[index]
        return None

    def points(self) -> Iterator[tuple[str, str, Month, ActualPoint]]:
        """Every (metric, scope key, month, point), series by series, months in order."""
        for (metric, scope_key), months in sorted(self._months.items()):
            by_month = self._series[(metric, scope_key)]
            for index in months:
                yield metric, scope_key, Month.from_index(index), by_month[index]

    def __len__(self) -> int:
        return sum(len(v) for v in self._series.values())
