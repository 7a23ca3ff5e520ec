"""Benchmark: a year of monthly KPI values for every catalogue metric, by channel, from 1,000,000 contacts.

Loads N synthetic contacts spread over the 12 months of 2026 (America/Los_Angeles) straight into
the contacts table (executemany on SQLite, COPY on PostgreSQL; loading is not timed), then times
`compute_kpis` for all contact metrics of the example catalogue with `by="channel"`. No ANALYZE
after loading: `cxgov ingest` runs none, so the planner sees what it sees after a real import
(with ANALYZE, PostgreSQL was ≈ 0.3 s faster, SQLite the same). The baseline,
measured in the same process on the same table, is the cheapest query that reads every row once:
`SELECT channel, count(*) … GROUP BY channel`. Prints medians of --repeat runs and the ratio. Then
times what `cxgov actuals compute` does for the year: the example program's measured series (goals,
guardrails, SLA objectives with their scopes) computed and written as actuals, rolled back after
each run.

    .venv/bin/python benchmarks/kpi_bench.py [--rows 1000000] [--repeat 3] [--backends sqlite,postgresql]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from _timing import median_seconds  # noqa: E402  benchmarks/_timing.py

from app.metrics import ComputeSummary, compute_kpis, write_computed_actuals  # noqa: E402
from app.periods import Month  # noqa: E402
from app.service.program import valid_program  # noqa: E402
from app.store.db import make_engine, upgrade  # noqa: E402
from app.store.tables import Contact  # noqa: E402

PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
YEAR = [Month(2026, month) for month in range(1, 13)]
COLUMNS = (
    "source",
    "contact_id",
    "created_at",
    "channel",
    "queue",
    "team",
    "agent_id",
    "customer_id",
    "priority",
    "segment",
    "first_response_at",
    "resolved_at",
    "wait_seconds",
    "abandoned",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "fcr",
    "csat",
    "nps",
    "ces",
)


def contacts(rows: int, seed: int = 11) -> Iterator[tuple[object, ...]]:
    """Plausible contacts in creation order (as help-desk exports come): channel mix 30/38/27/5,
    waits and abandons on phone and chat, survey answers from a minority, some tickets still open,
    customers who come back."""
    rng = random.Random(seed)
    start = datetime(2026, 1, 1, 8, tzinfo=UTC)
    span = 365 * 86400
    channels = ["phone"] * 30 + ["chat"] * 38 + ["email"] * 27 + ["social"] * 5
    queues = ["general", "billing", "account_access", "how_to", "integrations", "escalations"]
    priorities = ["critical"] + ["high"] * 6 + ["medium"] * 25 + ["low"] * 18
    for index in range(rows):
        created = start + timedelta(seconds=(index + rng.random()) * span / rows)
        channel = rng.choice(channels)
        live = channel in ("phone", "chat")
        wait = rng.expovariate(1 / 25) if live else None
        abandoned = (rng.random() < 0.05) if live else None
        answered = not abandoned
        reply = (
            created + timedelta(seconds=wait if live else rng.expovariate(1 / 3000))
            if answered
            else None
        )
        resolved = (
            created + timedelta(seconds=rng.expovariate(1 / 20000))
            if answered and rng.random() < 0.97
            else None
        )
        handle = rng.uniform(120, 900) if answered else None
        yield (
            "bench",
            f"B{index}",
            created,
            channel,
            rng.choice(queues),
            f"team-{channel}",
            f"A{rng.randrange(48):03d}" if answered else None,
            f"C{rng.randrange(30_000)}",
            rng.choice(priorities),
            "enterprise" if rng.random() < 0.2 else "mid-market",
            reply,
            resolved,
            wait,
            abandoned,
            handle * 0.7 if handle else None,
            handle * 0.08 if handle else None,
            handle * 0.22 if handle else None,
            rng.choice(("yes", "yes", "no", "pending")) if answered else None,
            rng.randint(1, 5) if rng.random() < 0.15 else None,
            rng.randint(0, 10) if rng.random() < 0.05 else None,
            rng.randint(1, 7) if rng.random() < 0.10 else None,
        )


def _sqlite_text(value: object) -> object:
    if isinstance(value, datetime):
        return (
            value.astimezone(UTC).replace(tzinfo=None).isoformat(sep=" ", timespec="microseconds")
        )
    return value


def load_sqlite(engine: Engine, rows: int) -> None:
    placeholders = ", ".join("?" for _ in COLUMNS)
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute("BEGIN")
        batch: list[tuple[object, ...]] = []
        for row in contacts(rows):
            batch.append(tuple(_sqlite_text(value) for value in row))
            if len(batch) == 50_000:
                cursor.executemany(
                    f"INSERT INTO contacts ({', '.join(COLUMNS)}) VALUES ({placeholders})", batch
                )
                batch.clear()
        cursor.executemany(
            f"INSERT INTO contacts ({', '.join(COLUMNS)}) VALUES ({placeholders})", batch
        )
        cursor.execute("COMMIT")
    finally:
        raw.close()


def load_postgresql(engine: Engine, rows: int) -> None:
    raw = engine.raw_connection()
    try:
        with (
            raw.cursor() as cursor,  # type: ignore[attr-defined]
            cursor.copy(f"COPY contacts ({', '.join(COLUMNS)}) FROM STDIN") as copy,
        ):
            for row in contacts(rows):
                copy.write_row(row)
        raw.commit()
    finally:
        raw.close()


def bench(name: str, engine: Engine, rows: int, repeat: int) -> None:
    program = valid_program(ROOT)
    upgrade(engine)
    started = time.perf_counter()
    (load_sqlite if name == "sqlite" else load_postgresql)(engine, rows)
    loaded = time.perf_counter() - started
    metrics = [metric.id for metric in program.metrics.values() if metric.from_contacts]
    contacts_table = Contact.__table__  # type: ignore[attr-defined]

    def baseline() -> object:
        with engine.connect() as conn:
            return conn.execute(
                select(contacts_table.c.channel, func.count()).group_by(contacts_table.c.channel)
            ).all()

    values: list[object] = []

    def year() -> object:
        values[:] = compute_kpis(engine, program, months=YEAR, by="channel")
        return values

    summaries: list[ComputeSummary] = []

    def actuals_compute() -> object:
        """What `cxgov actuals compute` does for the year, rolled back so that each run does it all."""
        with Session(engine) as session:
            summaries[:] = [write_computed_actuals(session, program, months=YEAR, author="bench")]
            session.rollback()
        return summaries

    floor = median_seconds(baseline, repeat)
    kpis = median_seconds(year, repeat)
    print(
        f"{name:<10} {rows:>9,} contacts (loaded in {loaded:5.1f} s)  {len(metrics)} metrics × 12 months by channel "
        f"→ {len(values)} values: median {kpis:6.2f} s;  one-scan baseline {floor:5.2f} s;  ratio {kpis / floor:4.1f}×"
    )
    written = median_seconds(actuals_compute, repeat)
    print(
        f"{'':<10} `cxgov actuals compute` for the year: {summaries[0].series} series × 12 months "
        f"({summaries[0].recorded} actuals written): median {written:6.2f} s"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--backends", default="sqlite,postgresql")
    args = parser.parse_args()
    for name in args.backends.split(","):
        if name == "sqlite":
            with tempfile.TemporaryDirectory() as folder:
                engine = make_engine(f"sqlite:///{folder}/bench.db")
                bench(name, engine, args.rows, args.repeat)
                engine.dispose()
        elif name == "postgresql":
            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = make_engine(PG_URL)
            with admin.begin() as conn:
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                engine = make_engine(f"{PG_URL}?options=-csearch_path%3D{schema}")
                bench(name, engine, args.rows, args.repeat)
                engine.dispose()
            finally:
                with admin.begin() as conn:
                    conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
        else:
            parser.error(f"unknown backend {name!r}")


if __name__ == "__main__":
    main()
