"""Service credits against vectors from real contract styles, checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from evaluate_builders import contract, metric, program

from app.evaluate import ActualsIndex
from app.evaluate.contracts import evaluate_contract
from app.evaluate.credits import band_for
from app.periods import Month
from app.spec.sla import Band

UPTIME = metric("uptime")
FRT = metric("frt_chat", better="lower", unit="seconds")
CLOUD_BANDS = [
    {"below": 99.99, "percent": 10},
    {"below": 99.0, "percent": 30},
    {"below": 95.0, "percent": 100},
]


def run(c, values, as_of, metrics=(UPTIME, FRT)):  # type: ignore[no-untyped-def]
    prog = program(metrics=list(metrics), contracts=[c])
    return evaluate_contract(prog, c, ActualsIndex.from_values(values), as_of=as_of)


def credit(evaluation, month: str):  # type: ignore[no-untyped-def]
    [found] = [c for c in evaluation.credits if c.period == Month.parse(month)]
    return found


def monthly(metric_id: str, values: dict[str, float | None]) -> dict:  # type: ignore[type-arg]
    return {(metric_id, "", m): v for m, v in values.items()}


# --- bands -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "percent"),
    [
        (99.99, None),
        (99.995, None),  # met: at or above the band edge
        (99.98, 10),
        (99.0, 10),  # exactly 99.0 is in [99.0, 99.99)
        (98.99, 30),
        (95.0, 30),  # exactly 95.0 is in [95.0, 99.0)
        (94.99, 100),
        (0.0, 100),
    ],
)
def test_cloud_bands_on_their_edges(value: float, percent: int | None) -> None:
    rules = [{"type": "bands", "bands": CLOUD_BANDS}]
    e = run(contract(rules=rules), monthly("uptime", {"2027-01": value}), date(2027, 2, 3))
    jan = credit(e, "2027-01")
    if percent is None:
        assert jan.amount == Decimal("0.00") and not jan.lines
    else:
        assert jan.percent_of_fee == pytest.approx(percent)
        assert jan.amount == Decimal(40000) * percent / 100


def test_band_lookup_lower_is_better() -> None:
    bands = [Band(above=30, percent=5), Band(above=60, percent=15)]
    assert band_for(bands, 60.0) is bands[0]  # equal to an edge is not above it
    assert band_for(bands, 60.01) is bands[1]
    assert band_for(bands, 30.0) is None
    assert band_for(bands, None) is bands[0]  # unmeasured: the mildest band


def test_lower_is_better_bands_in_a_contract() -> None:
    c = contract(
        objectives=[{"id": "chat", "metric": "frt_chat", "target": 30}],
        rules=[
            {"type": "bands", "bands": [{"above": 30, "percent": 5}, {"above": 60, "percent": 15}]}
        ],
    )
    e = run(
        c,
        monthly("frt_chat", {"2027-01": 30.0, "2027-02": 45.0, "2027-03": 61.0}),
        date(2027, 4, 2),
    )
    assert [credit(e, m).percent_of_fee for m in ("2027-01", "2027-02", "2027-03")] == [0, 5, 15]


# --- pool --------------------------------------------------------------------------------------


def test_pool_example() -> None:
    # Invoice $100,000; at-risk 10 % = $10,000; pool 50 %; service-level allocation 40 % → $2,000.
    c = contract(
        fee="100000",
        objectives=[{"id": "sl", "metric": "uptime", "target": 80, "allocation_percent": 40}],
        rules=[{"type": "pool", "at_risk_percent": 10, "pool_percent": 50}],
    )
    jan = credit(run(c, monthly("uptime", {"2027-01": 75.0}), date(2027, 2, 1)), "2027-01")
    assert jan.amount == Decimal("2000.00") and jan.percent_of_fee == pytest.approx(2.0)
    assert (
        "allocation 40 % × pool 50 % × at-risk 10 % of $100,000 ($10,000) = $2,000"
        in jan.explanation
    )


def test_pool_credits_are_capped_at_the_pool() -> None:
    # Allocations add up to 120 % of a 100 % pool: $6,000 + $6,000 on paper, $12,000 scaled pro
    # rata to the $10,000 pool: $5,000 each.
    c = contract(
        fee="100000",
        objectives=[
            {"id": "a", "metric": "uptime", "target": 80, "allocation_percent": 60},
            {"id": "b", "metric": "frt_chat", "target": 30, "allocation_percent": 60},
        ],
        rules=[{"type": "pool", "at_risk_percent": 10, "pool_percent": 100}],
    )
    values = {**monthly("uptime", {"2027-01": 70.0}), **monthly("frt_chat", {"2027-01": 90.0})}
    jan = credit(run(c, values, date(2027, 2, 1)), "2027-01")
    assert [str(line.amount) for line in jan.lines] == ["5000.00", "5000.00"]
    assert jan.amount == Decimal("10000.00")
    assert (
        "the month's pool credits ($12,000) exceed the pool of $10,000: scaled to $5,000"
        in jan.lines[1].explanation
    )


# --- consecutive misses ------------------------------------------------------------------------


def test_consecutive_misses_reset_by_a_met_month_and_owed_for_each_further_miss() -> None:
    c = contract(
        objectives=[
            {"id": "chat", "title": "chat first response", "metric": "frt_chat", "target": 30}
        ],
        rules=[{"type": "consecutive_misses", "count": 2, "percent": 5}],
    )
    values = monthly(
        "frt_chat",
        {
            "2027-01": 40,
            "2027-02": 25,
            "2027-03": 41,
            "2027-04": 42,
            "2027-05": 43,
            "2027-06": 20,
            "2027-07": 50,
        },
    )
    e = run(c, values, date(2027, 8, 1))
    amounts = [credit(e, f"2027-{m:02d}").amount for m in range(1, 8)]
    assert amounts == [
        Decimal(0),
        Decimal(0),
        Decimal(0),
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal(0),
        Decimal(0),
    ]
    assert [op.consecutive_misses for op in e.objectives[:8]] == [
        1,
        0,
        1,
        2,
        3,
        0,
        1,
        1,
    ]  # August: open, no value yet
    assert credit(e, "2027-08").amount == 0 and e.at_risk == 0
    assert e.missed_objective_months == 5  # Jan, Mar, Apr, May, Jul; the open August is not counted
    assert credit(e, "2027-04").explanation.startswith(
        "chat first response missed in Mar 2027 and Apr 2027: 2 consecutive misses (credit from 2) → "
        "5 % of $40,000 = $2,000"
    )


def test_an_excluded_month_neither_counts_nor_resets() -> None:
    c = contract(
        objectives=[{"id": "chat", "metric": "frt_chat", "target": 30}],
        rules=[{"type": "consecutive_misses", "count": 2, "percent": 5}],
        exclusions=[
            {"from": "2027-02-01", "to": "2027-02-28", "reason": "customer-requested freeze"}
        ],
    )
    e = run(c, monthly("frt_chat", {"2027-01": 40, "2027-02": 90, "2027-03": 40}), date(2027, 4, 1))
    outcomes = [(str(op.period), op.outcome, op.consecutive_misses) for op in e.objectives]
    assert outcomes[:3] == [
        ("2027-01", "missed", 1),
        ("2027-02", "excluded", 1),
        ("2027-03", "missed", 2),
    ]
    assert credit(e, "2027-02").amount == 0
    assert credit(e, "2027-03").amount == Decimal("2000.00")


# --- exclusions --------------------------------------------------------------------------------


def test_a_whole_month_exclusion_removes_the_period() -> None:
    c = contract(
        rules=[{"type": "bands", "bands": CLOUD_BANDS}],
        exclusions=[
            {
                "from": "2027-01-01",
                "to": "2027-01-31",
                "reason": "migration window",
                "objectives": ["uptime"],
            }
        ],
    )
    e = run(c, monthly("uptime", {"2027-01": 90.0}), date(2027, 2, 2))
    [jan] = [op for op in e.objectives if op.period == Month(2027, 1)]
    assert jan.outcome == "excluded" and "migration window" in (jan.note or "")
    assert credit(e, "2027-01").amount == 0


def test_a_partial_exclusion_of_a_hand_entered_figure_is_stated_and_taken_as_entered() -> None:
    """10–12 January is 3 whole days = 72 hours. Uptime is entered by hand (the monitoring tool
    reports it without the maintenance window), so cxgov cannot take contacts out of it: 98.0 is
    judged as entered — the 30 % band, $12,000 — and the note says the 72 hours were excluded."""
    c = contract(
        rules=[{"type": "bands", "bands": CLOUD_BANDS}],
        exclusions=[{"from": "2027-01-10", "to": "2027-01-12", "reason": "planned maintenance"}],
    )
    e = run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2))
    [jan] = [op for op in e.objectives if op.period == Month(2027, 1)]
    assert jan.outcome == "missed" and jan.excluded_hours == 72.0
    assert "72 h excluded (planned maintenance): a hand-entered figure" in (jan.note or "")
    assert credit(e, "2027-01").amount == Decimal("12000.00")
    assert (
        "exclusions: uptime: 72 h excluded (planned maintenance)"
        in credit(e, "2027-01").explanation
    )


def test_an_exclusion_for_another_objective_does_not_apply() -> None:
    c = contract(
        rules=[{"type": "per_miss", "percent": 5}],
        exclusions=[
            {"from": "2027-01-01", "to": "2027-01-31", "reason": "x", "objectives": ["other"]}
        ],
    )
    e = run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2))
    assert e.objectives[0].outcome == "missed"


# --- caps --------------------------------------------------------------------------------------


def test_a_cap_that_binds() -> None:
    c = contract(
        rules=[{"type": "bands", "bands": CLOUD_BANDS}, {"type": "per_miss", "percent": 15}],
        cap={"percent_of_fee": 20},
    )
    jan = credit(run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2)), "2027-01")
    # 30 % band + 15 % per miss = 45 % = $18,000, capped at 20 % = $8,000
    assert jan.gross == Decimal("18000.00") and jan.amount == Decimal("8000.00") and jan.cap_binds
    assert jan.percent_of_fee == pytest.approx(20.0)
    assert "monthly cap 20 % ($8,000) binds: $18,000 → $8,000" in jan.explanation


def test_a_cap_as_an_amount_and_a_cap_not_reached() -> None:
    c = contract(rules=[{"type": "per_miss", "percent": 5}], cap={"amount": "1500"})
    jan = credit(run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2)), "2027-01")
    assert jan.amount == Decimal("1500.00") and jan.cap_binds
    c = contract(rules=[{"type": "per_miss", "percent": 5}], cap={"percent_of_fee": 20})
    jan = credit(run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2)), "2027-01")
    assert (
        jan.amount == Decimal("2000.00")
        and not jan.cap_binds
        and "monthly cap 20 % ($8,000) not reached" in jan.explanation
    )


# --- earn-back ---------------------------------------------------------------------------------


def earn_back_contract():  # type: ignore[no-untyped-def]
    return contract(rules=[{"type": "per_miss", "percent": 5}], earn_back=2)


def test_an_earn_back_waives_a_credit() -> None:
    e = run(
        earn_back_contract(),
        monthly("uptime", {"2027-01": 98.0, "2027-02": 99.99, "2027-03": 100.0}),
        date(2027, 4, 10),
    )
    jan = credit(e, "2027-01")
    assert jan.earn_back == "waived" and "waived by earn-back" in jan.explanation
    assert e.owed == Decimal("0.00") and e.waived == Decimal("2000.00")


def test_an_earn_back_is_provisional_until_the_periods_close() -> None:
    # February met; March is the open month and does not count yet.
    e = run(
        earn_back_contract(),
        monthly("uptime", {"2027-01": 98.0, "2027-02": 99.99, "2027-03": 99.99}),
        date(2027, 3, 10),
    )
    assert credit(e, "2027-01").earn_back == "provisional"
    # Owed and provisional are separate figures: nothing is owed while earn-back may waive it.
    assert e.owed == Decimal("0.00") and e.provisional == Decimal("2000.00")
    assert e.exposure == Decimal("2000.00")


def test_a_miss_in_the_earn_back_window_makes_the_credit_owed() -> None:
    e = run(
        earn_back_contract(),
        monthly("uptime", {"2027-01": 98.0, "2027-02": 99.99, "2027-03": 98.0}),
        date(2027, 4, 10),
    )
    assert credit(e, "2027-01").earn_back == "owed"
    assert credit(e, "2027-03").earn_back == "provisional"
    assert e.owed == Decimal("2000.00") and e.provisional == Decimal("2000.00")


def test_an_unmeasured_month_does_not_earn_back() -> None:
    e = run(
        earn_back_contract(),
        monthly("uptime", {"2027-01": 98.0, "2027-03": 99.99}),
        date(2027, 4, 10),
    )
    assert credit(e, "2027-01").earn_back == "owed"


# --- unmeasured --------------------------------------------------------------------------------


def test_unmeasured_counts_as_missed_by_default_but_is_never_shown_as_met() -> None:
    c = contract(
        rules=[{"type": "per_miss", "percent": 5}, {"type": "bands", "bands": CLOUD_BANDS}]
    )
    e = run(c, monthly("uptime", {"2027-02": 99.999}), date(2027, 3, 1))
    jan = next(op for op in e.objectives if op.period == Month(2027, 1))
    assert jan.outcome == "unmeasured" and jan.counts_as_miss and jan.value is None
    # per miss 5 % + the mildest band 10 %
    assert credit(e, "2027-01").amount == Decimal("6000.00")
    assert "no value: the mildest band" in credit(e, "2027-01").explanation


def test_unmeasured_not_counted() -> None:
    c = contract(
        rules=[{"type": "consecutive_misses", "count": 2, "percent": 5}], unmeasured="not_counted"
    )
    e = run(c, monthly("uptime", {"2027-01": 98.0, "2027-03": 98.0}), date(2027, 4, 1))
    rows = [(op.outcome, op.counts_as_miss, op.consecutive_misses) for op in e.objectives[:3]]
    assert rows == [("missed", True, 1), ("unmeasured", False, 1), ("missed", True, 2)]
    assert credit(e, "2027-02").amount == 0 and credit(e, "2027-03").amount == Decimal("2000.00")


def test_rules_can_target_objectives() -> None:
    c = contract(
        objectives=[
            {"id": "uptime", "metric": "uptime", "target": 99.9},
            {"id": "chat", "metric": "frt_chat", "target": 30},
        ],
        rules=[{"type": "per_miss", "percent": 5, "objectives": ["chat"]}],
    )
    values = {**monthly("uptime", {"2027-01": 90.0}), **monthly("frt_chat", {"2027-01": 20.0})}
    assert credit(run(c, values, date(2027, 2, 1)), "2027-01").amount == 0


def test_amounts_are_rounded_to_cents_half_up() -> None:
    # 2.5 % of $1,234.50 = $30.8625 → $30.86; 0.125 % of $1,234.50 = $1.543125 → $1.54
    c = contract(
        fee="1234.50",
        rules=[{"type": "per_miss", "percent": 2.5}, {"type": "per_miss", "percent": 0.125}],
    )
    jan = credit(run(c, monthly("uptime", {"2027-01": 98.0}), date(2027, 2, 2)), "2027-01")
    assert [str(line.amount) for line in jan.lines] == ["30.86", "1.54"]
    assert str(jan.amount) == "32.40" and "= $30.86" in jan.lines[0].explanation
