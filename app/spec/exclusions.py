"""What an SLA objective leaves out of a month's figure, and the series that measures it so.

An objective is judged on its metric over its scope, less the contacts created in time the contract
does not count:

- its **exclusion windows** (`spec.exclusions`): the contacts created in a window, of the channels
  or queues the window names (`scope`; all of the objective's contacts without one), for the
  objectives it names (all without a list). A window that covers a whole month of the contract's
  calendar, for every contact of the objective, excludes the month (outcome `excluded`);
- in a month the contract starts or ends in, the days **outside its term** (before `effective.from`,
  after `effective.to`): the service levels apply only while the contract does.

Such a figure is its own series: the KPI engine computes it beside the plain one (which goals keep
reading) and stores it under `series_key(scope_key, windows)` — the scope key, then
`|excluding ` and each window as an ISO 8601 interval in UTC with the contacts it takes out,
e.g. `channel=phone;segment=brightwater|excluding 2026-09-08T07:00Z/2026-09-11T07:00Z`. The key
names the windows themselves, so a window changed in the contract names a series not yet computed
(the evaluation then says so) instead of reading a figure computed for the old one.

Pure: no I/O. Month bounds for the actuals are in the program's timezone (the KPI engine's months);
exclusion dates and the contract's term are in the contract's measurement timezone.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from app.periods import Month
from app.spec.common import Scope
from app.spec.program import Program, effective_scope
from app.spec.sla import Exclusion, Objective, SLAContract, instant

EXCLUDING = "|excluding "
MAX_KEY = 256
"""The stored scope key's length (the `actuals.scope_key` column)."""


@lru_cache(maxsize=64)
def zone(name: str) -> ZoneInfo:
    return ZoneInfo(name)


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if moment.second else "%Y-%m-%dT%H:%MZ")


@dataclass(frozen=True, order=True)
class ExcludedWindow:
    """Contacts one objective leaves out: those created in [start, end) (aware UTC) that fall in
    `scope_key` ("" for all of the objective's contacts)."""

    start: datetime
    end: datetime
    scope_key: str
    reason: str

    @property
    def scope(self) -> Scope:
        return Scope.from_key(self.scope_key)

    def key(self) -> str:
        """The window in a series key: an ISO 8601 interval in UTC, then the contacts it takes out."""
        contacts = f" [{self.scope_key}]" if self.scope_key else ""
        return f"{_stamp(self.start)}/{_stamp(self.end)}{contacts}"

    def hours_within(self, start: datetime, end: datetime) -> float:
        """Hours of this window inside [start, end)."""
        overlap = min(self.end, end) - max(self.start, start)
        return max(overlap, timedelta(0)).total_seconds() / 3600


@dataclass(frozen=True)
class MonthExclusions:
    """What one objective leaves out of one month."""

    whole: Exclusion | None
    """An exclusion covering the whole month for every contact of the objective: the month is excluded."""
    windows: tuple[ExcludedWindow, ...]
    """Otherwise, the windows whose contacts are taken out of the month's figure."""

    def hours(self, month: Month, tz: str) -> float:
        """Hours of the month inside at least one window (overlapping windows counted once)."""
        first, last = month.start(zone(tz)), month.end(zone(tz))
        spans = sorted((max(w.start, first), min(w.end, last)) for w in self.windows)
        total, reach = timedelta(0), first
        for start, end in spans:
            start = max(start, reach)
            if end > start:
                total += end - start
                reach = end
        return total.total_seconds() / 3600


NONE = MonthExclusions(None, ())


def overlaps(a: Scope, b: Scope) -> bool:
    """Whether some contact can be in both scopes (no dimension restricted to disjoint values)."""
    mine, theirs = a.filters(), b.filters()
    return all(set(values) & set(theirs[dim]) for dim, values in mine.items() if dim in theirs)


def covers(outer: Scope, inner: Scope) -> bool:
    """Whether every contact in `inner` is in `outer`."""
    narrow = inner.filters()
    return all(
        dim in narrow and set(narrow[dim]) <= set(values) for dim, values in outer.filters().items()
    )


@dataclass(frozen=True)
class _Window:
    """An exclusion as it applies to one objective: its bounds and the contacts it takes out."""

    exclusion: Exclusion | None
    start: datetime
    end: datetime
    scope_key: str
    reason: str
    everything: bool
    """It takes out every contact of the objective (its scope covers the objective's)."""


class ObjectiveExclusions:
    """The windows of one objective of one contract, resolved once; asked month by month."""

    def __init__(self, contract: SLAContract, objective: Objective, scope: Scope, tz: str) -> None:
        spec = contract.spec
        self.tz = tz
        self.contract_tz = zone(spec.measurement.timezone)
        windows: list[_Window] = []
        for exclusion in spec.exclusions:
            if exclusion.objectives and objective.id not in exclusion.objectives:
                continue
            contacts = exclusion.scope or Scope()
            if not overlaps(scope, contacts):
                continue
            start, end = exclusion.bounds(self.contract_tz)
            everything = covers(contacts, scope)
            windows.append(
                _Window(
                    exclusion,
                    start,
                    end,
                    "" if everything else contacts.key(),
                    exclusion.reason,
                    everything,
                )
            )
        effective = spec.effective
        first = Month.of(effective.from_)
        if effective.from_ != first.first_day():
            start = first.start(self.contract_tz)
            end = instant(effective.from_, self.contract_tz)
            windows.append(
                _Window(
                    None, start, end, "", f"before the contract's start on {effective.from_}", True
                )
            )
        if effective.to is not None and effective.to != Month.of(effective.to).last_day():
            start = instant(effective.to, self.contract_tz, day_end=True)
            end = Month.of(effective.to).end(self.contract_tz)
            windows.append(
                _Window(None, start, end, "", f"after the contract's end on {effective.to}", True)
            )
        self._windows = tuple(windows)
        self._touched = frozenset(month.index for month in self.months())

    def __bool__(self) -> bool:
        return bool(self._windows)

    def months(self) -> Iterator[Month]:
        """Every month (of the actuals, in the program's timezone) a window touches."""
        tz = zone(self.tz)
        seen: set[Month] = set()
        for window in self._windows:
            last = Month.containing(window.end - timedelta(microseconds=1), tz)
            for month in Month.containing(window.start, tz).until(last):
                if month not in seen:
                    seen.add(month)
                    yield month

    def of(self, month: Month) -> MonthExclusions:
        """What the objective leaves out of `month`."""
        if month.index not in self._touched:
            return NONE
        tz = zone(self.tz)
        first, last = month.start(tz), month.end(tz)
        touching = [w for w in self._windows if w.start < last and w.end > first]
        if not touching:
            return NONE
        calendar_first, calendar_last = month.start(self.contract_tz), month.end(self.contract_tz)
        for window in touching:
            if (
                window.exclusion is not None
                and window.everything
                and window.start <= calendar_first
                and window.end >= calendar_last
            ):
                return MonthExclusions(window.exclusion, ())
        return MonthExclusions(
            None,
            tuple(sorted(ExcludedWindow(w.start, w.end, w.scope_key, w.reason) for w in touching)),
        )


def series_key(scope_key: str, windows: Sequence[ExcludedWindow]) -> str:
    """The stored key of a series measured without the contacts of `windows` (the scope key
    itself without any); a key longer than the column names its windows by a digest."""
    if not windows:
        return scope_key
    named = ", ".join(sorted({window.key() for window in windows}))
    key = f"{scope_key}{EXCLUDING}{named}"
    if len(key) <= MAX_KEY:
        return key
    digest = hashlib.sha256(named.encode()).hexdigest()[:16]
    return f"{scope_key}{EXCLUDING}#{digest}"


def split_series_key(key: str) -> tuple[str, str | None]:
    """(scope key, the windows' text or None) of a stored series key."""
    scope_key, found, windows = key.partition(EXCLUDING)
    return scope_key, (windows if found else None)


def describe_series_key(key: str) -> str:
    """A series key for people: "channel phone, segment brightwater, excluding 2026-09-08T07:00Z/…"."""
    scope_key, windows = split_series_key(key)
    scope = Scope.from_key(scope_key).describe()
    return scope if windows is None else f"{scope}, excluding {windows}"


@dataclass(frozen=True)
class ExcludedSeries:
    """A series an SLA objective is judged on in some months: its metric and scope without the
    contacts of `windows`, stored under `key` for `months`."""

    metric: str
    scope: Scope
    windows: tuple[ExcludedWindow, ...]
    key: str
    months: tuple[Month, ...]


def excluded_series(program: Program) -> list[ExcludedSeries]:
    """Every series the program's SLA objectives are judged on in months with exclusion windows
    (or partial first and last months), each with the months it is needed for."""
    found: dict[tuple[str, str], tuple[str, Scope, tuple[ExcludedWindow, ...], list[Month]]] = {}
    for contract in program.contracts.values():
        first = Month.of(contract.spec.effective.from_)
        end = contract.spec.effective.to
        last = Month.of(end) if end is not None else None
        for objective in contract.spec.objectives:
            metric = program.metrics.get(objective.metric)
            if metric is None:
                continue
            scope = effective_scope(metric, objective.scope)
            resolved = ObjectiveExclusions(contract, objective, scope, program.timezone)
            for month in resolved.months():
                if month < first or (last is not None and month > last):
                    continue
                windows = resolved.of(month).windows
                if not windows:
                    continue
                key = series_key(scope.key(), windows)
                entry = found.setdefault((metric.id, key), (metric.id, scope, windows, []))
                if month not in entry[3]:
                    entry[3].append(month)
    return [
        ExcludedSeries(metric_id, scope, windows, key, tuple(sorted(months)))
        for (_, key), (metric_id, scope, windows, months) in sorted(found.items())
    ]
