"""`cxgov review` on the example program: open (idempotent), start, show, close refusals, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner
from ui.pagekit import copy_program, record_known_actuals

from app.cli import app


@pytest.fixture
def root(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    from app.store.db import ENV_VAR, get_engine, upgrade

    monkeypatch.setenv(ENV_VAR, database_url)
    upgrade(get_engine(database_url))
    record_known_actuals(get_engine(database_url))
    return copy_program(tmp_path / "program")


def run(root: Path, *args: str) -> object:
    return CliRunner().invoke(app, ["review", *args, "--root", str(root)])


def test_open_is_idempotent_and_show_prints_the_pack(root: Path) -> None:
    first = run(root, "open", "--period", "2026-10", "--author", "scheduler")
    assert (
        first.exit_code == 0 and "Opened the monthly review of 2026-10 as a draft" in first.output
    )
    again = run(root, "open", "--period", "2026-10")
    assert again.exit_code == 0 and "already exists (draft); nothing changed" in again.output
    shown = run(root, "show", "--period", "2026-10", "--format", "json")
    assert shown.exit_code == 0
    document = json.loads(shown.output)
    assert document["review"]["status"] == "draft" and document["frozen"] is False
    assert document["pack"]["months"] == ["2026-10"] and document["pack"]["as_of"] == "2026-11-01"
    csat = next(g for g in document["pack"]["goals"] if g["goal_id"] == "csat_to_85")
    assert csat["actual"] == 80.8
    text = run(root, "show", "--period", "2026-10")
    assert text.exit_code == 0 and "## SLA misses" in text.output


def test_close_names_what_is_missing_and_exits_1(root: Path) -> None:
    assert run(root, "open", "--period", "2026-10").exit_code == 0
    draft = run(root, "close", "--period", "2026-10")
    assert draft.exit_code == 1 and "is a draft; start its meeting" in draft.output
    assert run(root, "start", "--period", "2026-10").exit_code == 0
    refused = run(root, "close", "--period", "2026-10")
    assert refused.exit_code == 1
    assert (
        "SLA miss brightwater_support/phone_service_level in 2026-10: no root cause"
        in refused.output
    )


def test_quarter_and_usage_errors(root: Path) -> None:
    qbr = run(root, "open", "--period", "2026-08", "--quarter")
    assert qbr.exit_code == 0 and "quarterly review of 2026-09" in qbr.output
    assert run(root, "show", "--period", "2026-13").exit_code == 2
    missing = run(root, "show", "--period", "2026-05")
    assert missing.exit_code == 1 and "cxgov review open --period 2026-05" in missing.output
