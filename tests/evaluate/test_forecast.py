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


def test_the_80_percent_range_by_hand() -> None:
    """Residuals −1/6, 1/3, −1/6 → s² = (1/36 + 1/9 + 1/36) / 1 = 1/6; at x = 5 (x̄ = 1, Sxx = 2)
    the half-width is t(0.90, 1 df) · s · √(1 + 1/3 + 16/2) = 3.078 · √(1/6) · √(28/3)."""
    series = [(Month(2026, 7), 10.0), (Month(2026, 8), 12.0), (Month(2026, 9), 13.0)]
    fc = forecast(series, Month(2026, 12))
    half = 3.078 * (1 / 6) ** 0.5 * (28 / 3) ** 0.5
    assert fc.value is not None and fc.low is not None and fc.high is not None
    assert fc.low == pytest.approx(fc.value - half) and fc.high == pytest.approx(fc.value + half)


def test_values_on_a_line_have_no_range() -> None:
    series = [(Month(2026, 1).shift(i), 50.0 + 2 * i) for i in range(4)]
    fc = forecast(series, Month(2026, 9))
    assert fc.value == pytest.approx(66.0)
    assert fc.low == pytest.approx(66.0) and fc.high == pytest.approx(66.0)


@pytest.mark.parametrize(
    ("values", "better", "direction"),
    [
        ([10.0, 12.0, 13.0], "higher", "improving"),
        ([10.0, 12.0, 13.0], "lower", "worsening"),
        ([13.0, 12.0, 10.0], "higher", "worsening"),
        ([13.0, 12.0, 10.0], "lower", "improving"),
        ([11.0, 12.0, 11.0], "higher", "flat"),
    ],
)
def test_the_words_come_from_the_line(values: list[float], better: str, direction: str) -> None:
    """The last value may be above the first while the line falls: the direction is the line's."""
    series = [(Month(2026, 7).shift(i), v) for i, v in enumerate(values)]
    assert forecast(series, Month(2026, 12)).direction(better) == direction


def test_a_last_value_above_the_first_with_a_falling_line_is_worsening() -> None:
    values = [80.0, 70.0, 69.0, 68.0, 80.5]  # first → last rises, but the fitted line falls (−0.1)
    series = [(Month(2026, 1).shift(i), v) for i, v in enumerate(values)]
    fc = forecast(series, Month(2026, 9))
    assert fc.slope_per_month is not None and fc.slope_per_month < 0
    assert fc.direction("higher") == "worsening"
