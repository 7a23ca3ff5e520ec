"""JSON-ready forms of evaluation results, shared by the CLI, the app and the review packs.

Money is a `Decimal` inside the core and a *string* in JSON ("2000.00"): a float would lose
cents on large sums, and a string keeps the exact value the committee reads. Months are
"YYYY-MM", dates ISO "YYYY-MM-DD", other numbers plain JSON numbers (or null for "no value").
"""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from app.periods import Month


def to_jsonable(value: Any) -> Any:
    """`value` with dataclasses, Months, dates and Decimals turned into JSON-ready values."""
    if isinstance(value, Month):  # before the dataclass case: Month is a dataclass too
        return str(value)
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_jsonable(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(to_jsonable(k)): to_jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    return value


class JsonReady:
    """Mixin for result dataclasses: `to_dict()` gives their JSON-ready form."""

    def to_dict(self) -> dict[str, Any]:
        result = to_jsonable(self)
        assert isinstance(result, dict)
        return result
