"""Import preview benchmark: `cxgov ingest FILE --dry-run` of N contacts (default 1,000,000).

The example program (this repository's program.yaml and goals/) with an empty store, on SQLite
and PostgreSQL. The file is the ingest benchmark's (`ingest_bench.generate`: a year of contacts,
2025). Each run, in a fresh process: `preview_import` — the whole import, the recompute of the
actuals of every month it touches and the program evaluated before and after, in one transaction
that is rolled back — then a check that the store holds no contact, batch or actual; the median
wall time over the runs and the peak resident memory of the previewing process and of its
parsing worker (getrusage). Last, once, the real `import_file` of the same file (the import, then
the recompute, then what it changed) for comparison.

    .venv/bin/python benchmarks/ingest_preview_bench.py [--rows 1000000] [--repeat 3] [--no-postgres]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path
from typing import Any

from ingest_bench import generate  # benchmarks/ingest_bench.py (run as python benchmarks/NAME.py)

REPO = Path(__file__).resolve().parents[1]
PG_URL = os.environ.get(
    "CXGOV_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)

CHILD = """
import sys, time, json, resource
from datetime import date
from pathlib import Path
from sqlalchemy import text
from app.load import load_program
from app.service.imports import choose_mapping, import_file, preview_import
from app.store.db import make_engine, upgrade
engine = make_engine(sys.argv[1]); upgrade(engine)
as_of = date(2026, 1, 15)
program = load_program(Path(sys.argv[3]), today=as_of).program
mapping = choose_mapping(profile="generic").mapping
real = sys.argv[4] == "import"
t = time.perf_counter()
run = import_file if real else preview_import
outcome = run(engine, program, Path(sys.argv[2]), mapping=mapping, author="bench", as_of=as_of)
seconds = time.perf_counter() - t
with engine.connect() as conn:
    stored = {name: conn.execute(text(f"SELECT count(*) FROM {name}")).scalar_one()
              for name in ("contacts", "import_batches", "actuals", "field_issues")}
print(json.dumps({"seconds": seconds, "read": outcome.summary.rows_read,
                  "imported": outcome.summary.imported, "stored": stored,
                  "actual_changes": len(outcome.changes.actuals),
                  "months": len(outcome.computed.months) if outcome.computed else 0,
                  "importer_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                  "worker_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))
"""


def measured(argv: list[str]) -> dict[str, Any]:
    out = subprocess.run(argv, capture_output=True, text=True, cwd=REPO)
    if out.returncode:
        sys.stderr.write(out.stderr)
        raise SystemExit(out.returncode)
    result: dict[str, Any] = json.loads(out.stdout.strip().splitlines()[-1])
    return result


def run_child(url: str, csv_path: Path, mode: str) -> dict[str, Any]:
    return measured([sys.executable, "-c", CHILD, url, str(csv_path), str(REPO), mode])


def sqlite_url(workdir: Path) -> str:
    return f"sqlite:///{workdir / f'cxgov-{uuid.uuid4().hex[:6]}.db'}"


class PostgresSchema:
    """A fresh schema per run, dropped afterwards."""

    def __enter__(self) -> str:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        self.schema = f"bench_{uuid.uuid4().hex[:8]}"
        self.admin = create_engine(PG_URL)
        with self.admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{self.schema}"'))
        return (
            make_url(PG_URL)
            .update_query_dict({"options": f"-csearch_path={self.schema}"})
            .render_as_string(hide_password=False)
        )

    def __exit__(self, *_exc: object) -> None:
        from sqlalchemy import text

        with self.admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{self.schema}" CASCADE'))
        self.admin.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores at the start")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        csv_path = workdir / "contacts.csv"
        generate(csv_path, args.rows)
        print(
            f"{args.rows:,} contacts, {csv_path.stat().st_size / 1e6:.0f} MB CSV, "
            f"{args.repeat} dry run(s) each (medians), then one real import"
        )
        backends = ["SQLite"] + ([] if args.no_postgres else ["PostgreSQL"])
        for name in backends:
            runs = []
            for _ in range(args.repeat):
                if name == "SQLite":
                    runs.append(run_child(sqlite_url(workdir), csv_path, "preview"))
                else:
                    with PostgresSchema() as url:
                        runs.append(run_child(url, csv_path, "preview"))
            left = [r["stored"] for r in runs]
            assert all(not any(stored.values()) for stored in left), left
            seconds = statistics.median(float(r["seconds"]) for r in runs)
            importer = max(float(r["importer_mb"]) for r in runs)
            worker = max(float(r["worker_mb"]) for r in runs)
            print(
                f"  dry run, {name:<10s} {seconds:6.1f} s  peak {importer:4.0f} MB previewing + "
                f"{worker:4.0f} MB worker = {importer + worker:4.0f} MB  "
                f"({int(runs[0]['imported']):,} would be imported, "
                f"{runs[0]['months']} months recomputed, {runs[0]['actual_changes']} actuals "
                "would change; nothing stored)"
            )
            if name == "SQLite":
                real = run_child(sqlite_url(workdir), csv_path, "import")
            else:
                with PostgresSchema() as url:
                    real = run_child(url, csv_path, "import")
            print(
                f"  import,  {name:<10s} {float(real['seconds']):6.1f} s  "
                f"(import_file: the import, then the recompute and what changed)"
            )
    print(f"load average {os.getloadavg()[0]:.2f} at the end")


if __name__ == "__main__":
    main()
