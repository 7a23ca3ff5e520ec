"""`cxgov ingest FILE --dry-run`: the report in text and json, nothing stored; the real import's
summary then lists the same changes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from typer.testing import CliRunner
from ui.pagekit import copy_program

from app.cli import app

runner = CliRunner()
CSV = (
    "contact_id,created_at,channel,priority,segment,resolved_at,csat\n"
    "H1,2026-10-05T10:00:00-07:00,email,critical,harborline,2026-10-05T11:00:00-07:00,\n"
    "C1,2026-10-06T10:00:00-07:00,chat,high,,2026-10-06T10:10:00-07:00,5\n"
    "C2,2026-10-07T10:00:00-07:00,Web Widget,high,,2026-10-07T11:00:00-07:00,9\n"
)


@pytest.fixture
def root(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return copy_program(tmp_path / "program")


def contacts(database_url: str) -> int:
    from app.store.db import get_engine

    with get_engine(database_url).connect() as conn:
        return int(conn.execute(select(func.count()).select_from(text("contacts"))).scalar_one())


def test_dry_run_json_reports_and_stores_nothing(
    root: Path, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "october.csv"
    path.write_text(CSV)
    result = runner.invoke(
        app, ["ingest", str(path), "--dry-run", "--format", "json", "--root", str(root)]
    )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["dry_run"] is True and "batch_id" not in report
    assert (report["rows_read"], report["imported"], report["field_issues"]) == (3, 3, 1)
    assert report["facts"]["months"] == {"2026-10": 3}
    assert report["examples"]["out_of_range"][0]["line"] == 4
    assert any("web_widget (1)" in warning for warning in report["warnings"])
    csat = [
        a
        for a in report["changes"]["actuals"]
        if a["metric"] == "csat" and a["scope_key"] == "channel=chat,email,phone"
    ]
    assert [(a["period"], a["old"], a["new"]) for a in csat] == [("2026-10", None, 100.0)]
    assert contacts(database_url) == 0


def test_dry_run_text_then_the_import_lists_the_same_changes(
    root: Path, tmp_path: Path, database_url: str
) -> None:
    path = tmp_path / "october.csv"
    path.write_text(CSV)
    result = runner.invoke(app, ["ingest", str(path), "--dry-run", "--root", str(root)])
    assert result.exit_code == 0, result.output
    assert "a preview: nothing was imported" in result.stdout
    assert "line       4  out_of_range: csat must be 1–5" in result.stdout
    assert "channel values no scope of the program names: web_widget (1)" in result.stdout
    assert "actual csat [channel chat or email or phone] 2026-10: — → 100.0 %" in result.stdout
    preview_lines = [line for line in result.stdout.splitlines() if line.startswith("  actual ")]
    assert contacts(database_url) == 0

    done = runner.invoke(app, ["ingest", str(path), "--root", str(root)])
    assert done.exit_code == 0, done.output
    assert "this import changed" in done.stdout
    assert [line for line in done.stdout.splitlines() if line.startswith("  actual ")] == (
        preview_lines
    )
    assert contacts(database_url) == 3


def test_dry_run_with_no_compute_is_a_usage_error(root: Path, tmp_path: Path) -> None:
    path = tmp_path / "october.csv"
    path.write_text(CSV)
    result = runner.invoke(
        app, ["ingest", str(path), "--dry-run", "--no-compute", "--root", str(root)]
    )
    assert result.exit_code == 2
    assert "--dry-run previews the import with its recompute" in result.output
