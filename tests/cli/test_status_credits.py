"""`cxgov status` and `cxgov credits` on a small program and a real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import app
from app.store.actuals import append_revision
from app.store.db import session_scope

PROGRAM = """
apiVersion: cxgov/v1
kind: Program
metadata: {id: tiny, title: Tiny program}
spec: {name: Tiny CX program, start_date: 2026-07-01, timezone: UTC, currency: USD}
"""
METRICS = """
apiVersion: cxgov/v1
kind: Metric
metadata: {id: csat, title: CSAT}
spec: {unit: percent, better: higher, calculation: {type: manual}, definition: Share of 4-5 answers.}
---
apiVersion: cxgov/v1
kind: Metric
metadata: {id: frt_chat, title: Chat first response}
spec: {unit: seconds, better: lower, calculation: {type: manual}, definition: Median chat first response.}
"""
GOALS = """
apiVersion: cxgov/v1
kind: Goal
metadata: {id: csat_to_85, title: CSAT from 78 to 85}
spec:
  metric: csat
  baseline: {value: 78, period: 2026-06}
  target: {value: 85, by: 2027-03-31}
  pillar: process
---
apiVersion: cxgov/v1
kind: Goal
metadata: {id: qa_scorecard, title: QA scorecard drafted}
spec:
  deliverable: {due: 2026-09-30}
  pillar: people
"""
SLA = """
apiVersion: cxgov/v1
kind: SLAContract
metadata: {id: acme, title: Acme support}
spec:
  counterparty: Acme Corp
  currency: USD
  monthly_fee: 40000
  effective: {from: 2026-07-01}
  measurement: {timezone: UTC}
  objectives:
    - {id: chat_first_response, title: chat first response, metric: frt_chat, target: 30}
  credits:
    rules:
      - {type: consecutive_misses, count: 2, percent: 5}
    cap: {percent_of_fee: 20}
"""
ROADMAP = """
apiVersion: cxgov/v1
kind: Roadmap
metadata: {id: plan, title: Plan}
spec:
  phases:
    - id: days_0_30
      title: Foundations
      from_day: 0
      to_day: 30
      items:
        - {id: dashboards, title: Dashboards, due_day: 30, status: done}
        - {id: top3, title: Fix top 3 issues, due: 2026-09-01, goals: [csat_to_85]}
"""
ACTUALS = {
    ("csat", "2026-07"): 79.0,
    ("csat", "2026-08"): 80.0,
    ("csat", "2026-09"): 80.5,
    ("frt_chat", "2026-07"): 25.0,
    ("frt_chat", "2026-08"): 40.0,
    ("frt_chat", "2026-09"): 45.0,
    ("frt_chat", "2026-10"): 50.0,
}

runner = CliRunner()


@pytest.fixture
def root(
    tmp_path: Path, engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> Path:
    (tmp_path / "goals").mkdir()
    (tmp_path / "roadmap").mkdir()
    (tmp_path / "program.yaml").write_text(PROGRAM)
    (tmp_path / "goals" / "metrics.yaml").write_text(METRICS)
    (tmp_path / "goals" / "goals.yaml").write_text(GOALS)
    (tmp_path / "goals" / "sla.yaml").write_text(SLA)
    (tmp_path / "roadmap" / "roadmap.yaml").write_text(ROADMAP)
    with session_scope(engine) as session:
        for (metric, period), value in ACTUALS.items():
            append_revision(
                session,
                metric=metric,
                scope_key="",
                period=period,
                value=value,
                source="manual",
                author="test",
            )
        # a correction: the latest revision is the one evaluated
        append_revision(
            session,
            metric="csat",
            scope_key="",
            period="2026-09",
            value=80.5,
            source="manual",
            author="test",
            reason="late survey answers",
        )
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return tmp_path


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return runner.invoke(app, list(args))


def test_status_json(root: Path) -> None:
    result = invoke("status", str(root), "--as-of", "2026-10-15", "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["as_of"] == "2026-10-15" and data["open_period"] == "2026-10"
    goals = {g["goal_id"]: g for g in data["goals"]}
    csat = goals["csat_to_85"]
    assert (
        csat["status"] == "on_track"
        and csat["judged_period"] == "2026-09"
        and csat["actual"] == 80.5
    )
    assert csat["planned"] == pytest.approx(78 + 7 * 3 / 9)
    assert csat["forecast"]["points_used"] == 3 and csat["forecast_reaches_target"] is True
    assert goals["qa_scorecard"]["status"] == "overdue"
    assert data["rollup"]["overall"] == {"overdue": 1, "on_track": 1}
    assert [i["item_id"] for i in data["roadmap"]["slipping"]] == ["top3"]
    assert data["roadmap"]["goals_at_stake"] == {"csat_to_85": ["top3"]}


def test_status_text(root: Path) -> None:
    result = invoke("status", str(root), "--as-of", "2026-10-15")
    assert result.exit_code == 0, result.output
    assert "Goals: 2 — 1 overdue, 1 on track" in result.output
    assert "csat_to_85" in result.output and "reaches 85" in result.output
    assert "overdue: top3" in result.output


def test_credits_json_for_a_closed_period(root: Path) -> None:
    result = invoke(
        "credits", str(root), "--period", "2026-09", "--as-of", "2026-10-15", "--format", "json"
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    [acme] = data["contracts"]
    [row] = acme["objectives"]
    assert (row["value"], row["target"], row["outcome"], row["consecutive_misses"]) == (
        45.0,
        30.0,
        "missed",
        2,
    )
    assert acme["credit"]["amount"] == "2000.00" and acme["credit"]["percent_of_fee"] == 5.0
    # owed for September, at risk in October (month to date 50 s), projected for November (trend +10 s a month)
    assert (acme["owed"], acme["at_risk"], acme["projected"]) == ("2000.00", "2000.00", "2000.00")
    assert data["exposure"]["total"] == "6000.00" and data["exposure"]["currency"] == "USD"


def test_credits_text_defaults_to_the_last_closed_month(root: Path) -> None:
    result = invoke("credits", str(root), "--as-of", "2026-10-15")
    assert result.exit_code == 0, result.output
    assert "SLA credits for 2026-09 (closed)" in result.output
    assert (
        "chat first response missed in Aug 2026 and Sep 2026: 2 consecutive misses (credit from 2) → "
        "5 % of $40,000 = $2,000; monthly cap 20 % ($8,000) not reached"
    ) in result.output
    assert "invoicing: owed, not issued: $2,000" in result.output
    assert (
        "Total: owed $2,000, provisional $0, at risk $2,000, projected $2,000 — exposure $6,000"
    ) in result.output


@pytest.mark.parametrize(
    "args",
    [
        ("status", "--as-of", "2026-13-01"),
        ("credits", "--period", "2026/09"),
        ("status", "--format", "xml"),
    ],
)
def test_usage_errors_exit_2(root: Path, args: tuple[str, ...]) -> None:
    result = invoke(args[0], str(root), *args[1:])
    assert result.exit_code == 2


def test_a_broken_program_exits_1(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CXGOV_DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    (tmp_path / "program.yaml").write_text(
        "apiVersion: cxgov/v1\nkind: Program\nmetadata: {id: x}\n"
    )
    result = invoke("status", str(tmp_path), "--as-of", "2026-10-15")
    assert result.exit_code == 1


def test_the_example_program_evaluates(
    engine: Engine, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The repository's own program, with an empty store: every goal is judged, nothing crashes."""
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    repo = Path(__file__).resolve().parents[2]
    status = invoke("status", str(repo), "--as-of", "2026-11-15", "--format", "json")
    assert status.exit_code == 0, status.output
    goals = json.loads(status.output)["goals"]
    assert goals and all(
        g["status"] in ("no_data", "on_track", "due", "overdue", "done", "done_late") for g in goals
    )
    credits = invoke("credits", str(repo), "--as-of", "2026-11-15", "--format", "json")
    assert credits.exit_code == 0, credits.output
    contracts = json.loads(credits.output)["contracts"]
    assert contracts and all(
        row["outcome"] == "unmeasured" for c in contracts for row in c["objectives"]
    )


def test_a_root_that_is_not_a_folder_is_a_usage_error(tmp_path: Path) -> None:
    assert invoke("status", str(tmp_path / "missing")).exit_code == 2
