import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from app.evaluate.serialize import JsonReady, to_jsonable
from app.periods import Month


@dataclass(frozen=True)
class Sample(JsonReady):
    period: Month
    day: date
    amount: Decimal
    value: float | None
    by_month: dict[Month, tuple[int, ...]]


def test_json_ready_forms() -> None:
    data = Sample(
        Month(2026, 9), date(2026, 10, 15), Decimal("2000.00"), None, {Month(2026, 1): (1, 2)}
    ).to_dict()
    assert data == {
        "period": "2026-09",
        "day": "2026-10-15",
        "amount": "2000.00",
        "value": None,
        "by_month": {"2026-01": [1, 2]},
    }
    assert json.loads(json.dumps(data)) == data
    assert to_jsonable([Month(2027, 3)]) == ["2027-03"]
