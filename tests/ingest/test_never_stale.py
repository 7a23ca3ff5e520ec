"""Stored actuals never go stale after an import: the months recomputed are exactly those whose
contacts could have changed (old and new months of updated contacts, new contacts' months, the
backlog's open spans and the months an FCR repeat window reaches back into)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from stale_helpers import mismatches, run_import, stale_program, stored

from app.periods import Month
from app.service.actuals import check_actuals
from app.store.tables import ContactPrevious, RecomputeOwed

Row = dict[str, object]


def test_a_contact_moved_from_march_to_april_recomputes_march(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    program = stale_program()
    first = [
        {"contact_id": "X", "created_at": "2026-03-20T12:00:00Z", "customer_id": "k1"},
        {"contact_id": "Z", "created_at": "2026-03-10T12:00:00Z", "customer_id": "k2"},
        {"contact_id": "Y", "created_at": "2026-04-20T12:00:00Z", "customer_id": "k3"},
    ]
    run_import(engine, program, write_csv(first, name="one.csv"))
    assert stored(engine)[("volume", "", "2026-03")] == 2
    moved = [{**first[0], "created_at": "2026-04-02T12:00:00Z"}, first[1], first[2]]
    outcome = run_import(engine, program, write_csv(moved, name="two.csv"))
    assert outcome.summary.updated == 1
    # March (X's old month) and April (its new one); no repeat window reaches back from March
    # into February here, because the FCR window is counted from each touched month's start.
    assert outcome.summary.months_touched == ["2026-02", "2026-03", "2026-04"]
    values = stored(engine)
    assert values[("volume", "", "2026-03")] == 1  # was 2 before the fix: March was never redone
    assert values[("volume", "", "2026-04")] == 2
    assert mismatches(engine, program) == []
    with engine.connect() as conn:
        previous = conn.execute(
            select(ContactPrevious.contact_id, ContactPrevious.created_at)
        ).all()
    assert [(contact, moment.month, moment.day) for contact, moment in previous] == [("X", 3, 20)]


def test_an_april_contact_turns_a_march_yes_into_a_repeat(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    program = stale_program()
    march = [
        {"contact_id": "A", "created_at": "2026-03-30T12:00:00Z", "customer_id": "k", "fcr": "yes"},
        {"contact_id": "B", "created_at": "2026-03-05T12:00:00Z", "customer_id": "j", "fcr": "yes"},
    ]
    run_import(engine, program, write_csv(march, name="march.csv"))
    assert stored(engine)[("fcr", "", "2026-03")] == 100.0
    april = [{"contact_id": "C", "created_at": "2026-04-02T12:00:00Z", "customer_id": "k"}]
    outcome = run_import(engine, program, write_csv(march + april, name="april.csv"))
    assert (outcome.summary.imported, outcome.summary.unchanged) == (1, 2)
    # April, and March because April 2 minus the 7-day window reaches into it.
    assert outcome.summary.months_touched == ["2026-03", "2026-04"]
    assert stored(engine)[("fcr", "", "2026-03")] == 50.0  # A is now a repeat: 1 of 2 resolved
    assert mismatches(engine, program) == []


def test_only_the_touched_months_are_recomputed_not_everything_since_the_earliest(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    program = stale_program()
    rows: list[Row] = [
        {
            "contact_id": "J",
            "created_at": "2026-01-10T12:00:00Z",
            "resolved_at": "2026-01-11T12:00:00Z",
        },
        {
            "contact_id": "U",
            "created_at": "2026-06-15T12:00:00Z",
            "resolved_at": "2026-06-16T12:00:00Z",
        },
    ]
    run_import(engine, program, write_csv(rows, name="one.csv"))
    changed = [rows[0], {**rows[1], "csat": 5}]
    outcome = run_import(engine, program, write_csv(changed, name="two.csv"))
    assert outcome.summary.updated == 1
    # June and the week of May its repeat window reaches; not January … May.
    assert outcome.summary.months_touched == ["2026-05", "2026-06"]
    assert outcome.computed is not None
    assert outcome.computed.months == [Month(2026, 5), Month(2026, 6)]
    assert mismatches(engine, program) == []


def test_an_open_contact_touches_every_backlog_month_to_the_horizon(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    program = stale_program()
    rows: list[Row] = [
        {"contact_id": "O", "created_at": "2026-01-10T12:00:00Z"},
        {
            "contact_id": "L",
            "created_at": "2026-04-10T12:00:00Z",
            "resolved_at": "2026-04-11T12:00:00Z",
        },
    ]
    run_import(engine, program, write_csv(rows, name="one.csv"))
    assert stored(engine)[("backlog", "", "2026-03")] == 1
    resolved = [{**rows[0], "resolved_at": "2026-02-01T12:00:00Z"}, rows[1]]
    outcome = run_import(engine, program, write_csv(resolved, name="two.csv"))
    # January was open through April before, resolved in February now: both spans.
    assert outcome.summary.months_touched == ["2025-12", "2026-01", "2026-02", "2026-03", "2026-04"]
    values = stored(engine)
    # Nothing open at the end of March any more, and no contact created then: no value (was 1).
    assert values[("backlog", "", "2026-03")] is None
    assert values[("backlog", "", "2026-01")] == 1
    assert mismatches(engine, program) == []


def test_the_recompute_is_owed_in_the_import_and_re_importing_repairs_it(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    """--no-compute leaves the state a crash after the commit leaves: contacts in, months owed."""
    program = stale_program()
    rows: list[Row] = [
        {"contact_id": "A", "created_at": "2026-03-03T12:00:00Z", "csat": 5},
        {"contact_id": "B", "created_at": "2026-03-04T12:00:00Z", "csat": 1},
    ]
    path = write_csv(rows)
    first = run_import(engine, program, path, compute=False)
    assert first.computed is None and stored(engine) == {}
    with engine.connect() as conn:
        owed = sorted(conn.execute(select(RecomputeOwed.period)).scalars())
    assert owed == ["2026-02", "2026-03"]
    check = check_actuals(engine, program)
    assert not check.up_to_date
    assert [str(month) for month in check.owed] == ["2026-02", "2026-03"]
    assert {(item.metric, item.period) for item in check.stale} >= {
        ("csat", "2026-03"),
        ("volume", "2026-03"),
    }
    again = run_import(engine, program, path)
    assert (again.summary.imported, again.summary.updated, again.summary.unchanged) == (0, 0, 2)
    assert again.computed is not None and again.computed.recorded > 0
    assert stored(engine)[("csat", "", "2026-03")] == 50.0
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(RecomputeOwed)).scalar_one() == 0
    assert check_actuals(engine, program).up_to_date
    assert mismatches(engine, program) == []
