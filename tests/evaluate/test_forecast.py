import pytest

from app.evaluate.forecast import MIN_POINTS, forecast, least_squares
from app.periods import Month


def test_least_squares_matches_a_hand_computed_line() -> None:
    # x̄ = 1, ȳ = 35/3; Sxy = (-1)(10-35/3) + 0 + (1)(13-35/3) = 3; Sxx = 2 → slope 1.5, intercept 35/3 - 1.5
    slope, intercept = least_squares([(0, 10), (1, 12), (2, 13)])
    assert slope == pytest.approx(1.5)
    assert intercept == pytest.approx(35 / 3 - 1.5)


def test_forecast_at_a_later_month() -> None:
    series = [(Month(2026, 7), 10.0), (Month(2026, 8), 12.0), (Month(2026, 9), 13.0)]
    fc = forecast(series, Month(2026, 12))
    # x = 0, 1, 2 → at x = 5: 35/3 + 1.5 × (5 − 1) = 17.667
    assert fc.value == pytest.approx(35 / 3 + 6)
    assert fc.points_used == 3 and fc.slope_per_month == pytest.approx(1.5)
    assert (fc.first_month, fc.last_month) == (Month(2026, 7), Month(2026, 9))
    assert fc.refused is None


def test_forecast_refuses_below_three_points() -> None:
    fc = forecast([(Month(2026, 7), 10.0), (Month(2026, 8), 12.0)], Month(2026, 12))
    assert fc.value is None and fc.points_used == 2
    assert fc.refused is not None and str(MIN_POINTS) in fc.refused


def test_forecast_uses_only_the_six_most_recent_points() -> None:
    # An old flat stretch followed by a steady rise: only the rise (the last six) sets the trend.
    values = [50.0] * 6 + [60.0, 61.0, 62.0, 63.0, 64.0, 65.0]
    series = [(Month(2026, 1).shift(i), v) for i, v in enumerate(values)]
    fc = forecast(series, Month(2026, 1).shift(14))
    assert fc.points_used == 6 and fc.first_month == Month(2026, 7)
    assert fc.value == pytest.approx(68.0)
