"""The demo's story as the operators' guide tells it (docs/guides/operators.md, the table between
`<!-- demo-story -->` markers) is what the app shows after `cxgov demo`: each row's months,
counted back from the month the demo ends in, are checked on the page the row names."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow.ipc
import pytest
from ui.pagekit import demo_program, main_text, run_page, tables

from app.demo.generate import DemoPlan
from app.periods import Month

REPO = Path(__file__).resolve().parents[2]
GUIDE = REPO / "docs" / "guides" / "operators.md"
AS_OF = date(2026, 12, 15)
"""In the example program's year, when Brightwater's contract (in force from April 2026) covers
every month of the story."""
THIS_MONTH = Month.of(AS_OF)


def story() -> dict[str, tuple[int, ...]]:
    """Each row's "what happens" → the months it names, counted back ("4 and 3 months before")."""
    text = GUIDE.read_text(encoding="utf-8")
    table = text.split("<!-- demo-story -->")[1].split("<!-- /demo-story -->")[0]
    rows = {}
    for line in table.strip().splitlines()[2:]:
        when, what, _shows = (cell.strip() for cell in line.strip("|").split("|"))
        if when == "this month":
            rows[what] = (0,)
            continue
        found = re.fullmatch(r"(\d+)(?: and (\d+))? months? before", when)
        assert found, f"a row of the demo's story says when in words the test cannot read: {when!r}"
        rows[what] = tuple(int(n) for n in found.groups() if n)
    return rows


def months(back: tuple[int, ...]) -> list[str]:
    return [THIS_MONTH.shift(-n).first_day().strftime("%b %Y") for n in back]


@pytest.fixture(scope="module")
def demo_root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    from app.store.db import ENV_VAR

    with pytest.MonkeyPatch.context() as patch:
        patch.delenv(ENV_VAR, raising=False)
        yield demo_program(tmp_path_factory.mktemp("story"), as_of=AS_OF)


@pytest.fixture(autouse=True)
def own_store(monkeypatch: pytest.MonkeyPatch) -> None:
    from app.store.db import ENV_VAR

    monkeypatch.delenv(ENV_VAR, raising=False)


def row(starting: str) -> tuple[int, ...]:
    [back] = [b for what, b in story().items() if what.startswith(starting)]
    return back


def test_the_story_names_the_months_the_generator_plants() -> None:
    plan = DemoPlan(as_of=AS_OF)
    assert row("a phone-system outage") == (plan.outage_months_ago,)
    assert row("Brightwater's chats lose") == plan.chat_breach_months_ago


def test_the_outage_month_misses_on_the_sla_page(demo_root: Path) -> None:
    [month] = months(row("a phone-system outage"))
    at = run_page("slas", demo_root, as_of=AS_OF)
    table = next(t for t in tables(at) if "outcome" in t.columns)
    missed = set(table[(table["month"] == month) & (table["outcome"] == "✗ missed")]["objective"])
    assert {
        "Phone calls answered within 20 seconds (80/20)",
        "Customer satisfaction of at least 85 %",
        "First-contact resolution of at least 75 %",
    } <= missed


def test_the_chat_breach_owes_the_first_line_of_needs_attention(demo_root: Path) -> None:
    first, second = months(row("Brightwater's chats lose"))
    at = run_page("overview", demo_root, as_of=AS_OF)
    text = main_text(at)
    attention = text.split("Decisions for this month")[0]
    assert "Credit owed · $2,000" in attention.split("Brightwater Logistik")[0]  # the first line
    assert f"Chats answered within 30 seconds missed in {first} and {second}" in attention
    assert "5 % of $40,000 = $2,000" in attention


def test_the_review_of_two_months_before_is_closed_with_its_root_causes(demo_root: Path) -> None:
    from app.service.database import open_store
    from app.service.reviews import list_reviews

    [month] = months(row("the committee's review of that month"))
    held = {r.period: r.status for r in list_reviews(open_store(demo_root))}
    assert held[str(THIS_MONTH.shift(-row("the committee's review")[0]))] == "closed"
    text = main_text(run_page("overview", demo_root, as_of=AS_OF))
    assert f"(review of {month})" in text
    assert "Corrective actions:" in text


def test_last_months_draft_lists_the_decisions_and_the_overdue_actions(demo_root: Path) -> None:
    [back] = row("that month's review, a draft")
    from app.service.database import open_store
    from app.service.reviews import list_reviews

    held = {r.period: r.status for r in list_reviews(open_store(demo_root))}
    assert held[str(THIS_MONTH.shift(-back))] == "draft"
    decisions = main_text(run_page("overview", demo_root, as_of=AS_OF)).split(
        "Decisions for this month"
    )[1]
    assert f"draft monthly review of {THIS_MONTH.shift(-back)}" in decisions
    assert "Root causes to agree" in decisions
    assert "Action items past their due date" in decisions


def test_this_month_is_drawn_apart_as_month_to_date(demo_root: Path) -> None:
    assert row("month to date") == (0,)
    goals = run_page("goals", demo_root, as_of=AS_OF)
    [chart] = goals.get("vega_lite_chart")
    spec: Any = json.loads(chart.proto.spec)
    assert "month to date" in json.dumps(spec)
    mtd = [
        r
        for layer in spec["layer"]
        for r in (layer.get("data") or {}).get("values", [])
        if r.get("series") == "month to date"
    ]
    assert {r["month"] for r in mtd} == {THIS_MONTH.first_day().isoformat()}
    slas = run_page("slas", demo_root, as_of=AS_OF)
    [heatmap] = slas.get("vega_lite_chart")
    rows = pyarrow.ipc.open_stream(heatmap.proto.data.data).read_all().to_pylist()
    labels = {(row["month label"], row["outcome"]) for row in rows}
    [this_month] = months((0,))
    assert (f"{this_month} (to date)", "month to date") in labels
    assert not {outcome for label, outcome in labels if label.startswith(this_month)} - {
        "month to date"
    }
