"""Ingest benchmark: N canonical contacts (default 1,000,000) on SQLite and PostgreSQL.

Reports the median wall time of `ingest_file` and its peak memory: the max RSS of the importing
process and of its parsing worker (a big file is parsed in a second process), each read with
getrusage, and their sum as the bound. Next to it, the floor: the sqlite3 shell's own `.import` of
the same file into a plain table. Then, into the same store, a later export of N/5 contacts: half
of them the last contacts of the first file again, with the CSAT answers and resolutions that came
in since (updates through the merge, indexes kept), half new. Its peak memory is reported apart, with the process's own (anonymous) memory and its
mapped files at the end: SQLite reads the database through a memory map, whose pages count in
the resident size but are the page cache of the database file, not memory the import holds.

Last, a small file (45,000 contacts, under the size at which parsing moves to a worker, so read,
parsed and written in one process) imported into a fresh SQLite store, the median of 5.

    .venv/bin/python benchmarks/ingest_bench.py [--rows 1000000] [--repeat 1] [--no-postgres]
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

PG_URL = os.environ.get(
    "CXGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
HEADER = [
    "contact_id",
    "created_at",
    "channel",
    "queue",
    "agent_id",
    "customer_id",
    "priority",
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
    "team",
    "segment",
]


def generate(path: Path, rows: int, seed: int = 7, first_id: int = 0) -> None:
    rng = random.Random(seed)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    span = 365 * 86400
    channels = ["phone", "chat", "email"]
    with path.open("w", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(first_id, first_id + rows):
            created = start + timedelta(seconds=rng.randrange(span))
            first = created + timedelta(seconds=rng.randrange(10, 7200))
            resolved = first + timedelta(seconds=rng.randrange(60, 172800))
            channel = channels[i % 3]
            answered = rng.random() > 0.05
            writer.writerow(
                [
                    f"C{i:08d}",
                    created.isoformat(),
                    channel,
                    f"q{i % 7}",
                    f"agent{i % 48}",
                    f"cust{rng.randrange(50000)}",
                    ("low", "normal", "high")[i % 3],
                    first.isoformat(),
                    resolved.isoformat() if rng.random() < 0.9 else "",
                    rng.randrange(0, 300),
                    "false" if answered else "true",
                    rng.randrange(60, 900) if answered else "",
                    rng.randrange(0, 120) if answered else "",
                    rng.randrange(0, 180) if answered else "",
                    ("yes", "no", "pending")[rng.randrange(3)],
                    rng.randrange(1, 6) if rng.random() < 0.15 else "",
                    rng.randrange(0, 11) if rng.random() < 0.05 else "",
                    rng.randrange(1, 8) if rng.random() < 0.05 else "",
                    f"team{i % 4}",
                    ("smb", "mid", "enterprise")[i % 3],
                ]
            )


CHILD = """
import sys, time, json, resource
from pathlib import Path
from app.ingest import builtin_profile, ingest_file
from app.store.db import make_engine, upgrade
engine = make_engine(sys.argv[1]); upgrade(engine)
t = time.perf_counter()
s = ingest_file(engine, Path(sys.argv[2]), mapping=builtin_profile("generic"), program_timezone="UTC", author="bench")
seconds = time.perf_counter() - t
importer_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
t = time.perf_counter()
later = ingest_file(engine, Path(sys.argv[3]), mapping=builtin_profile("generic"), program_timezone="UTC", author="bench")
later_seconds = time.perf_counter() - t
status = dict(line.split(":", 1) for line in Path("/proc/self/status").read_text().splitlines() if ":" in line)
print(json.dumps({"seconds": seconds, "imported": s.imported, "read": s.rows_read, "importer_mb": importer_mb,
                  "worker_mb": worker_mb, "later_seconds": later_seconds, "later_imported": later.imported,
                  "later_updated": later.updated, "later_peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "later_anon_mb": int(status["RssAnon"].split()[0]) / 1024, "later_file_mb": int(status["RssFile"].split()[0]) / 1024}))
"""

SMALL_CHILD = """
import sys, time, json
from pathlib import Path
from app.ingest import builtin_profile, importer, ingest_file
from app.store.db import make_engine, upgrade
assert Path(sys.argv[2]).stat().st_size < importer.PARALLEL_MIN_BYTES
engine = make_engine(sys.argv[1]); upgrade(engine)
t = time.perf_counter()
ingest_file(engine, Path(sys.argv[2]), mapping=builtin_profile("generic"), program_timezone="UTC", author="bench")
print(json.dumps({"seconds": time.perf_counter() - t}))
"""
SMALL_ROWS = 45_000


def later_export(first: Path, path: Path, rows: int, later_rows: int, workdir: Path) -> None:
    """What a help desk exports a month later: the last later_rows/2 contacts again, now with the
    CSAT answers and resolutions that came in since (created_at, customer and the rest unchanged),
    and later_rows/2 new contacts."""
    again = later_rows // 2
    csat, resolved = HEADER.index("csat"), HEADER.index("resolved_at")
    rng = random.Random(9)
    with first.open(newline="") as source, path.open("w", newline="") as handle:
        reader, writer = csv.reader(source), csv.writer(handle)
        writer.writerow(next(reader))
        for index, row in enumerate(reader):
            if index < rows - again:
                continue
            if not row[csat]:
                row[csat] = str(rng.randrange(1, 6))
            if not row[resolved]:
                row[resolved] = row[HEADER.index("first_response_at")]
            writer.writerow(row)
    new = workdir / "new.csv"
    generate(new, later_rows - again, seed=8, first_id=rows)
    with new.open(newline="") as source, path.open("a", newline="") as handle:
        next(source)
        handle.writelines(source)


def measured(argv: list[str]) -> dict[str, float]:
    out = subprocess.run(argv, capture_output=True, text=True)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    return json.loads(out.stdout.strip().splitlines()[-1])


def sqlite_floor(csv_path: Path, workdir: Path) -> float:
    db = workdir / f"floor-{uuid.uuid4().hex[:6]}.db"
    script = f".mode csv\n.import {csv_path} contacts\n"
    started = time.perf_counter()
    subprocess.run(["sqlite3", str(db)], input=script, text=True, check=True)
    return time.perf_counter() - started


def ingest_sqlite(csv_path: Path, later_path: Path, workdir: Path) -> dict[str, float]:
    db = workdir / f"cxgov-{uuid.uuid4().hex[:6]}.db"
    return measured(
        [sys.executable, "-c", CHILD, f"sqlite:///{db}", str(csv_path), str(later_path)]
    )


def ingest_postgres(csv_path: Path, later_path: Path) -> dict[str, float]:
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        url = (
            make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={schema}"})
            .render_as_string(hide_password=False)
        )
        return measured([sys.executable, "-c", CHILD, url, str(csv_path), str(later_path)])
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


def _memory(runs: list[dict[str, float]]) -> str:
    importer = max(r["importer_mb"] for r in runs)
    worker = max(r["worker_mb"] for r in runs)
    return (
        f"peak {importer:4.0f} MB importer + {worker:4.0f} MB worker = {importer + worker:4.0f} MB"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "contacts.csv"
        generate(csv_path, args.rows)
        later_rows = max(args.rows // 5, 2)
        later_path = workdir / "later.csv"
        later_export(csv_path, later_path, args.rows, later_rows, workdir)
        size_mb = csv_path.stat().st_size / 1e6
        print(
            f"{args.rows:,} contacts, {size_mb:.0f} MB CSV, {args.repeat} run(s) each, medians; then a later export of "
            f"{later_rows:,} contacts ({later_rows // 2:,} sent again with answers and resolutions that came in since, the rest new)"
        )
        floor = statistics.median(sqlite_floor(csv_path, workdir) for _ in range(args.repeat))
        print(f"  sqlite3 .import (floor)      {floor:7.1f} s")
        backends = [("SQLite", lambda: ingest_sqlite(csv_path, later_path, workdir))]
        if not args.no_postgres:
            backends.append(("PostgreSQL", lambda: ingest_postgres(csv_path, later_path)))
        for name, run in backends:
            runs = [run() for _ in range(args.repeat)]
            seconds = statistics.median(r["seconds"] for r in runs)
            later = statistics.median(r["later_seconds"] for r in runs)
            print(
                f"  cxgov ingest, {name:<14s} {seconds:7.1f} s  {seconds / floor:4.1f}× floor  {_memory(runs)}"
                f"  ({int(runs[0]['imported']):,} imported)"
            )
            print(
                f"    then the later export      {later:7.1f} s  ({int(runs[0]['later_updated']):,} updated, "
                f"{int(runs[0]['later_imported']):,} imported); importer peak {max(r['later_peak_mb'] for r in runs):4.0f} MB, "
                f"at the end {runs[-1]['later_anon_mb']:.0f} MB own memory + {runs[-1]['later_file_mb']:.0f} MB mapped files"
            )
        small = workdir / "small.csv"
        generate(small, SMALL_ROWS)
        seconds = statistics.median(
            measured(
                [
                    sys.executable,
                    "-c",
                    SMALL_CHILD,
                    f"sqlite:///{workdir / f'small-{run}.db'}",
                    str(small),
                ]
            )["seconds"]
            for run in range(5)
        )
        print(f"  {SMALL_ROWS:,} contacts in-process, SQLite {seconds:7.2f} s")


if __name__ == "__main__":
    main()
