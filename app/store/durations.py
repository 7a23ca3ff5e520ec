"""Seconds between two timestamps, the one thing SQLite and PostgreSQL spell differently.

Used by the stored durations on `contacts` (generated columns, computed by the database when a row
is written) and by the KPI engine where a duration depends on two contacts (FCR's repeat window).
Durations are timezone-free, so storing them does not move the one place where instants become
months (app/periods.py).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float, case
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class seconds_between(FunctionElement[float]):
    """Seconds from the first timestamp to the second (negative when the second is earlier).

    SQLite keeps timestamps as text and measures time in milliseconds internally (`julianday`), so
    the difference is rounded to the millisecond: without that, a reply exactly 60 s after creation
    could come out as 59.99999997 s and miss a "within 60 seconds" threshold it met.
    """

    type = Float()
    inherit_cache = True
    name = "seconds_between"


@compiles(seconds_between, "sqlite")
def _seconds_between_sqlite(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"round((julianday({end}) - julianday({start})) * 86400.0, 3)"


@compiles(seconds_between, "postgresql")
def _seconds_between_postgresql(element: seconds_between, compiler: Any, **kw: Any) -> str:
    start, end = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(EXTRACT(EPOCH FROM ({end} - {start})) AS DOUBLE PRECISION)"


class seconds_later(FunctionElement[Any]):
    """The timestamp `seconds` (a number, not a column) after the given one, comparable with the
    stored timestamps. On SQLite the result has millisecond text precision: use it as a bound
    that is a little loose, with an exact `seconds_between` test beside it."""

    inherit_cache = True
    name = "seconds_later"
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy reads this class attribute
        *FunctionElement._traverse_internals,
        ("seconds", InternalTraversal.dp_plain_obj),
    ]

    def __init__(self, timestamp: ColumnElement[Any], seconds: float) -> None:
        self.seconds = float(seconds)
        super().__init__(timestamp)


@compiles(seconds_later, "sqlite")
def _seconds_later_sqlite(element: seconds_later, compiler: Any, **kw: Any) -> str:
    (timestamp,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"strftime('%Y-%m-%d %H:%M:%f', {timestamp}, '+{element.seconds!r} seconds')"


@compiles(seconds_later, "postgresql")
def _seconds_later_postgresql(element: seconds_later, compiler: Any, **kw: Any) -> str:
    (timestamp,) = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"({timestamp} + make_interval(secs => {element.seconds!r}))"


def seconds_until(start: ColumnElement[Any], end: ColumnElement[Any]) -> ColumnElement[float]:
    """Seconds from `start` to `end`; NULL when `end` is unknown or earlier than `start` (a bad
    value that no duration calculation may count)."""
    return case((end >= start, seconds_between(start, end)), else_=None)
