"""`cxgov kpi` and `cxgov actuals compute` through the real Typer app, on the example catalogue."""

from __future__ import annotations

import json
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest
from metrics_builders import contact, contacts, insert_contacts
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]
CONTACT_METRICS = {
    "csat",
    "nps",
    "ces",
    "fcr",
    "aht",
    "service_level",
    "abandonment_rate",
    "frt_chat",
    "frt_chat_30s",
    "frt_email",
    "escalation_ack",
    "critical_resolution",
    "backlog",
    "contact_volume",
}


@pytest.fixture
def root(
    tmp_path: Path, database_url: str, engine: Engine, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """The example program (settings, catalogue, goals, SLA contracts) on the test database."""
    shutil.copy(ROOT / "program.yaml", tmp_path / "program.yaml")
    shutil.copytree(ROOT / "goals", tmp_path / "goals")
    monkeypatch.setenv("CXGOV_DATABASE_URL", database_url)
    return tmp_path


def run(root: Path, *args: str) -> tuple[int, str]:
    result = runner.invoke(app, [*args, "--root", str(root)])
    return result.exit_code, result.output


def seed(engine: Engine) -> None:
    march = datetime(2026, 3, 10, 17, tzinfo=UTC)
    rows = contacts(3, created_at=march, channel="chat", csat=5, customer_id=None)
    rows += contacts(
        1, created_at=march, channel="phone", csat=2, wait_seconds=12.0, abandoned=False
    )
    rows.append(contact(datetime(2026, 4, 2, 17, tzinfo=UTC), channel="email", csat=4))
    insert_contacts(engine, rows)


def test_kpi_json_lists_every_contact_metric_with_the_documented_keys(
    root: Path, engine: Engine
) -> None:
    seed(engine)
    code, out = run(root, "kpi", "--period", "2026-03", "--format", "json")
    assert code == 0, out
    values = json.loads(out)
    assert {value["metric"] for value in values} == CONTACT_METRICS
    assert all(
        set(value)
        == {"metric", "period", "scope", "value", "numerator", "denominator", "sample_size"}
        for value in values
    )
    csat = next(value for value in values if value["metric"] == "csat")
    assert (
        csat["period"],
        csat["scope"],
        csat["value"],
        csat["numerator"],
        csat["denominator"],
    ) == ("2026-03", {}, 75.0, 3, 4)
    service_level = next(value for value in values if value["metric"] == "service_level")
    assert (service_level["scope"], service_level["value"]) == ({"channel": "phone"}, 100.0)
    nps = next(value for value in values if value["metric"] == "nps")
    assert (nps["value"], nps["sample_size"]) == (None, 0)


def test_kpi_by_channel_in_text(root: Path, engine: Engine) -> None:
    seed(engine)
    code, out = run(root, "kpi", "--period", "2026-03", "--by", "channel", "--metric", "csat")
    assert code == 0, out
    assert "channel=chat" in out and "100.0 %" in out and "channel=phone" in out and "0.0 %" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("kpi", "--period", "March"), "YYYY-MM"),
        (("kpi", "--period", "2026-03", "--by", "agent"), "choose one of"),
        (("kpi", "--period", "2026-03", "--metric", "nope"), "not in the catalogue"),
        (("actuals", "compute", "--from", "2026-05", "--to", "2026-03"), "before"),
    ],
)
def test_bad_options_exit_2(root: Path, args: tuple[str, ...], message: str) -> None:
    code, out = run(root, *args)
    assert code == 2 and message in out


def test_actuals_compute_defaults_to_the_months_with_contacts_and_is_idempotent(
    root: Path, engine: Engine
) -> None:
    code, out = run(root, "actuals", "compute")
    assert code == 0 and "no contacts imported yet" in out
    seed(engine)
    code, out = run(root, "actuals", "compute", "--format", "json")
    assert code == 0, out
    first = json.loads(out)
    assert (
        first["months"] == ["2026-03", "2026-04"]
        and first["recorded"] > 0
        and first["revised"] == 0
    )
    code, out = run(root, "actuals", "compute", "--format", "json")
    second = json.loads(out)
    assert (second["recorded"], second["revised"], second["unchanged"]) == (0, 0, first["recorded"])
    code, out = run(root, "actuals", "history", "csat", "--format", "json")
    assert [(row["period"], row["value"], row["source"]) for row in json.loads(out)] == [
        ("2026-03", 75.0, "computed"),
        ("2026-04", 100.0, "computed"),
    ]
