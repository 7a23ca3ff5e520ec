"""Months as written by people and programs."""

from __future__ import annotations

import pytest

from app.periods import Month


def test_a_month_is_parsed_from_text_with_spaces_around_it() -> None:
    assert Month.parse(" 2026-03\n") == Month(2026, 3)


@pytest.mark.parametrize("value", [None, 202603, ["2026-03"], "2026-3", "2026-13", "March 2026"])
def test_anything_but_a_month_written_yyyy_mm_is_a_value_error(value: object) -> None:
    with pytest.raises(ValueError):
        Month.parse(value)
