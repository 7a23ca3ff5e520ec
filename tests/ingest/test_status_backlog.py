"""A ticket whose status says it is done is not open in the backlog because its resolution time
was bad or missing (the Kaggle sample once added 1,365 tickets "open for ever" to the demo's aged
backlog: 2026-11 went from 64 to 1,429)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from test_profiles import kaggle_file

from app.ingest import builtin_profile, ingest_file
from app.ingest.mapping import Mapping
from app.load import load_program
from app.metrics.compute import compute_kpis
from app.periods import Month
from app.store.tables import Contact

REPO_ROOT = Path(__file__).resolve().parents[2]
NOVEMBER_2026 = Month(2026, 11)


def backlog(engine: Engine, month: Month) -> float | None:
    example = load_program(REPO_ROOT).program
    assert example is not None
    (value,) = compute_kpis(engine, example, months=[month], metrics=["backlog"])
    return value.value


def without_status(mapping: Mapping) -> Mapping:
    fields = {name: spec for name, spec in mapping.spec.fields.items() if name != "status"}
    return mapping.model_copy(update={"spec": mapping.spec.model_copy(update={"fields": fields})})


def ingest(engine: Engine, mapping: Mapping, tmp_path: Path) -> None:
    """Three tickets of November 2026 still open (the demo's own backlog, in small), then the
    Kaggle sample."""
    november = tmp_path / "november.csv"
    november.write_text(
        "contact_id,created_at,status\n"
        "n1,2026-11-02T09:00:00-08:00,open\n"
        "n2,2026-11-03T09:00:00-08:00,pending\n"
        "n3,2026-11-04T09:00:00-08:00,\n"
        "n4,2026-11-05T09:00:00-08:00,solved\n",
        encoding="utf-8",
    )
    ingest_file(
        engine,
        november,
        mapping=builtin_profile("generic"),
        program_timezone="America/Los_Angeles",
        author="test",
    )
    ingest_file(
        engine,
        kaggle_file(),
        mapping=mapping,
        program_timezone="America/Los_Angeles",
        author="test",
    )


def test_closed_kaggle_tickets_with_a_bad_resolution_are_not_open_for_ever(
    engine: Engine, tmp_path: Path
) -> None:
    ingest(engine, builtin_profile("kaggle-support-tickets"), tmp_path)
    with engine.connect() as conn:
        statuses = dict(
            conn.execute(select(Contact.status, func.count()).group_by(Contact.status)).all()
        )
        unresolved = conn.execute(
            select(func.count()).where(Contact.resolved_at.is_(None))
        ).scalar_one()
    assert statuses == {"closed": 2769, "open": 1, "pending": 1, "solved": 1, None: 1}
    assert unresolved == 1365 + 4  # resolution before creation: left unknown, field issues
    # open, pending and unknown are open work; the solved one without a time is not
    assert backlog(engine, NOVEMBER_2026) == 3
    # while the tickets were open they count: at the end of June 2023, those created before
    # 24 June and resolved after the end of the month (hand count from the file below)
    assert backlog(engine, Month(2023, 6)) == backlog_hand_count()


def test_without_a_status_the_same_tickets_count_as_open(engine: Engine, tmp_path: Path) -> None:
    """The finding itself: the profile without its status keeps the 1,365 open for ever."""
    ingest(engine, without_status(builtin_profile("kaggle-support-tickets")), tmp_path)
    assert backlog(engine, NOVEMBER_2026) == 3 + 1365


def backlog_hand_count() -> int:
    """Tickets older than 7 days at the end of June 2023 (Pacific) and not resolved before it,
    counted from the file with the csv module and zoneinfo, independently of the importer."""
    import csv
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    zone = ZoneInfo("America/Los_Angeles")
    end = datetime(2023, 7, 1, tzinfo=zone)
    count = 0
    with kaggle_file().open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            created = datetime.strptime(row["First_Response_Time"], "%Y-%m-%d %H:%M").replace(
                tzinfo=zone
            )
            resolved = datetime.strptime(row["Time_to_Resolution"], "%Y-%m-%d %H:%M").replace(
                tzinfo=zone
            )
            if resolved < created:
                continue  # status closed, resolution unknown: not open
            if created < end - timedelta(days=7) and resolved >= end:
                count += 1
    return count
