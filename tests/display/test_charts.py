"""Charts tell the truth, asserted on their Vega-Lite specifications: a legend, labelled target
and today lines, the open month drawn apart and never judged, the forecast dashed with its range,
axes that say where they start, gaps for missing periods, colour never the only carrier."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

import pytest

from app.display.charts import (
    FORECAST,
    GAP,
    MONTH_TO_DATE,
    attainment_chart,
    goal_chart,
    roadmap_gantt,
    status_by_pillar_chart,
    value_domain,
)
from app.evaluate.attainment import ExclusionApplied, ObjectivePeriod
from app.evaluate.forecast import Forecast
from app.evaluate.goals import GoalEvaluation, GoalPeriod
from app.evaluate.roadmap import ItemStatus, PhaseStatus
from app.periods import Month


def _goal(
    actuals: list[float | None],
    *,
    unit: str = "percent",
    target: float = 85.0,
    baseline: float = 78.0,
    open_value: float | None = None,
    forecast: Forecast | None = None,
    plan_step: float = 1.0,
) -> GoalEvaluation:
    """Closed months from June 2026 with `actuals`; with `open_value`, one more month still open;
    the plan moves `plan_step` a month from the baseline."""
    count = len(actuals) + (1 if open_value is not None else 0)
    months = [Month(2026, 6).shift(i) for i in range(count)]
    values = [*actuals, *([open_value] if open_value is not None else [])]
    periods = tuple(
        GoalPeriod(
            period=m,
            planned=baseline + plan_step * i,
            actual=a,
            progress=None,
            planned_progress=0,
            closed=i < len(actuals),
        )
        for i, (m, a) in enumerate(zip(months, values))
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
        judged_period=months[len(actuals) - 1],
        planned=80,
        actual=actuals[-1],
        progress=None,
        planned_progress=None,
        behind_points=None,
        baseline=baseline,
        target=target,
        deadline=date(2027, 3, 31),
        explanation="",
        periods=periods,
        forecast=forecast
        or Forecast(at=Month(2027, 3), value=84.0, points_used=3, low=81.0, high=87.0),
    )


def _spec(chart: Any) -> dict[str, Any]:
    return dict(chart.to_dict())


def _values(spec: dict[str, Any], layer: dict[str, Any]) -> list[dict[str, Any]]:
    data = layer.get("data") or spec.get("data") or {}
    if "values" in data:
        return list(data["values"])
    return list(spec["datasets"][data["name"]])


def _layers(spec: dict[str, Any], mark: str) -> list[dict[str, Any]]:
    def kind(layer: dict[str, Any]) -> str:
        m = layer["mark"]
        return str(m if isinstance(m, str) else m["type"])

    return [layer for layer in spec["layer"] if kind(layer) == mark]


def _filtered(spec: dict[str, Any], series: str) -> dict[str, Any]:
    [layer] = [
        layer
        for layer in spec["layer"]
        if any(f"'{series}'" in str(t.get("filter", "")) for t in layer.get("transform", []))
        and layer["mark"]["type"] != "text"
    ]
    return layer


# --- the goal chart ------------------------------------------------------------------------------


def test_the_goal_chart_has_one_legend_for_its_lines() -> None:
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0])))
    actual = _filtered(spec, "actual")
    color, dash = actual["encoding"]["color"], actual["encoding"]["strokeDash"]
    assert color["legend"] is not None and color["legend"]["symbolType"] == "stroke"
    assert color["scale"]["domain"] == ["actual", "plan", FORECAST, "target"]
    assert dash["scale"]["domain"] == color["scale"]["domain"]  # one merged legend
    assert dash["scale"]["range"][color["scale"]["domain"].index("plan")] == [6, 4]


def test_the_target_line_carries_its_label() -> None:
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0])))
    [rule] = [r for r in _layers(spec, "rule") if "y" in r["encoding"]]
    assert _values(spec, rule)[0]["value"] == 85.0
    [label] = [
        t
        for t in _layers(spec, "text")
        if t["encoding"].get("text") == {"field": "label", "type": "nominal"}
    ]
    assert _values(spec, label) == [{"series": "target", "value": 85.0, "label": "target 85.0 %"}]


def test_today_is_a_labelled_line() -> None:
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0]), today=date(2026, 9, 4)))
    [rule] = [r for r in _layers(spec, "rule") if "x" in r["encoding"]]
    assert _values(spec, rule)[0]["month"] == "2026-09-04"
    texts = [t["encoding"].get("text") for t in _layers(spec, "text")]
    assert {"value": "today"} in texts


def test_the_month_to_date_is_a_hollow_point_apart_from_the_actuals() -> None:
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0], open_value=70.0)))
    actual = _filtered(spec, "actual")
    mtd = _filtered(spec, MONTH_TO_DATE)
    assert mtd["mark"]["type"] == "point" and mtd["mark"]["filled"] is False
    assert actual["mark"]["point"]["filled"] is True
    rows = _values(spec, actual)
    assert {"month": "2026-09-01", "series": MONTH_TO_DATE, "value": 70.0} in rows
    assert not [r for r in rows if r["series"] == "actual" and r["month"] == "2026-09-01"]
    assert {"value": MONTH_TO_DATE} in [t["encoding"].get("text") for t in _layers(spec, "text")]


def test_the_forecast_is_dashed_with_its_range_from_the_last_closed_actual() -> None:
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0], open_value=70.0)))
    forecast = _filtered(spec, FORECAST)
    dash = forecast["encoding"]["strokeDash"]["scale"]
    assert dash["range"][dash["domain"].index(FORECAST)] == [3, 3]
    rows = [r for r in _values(spec, forecast) if r["series"] == FORECAST]
    assert rows == [
        {
            "month": "2026-08-01",
            "series": FORECAST,
            "value": 80.0,
        },  # the last closed month, not the open one
        {"month": "2027-03-01", "series": FORECAST, "value": 84.0},
    ]
    [band] = _layers(spec, "area")
    assert _values(spec, band) == [
        {"month": "2026-08-01", "series": FORECAST, "low": 80.0, "high": 80.0},
        {"month": "2027-03-01", "series": FORECAST, "low": 81.0, "high": 87.0},
    ]


def test_a_missing_period_is_a_gap_not_a_zero() -> None:
    spec = _spec(goal_chart(_goal([78.0, None, 80.0, 81.0])))
    actual = _filtered(spec, "actual")
    july = [
        v for v in _values(spec, actual) if v["month"] == "2026-07-01" and v["series"] == "actual"
    ]
    assert july == [{"month": "2026-07-01", "series": "actual", "value": None}]
    assert actual["mark"]["invalid"] == GAP


def test_the_default_axis_spans_baseline_target_actuals_and_forecast_and_says_so() -> None:
    """34 % → 30.6 % turnover: not a flat line on a 0–100 axis. Values 30.6 … 35.3 (the baseline
    34, the plan down to 33, actuals up to 35.3, target 30.6, forecast 31) with 10 % of the
    4.7-point span each side."""
    goal = _goal(
        [35.3, 34.9, 33.6],
        baseline=34.0,
        target=30.6,
        plan_step=-0.5,
        forecast=Forecast(at=Month(2027, 6), value=31.0, points_used=3, low=30.0, high=32.0),
    )
    y = _filtered(_spec(goal_chart(goal)), "actual")["encoding"]["y"]
    low, high = 30.6 - 0.47, 35.3 + 0.47
    assert y["scale"]["domain"] == [pytest.approx(low), pytest.approx(high)]
    assert y["scale"]["zero"] is False
    assert y["title"] == f"percent · axis {low:.1f} to {high:.1f}, not from zero"


def test_the_zero_switch_draws_a_percentage_from_0_to_100() -> None:
    y = _filtered(_spec(goal_chart(_goal([78.0, 79.0, 80.0]), zero_based=True)), "actual")[
        "encoding"
    ]["y"]
    assert y["scale"]["domain"] == [0.0, 100.0]
    assert y["title"] == "percent · axis from zero"


def test_value_domains_by_hand() -> None:
    assert value_domain("minutes", [9.6, 8.64, 9.1], zero_based=True) == (
        0.0,
        pytest.approx(9.6 * 1.1),
    )
    assert value_domain("score", [-10.0, 30.0], zero_based=True) == (-10.0, pytest.approx(34.0))
    assert value_domain("percent", [99.0, 99.9], zero_based=False) == (
        pytest.approx(98.91),
        pytest.approx(99.99),
    )
    assert value_domain("percent", [2.0, 95.0], zero_based=False) == (0.0, 100.0)  # clamped
    assert value_domain("count", [40.0], zero_based=False) == (36.0, 44.0)  # one value: ±10 %


def test_the_note_under_the_title_says_behind_plan_in_the_metric_unit() -> None:
    note = "74.6 % in 2026-11 is 2.7 points behind the plan of 77.3 %"
    spec = _spec(goal_chart(_goal([78.0, 79.0, 80.0]), note=note))
    assert spec["title"] == {"text": "Raise CSAT", "subtitle": note}


# --- the SLA heatmap -----------------------------------------------------------------------------


def _op(month: int, value: float | None, outcome: str, kind: str = "closed") -> ObjectivePeriod:
    return ObjectivePeriod(
        "chat",
        "Chats within 30 s",
        "frt_chat_30s",
        "",
        Month(2026, month),
        kind,  # type: ignore[arg-type]
        value,
        80.0,
        "higher",
        outcome,  # type: ignore[arg-type]
        outcome == "missed",
        0,
    )


def test_the_heatmap_marks_each_outcome_in_words_and_never_judges_the_open_month() -> None:
    spec = _spec(
        attainment_chart(
            [
                _op(7, 64.0, "missed"),
                _op(8, None, "unmeasured"),
                _op(9, 90.0, "met"),
                _op(10, 91.0, "met", kind="open"),  # meets the target so far: still not "met"
                _op(11, 50.0, "missed", kind="projected"),
            ]
        )
    )
    cells = _layers(spec, "rect")[0]
    rows = _values(spec, cells)
    assert [(r["outcome"], r["label"], r["month label"]) for r in rows] == [
        ("missed", "✗ 64.0", "Jul 2026"),
        ("no value", "? —", "Aug 2026"),
        ("met", "✓ 90.0", "Sep 2026"),
        (MONTH_TO_DATE, "91.0 so far", "Oct 2026 (to date)"),
    ]
    color = cells["encoding"]["color"]
    assert color["scale"]["domain"] == ["met", "missed", "no value", MONTH_TO_DATE]
    assert color["scale"]["range"][color["scale"]["domain"].index(MONTH_TO_DATE)] == "#ffffff"
    assert color["legend"] is not None and "not judged" in color["legend"]["labelExpr"]
    assert cells["encoding"]["strokeDash"]["condition"]["value"] == [
        4,
        3,
    ]  # the open cell is dashed


# --- the roadmap and the pillars -----------------------------------------------------------------


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
    cells = _layers(spec, "rect")[0]
    values = _values(spec, cells)
    assert [v["label"] for v in values] == ["✓ 85.0", "✓ 85.0*"]
    assert [v["exclusions"] for v in values] == [
        "",
        "412 contacts and 72 h excluded (carrier outage)",
    ]
    assert {"field": "exclusions", "type": "nominal"} in cells["encoding"]["tooltip"]


def test_the_gantt_names_each_status_and_labels_today() -> None:
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
    spec = _spec(roadmap_gantt(items, phases, start=date(2026, 7, 1), today=date(2026, 11, 23)))
    [bars] = _layers(spec, "bar")
    row = _values(spec, bars)[0]
    assert (row["from"], row["due"], row["status label"]) == (
        "2026-07-01",
        "2026-07-31",
        "overdue 115 days",
    )
    scale = bars["encoding"]["color"]["scale"]
    assert scale["range"][scale["domain"].index("overdue")] == "#8e0000"
    texts = [t["encoding"].get("text") for t in _layers(spec, "text")]
    assert {"field": "status label", "type": "nominal"} in texts and {"value": "today"} in texts
    [rule] = _layers(spec, "rule")
    assert _values(spec, rule)[0]["today"] == "2026-11-23"


def test_status_by_pillar_counts_from_zero_and_spells_its_counts_out() -> None:
    spec = _spec(status_by_pillar_chart({"process": {"on_track": 3, "off_track": 2}}))
    assert spec["encoding"]["x"]["scale"] == {"zero": True}
    rows = _values(spec, spec)
    assert sum(v["goals"] for v in rows) == 5
    assert {r["pillar label"] for r in rows} == {"process: 2 off track, 3 on track"}
    assert spec["encoding"]["color"].get("legend", {}) is not None  # the default legend


def test_the_forecast_line_is_the_fitted_trend_so_it_runs_the_way_its_words_say() -> None:
    """Values 64, 67, 44, 42, 72, 75 (June–November) rise on the whole (slope +1.9 a month) but
    the line's December value (67.2 in the issue's demo) lies below November's 75: drawn from the
    last actual, the dashed line would fall beside the word "improving". It is drawn as the fitted
    line itself, from the first month fitted on: it rises, as the words say."""
    forecast = Forecast(
        at=Month(2026, 12),
        value=67.2,
        points_used=6,
        slope_per_month=1.9,
        first_month=Month(2026, 6),
        last_month=Month(2026, 11),
        low=40.0,
        high=94.4,
    )
    assert forecast.direction("higher") == "improving"
    goal = _goal([64.0, 67.0, 44.0, 42.0, 72.0, 75.0], forecast=forecast)
    spec = _spec(goal_chart(goal))
    rows = [r for r in _values(spec, _filtered(spec, FORECAST)) if r["series"] == FORECAST]
    assert rows == [
        {"month": "2026-06-01", "series": FORECAST, "value": pytest.approx(67.2 - 6 * 1.9)},
        {"month": "2026-12-01", "series": FORECAST, "value": 67.2},
    ]
    assert rows[1]["value"] > rows[0]["value"]  # rising, like "improving"
    [band] = _layers(spec, "area")
    assert _values(spec, band)[0] == {
        "month": "2026-11-01",
        "series": FORECAST,
        "low": pytest.approx(67.2 - 1.9),
        "high": pytest.approx(67.2 - 1.9),
    }
