"""Benchmark of `cxgov notify`: 500 goals and 50 contracts over 36 months, against the evaluation.

The program of `evaluate_bench.py` (500 goals, a fifth quarterly, each with a guardrail; 50
contracts with bands, consecutive-miss and pool rules, a cap, earn-back) is given 40 owners, an
access list (5 managers, 5 committee members), an e-mail channel and two chat rooms, and check-ins
for two goals in three. Its 36 months of actuals are written to a SQLite file. Messages go for
real to an SMTP server (aiosmtpd, in a process of its own, as a mail relay would be) and a
webhook server (pytest-httpserver) on 127.0.0.1.

Timed, medians of `--repeat` runs in one process:

- the baseline: `evaluate_at` (read the latest actuals, evaluate the program) — what any reader
  of the program pays;
- a first run: `notify` sending everything (the ledger is emptied before each repetition);
- a rerun: `notify` when everything was sent before (events, routing, the ledger's answer).

"beyond the evaluation" is the run's median minus the baseline's; the aim is under 2 s.

    .venv/bin/python benchmarks/notify_bench.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from _timing import median_seconds
from evaluate_bench import AS_OF, MONTHS, build
from pytest_httpserver import HTTPServer
from sqlalchemy import delete

from app.service.checkins import record_checkin
from app.service.notify import notify
from app.service.program import evaluate_at
from app.spec import ProgramSettings
from app.store.actuals import append_revision
from app.store.checkin_tables import NotifyDelivery
from app.store.db import make_engine, session_scope, upgrade

OWNERS = [f"owner{i}@bench.example" for i in range(40)]
MANAGERS = OWNERS[:5]
COMMITTEE = [f"exec{i}@bench.example" for i in range(5)]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    raise TimeoutError(f"no SMTP server on port {port}")


def program_with_people() -> tuple[Any, list[Any]]:
    program, rows = build(500, 50)
    owned = lambda doc, i: doc.model_copy(  # noqa: E731
        update={"metadata": doc.metadata.model_copy(update={"owner": OWNERS[i % len(OWNERS)]})}
    )
    settings = ProgramSettings.model_validate(
        {
            **program.settings.model_dump(by_alias=True, exclude_none=True),
            "spec": {
                **program.settings.spec.model_dump(by_alias=True, exclude_none=True),
                "checkin_cadence": "fortnightly",
                "app_url": "https://cx.bench.example",
                "access": {
                    "manager": MANAGERS,
                    "committee": COMMITTEE,
                    "agent": ["@bench.example"],
                },
                "notifications": {
                    "channels": [
                        {"id": "email", "type": "email", "url_env": "BENCH_EMAIL"},
                        {"id": "ops", "type": "chat", "url_env": "BENCH_OPS", "role": "manager"},
                        {"id": "floor", "type": "chat", "url_env": "BENCH_FLOOR", "role": "agent"},
                    ],
                },
            },
        }
    )
    program = replace(
        program,
        settings=settings,
        goals={gid: owned(g, i) for i, (gid, g) in enumerate(program.goals.items())},
        contracts={cid: owned(c, i) for i, (cid, c) in enumerate(program.contracts.items())},
    )
    return program, rows


def load(url: str, program: Any, rows: list[Any]) -> Any:
    engine = make_engine(url)
    upgrade(engine)
    with session_scope(engine) as session:
        for row in rows:
            append_revision(
                session,
                metric=row.metric,
                scope_key=row.scope_key,
                period=row.period,
                value=row.value,
                source="computed",
                author="bench",
            )
    moment = datetime.combine(AS_OF - timedelta(days=9), datetime.min.time(), tzinfo=UTC)
    for i, goal_id in enumerate(program.goals):
        if i % 3:
            record_checkin(
                engine,
                program,
                goal_id=goal_id,
                confidence=("on_track", "at_risk", "off_track")[i % 3],
                comment="bench",
                author=OWNERS[i % len(OWNERS)],
                recorded_at=moment,
            )
    return engine


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    program, rows = program_with_people()
    port = free_port()
    relay = subprocess.Popen(  # accepts and discards, like a relay that has queued the mail
        [
            sys.executable,
            "-m",
            "aiosmtpd",
            "-n",
            "-l",
            f"127.0.0.1:{port}",
            "-c",
            "aiosmtpd.handlers.Sink",
        ]
    )
    wait_for(port)
    hooks = HTTPServer(host="127.0.0.1", port=0)
    hooks.start()
    hooks.expect_request("/ops", method="POST").respond_with_data("ok")
    hooks.expect_request("/floor", method="POST").respond_with_data("ok")
    environ = {
        "BENCH_EMAIL": f"mailto://127.0.0.1:{port}?from=cx@bench.example&mode=insecure",
        "BENCH_OPS": f"json://127.0.0.1:{hooks.port}/ops",
        "BENCH_FLOOR": f"json://127.0.0.1:{hooks.port}/floor",
    }
    try:
        with tempfile.TemporaryDirectory() as folder:
            engine = load(f"sqlite:///{Path(folder) / 'bench.db'}", program, rows)

            def empty_ledger() -> None:
                with session_scope(engine) as session:
                    session.execute(delete(NotifyDelivery))

            def first_run() -> Any:
                empty_ledger()
                return notify(engine, program, as_of=AS_OF, environ=environ)

            sent = first_run()
            messages = sum(1 for d in sent.sent if d.recipient.channel == "email")
            evaluate = median_seconds(lambda: evaluate_at(engine, program, AS_OF), args.repeat)
            first = median_seconds(first_run, args.repeat)
            rerun = median_seconds(
                lambda: notify(engine, program, as_of=AS_OF, environ=environ), args.repeat
            )
            again = notify(engine, program, as_of=AS_OF, environ=environ)
    finally:
        relay.terminate()
        relay.wait(timeout=30)
        hooks.stop()
    kinds: dict[str, int] = {}
    for event in sent.events:
        kinds[event.kind] = kinds.get(event.kind, 0) + 1
    deliveries = sum(len(d.event_keys) for d in sent.digests)
    print(
        f"program: {len(program.goals)} goals, {len(program.contracts)} contracts, {MONTHS} months, "
        f"{len(rows)} actuals; as of {AS_OF}; {len(OWNERS)} owners, 3 channels"
    )
    print(f"  events: {len(sent.events)} {kinds}")
    print(
        f"  first run: {len(sent.digests)} digests ({messages} e-mails to a loopback SMTP server, "
        f"{len(sent.digests) - messages} webhook posts), {deliveries} deliveries recorded; "
        f"rerun sends {len(again.digests)}"
    )
    print(f"evaluate_at (baseline)            {evaluate * 1000:8.0f} ms   1.0x")
    print(
        f"notify, first run (sends all)     {first * 1000:8.0f} ms   {first / evaluate:.1f}x   "
        f"beyond the evaluation {max(0.0, first - evaluate) * 1000:.0f} ms"
    )
    print(
        f"notify, rerun (nothing new)       {rerun * 1000:8.0f} ms   {rerun / evaluate:.1f}x   "
        f"beyond the evaluation {max(0.0, rerun - evaluate) * 1000:.0f} ms"
    )
    beyond = max(first, rerun) - evaluate
    print(f"aim: under 2 s beyond the evaluation — {'met' if beyond < 2 else 'MISSED'}")
    print(
        f"measured {date.today()} on {platform.machine()} {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, load average {os.getloadavg()[0]:.1f} "
        f"(medians of {args.repeat})"
    )


if __name__ == "__main__":
    main()
