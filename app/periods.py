"""Calendar months in a program's timezone: the one place where instants become periods.

Every period in cxgov is a calendar month (quarters and years are built from months). A contact
stored as a UTC instant belongs to the month that contains it *in the program's timezone*, so a
contact at 2026-01-31T23:30-08:00 is January for America/Los_Angeles even though it is
February in UTC.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import GetCoreSchemaHandler, GetJsonSchemaHandler
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import core_schema

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, written `YYYY-MM` in YAML, on the command line and in the database."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError(f"month must be 1–12, got {self.month}")
        if not 1900 <= self.year <= 2999:
            raise ValueError(f"year must be 1900–2999, got {self.year}")

    @classmethod
    def parse(cls, text: object) -> Month:
        """The month written in `text`; anything else (a number or null read from JSON, say) is a
        ValueError like any other malformed month."""
        match = _MONTH_RE.match(text.strip()) if isinstance(text, str) else None
        if not match:
            raise ValueError(f"expected a month written YYYY-MM (e.g. 2026-03), got {text!r}")
        return cls(int(match.group(1)), int(match.group(2)))

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def containing(cls, instant: datetime, tz: str | ZoneInfo) -> Month:
        """The month that contains `instant` in timezone `tz` (naive instants are taken as UTC)."""
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        if instant.tzinfo is None:
            instant = instant.replace(tzinfo=UTC)
        local = instant.astimezone(zone)
        return cls(local.year, local.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def index(self) -> int:
        """Months since year 0: differences of indexes count months."""
        return self.year * 12 + self.month - 1

    @classmethod
    def from_index(cls, index: int) -> Month:
        return cls(index // 12, index % 12 + 1)

    def shift(self, months: int) -> Month:
        return Month.from_index(self.index + months)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return date.fromordinal(self.shift(1).first_day().toordinal() - 1)

    def start(self, tz: str | ZoneInfo) -> datetime:
        """The first instant of the month in `tz`, as an aware UTC datetime."""
        zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
        local = datetime(self.year, self.month, 1, tzinfo=zone)
        return local.astimezone(UTC)

    def end(self, tz: str | ZoneInfo) -> datetime:
        """The first instant after the month in `tz` (exclusive bound), as aware UTC."""
        return self.shift(1).start(tz)

    @property
    def quarter(self) -> int:
        return (self.month - 1) // 3 + 1

    def until(self, last: Month) -> Iterator[Month]:
        """Months from this one through `last`, inclusive."""
        for index in range(self.index, last.index + 1):
            yield Month.from_index(index)

    @classmethod
    def __get_pydantic_core_schema__(
        cls, source: Any, handler: GetCoreSchemaHandler
    ) -> core_schema.CoreSchema:
        def validate(value: Any) -> Month:
            if isinstance(value, Month):
                return value
            if isinstance(value, str):
                return cls.parse(value)
            raise ValueError(f"expected a month written YYYY-MM (e.g. 2026-03), got {value!r}")

        return core_schema.no_info_plain_validator_function(
            validate, serialization=core_schema.plain_serializer_function_ser_schema(str)
        )

    @classmethod
    def __get_pydantic_json_schema__(
        cls, schema: core_schema.CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        return {"type": "string", "pattern": r"^\d{4}-(0[1-9]|1[0-2])$", "examples": ["2026-03"]}


def months_between(first: Month, last: Month) -> int:
    return last.index - first.index


def day_offset(start: date, day: date) -> int:
    return (day - start).days


def today_in(tz: str | ZoneInfo) -> date:
    """Today's date where the program is (the default `as of` of every evaluation)."""
    zone = tz if isinstance(tz, ZoneInfo) else ZoneInfo(tz)
    return datetime.now(zone).date()
