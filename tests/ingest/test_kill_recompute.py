"""A kill between the import's commit and its recompute: the contacts are in, the months they
touched are owed a recompute, `actuals compute --check` says so, and the next command that reads
the actuals (`cxgov status`) recomputes them first."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import app
from app.store.tables import Actual, Contact, RecomputeOwed

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()

CHILD = """
import sys, time
from pathlib import Path
import app.service.imports as imports
from app.ingest import builtin_profile
from app.service.database import open_url
from app.service.program import valid_program

def killed_here(engine, program, *, author):
    print("committed", flush=True)
    time.sleep(60)  # the import has committed; its recompute has not begun: now kill me

imports.recompute_owed = killed_here
imports.import_file(open_url(sys.argv[1]), valid_program(Path(sys.argv[3])), Path(sys.argv[2]),
                    mapping=builtin_profile("generic"), author="child")
"""


@pytest.fixture
def program_root(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "program"
    root.mkdir()
    shutil.copy(ROOT / "program.yaml", root / "program.yaml")
    shutil.copytree(ROOT / "goals", root / "goals")
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return root


def count(engine: Engine, table: type) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_kill_before_the_recompute_is_repaired_by_the_next_reader(
    engine: Engine, database_url: str, program_root: Path, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {
                "contact_id": f"K{i}",
                "created_at": f"2026-07-{1 + i % 20:02d}T09:00:00Z",
                "channel": "chat",
                "csat": 5 if i % 3 else 2,
            }
            for i in range(60)
        ]
    )
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, database_url, str(path), str(program_root)],
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "committed"
        child.send_signal(signal.SIGKILL)
    finally:
        child.wait(timeout=30)
    assert child.returncode == -signal.SIGKILL
    assert count(engine, Contact) == 60
    assert count(engine, Actual) == 0
    with engine.connect() as conn:
        owed = sorted(set(conn.execute(select(RecomputeOwed.period)).scalars()))
    assert owed == ["2026-06", "2026-07"]  # July, and June within the 7-day repeat window

    check = runner.invoke(
        app, ["actuals", "compute", "--check", "--format", "json", "--root", str(program_root)]
    )
    assert check.exit_code == 1, check.output
    found = json.loads(check.stdout)
    assert found["up_to_date"] is False and found["owed"] == ["2026-06", "2026-07"]
    assert {"metric": "csat", "scope_key": "channel=chat,email,phone", "period": "2026-07"} in [
        {key: item[key] for key in ("metric", "scope_key", "period")} for item in found["stale"]
    ]
    text = runner.invoke(app, ["actuals", "compute", "--check", "--root", str(program_root)])
    assert text.exit_code == 1
    assert "owed a recompute (an import or a withdrawal did not finish it): 2026-06, 2026-07" in (
        text.stdout
    )

    status = runner.invoke(app, ["status", str(program_root)])
    assert status.exit_code == 0, status.output
    assert count(engine, RecomputeOwed) == 0 and count(engine, Actual) > 0
    after = runner.invoke(app, ["actuals", "compute", "--check", "--root", str(program_root)])
    assert after.exit_code == 0, after.output
    assert after.stdout.startswith("up to date: the stored actuals equal the contacts' values")
