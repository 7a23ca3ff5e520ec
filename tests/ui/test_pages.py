"""Every page with AppTest: runs without exception and shows the numbers `evaluate` returns."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from app.display.labels import format_value, status_label
from app.evaluate.goals import SEVERITY
from app.evaluate.money import fmt_money
from ui.pagekit import AS_OF, PageFactory, tables

PAGE_TITLES = {
    "overview": "Overview",
    "goals": "Goals",
    "slas": "SLAs & credits",
    "roadmap": "Roadmap",
    "actuals": "Actuals",
    "metrics": "Metric definitions",
}


def evaluation(root: Path, database_url: str) -> Any:
    from app.evaluate import ActualsIndex, evaluate_program
    from app.load import load_program
    from app.store.actuals import latest_actuals
    from app.store.db import get_engine, session_scope

    program = load_program(root, today=AS_OF).program
    with session_scope(get_engine(database_url)) as session:
        index = ActualsIndex.from_rows(latest_actuals(session))
    return program, evaluate_program(program, index, as_of=AS_OF)


def _status_of(expected: Any, title: str) -> str:
    return str(next(g.status for g in expected.goals if g.title == title))


def metrics_by_label(at: Any) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


@pytest.mark.parametrize("page", sorted(PAGE_TITLES))
def test_every_page_runs_on_the_example_program(
    page: str, known_root: Path, open_page: PageFactory
) -> None:
    at = open_page(page, known_root)
    assert not at.exception, [e.value for e in at.exception]
    assert [t.value for t in at.title] == [PAGE_TITLES[page]]
    assert any("Local single-user mode" in c.value for c in at.caption)


def test_goals_table_shows_what_evaluate_returns(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    _, expected = evaluation(known_root, database_url)
    at = open_page("goals", known_root)
    table = tables(at)[0].set_index("goal")  # goals by title, never by id
    assert len(table) == len(expected.goals)
    for goal in expected.goals:
        row = table.loc[goal.title]
        assert row["status"] == status_label(goal.status)
        assert row["actual"] == format_value(
            goal.actual, goal.unit, 1 if goal.metric != "nps" else 0
        )
    csat = next(g for g in expected.goals if g.goal_id == "csat_to_85")
    assert csat.actual == 80.8  # October, the last closed month with a value
    assert table.loc[csat.title, "actual"] == "80.8 %"
    severities = [SEVERITY[g] for g in [_status_of(expected, t) for t in table.index]]
    assert severities == sorted(severities, reverse=True)  # the most severe first


def test_overview_shows_the_exposure_and_counts_evaluate_returns(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    _, expected = evaluation(known_root, database_url)
    shown = metrics_by_label(open_page("overview", known_root))
    assert shown["Goals"] == str(expected.rollup.total)
    x = expected.exposure
    assert [
        shown[label]
        for label in (
            "Owed (closed months)",
            "Provisional (earn-back pending)",
            "At risk (this month so far)",
            "Projected (next month)",
        )
    ] == [fmt_money(amount, "USD") for amount in (x.owed, x.provisional, x.at_risk, x.projected)]
    assert x.owed > 0


def test_slas_page_shows_the_credit_for_the_breach_streak(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    _, expected = evaluation(known_root, database_url)
    brightwater = next(c for c in expected.contracts if c.contract_id.startswith("brightwater"))
    august = next(c for c in brightwater.credits if str(c.period) == "2026-08")
    assert any(line.objective_id == "chat_first_response" for line in august.lines)
    at = open_page("slas", known_root)
    at.selectbox(key="slas.contract").set_value(brightwater.contract_id).run()
    assert not at.exception
    credit_tables = [t for t in tables(at) if "explanation" in t.columns]
    rows = [
        row for table in credit_tables for _, row in table.iterrows() if row["month"] == "Aug 2026"
    ]
    assert any(row["amount"] == fmt_money(august.amount, "USD") for row in rows)
    owed = [m.value for m in at.metric if m.label == "Owed (closed months)"]
    assert owed[0] == fmt_money(expected.exposure.owed, "USD")  # the program total comes first
    not_issued = [m.value for m in at.metric if m.label == "Owed, not issued"]
    assert not_issued[0] == fmt_money(expected.exposure.not_issued, "USD")
    contracts = tables(at)[0].set_index("contract")  # by title, never by id
    for contract in expected.contracts:
        assert contracts.loc[contract.title, "owed"] == fmt_money(contract.owed, contract.currency)
        assert contracts.loc[contract.title, "exposure"] == fmt_money(
            contract.exposure, contract.currency
        )


def test_metric_definitions_list_every_metric_with_its_formula(
    known_root: Path, open_page: PageFactory
) -> None:
    from app.load import load_program

    program = load_program(known_root, today=AS_OF).program
    at = open_page("metrics", known_root)
    table = tables(at)[0].set_index("title")
    assert sorted(table.index) == sorted(m.metadata.title for m in program.metrics.values())
    for metric in program.metrics.values():
        assert table.loc[metric.metadata.title, "formula"] == metric.spec.calculation.describe()
    csat = program.metrics["csat"].metadata.title
    assert (
        table.loc[csat, "formula"] == "share of answers 4–5 among all CSAT answers on a 1–5 scale"
    )


def test_roadmap_lists_what_is_slipping(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    _, expected = evaluation(known_root, database_url)
    at = open_page("roadmap", known_root)
    if expected.roadmap.slipping:
        slipping = tables(at)[0]
        assert list(slipping["item"]) == [i.title for i in expected.roadmap.slipping]
    else:
        assert any("Nothing is overdue" in s.value for s in at.markdown)


def test_finance_records_a_credit_as_issued_on_the_slas_page(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    """Brightwater's August credit (chat missed July and August; the other objectives have no
    value, which the contract counts as missed) goes on invoice INV-2026-0917: the page records it
    through the same use case as `cxgov credits issue`, then shows it issued, and the owed-not-
    issued figure drops by that amount."""
    _, expected = evaluation(known_root, database_url)
    brightwater = next(c for c in expected.contracts if c.contract_id.startswith("brightwater"))
    august = next(c for c in brightwater.credits if str(c.period) == "2026-08")
    at = open_page("slas", known_root)
    at.selectbox(key="slas.contract").set_value(brightwater.contract_id).run()
    at.selectbox(key="slas.issue.month").set_value("2026-08")
    at.text_input(key="slas.issue.invoice").input("INV-2026-0917")
    at.button[0].click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("INV-2026-0917" in s.value for s in at.success)
    ledger = next(t for t in tables(at) if "ledger" in t.columns)
    row = ledger.set_index("month").loc["Aug 2026"]
    assert row["state"] == "issued" and row["issued"] == fmt_money(august.amount, "USD")
    not_issued = [m.value for m in at.metric if m.label == "Owed, not issued"]
    assert not_issued[0] == fmt_money(expected.exposure.not_issued - august.amount, "USD")
