"""Big files are parsed in a worker process while the importer writes: same result, same guarantees."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine

from app.ingest import builtin_profile, chunks, importer, ingest_file
from app.ingest.records import EncodingProblem
from app.store.db import make_engine, upgrade
from app.store.tables import Contact, FieldIssue, ImportBatch, QuarantinedRow

GENERIC = builtin_profile("generic")


def _rows() -> list[dict[str, object]]:
    rows: list[dict[str, object]] = []
    for i in range(300):
        rows.append(
            {
                "contact_id": f"W{i}",
                "created_at": f"2026-02-{i % 28 + 1:02d}T{i % 24:02d}:15:00-05:00",
                "channel": ("phone", "chat", "email")[i % 3],
                "customer_id": f"cust{i % 17}",
                "first_response_at": f"2026-02-{i % 28 + 1:02d}T{i % 24:02d}:45:00-05:00"
                if i % 5
                else "",
                "wait_seconds": i % 90,
                "abandoned": "false" if i % 11 else "true",
                "fcr": ("yes", "no", "pending")[i % 3],
                "csat": i % 5 + 1 if i % 4 else "",
                "nps": 14 if i % 37 == 0 else i % 11,
            }
        )  # an out-of-range NPS now and then: a field issue
    rows[40]["contact_id"] = ""  # missing id: quarantined
    rows[77]["created_at"] = "last tuesday"  # unusable date: quarantined
    for row in rows[250:]:  # naive: counted for the summary's warning, in the worker too
        row["first_response_at"] = str(row["first_response_at"]).removesuffix("-05:00")
    rows[250]["contact_id"] = "W3"  # a repeat of line 5, across chunk boundaries: quarantined
    return rows


def _state(engine: Engine) -> dict[str, Any]:
    with engine.connect() as conn:
        contacts = [
            dict(row)
            for row in conn.execute(
                select(Contact.__table__).order_by(Contact.contact_id)
            ).mappings()
        ]  # type: ignore[attr-defined]
        quarantined = [
            (row.line_number, json.loads(row.raw), json.loads(row.reasons))
            for row in conn.execute(select(QuarantinedRow).order_by(QuarantinedRow.line_number))
        ]
        issues = [
            tuple(row)
            for row in conn.execute(
                select(
                    FieldIssue.line_number,
                    FieldIssue.contact_id,
                    FieldIssue.field,
                    FieldIssue.raw_value,
                    FieldIssue.reason,
                ).order_by(FieldIssue.line_number, FieldIssue.field)
            )
        ]
    for contact in contacts:
        del contact["id"], contact["batch_id"]
    return {"contacts": contacts, "quarantined": quarantined, "issues": issues}


def _row_counts(engine: Engine) -> list[int]:
    """Rows in contacts, import batches, quarantine and field issues."""
    with engine.connect() as conn:
        return [
            conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()  # type: ignore[attr-defined]
            for t in (Contact, ImportBatch, QuarantinedRow, FieldIssue)
        ]


def _ingest(engine: Engine, path: Path, **kwargs: Any) -> Any:
    return ingest_file(
        engine,
        path,
        mapping=GENERIC,
        program_timezone="America/New_York",
        author="w",
        chunk_rows=64,
        **kwargs,
    )


def test_the_worker_gives_exactly_what_parsing_here_gives(
    engine: Engine, write_csv: Callable[..., Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(_rows())
    inline_engine = make_engine(f"sqlite:///{tmp_path / 'inline.db'}")
    upgrade(inline_engine)
    inline = _ingest(inline_engine, path)

    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    started: list[list[str]] = []
    real_popen = subprocess.Popen

    def recording_popen(args: list[str], *rest: Any, **kwargs: Any) -> Any:
        started.append(list(args))
        return real_popen(args, *rest, **kwargs)

    monkeypatch.setattr(chunks.subprocess, "Popen", recording_popen)
    seen: list[int] = []
    parallel = _ingest(engine, path, progress=seen.append)
    assert started == [[sys.executable, "-m", "app.ingest.worker"]]
    assert seen == [64, 128, 192, 256, 300]
    expected = {**inline.as_dict(), "batch_id": parallel.batch_id}
    assert parallel.as_dict() == expected
    assert (parallel.rows_read, parallel.imported, parallel.quarantined) == (300, 297, 3)
    assert parallel.quarantine_reasons == {"missing_id": 1, "bad_created_at": 1, "duplicate_id": 1}
    assert parallel.field_issue_reasons["out_of_range"] == 9
    assert parallel.warnings == [
        "first_response_at mixes timestamps with and without a UTC offset: 199 values with one, "
        "40 values without (read in America/New_York)"
    ]
    assert _state(engine) == _state(inline_engine)


def test_an_error_in_the_worker_is_raised_as_itself_and_nothing_is_kept(
    engine: Engine, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write_csv(_rows())
    with path.open("ab") as handle:
        handle.write(
            b"W900,2026-02-01T10:00:00Z,caf\xe9\n"
        )  # not UTF-8, after a few chunks were written
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    with pytest.raises(EncodingProblem, match=r"line \d+ is not valid UTF-8 \(byte 0xe9\)"):
        _ingest(engine, path)
    assert _row_counts(engine) == [0, 0, 0, 0]


def test_a_failure_before_parsing_begins_stops_the_worker_started_early(
    engine: Engine, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker starts with the import, before the database is touched, so that its start
    overlaps the importer's; an import that fails before handing it the file must still end it."""
    path = write_csv(_rows())
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)
    started: list[subprocess.Popen[bytes]] = []
    real_popen = subprocess.Popen

    def recording_popen(*args: Any, **kwargs: Any) -> Any:
        started.append(real_popen(*args, **kwargs))
        return started[-1]

    def database_gone(*_args: Any) -> bool:
        raise RuntimeError("the database went away")

    monkeypatch.setattr(chunks.subprocess, "Popen", recording_popen)
    monkeypatch.setattr(importer, "_source_is_new", database_gone)
    with pytest.raises(RuntimeError, match="went away"):
        _ingest(engine, path)
    assert len(started) == 1
    assert started[0].returncode is not None  # ended and reaped
    assert _row_counts(engine) == [0, 0, 0, 0]


def test_an_interrupt_stops_the_worker_and_keeps_nothing(
    engine: Engine, write_csv: Callable[..., Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "PARALLEL_MIN_BYTES", 0)

    def interrupt(rows_read: int) -> None:
        assert len(_workers(os.getpid())) == 1
        if rows_read >= 128:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _ingest(engine, write_csv(_rows()), progress=interrupt)
    assert _workers(os.getpid()) == []
    with engine.connect() as conn:
        assert (
            conn.execute(select(func.count()).select_from(ImportBatch.__table__)).scalar_one() == 0
        )  # type: ignore[attr-defined]


def _workers(parent: int) -> list[int]:
    """Pids of running `python -m app.ingest.worker` processes started by `parent` (only this test's
    own: another import on the machine must not count)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().split(b"\0")
            state, ppid = (entry / "stat").read_text().rsplit(") ", 1)[1].split()[:2]
        except (OSError, ValueError):
            continue
        if b"app.ingest.worker" in command and int(ppid) == parent and state != "Z":
            pids.append(int(entry.name))
    return pids


def _running(pids: list[int]) -> list[int]:
    """Those of `pids` still running (a zombie has stopped)."""
    alive = []
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(") ", 1)[1].split()[0]
        except (OSError, IndexError):
            continue
        if state != "Z":
            alive.append(pid)
    return alive


CHILD = """
import sys, time
from pathlib import Path
from app.ingest import builtin_profile, importer, ingest_file
from app.store.db import make_engine

importer.PARALLEL_MIN_BYTES = 0

def halfway(rows_read):
    print(f"progress {rows_read}", flush=True)
    time.sleep(60)

ingest_file(make_engine(sys.argv[1]), Path(sys.argv[2]), mapping=builtin_profile("generic"),
            program_timezone="UTC", author="child", progress=halfway, chunk_rows=64)
"""


@pytest.mark.skipif(
    not Path("/proc/self/cmdline").exists(), reason="finds the worker through /proc (Linux)"
)
def test_sigkill_of_the_importer_leaves_the_database_unchanged_and_no_worker(
    engine: Engine, database_url: str, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        _rows() * 40
    )  # 12,000 rows: the worker is still parsing when the importer dies
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, database_url, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "progress 64"
        workers = _workers(child.pid)
        assert len(workers) == 1
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    deadline = time.monotonic() + 10
    while _running(workers) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _running(workers) == []
    assert _row_counts(engine) == [0, 0, 0, 0]


CTRL_C_CHILD = """
import sys, time
from pathlib import Path
from app.ingest import builtin_profile, importer, ingest_file
from app.store.db import make_engine

importer.PARALLEL_MIN_BYTES = 0

def halfway(rows_read):
    print(f"progress {rows_read}", flush=True)
    time.sleep(0.5)

try:
    ingest_file(make_engine(sys.argv[1]), Path(sys.argv[2]), mapping=builtin_profile("generic"),
                program_timezone="UTC", author="child", progress=halfway, chunk_rows=64)
except KeyboardInterrupt:
    print("interrupted", flush=True)
"""


@pytest.mark.skipif(
    not Path("/proc/self/cmdline").exists(), reason="finds the worker through /proc (Linux)"
)
def test_ctrl_c_to_the_process_group_is_an_interrupt_not_a_parsing_failure(
    engine: Engine, database_url: str, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(_rows() * 40)
    child = subprocess.Popen(
        [sys.executable, "-c", CTRL_C_CHILD, database_url, str(path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
        start_new_session=True,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "progress 64"
        workers = _workers(child.pid)
        assert len(workers) == 1
        os.killpg(
            child.pid, signal.SIGINT
        )  # what a terminal does on Ctrl-C: the importer and its worker
        out, err = child.communicate(timeout=30)
    finally:
        if child.poll() is None:
            child.kill()
    assert out.splitlines()[-1] == "interrupted", err
    assert "Traceback" not in err
    assert _running(workers) == []
    assert _row_counts(engine) == [0, 0, 0, 0]


def test_the_worker_leaves_ctrl_c_to_the_importer() -> None:
    """A SIGINT meant for the whole process group must not end the worker on its own: the importer
    would then see a parsing failure before its own KeyboardInterrupt."""
    worker = subprocess.Popen(
        [sys.executable, "-m", "app.ingest.worker"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    try:
        time.sleep(2.0)  # let it start and block reading its arguments
        worker.send_signal(signal.SIGINT)
        time.sleep(0.3)
        assert worker.poll() is None
    finally:
        worker.kill()
        worker.communicate(timeout=10)


def test_a_worker_whose_importer_left_before_handing_over_the_file_exits_quietly() -> None:
    finished = subprocess.run(
        [sys.executable, "-m", "app.ingest.worker"], input=b"", capture_output=True, timeout=60
    )
    assert (finished.returncode, finished.stdout, finished.stderr) == (1, b"", b"")
