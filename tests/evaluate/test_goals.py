"""Goal status, progress, plan, forecast, guardrails and deliverables against hand-computed values."""

from __future__ import annotations

from datetime import date

import pytest
from evaluate_builders import deliverable, goal, metric, program

from app.evaluate import ActualsIndex, evaluate_goals
from app.evaluate.direction import progress_percent
from app.evaluate.goals import deliverable_status
from app.evaluate.plan import cadence_periods, planned_points, planned_value
from app.periods import Month
from app.spec import Metric

CSAT = metric("csat")
AHT = metric("aht", better="lower", unit="minutes")
FCR = metric("fcr")
SCORE = metric("score")


def one(prog, values, as_of):  # type: ignore[no-untyped-def]
    [evaluation] = evaluate_goals(prog, ActualsIndex.from_values(values), as_of=as_of)
    return evaluation


# --- progress ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"), [(77.0, 0.0), (78.0, 0.0), (81.5, 50.0), (85.0, 100.0), (90.0, 100.0)]
)
def test_progress_higher_is_better_is_clamped(value: float, expected: float) -> None:
    assert progress_percent(value, 78.0, 85.0, "higher") == pytest.approx(expected)


@pytest.mark.parametrize(
    ("value", "expected"),
    [(650.0, 0.0), (600.0, 0.0), (550.0, 50.0), (500.0, 100.0), (480.0, 100.0)],
)
def test_progress_lower_is_better_counts_a_fall_as_progress(value: float, expected: float) -> None:
    assert progress_percent(value, 600.0, 500.0, "lower") == pytest.approx(expected)


def test_progress_of_a_hold_the_line_goal_is_all_or_nothing() -> None:
    assert progress_percent(80.0, 80.0, 80.0, "higher") == 100.0
    assert progress_percent(79.9, 80.0, 80.0, "higher") == 0.0


# --- plan --------------------------------------------------------------------------------------


def test_straight_line_plan() -> None:
    spec = goal("g").spec
    points = planned_points(spec)
    assert planned_value(points, Month(2026, 9)) == pytest.approx(78 + 7 * 3 / 9)
    assert planned_value(points, Month(2026, 5)) == 78.0
    assert planned_value(points, Month(2027, 6)) == 85.0


def test_plan_goes_through_milestones() -> None:
    spec = goal("g", milestones=[{"value": 82.0, "by": "2026-09-30"}]).spec
    points = planned_points(spec)
    assert planned_value(points, Month(2026, 8)) == pytest.approx(78 + 4 * 2 / 3)
    assert planned_value(points, Month(2026, 9)) == pytest.approx(82.0)
    assert planned_value(points, Month(2026, 12)) == pytest.approx(82 + 3 * 3 / 6)


def test_cadence_periods_monthly_and_quarterly() -> None:
    assert [str(m) for m in cadence_periods(goal("g").spec)] == [
        "2026-06",
        "2026-07",
        "2026-08",
        "2026-09",
        "2026-10",
        "2026-11",
        "2026-12",
        "2027-01",
        "2027-02",
        "2027-03",
    ]
    assert [str(m) for m in cadence_periods(goal("g", cadence="quarterly").spec)] == [
        "2026-06",
        "2026-09",
        "2026-12",
        "2027-03",
    ]


# --- statuses ----------------------------------------------------------------------------------
# Baseline 0 in June 2026, target 100 by April 2027: plan is 10 points a month, 30 in September.


def linear_program(**kw):  # type: ignore[no-untyped-def]
    return program(
        metrics=[SCORE],
        goals=[
            goal("g", metric_id="score", baseline=(0.0, "2026-06"), target=(100.0, "2027-04-30"))
        ],
        **kw,
    )


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (30.0, "on_track"),
        (25.0, "on_track"),  # exactly 5 points behind is still on track
        (24.9, "at_risk"),
        (15.0, "at_risk"),  # exactly 15 behind is still at risk
        (14.9, "off_track"),
        (-5.0, "off_track"),
        (100.0, "achieved"),
    ],
)
def test_status_by_points_behind_plan(actual: float, status: str) -> None:
    e = one(linear_program(), {("score", "", "2026-09"): actual}, date(2026, 10, 15))
    assert e.status == status
    assert e.judged_period == Month(2026, 9)
    assert e.planned == pytest.approx(30.0) and e.planned_progress == pytest.approx(30.0)


def test_tolerances_come_from_the_program() -> None:
    e = one(
        linear_program(on_track_within=10, at_risk_within=20),
        {("score", "", "2026-09"): 21.0},
        date(2026, 10, 1),
    )
    assert e.status == "on_track"


def test_the_open_month_is_not_judged_and_stale_data_is_no_data() -> None:
    # August has data, September (the last closed month) has none; October's month-to-date does not count.
    values = {("score", "", "2026-08"): 20.0, ("score", "", "2026-10"): 45.0}
    e = one(linear_program(), values, date(2026, 10, 15))
    assert e.status == "no_data" and e.judged_period == Month(2026, 9)
    assert "stale" in e.explanation


def test_nothing_due_yet_is_judged_on_the_baseline() -> None:
    e = one(linear_program(), {}, date(2026, 7, 10))
    assert e.status == "on_track" and e.progress == 0.0
    assert "nothing due yet" in e.explanation


def test_deadline_passed_missed_achieved_or_no_data() -> None:
    assert (
        one(linear_program(), {("score", "", "2027-04"): 90.0}, date(2027, 5, 3)).status == "missed"
    )
    assert (
        one(linear_program(), {("score", "", "2027-04"): 100.0}, date(2027, 6, 3)).status
        == "achieved"
    )
    # A good value after the deadline does not rescue it: the deadline month is what counts.
    values = {("score", "", "2027-04"): 90.0, ("score", "", "2027-05"): 100.0}
    assert one(linear_program(), values, date(2027, 6, 3)).status == "missed"
    assert one(linear_program(), {}, date(2027, 6, 3)).status == "no_data"


def test_lower_is_better_goal() -> None:
    prog = program(
        metrics=[AHT],
        goals=[
            goal(
                "aht_down", metric_id="aht", baseline=(10.0, "2026-06"), target=(8.0, "2027-04-30")
            )
        ],
    )
    assert (
        one(prog, {("aht", "", "2026-09"): 9.4}, date(2026, 10, 2)).status == "on_track"
    )  # 30 % vs plan 30 %
    assert (
        one(prog, {("aht", "", "2026-09"): 10.5}, date(2026, 10, 2)).status == "off_track"
    )  # worse than baseline
    assert one(prog, {("aht", "", "2026-09"): 7.9}, date(2026, 10, 2)).status == "achieved"


def test_quarterly_goal_is_judged_on_the_quarter_close() -> None:
    prog = program(metrics=[CSAT], goals=[goal("q", cadence="quarterly")])
    values = {("csat", "", "2026-09"): 80.5, ("csat", "", "2026-10"): 70.0}
    e = one(prog, values, date(2026, 11, 20))
    assert e.judged_period == Month(2026, 9) and e.actual == 80.5
    assert [p.period for p in e.periods] == [Month(2026, 6), Month(2026, 9)]


def test_scope_key_merges_the_metric_default_scope() -> None:
    chat = metric("frt", scope={"channel": "chat"})
    prog = program(metrics=[chat], goals=[goal("g", metric_id="frt", scope={"priority": "high"})])
    e = one(prog, {("frt", "channel=chat;priority=high", "2026-09"): 85.0}, date(2026, 10, 1))
    assert e.scope_key == "channel=chat;priority=high" and e.status == "achieved"


def test_inactive_goals_are_not_evaluated() -> None:
    prog = program(metrics=[CSAT], goals=[goal("a"), goal("b", status="paused")])
    assert [e.goal_id for e in evaluate_goals(prog, ActualsIndex(), as_of=date(2026, 10, 1))] == [
        "a"
    ]


def test_latest_revision_is_used() -> None:
    class Row:
        def __init__(self, revision: int, value: float) -> None:
            self.metric, self.scope_key, self.period = "score", "", "2026-09"
            self.value, self.revision, self.source = value, revision, "manual"
            self.numerator = self.denominator = self.sample_size = None

    index = ActualsIndex.from_rows([Row(2, 30.0), Row(1, 5.0)])
    [e] = evaluate_goals(linear_program(), index, as_of=date(2026, 10, 1))
    assert e.actual == 30.0 and e.status == "on_track"


# --- forecast ----------------------------------------------------------------------------------


def test_forecast_at_the_deadline_hand_computed() -> None:
    values = {
        ("csat", "", "2026-07"): 79.0,
        ("csat", "", "2026-08"): 80.0,
        ("csat", "", "2026-09"): 80.5,
    }
    e = one(program(metrics=[CSAT], goals=[goal("g")]), values, date(2026, 10, 5))
    # slope 0.75 a month through (Aug, 79.833): March 2027 is 7 months after August → 85.083
    assert e.forecast is not None and e.forecast.value == pytest.approx(79 + 5 / 6 + 0.75 * 7)
    assert e.forecast.points_used == 3 and e.forecast_reaches_target is True


def test_forecast_refused_with_two_points() -> None:
    values = {("csat", "", "2026-08"): 80.0, ("csat", "", "2026-09"): 80.5}
    e = one(program(metrics=[CSAT], goals=[goal("g")]), values, date(2026, 10, 5))
    assert e.forecast is not None and e.forecast.value is None and e.forecast.points_used == 2
    assert e.forecast.refused and e.forecast_reaches_target is None


def test_forecast_that_falls_short() -> None:
    values = {("csat", "", f"2026-{m:02d}"): v for m, v in ((7, 78.2), (8, 78.4), (9, 78.6))}
    e = one(program(metrics=[CSAT], goals=[goal("g")]), values, date(2026, 10, 5))
    assert e.forecast is not None and e.forecast.value == pytest.approx(79.8)
    assert e.forecast_reaches_target is False


# --- guardrails --------------------------------------------------------------------------------


def guarded(**bound: float):  # type: ignore[no-untyped-def]
    return program(metrics=[CSAT, FCR], goals=[goal("g", guardrails=[{"metric": "fcr", **bound}])])


def test_guardrail_flags_an_achieved_goal() -> None:
    values = {
        ("csat", "", "2026-09"): 86.0,
        ("fcr", "", "2026-09"): 72.0,
        ("fcr", "", "2026-10"): 68.0,
    }
    e = one(guarded(min=70.0), values, date(2026, 10, 20))
    assert e.status == "achieved" and e.guardrail_breached
    [check] = e.guardrails
    assert (
        check.value == 68.0
        and check.period == Month(2026, 10)
        and "below its floor 70" in check.message
    )
    assert "guardrail crossed" in e.explanation


def test_guardrail_within_bounds_or_without_data_is_not_flagged() -> None:
    values = {("csat", "", "2026-09"): 86.0, ("fcr", "", "2026-09"): 72.0}
    assert not one(guarded(min=70.0), values, date(2026, 10, 20)).guardrail_breached
    e = one(guarded(max=60.0), {("csat", "", "2026-09"): 86.0}, date(2026, 10, 20))
    assert not e.guardrail_breached and e.guardrails[0].message == "fcr: no actual yet"
    assert one(guarded(max=70.0), values, date(2026, 10, 20)).guardrail_breached


@pytest.mark.parametrize(
    ("bound", "value", "breached"),
    [
        ({"min": 70.0}, 70.0, False),  # on the floor: within bounds
        ({"min": 70.0}, 70.0 - 1e-12, False),  # float noise of a computed rate is not a breach
        ({"min": 70.0}, 69.99, True),
        ({"max": 70.0}, 70.0, False),  # on the ceiling: within bounds
        ({"max": 70.0}, 70.0 + 1e-12, False),
        ({"max": 70.0}, 70.01, True),
    ],
)
def test_a_guardrail_is_crossed_only_beyond_its_bound(
    bound: dict[str, float], value: float, breached: bool
) -> None:
    values = {("csat", "", "2026-09"): 86.0, ("fcr", "", "2026-09"): value}
    check = one(guarded(**bound), values, date(2026, 10, 20)).guardrails[0]
    assert check.breached is breached
    assert ("within bounds" in check.message) is not breached


# --- deliverables ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "as_of", "status"),
    [
        ("2026-09-20", "2026-10-15", "done"),
        ("2026-10-05", "2026-10-15", "done_late"),
        (None, "2026-10-15", "overdue"),
        (None, "2026-09-30", "due"),
        ("2026-10-20", "2026-10-15", "overdue"),  # not done yet as of the 15th
    ],
)
def test_deliverable_status(completed: str | None, as_of: str, status: str) -> None:
    prog = program(goals=[deliverable("kb", due="2026-09-30", completed_on=completed)])
    e = one(prog, {}, date.fromisoformat(as_of))
    assert e.status == status
    assert e.deliverable is not None and e.deliverable.due == date(2026, 9, 30)


def test_deliverable_days() -> None:
    assert deliverable_status(date(2026, 9, 30), None, date(2026, 10, 1)) == "overdue"
    e = one(program(goals=[deliverable("kb", due="2026-09-30")]), {}, date(2026, 10, 10))
    assert e.deliverable is not None and e.deliverable.days_late == 10
    assert e.previous_status == "due"  # on 30 September, the due date itself, it was not late yet


def test_explanations_read_in_the_metrics_unit_and_decimals() -> None:
    """A committee reads "80.8 %", not the float 80.77777777777777 nor a unit-less 80.7778."""
    prog = program(metrics=[CSAT], goals=[goal("g")])
    e = one(prog, {("csat", "", "2026-07"): 79.0, ("csat", "", "2026-08"): 79.9}, date(2026, 9, 15))
    assert (
        e.explanation
        == "79.9 % in 2026-08 is 0.3 points ahead of the plan of 79.6 % (27.1 % of the way from 78.0 % to 85.0 %, plan 22.2 %)"
    )


def test_behind_plan_is_said_in_points_of_the_metric_not_in_points_of_progress() -> None:
    """70 → 80 % by December: November's plan is 78.3 % (83.3 % of the way); 74.6 % is 3.7 points
    behind it — not the 37.3 points of progress between 46.0 % and 83.3 %."""
    prog = program(
        metrics=[metric("chat")],
        goals=[
            goal("g", metric_id="chat", baseline=(70.0, "2026-05"), target=(80.0, "2026-11-30"))
        ],
    )
    e = one(prog, {("chat", "", "2026-10"): 74.6}, date(2026, 11, 4))
    # plan for October: 70 + 10 × 5/6 = 78.33; gap 3.73 points; progress 46 % against 83.3 % planned
    assert e.behind == pytest.approx(78.0 + 1 / 3 - 74.6)
    assert e.behind_points == pytest.approx(250 / 3 - 46.0)
    assert e.status == "off_track"
    assert e.explanation == (
        "74.6 % in 2026-10 is 3.7 points behind the plan of 78.3 % "
        "(46.0 % of the way from 70.0 % to 80.0 %, plan 83.3 %)"
    )


def test_a_ticket_count_is_behind_plan_by_tickets() -> None:
    backlog = Metric.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Metric",
            "metadata": {"id": "backlog", "title": "Tickets open longer than 7 days"},
            "spec": {
                "unit": "count",
                "better": "lower",
                "calculation": {"type": "backlog", "older_than": "7 days"},
                "definition": "test",
                "decimals": 0,
            },
        }
    )
    prog = program(
        metrics=[backlog],
        goals=[
            goal("g", metric_id="backlog", baseline=(140.0, "2026-06"), target=(40.0, "2027-02-28"))
        ],
    )
    e = one(prog, {("backlog", "", "2026-10"): 102.0}, date(2026, 11, 4))
    # 12.5 tickets a month from 140: October's plan is 90; 102 is 12 behind (38 % of the way, plan 50 %)
    assert e.behind == pytest.approx(12.0)
    assert e.explanation == (
        "102 in 2026-10 is 12 tickets behind the plan of 90 "
        "(38.0 % of the way from 140 to 40, plan 50.0 %)"
    )
    ahead = one(prog, {("backlog", "", "2026-10"): 89.0}, date(2026, 11, 4))
    assert "1 ticket ahead of the plan of 90" in ahead.explanation


def test_status_since_counts_back_the_run_of_the_same_status() -> None:
    # Plan 10 a month from 0 in June: July 10, August 20, September 30, October 40.
    values = {
        ("score", "", "2026-07"): 10.0,  # on plan: on track
        ("score", "", "2026-08"): 10.0,  # 10 behind: at risk
        ("score", "", "2026-09"): 10.0,  # 20 behind: off track
        ("score", "", "2026-10"): 20.0,  # 20 behind: off track
    }
    e = one(linear_program(), values, date(2026, 11, 15))
    assert e.status == "off_track" and e.status_since == Month(2026, 9)
    at_risk = one(linear_program(), values, date(2026, 9, 15))
    assert at_risk.status == "at_risk" and at_risk.status_since == Month(2026, 8)
    gap = {**values, ("score", "", "2026-09"): None}  # a month without a value breaks the run
    assert one(linear_program(), gap, date(2026, 11, 15)).status_since == Month(2026, 10)
    on_track = one(linear_program(), values, date(2026, 8, 15))
    assert on_track.status == "on_track" and on_track.status_since is None


def test_the_gap_is_the_difference_of_the_values_as_printed() -> None:
    """Plan 78.333… and actual 74.56 print as 78.3 % and 74.6 %: the reader subtracts 3.7, so the
    text says 3.7 points, not the 3.8 of the unrounded values."""
    prog = program(
        metrics=[metric("chat")],
        goals=[
            goal("g", metric_id="chat", baseline=(70.0, "2026-05"), target=(80.0, "2026-11-30"))
        ],
    )
    e = one(prog, {("chat", "", "2026-10"): 74.56}, date(2026, 11, 4))
    assert e.behind == pytest.approx(78.0 + 1 / 3 - 74.56)
    assert "is 3.7 points behind the plan of 78.3 %" in e.explanation
