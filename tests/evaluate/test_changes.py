"""`program_changes`: what differs between two evaluations of one program (hand-made figures)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from evaluate_builders import contract, goal, metric, program

from app.evaluate import ActualsIndex, evaluate_program
from app.evaluate.changes import ProgramChanges, program_changes
from app.periods import Month

AS_OF = date(2027, 3, 15)  # January and February closed, March open
PROGRAM = program(
    metrics=[metric("csat"), metric("uptime")],
    goals=[goal("csat_up", metric_id="csat")],
    contracts=[
        contract(
            "acme",
            rules=[{"type": "per_miss", "percent": 5}],
            fee="40000",
            effective_from="2027-01-01",
        )
    ],
)


Values = dict[tuple[str, str, Month | str], float | None]


def changes(before: Values, after: Values) -> ProgramChanges:
    a, b = ActualsIndex.from_values(before), ActualsIndex.from_values(after)
    return program_changes(
        evaluate_program(PROGRAM, a, as_of=AS_OF),
        evaluate_program(PROGRAM, b, as_of=AS_OF),
        actuals_before=a,
        actuals_after=b,
    )


BEFORE: Values = {
    ("uptime", "", "2027-01"): 99.5,  # below 99.99: missed, 5 % of $40,000
    ("uptime", "", "2027-02"): 99.995,
    ("csat", "", "2027-01"): 80.0,
}


def test_nothing_differs_when_nothing_changed() -> None:
    found = changes(BEFORE, dict(BEFORE))
    assert found.empty and not found.decisive and found.headline() == []


def test_a_revised_month_changes_its_outcome_its_credit_and_a_goal() -> None:
    after: Values = {**BEFORE, ("uptime", "", "2027-01"): 99.995, ("csat", "", "2027-02"): 86.0}
    found = changes(BEFORE, after)
    assert [(a.metric, str(a.period), a.old, a.new) for a in found.actuals] == [
        ("csat", "2027-02", None, 86.0),
        ("uptime", "2027-01", 99.5, 99.995),
    ]
    assert [
        (o.contract_id, o.objective_id, o.period, o.kind, o.old, o.new) for o in found.outcomes
    ] == [("acme", "uptime", Month(2027, 1), "closed", "missed", "met")]
    assert [(c.contract_id, c.period, c.kind, c.old, c.new) for c in found.credits] == [
        ("acme", Month(2027, 1), "closed", Decimal("2000.00"), Decimal("0.00"))
    ]
    # February, the last closed month, had no CSAT (no data); 86 meets the target of 85.
    assert [(g.goal_id, g.old, g.new) for g in found.goals] == [("csat_up", "no_data", "achieved")]
    assert found.decisive
    assert found.headline() == ["1 goal status", "1 credit", "1 SLA outcome", "2 stored actuals"]
    assert found.to_dict()["credits"][0]["old"] == "2000.00"
