"""Stale series: the newest value's month against the metric's (or the program's) bound."""

from __future__ import annotations

from datetime import date

from evaluate_builders import goal, metric, program

from app.evaluate import ActualsIndex, stale_series
from app.periods import Month


def test_a_series_is_stale_the_day_after_its_bound_from_the_end_of_its_newest_month() -> None:
    p = program(metrics=[metric("csat")], goals=[goal("g", metric_id="csat")])
    actuals = ActualsIndex.from_values({("csat", "", "2026-09"): 80.0})
    # September ended on the 30th: 45 days later is 14 November, still fresh; the 15th is stale.
    assert stale_series(p, actuals, date(2026, 11, 14)) == ()
    [found] = stale_series(p, actuals, date(2026, 11, 15))
    assert (found.metric, found.last_period, found.days, found.stale_after_days) == (
        "csat",
        Month(2026, 9),
        46,
        45,
    )
    assert found.used_by == ("goal g",)
    assert (
        found.explanation
        == "no value since 2026-09 (46 days after that month ended); stale after 45 days"
    )


def test_the_open_months_value_counts_as_fresh_and_an_empty_value_does_not() -> None:
    p = program(metrics=[metric("csat")], goals=[goal("g", metric_id="csat")])
    fresh = ActualsIndex.from_values({("csat", "", "2027-01"): 80.0})
    assert stale_series(p, fresh, date(2027, 1, 3)) == ()
    empty = ActualsIndex.from_values({("csat", "", "2026-12"): None, ("csat", "", "2026-10"): 79.0})
    [found] = stale_series(p, empty, date(2027, 1, 3))
    assert found.last_period == Month(2026, 10)


def test_a_metrics_own_bound_wins_over_the_programs() -> None:
    quarterly = metric("turnover", better="lower", stale_after_days=100)
    p = program(
        metrics=[quarterly],
        goals=[
            goal("g", metric_id="turnover", baseline=(34, "2026-06"), target=(30, "2027-06-30"))
        ],
        settings={"stale_after_days": 30},
    )
    actuals = ActualsIndex.from_values({("turnover", "", "2026-09"): 33.0})
    assert stale_series(p, actuals, date(2026, 12, 31)) == ()  # 92 days, bound 100
    [found] = stale_series(p, actuals, date(2027, 1, 9))
    assert found.stale_after_days == 100 and found.days == 101


def test_a_series_that_never_had_a_value_is_stale_after_the_bound_from_the_programs_start() -> None:
    p = program(metrics=[metric("csat")], goals=[goal("g", metric_id="csat")])
    empty = ActualsIndex.from_values({})
    assert stale_series(p, empty, date(2026, 8, 15)) == ()  # 45 days after 1 July
    [found] = stale_series(p, empty, date(2026, 8, 16))
    assert found.last_period is None and "no value yet" in found.explanation


def test_only_series_the_program_needs_now_are_watched() -> None:
    p = program(
        metrics=[metric("csat"), metric("fcr")],
        goals=[
            goal("paused", metric_id="csat", status="paused"),
            goal("over", metric_id="fcr", target=(75.0, "2026-08-31")),
        ],
    )
    assert stale_series(p, ActualsIndex.from_values({}), date(2026, 12, 1)) == ()
