"""Check-ins against the numbers: due dates by cadence, missing ones, agreement with the status."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from evaluate_builders import deliverable, goal, metric, program

from app.evaluate import ActualsIndex, evaluate_program
from app.evaluate.checkins import (
    Checkin,
    add_cadence,
    agreement,
    agreement_text,
    checkin_states,
)


def _checkin(goal_id: str, confidence: str, at: datetime) -> Checkin:
    return Checkin(None, goal_id, confidence, "comment", None, None, None, "owner", at, None)


@pytest.mark.parametrize(
    ("cadence", "day", "due"),
    [
        ("weekly", date(2026, 11, 2), date(2026, 11, 9)),
        ("fortnightly", date(2026, 11, 2), date(2026, 11, 16)),
        ("monthly", date(2026, 11, 2), date(2026, 12, 2)),
        ("monthly", date(2027, 1, 31), date(2027, 2, 28)),  # no 31 February: the month's last day
        ("monthly", date(2026, 12, 15), date(2027, 1, 15)),
    ],
)
def test_the_next_check_in_is_due_one_cadence_after_the_last(
    cadence: str, day: date, due: date
) -> None:
    assert add_cadence(day, cadence) == due


@pytest.mark.parametrize(
    ("confidence", "status", "verdict"),
    [
        ("on_track", "on_track", "agrees"),
        ("on_track", "achieved", "agrees"),
        ("on_track", "off_track", "more_confident"),
        ("on_track", "missed", "more_confident"),
        ("at_risk", "off_track", "more_confident"),
        ("off_track", "on_track", "more_worried"),
        ("at_risk", "at_risk", "agrees"),
        ("on_track", "no_data", "unjudged"),
    ],
)
def test_confidence_reads_against_the_computed_status(
    confidence: str, status: str, verdict: str
) -> None:
    assert agreement(confidence, status) == verdict


def test_a_contradiction_is_said_in_words() -> None:
    assert agreement_text("on_track", "off_track") == (
        "contradicts the numbers: the owner says on track, the numbers say off track"
    )
    assert agreement_text("off_track", "on_track").startswith("more worried than the numbers")
    assert agreement_text("at_risk", "at_risk") == ""


def test_missing_check_ins_by_cadence_with_the_goals_override_and_the_programs_timezone() -> None:
    p = program(
        metrics=[metric("csat")],
        goals=[
            goal("weekly_goal", metric_id="csat", checkin_cadence="weekly"),
            goal("default_goal", metric_id="csat"),
            goal("quiet_goal", metric_id="csat", checkin_cadence="none"),
            goal("never", metric_id="csat"),
        ],
        settings={"checkin_cadence": "fortnightly"},
        timezone="America/Los_Angeles",
    )
    as_of = date(2026, 11, 20)
    evaluation = evaluate_program(p, ActualsIndex.from_values({}), as_of=as_of)
    # 2026-11-06 03:00 UTC is still 5 November in Los Angeles.
    at = datetime(2026, 11, 6, 3, 0, tzinfo=UTC)
    latest = {g: _checkin(g, "on_track", at) for g in ("weekly_goal", "default_goal", "quiet_goal")}
    states = {s.goal_id: s for s in checkin_states(p, evaluation.goals, latest, as_of)}
    assert states["weekly_goal"].last_day == date(2026, 11, 5)
    assert (
        states["weekly_goal"].due,
        states["weekly_goal"].missing,
        states["weekly_goal"].days_overdue,
    ) == (
        date(2026, 11, 12),
        True,
        8,
    )
    assert (states["default_goal"].due, states["default_goal"].missing) == (
        date(2026, 11, 19),
        True,
    )
    assert (states["quiet_goal"].due, states["quiet_goal"].missing) == (None, False)
    assert states["never"].due == date(2026, 7, 15)  # one cadence after the program's start
    on_the_day = checkin_states(p, evaluation.goals, latest, date(2026, 11, 19))
    assert not next(s for s in on_the_day if s.goal_id == "default_goal").missing  # due today


def test_finished_goals_ask_for_no_check_in() -> None:
    p = program(
        metrics=[metric("csat")],
        goals=[
            goal("ended", metric_id="csat", target=(85.0, "2026-09-30")),
            deliverable("shipped", due="2026-10-31", completed_on="2026-10-20"),
            deliverable("late", due="2026-10-31"),
        ],
    )
    evaluation = evaluate_program(p, ActualsIndex.from_values({}), as_of=date(2026, 11, 20))
    states = {s.goal_id: s for s in checkin_states(p, evaluation.goals, {}, date(2026, 11, 20))}
    assert states["ended"].due is None and states["shipped"].due is None
    assert states["late"].missing  # an overdue deliverable still needs its owner's word
