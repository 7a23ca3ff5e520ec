"""The telephony profiles out of the box: Amazon Connect contact records and the Genesys Cloud
interactions export, each a small fixture built from the vendor's documented columns, imported
on both databases, with the KPIs computed by hand.

Amazon Connect (fixtures/amazon-connect-contact-records.csv, 24 contacts, November 2026):
- 12 inbound calls answered, queued 5, 8, 12, 15, 18, 20, 25, 30, 45, 60, 10 and 3 s: 8 within
  20 s; handle times 6 × (240 + 0 + 60) and 6 × (300 + 30 + 30) s.
- 5 inbound calls queued and never reaching an agent (abandoned), after 3, 8, 12, 40 and 90 s:
  the 3 s one is a short abandon (within 5 s), left out of both figures.
- 2 outbound calls, never queued (not offered), handle 120 + 0 + 60 and 400 + 20 + 60 s.
- 3 chats, 1 e-mail, 1 task (no channel).
Service level (short abandons excluded) = 8 / (12 + 4) = 50 %; abandonment = 4 / (17 − 1) = 25 %;
phone AHT = (6 × 300 + 6 × 360 + 180 + 480) / 14 = 4,620 / 14 = 330 s = 5.5 min.

Genesys Cloud (fixtures/genesys-cloud-interactions.csv, 24 interactions, November 2026; tAcd and
tAcw as HH:MM:SS, tTalk and tHeld in milliseconds):
- 11 inbound voice calls and 1 callback answered, queued 4, 9, 14, 19, 20, 21, 35, 70, 2, 16, 12
  and 8 s: 9 within 20 s; handle 7 × (180 + 0 + 60) and 5 × (300 + 20 + 40) s.
- 4 abandoned after 2 (short), 6, 30 and 120 s; 2 outbound calls, handle 300 + 20 + 40 s each.
- 3 chats, 2 e-mails, 1 message.
Service level = 9 / (12 + 3) = 60 %; abandonment = 3 / (16 − 1) = 20 %;
phone AHT = (7 × 240 + 7 × 360) / 14 = 300 s = 5 min. Each interaction ended "Duration" (HH:MM:SS)
after "Date", so none is open in the backlog at the month's end.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.ingest import builtin_profile, ingest_file
from app.metrics import compute_kpis
from app.periods import Month
from app.service.program import valid_program
from app.spec.common import Scope
from app.store.tables import Contact

FIXTURES = Path(__file__).resolve().parent / "fixtures"
ROOT = Path(__file__).resolve().parents[2]
NOVEMBER = Month(2026, 11)


@pytest.mark.parametrize(
    ("profile", "file", "service_level", "abandonment", "aht_minutes", "channels"),
    [
        (
            "amazon-connect",
            "amazon-connect-contact-records.csv",
            (8, 16, 50.0),
            (4, 16, 25.0),
            5.5,
            {"phone": 19, "chat": 3, "email": 1, None: 1},
        ),
        (
            "genesys-cloud",
            "genesys-cloud-interactions.csv",
            (9, 15, 60.0),
            (3, 15, 20.0),
            5.0,
            {"phone": 18, "chat": 4, "email": 2},
        ),
    ],
)
def test_a_telephony_export_imports_to_the_hand_computed_kpis(
    engine: Engine,
    profile: str,
    file: str,
    service_level: tuple[int, int, float],
    abandonment: tuple[int, int, float],
    aht_minutes: float,
    channels: dict[str | None, int],
) -> None:
    program = valid_program(ROOT)
    summary = ingest_file(
        engine,
        FIXTURES / file,
        mapping=builtin_profile(profile),
        program_timezone=program.timezone,
        author="test",
    )
    assert (summary.imported, summary.quarantined, summary.field_issues) == (24, 0, 0)
    assert summary.warnings == []
    with engine.connect() as conn:
        stored = dict(
            conn.execute(select(Contact.channel, func.count()).group_by(Contact.channel)).all()  # type: ignore[arg-type]
        )
        queues = set(conn.execute(select(Contact.queue).distinct()).scalars())  # type: ignore[arg-type]
    assert stored == channels
    assert queues <= {None, "general", "billing", "account_access", "how_to", "escalations"}
    values = {
        value.metric: value
        for value in compute_kpis(
            engine,
            program,
            months=[NOVEMBER],
            metrics=["service_level", "abandonment_rate", "aht", "backlog"],
            scope=Scope(channel="phone"),
        )
    }
    sl, abandoned, aht = values["service_level"], values["abandonment_rate"], values["aht"]
    assert (sl.numerator, sl.denominator) == service_level[:2]
    assert sl.value == pytest.approx(service_level[2])
    assert (abandoned.numerator, abandoned.denominator) == abandonment[:2]
    assert abandoned.value == pytest.approx(abandonment[2])
    assert aht.value == pytest.approx(aht_minutes)
    assert aht.sample_size == 14
    assert values["backlog"].value == 0  # every call ended (without resolved_at: 14 "open")
