"""Exposure: owed for closed months, at risk in the open month, projected for the next one."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from evaluate_builders import contract, metric, program

from app.evaluate import ActualsIndex, evaluate_contracts, exposure_summary
from app.periods import Month

UPTIME = metric("uptime")
CLOUD = [
    {
        "type": "bands",
        "bands": [
            {"below": 99.99, "percent": 10},
            {"below": 99.0, "percent": 30},
            {"below": 95.0, "percent": 100},
        ],
    }
]
VALUES = {
    ("uptime", "", m): v
    for m, v in (("2027-01", 99.5), ("2027-02", 99.3), ("2027-03", 99.1), ("2027-04", 98.5))
}


def test_owed_at_risk_and_projected() -> None:
    c = contract(rules=CLOUD)
    prog = program(metrics=[UPTIME], contracts=[c])
    [e] = evaluate_contracts(prog, ActualsIndex.from_values(VALUES), as_of=date(2027, 4, 12))
    assert [(str(k.period), k.kind, k.amount) for k in e.credits] == [
        ("2027-01", "closed", Decimal("4000.00")),
        ("2027-02", "closed", Decimal("4000.00")),
        ("2027-03", "closed", Decimal("4000.00")),
        ("2027-04", "open", Decimal("12000.00")),  # month to date 98.5: the 30 % band
        (
            "2027-05",
            "projected",
            Decimal("12000.00"),
        ),  # trend −0.2 a month from January–March → 98.7
    ]
    [may] = [op for op in e.objectives if op.kind == "projected"]
    assert abs((may.value or 0) - 98.7) < 1e-9 and may.period == Month(2027, 5)
    assert (e.owed, e.at_risk, e.projected, e.exposure) == (
        Decimal("12000.00"),
        Decimal("12000.00"),
        Decimal("12000.00"),
        Decimal("36000.00"),
    )
    summary = exposure_summary(prog, [e])
    assert summary.total == Decimal("36000.00") and summary.currency == "USD"
    assert e.to_dict()["owed"] == "12000.00"


def test_no_projection_from_fewer_than_three_closed_values() -> None:
    c = contract(rules=CLOUD)
    prog = program(metrics=[UPTIME], contracts=[c])
    [e] = evaluate_contracts(prog, ActualsIndex.from_values(VALUES), as_of=date(2027, 3, 12))
    assert e.projected == 0 and not [k for k in e.credits if k.kind == "projected"]
    assert any("not projected" in note and "at least 3" in note for note in e.notes)


def test_an_ended_contract_has_no_open_month() -> None:
    c = contract(rules=CLOUD, effective_to="2027-02-28")
    prog = program(metrics=[UPTIME], contracts=[c])
    [e] = evaluate_contracts(prog, ActualsIndex.from_values(VALUES), as_of=date(2027, 4, 12))
    assert e.periods() == [Month(2027, 1), Month(2027, 2)]
    assert e.at_risk == 0 and e.projected == 0 and e.owed == Decimal("8000.00")


def test_a_contract_not_started_yet_owes_nothing() -> None:
    c = contract(rules=CLOUD, effective_from="2027-06-01")
    prog = program(metrics=[UPTIME], contracts=[c])
    [e] = evaluate_contracts(prog, ActualsIndex.from_values(VALUES), as_of=date(2027, 4, 12))
    assert e.credits == () and e.exposure == 0


def test_other_currencies_are_flagged_not_converted() -> None:
    usd = contract("usd_deal", rules=CLOUD)
    eur = contract("eur_deal", rules=CLOUD, currency="EUR", fee="10000")
    prog = program(metrics=[UPTIME], contracts=[usd, eur])
    evaluations = evaluate_contracts(
        prog, ActualsIndex.from_values(VALUES), as_of=date(2027, 4, 12)
    )
    summary = exposure_summary(prog, evaluations)
    assert summary.flagged_contracts == ("eur_deal",)
    assert summary.total == Decimal("36000.00")
    assert summary.other_currencies == {
        "EUR": {
            "owed": Decimal("3000.00"),
            "provisional": Decimal("0.00"),
            "at_risk": Decimal("3000.00"),
            "projected": Decimal("3000.00"),
            "issued": Decimal("0.00"),
            "not_issued": Decimal("3000.00"),
            "adjustments": Decimal("0.00"),
            "total": Decimal("9000.00"),
        }
    }
    eur_eval = next(e for e in evaluations if e.contract_id == "eur_deal")
    assert not eur_eval.in_program_currency and any("EUR" in n for n in eur_eval.notes)
    assert "€1,000" in eur_eval.credits[0].explanation


def test_scope_of_an_objective_selects_its_series() -> None:
    c = contract(
        objectives=[
            {"id": "chat_up", "metric": "uptime", "target": 99.99, "scope": {"segment": "acme"}}
        ],
        rules=CLOUD,
    )
    prog = program(metrics=[UPTIME], contracts=[c])
    values = {("uptime", "segment=acme", "2027-01"): 99.995, ("uptime", "", "2027-01"): 90.0}
    [e] = evaluate_contracts(prog, ActualsIndex.from_values(values), as_of=date(2027, 2, 12))
    assert e.objectives[0].outcome == "met" and e.owed == 0


def test_a_contract_starting_mid_month_says_how_its_first_month_is_measured() -> None:
    c = contract(rules=CLOUD, effective_from="2027-01-15")
    [e] = evaluate_contracts(
        program(metrics=[UPTIME], contracts=[c]),
        ActualsIndex.from_values(VALUES),
        as_of=date(2027, 2, 1),
    )
    assert e.periods()[0] == Month(2027, 1)
    assert (
        "the contract starts on 2027-01-15: Jan 2027 is measured on its 17 days in effect and "
        "credited on its fee prorated to $21,935.48 (17 of 31 days of $40,000)"
    ) in e.notes
