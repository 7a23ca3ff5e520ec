"""`cxgov db` and `cxgov actuals record/history` through the real Typer app."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def program(
    tmp_path: Path, database_url: str, engine: object, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """A copy of the example program's settings and catalogue, on the test database."""
    (tmp_path / "goals").mkdir()
    (tmp_path / "program.yaml").write_text((ROOT / "program.yaml").read_text())
    (tmp_path / "goals" / "metrics.yaml").write_text((ROOT / "goals" / "metrics.yaml").read_text())
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return tmp_path


def run(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.output


def test_db_upgrade_and_status(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CXGOV_DATABASE_URL", raising=False)
    code, out = run("db", "status", "--root", str(tmp_path), "--format", "json")
    assert code == 0 and json.loads(out)["up_to_date"] is False
    assert json.loads(out)["exists"] is False
    assert not (tmp_path / ".cxgov" / "cxgov.db").exists(), "asking for the status creates nothing"
    code, out = run("db", "upgrade", "--root", str(tmp_path))
    assert code == 0 and "upgraded schema (empty) →" in out
    code, out = run("db", "upgrade", "--root", str(tmp_path))
    assert code == 0 and "already at schema" in out
    code, out = run("db", "status", "--root", str(tmp_path), "--format", "json")
    assert json.loads(out)["up_to_date"] is True and json.loads(out)["exists"] is True


def test_record_correct_and_show_history(program: Path) -> None:
    root = ("--root", str(program))
    code, out = run(
        "actuals", "record", "csat", "--period", "2026-07", "--value", "81.5", "--by", "ana", *root
    )
    assert code == 0, out
    assert "revision 1" in out
    code, out = run(
        "actuals", "record", "csat", "--period", "2026-07", "--value", "82", "--by", "ben", *root
    )
    assert code == 1 and "needs a reason" in out
    code, out = run(
        "actuals",
        "record",
        "csat",
        "--period",
        "2026-07",
        "--value",
        "82",
        "--by",
        "ben",
        "--reason",
        "late survey answers",
        "--expected-revision",
        "1",
        *root,
    )
    assert code == 0, out
    code, out = run(
        "actuals",
        "record",
        "csat",
        "--period",
        "2026-07",
        "--value",
        "79",
        "--by",
        "cy",
        "--reason",
        "stale page",
        "--expected-revision",
        "1",
        *root,
    )
    assert code == 1 and "is at revision 2, not 1" in out
    code, out = run("actuals", "history", "csat", "--format", "json", *root)
    rows = json.loads(out)
    assert [(r["revision"], r["value"], r["author"], r["reason"]) for r in rows] == [
        (1, 81.5, "ana", None),
        (2, 82.0, "ben", "late survey answers"),
    ]
    code, out = run("actuals", "history", "csat", *root)
    assert code == 0 and "rev 2" in out and "late survey answers" in out


def test_record_refuses_unknown_metric_bad_value_and_bad_usage(program: Path) -> None:
    root = ("--root", str(program))
    code, out = run("actuals", "record", "happiness", "--period", "2026-07", "--value", "5", *root)
    assert code == 1 and "no metric 'happiness'" in out
    code, out = run("actuals", "record", "csat", "--period", "2026-07", "--value", "120", *root)
    assert code == 1 and "expected 0–100" in out
    code, out = run("actuals", "record", "csat", "--period", "July", "--value", "80", *root)
    assert code == 2 and "YYYY-MM" in out
    code, out = run(
        "actuals",
        "record",
        "csat",
        "--period",
        "2026-07",
        "--value",
        "80",
        "--scope",
        "colour=red",
        *root,
    )
    assert code == 2 and "--scope" in out and "dimensions are" in out


def test_scoped_value_is_stored_under_the_scope_key(program: Path) -> None:
    root = ("--root", str(program))
    code, out = run(
        "actuals",
        "record",
        "csat",
        "--period",
        "2026-07",
        "--value",
        "90",
        "--scope",
        "channel=chat",
        "--format",
        "json",
        *root,
    )
    assert code == 0, out
    assert json.loads(out)["scope"] == "channel=chat"
    code, out = run(
        "actuals", "history", "csat", "--scope", "channel=chat", "--format", "json", *root
    )
    assert [r["value"] for r in json.loads(out)] == [90.0]
