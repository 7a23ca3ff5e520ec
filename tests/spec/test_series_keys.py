"""Series keys of SLA objectives measured without excluded contacts: readable, stable, bounded."""

from __future__ import annotations

from datetime import UTC, datetime

from app.spec.exclusions import (
    MAX_KEY,
    ExcludedWindow,
    describe_series_key,
    series_key,
    split_series_key,
)


def window(day: int, scope_key: str = "") -> ExcludedWindow:
    return ExcludedWindow(
        datetime(2026, 9, day, 16, 40, tzinfo=UTC),
        datetime(2026, 9, day + 2, 0, 0, 30, tzinfo=UTC),
        scope_key,
        "outage",
    )


def test_a_key_names_its_windows_as_iso_intervals_in_order() -> None:
    key = series_key("segment=bw", [window(20, "channel=phone"), window(8)])
    assert key == (
        "segment=bw|excluding 2026-09-08T16:40Z/2026-09-10T00:00:30Z, "
        "2026-09-20T16:40Z/2026-09-22T00:00:30Z [channel=phone]"
    )
    assert split_series_key(key)[0] == "segment=bw"
    assert describe_series_key(key).startswith("segment bw, excluding 2026-09-08T16:40Z")
    assert series_key("segment=bw", []) == "segment=bw"
    assert describe_series_key("") == "all contacts"


def test_a_key_too_long_for_the_column_names_its_windows_by_a_digest() -> None:
    windows = [window(day, "queue=" + "x" * 40) for day in range(1, 20)]
    key = series_key("segment=bw", windows)
    assert len(key) <= MAX_KEY and key.startswith("segment=bw|excluding #")
    assert key == series_key("segment=bw", list(reversed(windows)))
