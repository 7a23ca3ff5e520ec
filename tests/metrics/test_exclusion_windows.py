"""Exclusion windows in the KPI engine, on SQLite and PostgreSQL: an SLA objective's figure leaves
out the contacts created in the window, stored as its own series, while goals keep the figure on
every contact; the evaluation then judges the objective on it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from metrics_builders import contact, insert_contacts, metric, program
from sqlalchemy.engine import Engine

from app.metrics import write_computed_actuals
from app.periods import Month
from app.service.program import evaluate_at
from app.spec.goal import Goal
from app.spec.sla import SLAContract
from app.store.actuals import latest_actuals
from app.store.db import session_scope

LA = ZoneInfo("America/Los_Angeles")
MARCH = Month(2026, 3)
SERVICE_LEVEL = metric(
    "service_level",
    {"type": "service_level", "threshold": "20 seconds", "abandoned": "ignored"},
)
PLAIN = "channel=phone"
# 10–12 March 2026 in Los Angeles (PDT since 8 March): 10 March 07:00 UTC to 13 March 07:00 UTC.
WITHOUT_OUTAGE = "channel=phone|excluding 2026-03-10T07:00Z/2026-03-13T07:00Z"


def local(day: int, hour: int = 10, minute: int = 0, second: int = 0) -> datetime:
    return datetime(2026, 3, day, hour, minute, second, tzinfo=LA).astimezone(UTC)


def outage_program(*, exclusion_scope: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    exclusion: dict[str, object] = {
        "from": "2026-03-10",
        "to": "2026-03-12",
        "reason": "carrier outage",
    }
    if exclusion_scope is not None:
        exclusion["scope"] = exclusion_scope
    contract = SLAContract.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "SLAContract",
            "metadata": {"id": "acme", "title": "Acme"},
            "spec": {
                "counterparty": "Acme",
                "currency": "USD",
                "monthly_fee": "40000",
                "effective": {"from": "2026-01-01"},
                "measurement": {"timezone": "America/Los_Angeles"},
                "objectives": [
                    {
                        "id": "phone",
                        "title": "Phone service level",
                        "metric": "service_level",
                        "scope": {"channel": "phone"},
                        "target": 80,
                    }
                ],
                "exclusions": [exclusion],
                "credits": {"rules": [{"type": "per_miss", "percent": 5}]},
            },
        }
    )
    goal = Goal.model_validate(
        {
            "apiVersion": "cxgov/v1",
            "kind": "Goal",
            "metadata": {"id": "phone_sl", "title": "Phone SL"},
            "spec": {
                "metric": "service_level",
                "scope": {"channel": "phone"},
                "pillar": "process",
                "baseline": {"value": 70, "period": "2025-12"},
                "target": {"value": 85, "by": "2026-12-31"},
            },
        }
    )
    return program(SERVICE_LEVEL, contracts={"acme": contract}, goals={"phone_sl": goal})


def march_calls() -> list[dict[str, object]]:
    """100 answered phone calls and 10 chats in March 2026 (Los Angeles time):

    - outside the outage, 80 calls: 68 answered within 20 s, 12 after 60 s — among them one just
      before it starts (9 March 23:59:59) and one the moment it ends (13 March 00:00:00);
    - inside the outage, 20 calls all answered after 120 s — the first at its very start (10 March
      00:00:00) — and 10 chats, which no phone figure counts.

    On every call: 68 / 100 = 68.0 % (a miss against 80 %). Without the outage: 68 / 80 = 85.0 %."""
    rows = [contact(local(9, 23, 59, 59), channel="phone", wait_seconds=10.0, abandoned=False)]
    rows.append(contact(local(13, 0), channel="phone", wait_seconds=10.0, abandoned=False))
    rows += [
        contact(
            local(2) + timedelta(minutes=i), channel="phone", wait_seconds=10.0, abandoned=False
        )
        for i in range(66)
    ]
    rows += [
        contact(
            local(20) + timedelta(minutes=i), channel="phone", wait_seconds=60.0, abandoned=False
        )
        for i in range(12)
    ]
    rows.append(contact(local(10, 0), channel="phone", wait_seconds=120.0, abandoned=False))
    rows += [
        contact(
            local(11) + timedelta(minutes=i), channel="phone", wait_seconds=120.0, abandoned=False
        )
        for i in range(19)
    ]
    rows += [
        contact(local(11) + timedelta(minutes=i), channel="chat", wait_seconds=5.0)
        for i in range(10)
    ]
    return rows


def _values(engine: Engine) -> dict[str, tuple[float | None, int | None]]:
    with session_scope(engine) as session:
        return {
            a.scope_key: (a.value, a.sample_size)
            for a in latest_actuals(session, metrics=["service_level"])
            if a.period == str(MARCH)
        }


def test_the_outage_is_computed_as_its_own_series_and_turns_the_miss_into_a_meet(
    engine: Engine,
) -> None:
    prog = outage_program()
    insert_contacts(engine, march_calls())
    with session_scope(engine) as session:
        summary = write_computed_actuals(session, prog, months=[MARCH])
    assert summary.series == 2  # the goal's and the objective's plain series is one; the outage one
    values = _values(engine)
    assert values[PLAIN] == (68.0, 100)
    assert values[WITHOUT_OUTAGE] == (85.0, 80)

    evaluation = evaluate_at(engine, prog, datetime(2026, 4, 2).date())
    [goal] = evaluation.goals
    assert [p.actual for p in goal.periods if p.period == MARCH] == [68.0]  # goals: every call
    [contract] = evaluation.contracts
    [march] = [op for op in contract.objectives if op.period == MARCH]
    assert (march.outcome, march.value, march.excluded_contacts, march.excluded_hours) == (
        "met",
        85.0,
        20,
        72.0,
    )
    [credit] = [c for c in contract.credits if c.period == MARCH]
    assert credit.amount == 0
    assert "20 contacts and 72 h excluded (carrier outage)" in credit.explanation


def test_a_second_run_writes_nothing_and_a_changed_window_names_a_new_series(
    engine: Engine,
) -> None:
    insert_contacts(engine, march_calls())
    with session_scope(engine) as session:
        write_computed_actuals(session, outage_program(), months=[MARCH])
    with session_scope(engine) as session:
        again = write_computed_actuals(session, outage_program(), months=[MARCH])
    assert (again.recorded, again.revised, again.unchanged) == (0, 0, 2)


@pytest.mark.parametrize(
    ("scope", "expected"),
    [
        ({"channel": "phone"}, (85.0, 80)),  # the outage's phone calls go
        ({"channel": "chat"}, None),  # a chat outage leaves phone figures alone: no series at all
    ],
)
def test_an_exclusion_only_takes_out_the_contacts_it_names(
    engine: Engine, scope: dict[str, str], expected: tuple[float, int] | None
) -> None:
    insert_contacts(engine, march_calls())
    with session_scope(engine) as session:
        write_computed_actuals(session, outage_program(exclusion_scope=scope), months=[MARCH])
    values = _values(engine)
    assert values[PLAIN] == (68.0, 100)
    assert values.get(WITHOUT_OUTAGE) == expected
