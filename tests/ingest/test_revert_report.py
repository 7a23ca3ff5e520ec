"""`cxgov ingest revert BATCH` withdraws an import (a new state: nothing lost) and recomputes the
months it touched; `cxgov ingest report [BATCH]` lists its quarantined rows and field issues."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from stale_helpers import mismatches, run_import, stale_program, stored
from typer.testing import CliRunner

from app.cli import app
from app.errors import NotFound, Refused, UsageError
from app.service.imports import batch_report, revert_batch
from app.store.tables import BatchWithdrawal, Contact, ImportBatch, WithdrawnContact

ROOT = Path(__file__).resolve().parents[2]
runner = CliRunner()


def contacts(engine: Engine) -> dict[str, tuple[int, int | None, int | None]]:
    """contact id → (month it was created in, csat, batch)."""
    with engine.connect() as conn:
        rows = conn.execute(
            select(Contact.contact_id, Contact.created_at, Contact.csat, Contact.batch_id)
        ).all()
    return {contact: (created.month, csat, batch) for contact, created, csat, batch in rows}


def test_revert_takes_out_new_contacts_and_restores_changed_ones(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    program = stale_program()
    first = [
        {"contact_id": "X", "created_at": "2026-03-20T12:00:00Z", "csat": 5},
        {"contact_id": "Y", "created_at": "2026-03-21T12:00:00Z", "csat": 4},
    ]
    one = run_import(engine, program, write_csv(first, name="one.csv")).summary.batch_id
    second = [
        {"contact_id": "X", "created_at": "2026-04-02T12:00:00Z", "csat": 1},
        first[1],
        {"contact_id": "Z", "created_at": "2026-04-03T12:00:00Z", "csat": 2},
    ]
    two = run_import(engine, program, write_csv(second, name="two.csv")).summary.batch_id
    assert stored(engine)[("csat", "", "2026-03")] == 100.0
    assert stored(engine)[("csat", "", "2026-04")] == 0.0
    with pytest.raises(
        Refused, match=f"a later import changed its contacts since \\(batch {two}\\)"
    ):
        revert_batch(engine, program, one, author="ana", reason="wrong file")

    done = revert_batch(engine, program, two, author="ana", reason="exported twice")
    assert (done.withdrawn, done.restored) == (1, 1)
    assert done.months == ["2026-02", "2026-03", "2026-04"]
    assert contacts(engine) == {"X": (3, 5, one), "Y": (3, 4, one)}
    values = stored(engine)
    assert values[("csat", "", "2026-03")] == 100.0 and values[("volume", "", "2026-03")] == 2
    assert values[("volume", "", "2026-04")] is None  # no contacts in April any more
    assert mismatches(engine, program) == []
    with engine.connect() as conn:
        kept = conn.execute(
            select(
                WithdrawnContact.contact_id, WithdrawnContact.csat, WithdrawnContact.restored
            ).order_by(WithdrawnContact.contact_id)
        ).all()
        withdrawal = conn.execute(select(BatchWithdrawal)).one()
        batches = conn.execute(select(func.count()).select_from(ImportBatch)).scalar_one()
    assert [tuple(row) for row in kept] == [("X", 1, True), ("Z", 2, False)]
    assert (withdrawal.batch_id, withdrawal.withdrawn_by, withdrawal.reason) == (
        two,
        "ana",
        "exported twice",
    )
    assert batches == 2  # the batch stays on record

    with pytest.raises(Refused, match="already withdrawn by ana"):
        revert_batch(engine, program, two, author="ana", reason="again")
    # now the first import can go too: nothing later changes its contacts any more
    gone = revert_batch(engine, program, one, author="ana", reason="test data")
    assert (gone.withdrawn, gone.restored) == (2, 0)
    assert contacts(engine) == {}
    assert mismatches(engine, program) == []
    # and the same file imported again comes back as new contacts
    again = run_import(engine, program, write_csv(first, name="one.csv"))
    assert again.summary.imported == 2
    assert mismatches(engine, program) == []


def test_revert_refusals(engine: Engine) -> None:
    program = stale_program()
    with pytest.raises(NotFound, match="no import batch 9"):
        revert_batch(engine, program, 9, author="ana", reason="x")
    with pytest.raises(UsageError, match="--reason"):
        revert_batch(engine, program, 9, author="ana", reason="  ")
    with pytest.raises(NotFound, match="nothing imported yet"):
        batch_report(engine)


@pytest.fixture
def root(
    tmp_path: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Path:
    program = tmp_path / "program"
    program.mkdir()
    shutil.copy(ROOT / "program.yaml", program / "program.yaml")
    shutil.copytree(ROOT / "goals", program / "goals")
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return program


def test_ingest_report_and_revert_on_the_command_line(
    root: Path, engine: Engine, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": "A", "created_at": "2026-07-01T09:00:00Z", "csat": 5},
            {"contact_id": "B", "created_at": "2026-07-02T09:00:00Z", "csat": 9},
            {"contact_id": "", "created_at": "2026-07-03T09:00:00Z"},
        ]
    )
    imported = runner.invoke(app, ["ingest", str(path), "--format", "json", "--root", str(root)])
    assert imported.exit_code == 1  # a quarantined row
    batch = json.loads(imported.stdout)["batch_id"]
    assert json.loads(imported.stdout)["months_touched"] == ["2026-06", "2026-07"]

    report = runner.invoke(app, ["ingest", "report", "--format", "json", "--root", str(root)])
    assert report.exit_code == 0, report.output
    found = json.loads(report.stdout)
    assert (found["batch"], found["quarantined"], found["field issues"]) == (batch, 1, 1)
    assert [row["line"] for row in found["quarantined_rows"]] == [4]
    assert found["quarantined_rows"][0]["reasons"].startswith("missing_id")
    assert [
        (row["line"], row["contact"], row["field"], row["value"])
        for row in found["field_issue_rows"]
    ] == [(3, "B", "csat", "9")]
    assert found["withdrawn"] is None
    text = runner.invoke(app, ["ingest", "report", str(batch), "--root", str(root)])
    assert text.exit_code == 0, text.output
    assert f"import batch {batch}: contacts.csv (generic)" in text.stdout
    assert "quarantined rows (1 row)" in text.stdout and "missing_id" in text.stdout
    assert "field issues (1 field left blank)" in text.stdout
    assert "line       3  B  csat = '9'" in text.stdout
    missing = runner.invoke(app, ["ingest", "report", "99", "--root", str(root)])
    assert missing.exit_code == 1 and "no import batch 99" in missing.output

    no_reason = runner.invoke(app, ["ingest", "revert", str(batch), "--root", str(root)])
    assert no_reason.exit_code == 2
    reverted = runner.invoke(
        app,
        [
            "ingest",
            "revert",
            str(batch),
            "--reason",
            "test file",
            "--by",
            "ana",
            "--root",
            str(root),
        ],
    )
    assert reverted.exit_code == 0, reverted.output
    assert reverted.stdout.startswith(
        f"withdrew import batch {batch}: 2 contacts taken out, 0 contacts given their previous values back"
    )
    assert "months touched  2026-06 … 2026-07" in reverted.stdout
    after = runner.invoke(app, ["ingest", "report", "--format", "json", "--root", str(root)])
    withdrawn = json.loads(after.stdout)["withdrawn"]
    assert (withdrawn["by"], withdrawn["reason"], withdrawn["contacts_withdrawn"]) == (
        "ana",
        "test file",
        2,
    )
    twice = runner.invoke(
        app, ["ingest", "revert", str(batch), "--reason", "x", "--root", str(root)]
    )
    assert twice.exit_code == 1 and "already withdrawn" in twice.output
    check = runner.invoke(app, ["actuals", "compute", "--check", "--root", str(root)])
    assert check.exit_code == 0, check.output


def test_ingest_file_keeps_working_under_its_own_name(
    root: Path, write_csv: Callable[..., Path]
) -> None:
    path = write_csv([{"contact_id": "A", "created_at": "2026-07-01T09:00:00Z"}])
    named = runner.invoke(app, ["ingest", "file", str(path), "--root", str(root)])
    assert named.exit_code == 0, named.output
    assert "imported             1" in named.stdout
    options_first = runner.invoke(
        app, ["ingest", "--profile", "generic", str(path), "--root", str(root)]
    )
    assert options_first.exit_code == 0, options_first.output
    assert "unchanged            1" in options_first.stdout
    helped = runner.invoke(app, ["ingest", "--help"])
    assert helped.exit_code == 0 and "report" in helped.stdout and "revert" in helped.stdout
