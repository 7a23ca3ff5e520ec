"""Charts tell the truth: zero-based rate axes, drawn targets, gaps for missing periods."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from app.display.charts import (
    GAP,
    attainment_chart,
    goal_chart,
    roadmap_gantt,
    status_by_pillar_chart,
)
from app.evaluate.attainment import ExclusionApplied, ObjectivePeriod
from app.evaluate.forecast import Forecast
from app.evaluate.goals import GoalEvaluation, GoalPeriod
from app.evaluate.roadmap import ItemStatus, PhaseStatus
from app.periods import Month


def _goal(
    actuals: list[float | None], *, unit: str = "percent", target: float = 85.0
) -> GoalEvaluation:
    months = list(Month(2026, 6).until(Month(2026, 6 + len(actuals) - 1)))
    periods = tuple(
        GoalPeriod(
            period=m, planned=78 + i, actual=a, progress=None, planned_progress=0, closed=True
        )
        for i, (m, a) in enumerate(zip(months, actuals))
    )
    return GoalEvaluation(
        goal_id="csat_to_85",
        title="Raise CSAT",
        pillar="process",
        owner=None,
        metric="csat",
        scope_key="",
        better="higher",
        unit=unit,
        status="on_track",
        previous_status=None,
        judged_period=months[-1],
        planned=80,
        actual=actuals[-1],
        progress=None,
        planned_progress=None,
        behind_points=None,
        baseline=78,
        target=target,
        deadline=date(2027, 3, 31),
        explanation="",
        periods=periods,
        forecast=Forecast(at=Month(2027, 3), value=84.0, points_used=3),
    )


def _layers(chart: Any) -> list[dict[str, Any]]:
    return chart.to_dict()["layer"]


def test_a_missing_period_is_a_gap_not_a_zero() -> None:
    spec = _layers(goal_chart(_goal([78.0, None, 80.0, 81.0])))
    lines = spec[0]
    values = lines["data"]["values"]
    july = [v for v in values if v["month"] == "2026-07-01" and v["series"] == "actual"]
    assert july == [{"month": "2026-07-01", "series": "actual", "value": None}]
    assert lines["mark"]["invalid"] == GAP


def test_percentage_axis_starts_at_zero_unless_the_reader_switches_it() -> None:
    honest = _layers(goal_chart(_goal([78.0, 79.0, 80.0])))[0]["encoding"]["y"]["scale"]
    assert honest == {"domain": [0, 100.0], "zero": True}
    zoomed = _layers(goal_chart(_goal([78.0, 79.0, 80.0]), zero_based=False))[0]["encoding"]["y"][
        "scale"
    ]
    assert zoomed == {"zero": False}


def test_minutes_axis_includes_zero_too() -> None:
    scale = _layers(goal_chart(_goal([9.6, 9.4, 9.1], unit="minutes", target=8.64)))[0]["encoding"][
        "y"
    ]["scale"]
    assert scale == {"zero": True}


def test_the_target_line_and_the_forecast_are_drawn() -> None:
    layers = _layers(goal_chart(_goal([78.0, 79.0, 80.0])))
    target = layers[1]
    assert target["mark"]["type"] == "rule"
    assert target["data"]["values"] == [{"series": "target", "value": 85.0}]
    forecast = [v for v in layers[0]["data"]["values"] if v["series"] == "forecast"]
    assert forecast == [
        {"month": "2026-08-01", "series": "forecast", "value": 80.0},
        {"month": "2027-03-01", "series": "forecast", "value": 84.0},
    ]


def test_attainment_marks_misses_and_shows_unmeasured_as_a_dash() -> None:
    def op(month: int, value: float | None, outcome: str) -> ObjectivePeriod:
        return ObjectivePeriod(
            "chat",
            "Chats within 30 s",
            "frt_chat_30s",
            "",
            Month(2026, month),
            "closed",
            value,
            80.0,
            "higher",
            outcome,
            outcome != "met",
            0,
        )  # type: ignore[arg-type]

    spec = attainment_chart(
        [op(7, 64.0, "missed"), op(8, None, "unmeasured"), op(9, 90.0, "met")]
    ).to_dict()
    cells = spec["layer"][0]
    assert cells["encoding"]["color"]["scale"]["domain"] == [
        "met",
        "missed",
        "excluded",
        "unmeasured",
    ]
    assert cells["encoding"]["color"]["scale"]["range"][1] == "#c62828"
    values = cells["data"]["values"] if "data" in cells else spec["data"]["values"]
    assert [(v["outcome"], v["label"]) for v in values] == [
        ("missed", "64.0"),
        ("unmeasured", "—"),
        ("met", "90.0"),
    ]


def test_attainment_marks_a_month_with_an_exclusion_window() -> None:
    """March left out a three-day outage: its value carries a `*` and its tooltip says what was
    left out; February, without a window, shows its value alone."""
    window = ExclusionApplied(
        "carrier outage",
        datetime(2026, 3, 10, 7, tzinfo=UTC),
        datetime(2026, 3, 13, 7, tzinfo=UTC),
        "all contacts",
        72.0,
    )

    def op(month: int, **parts: object) -> ObjectivePeriod:
        return ObjectivePeriod(
            "phone",
            "Phone SL",
            "service_level",
            "channel=phone",
            Month(2026, month),
            "closed",
            85.0,
            80.0,
            "higher",
            "met",
            False,
            0,
            **parts,  # type: ignore[arg-type]
        )

    spec = attainment_chart(
        [op(2), op(3, exclusions=(window,), excluded_hours=72.0, excluded_contacts=412)]
    ).to_dict()
    cells = spec["layer"][0]
    values = cells["data"]["values"] if "data" in cells else spec["data"]["values"]
    assert [v["label"] for v in values] == ["85.0", "85.0*"]
    assert [v["exclusions"] for v in values] == [
        "",
        "412 contact(s) and 72 h excluded (carrier outage)",
    ]
    assert {"field": "exclusions", "type": "nominal"} in cells["encoding"]["tooltip"]


def test_gantt_has_status_colours_and_todays_line() -> None:
    phases = [PhaseStatus("r", "p1", "Days 0–30", 0, 30, 1, 0, 0.0, {"overdue": 1})]
    items = [
        ItemStatus(
            "r",
            "p1",
            "kb",
            "Knowledge base",
            "aisha",
            date(2026, 7, 31),
            "overdue",
            115,
            ("g",),
            "late",
        )
    ]
    spec = roadmap_gantt(items, phases, start=date(2026, 7, 1), today=date(2026, 11, 23)).to_dict()
    bars, rule = spec["layer"]
    assert bars["data"]["values"][0]["from"] == "2026-07-01"
    assert bars["data"]["values"][0]["due"] == "2026-07-31"
    scale = bars["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("overdue")] == "#8e0000"
    assert rule["mark"]["type"] == "rule"
    assert rule["data"]["values"][0]["today"] == "2026-11-23"


def test_status_by_pillar_counts_from_zero() -> None:
    spec = status_by_pillar_chart({"process": {"off_track": 2, "on_track": 3}}).to_dict()
    assert spec["encoding"]["x"]["scale"] == {"zero": True}
    assert sum(v["goals"] for v in spec["data"]["values"]) == 5
