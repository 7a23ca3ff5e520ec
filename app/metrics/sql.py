"""Small SQL building blocks that SQLite and PostgreSQL spell differently, compiled per dialect.

Everything else in the KPI engine is plain SQLAlchemy Core that both databases understand; the
only thing they disagree on is subtracting two timestamps, so that lives here, once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Float
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement


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

