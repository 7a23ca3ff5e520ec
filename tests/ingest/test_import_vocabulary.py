"""Values outside the program's vocabulary: the shipped profiles map the help desks' values onto
the catalogue's, the import summary counts what a value map does not name, and `cxgov validate`
warns about a scope no import can fill (both example contracts' critical-resolution and
escalation objectives were empty with the shipped profiles, without a word)."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from app.cli import app as cli
from app.cli.ingest import format_summary
from app.ingest import builtin_profile, ingest_file
from app.ingest.vocabulary import shipped_profiles, vocabulary_of
from app.store.tables import Contact

REPO = Path(__file__).resolve().parents[2]
runner = CliRunner()


def test_the_shipped_profiles_store_the_shipped_catalogues_vocabulary() -> None:
    vocabulary = vocabulary_of(shipped_profiles())
    assert vocabulary.values["channel"] == {"phone", "chat", "email", "social"}
    assert vocabulary.values["priority"] == {"low", "medium", "high", "critical"}
    assert set(vocabulary.free["queue"]) == {
        "freshdesk",
        "zendesk",
        "zendesk-explore",
        "zendesk-us",
    }
    assert set(vocabulary.free["segment"]) == set(vocabulary.free["queue"])


ZENDESK_HEADER = "Id,Created at,Via,Priority,Group,Organization,Status,Satisfaction Score\n"
ZENDESK_ROWS = [
    "1,2026-03-04 09:15:00 +0100,Web Widget,Urgent,Escalations,Brightwater,Solved,Good",
    "2,2026-03-04 10:00:00 +0100,API,Normal,Account Access,Harborline,Open,",
    "3,2026-03-04 11:00:00 +0100,Mobile SDK,urgent,escalations,Brightwater,Closed,Bad",
    "4,2026-03-04 12:00:00 +0100,WhatsApp,High,Billing,,Pending,Offered",
    "5,2026-03-04 13:00:00 +0100,Phone,Low,Billing,,Hold,",
    "6,2026-03-04 14:00:00 +0100,Carrier pigeon,Low,Billing,,New,",
    "7,2026-03-04 15:00:00 +0100,Carrier pigeon,Low,Billing,,New,",
    "8,2026-03-04 16:00:00 +0100,Sample ticket,Low,Billing,,New,",
]


def test_zendesk_values_land_in_the_catalogues_scopes(engine: Engine, tmp_path: Path) -> None:
    path = tmp_path / "zendesk.csv"
    path.write_text(ZENDESK_HEADER + "\n".join(ZENDESK_ROWS) + "\n", encoding="utf-8")
    summary = ingest_file(
        engine, path, mapping=builtin_profile("zendesk"), program_timezone="UTC", author="t"
    )
    assert summary.imported == 8
    assert summary.as_dict()["unmapped_values"] == {
        "channel": {"Carrier pigeon": 2, "Sample ticket": 1}
    }
    with engine.connect() as conn:
        rows = {
            row.contact_id: row
            for row in conn.execute(
                select(
                    Contact.contact_id,
                    Contact.channel,
                    Contact.priority,
                    Contact.queue,
                    Contact.segment,
                    Contact.status,
                    Contact.csat,
                )
            )
        }
        critical_escalations = conn.execute(
            select(func.count()).where(
                Contact.priority == "critical", Contact.queue == "escalations"
            )
        ).scalar_one()
    assert [rows[str(i)].channel for i in range(1, 9)] == [
        "email",
        "email",
        "email",
        "chat",
        "phone",
        "carrier_pigeon",
        "carrier_pigeon",
        "sample_ticket",
    ]
    assert [rows[str(i)].priority for i in range(1, 6)] == [
        "critical",
        "medium",
        "critical",
        "high",
        "low",
    ]
    assert rows["2"].queue == "account_access" and rows["1"].segment == "brightwater"
    assert [rows[str(i)].status for i in range(1, 7)] == [
        "solved",
        "open",
        "closed",
        "pending",
        "pending",
        "open",
    ]
    assert [rows[str(i)].csat for i in range(1, 5)] == [5, None, 1, None]
    assert critical_escalations == 2
    text = format_summary(summary)
    assert "values the mapping's `values` do not name" in text
    assert "    channel\n      Carrier pigeon" in text and "      Sample ticket" in text


def test_a_status_outside_the_four_is_a_field_issue(
    engine: Engine, write_csv: Callable[..., Path]
) -> None:
    path = write_csv(
        [
            {"contact_id": "a", "created_at": "2026-01-05T10:00:00Z", "status": "Solved"},
            {"contact_id": "b", "created_at": "2026-01-05T10:00:00Z", "status": "on hold"},
        ]
    )
    summary = ingest_file(
        engine, path, mapping=builtin_profile("generic"), program_timezone="UTC", author="t"
    )
    assert (summary.imported, summary.field_issue_reasons) == (2, {"unknown_value": 1})
    with engine.connect() as conn:
        statuses = dict(conn.execute(select(Contact.contact_id, Contact.status)).all())
    assert statuses == {"a": "solved", "b": None}


@pytest.fixture
def program(tmp_path: Path) -> Path:
    target = tmp_path / "program"
    target.mkdir()
    for name in ("program.yaml", "goals", "playbooks", "roadmap"):
        source = REPO / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, target / name)
    return target


def replace_once(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in the file; the 1-based line it was on."""
    text = path.read_text()
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old) :])
    return text[:at].count("\n") + 1


def scope_warnings(root: Path) -> list[dict[str, object]]:
    result = runner.invoke(cli, ["validate", str(root), "--format", "json"])
    assert result.exit_code == 0, result.output
    return [
        d
        for d in json.loads(result.output)["diagnostics"]
        if str(d["code"]).startswith("scope-value")
    ]


def test_the_example_program_scopes_only_values_imports_store(program: Path) -> None:
    assert scope_warnings(program) == []


def test_validate_warns_about_scope_values_no_import_stores(program: Path) -> None:
    contract = program / "goals" / "sla-harborline.yaml"
    urgent = replace_once(contract, "priority: critical", "priority: urgent")
    goals = program / "goals" / "operations.yaml"
    capital = replace_once(goals, "channel: phone", "channel: Phone")
    team = replace_once(goals, "channel: chat", "team: tier1")
    found = {(d["file"], d["line"], d["code"]): d for d in scope_warnings(program)}
    assert set(found) == {
        ("goals/sla-harborline.yaml", urgent, "scope-value-unmapped"),
        ("goals/operations.yaml", capital, "scope-value-form"),
        ("goals/operations.yaml", team, "scope-value-unmapped"),
    }
    urgent_warning = found[("goals/sla-harborline.yaml", urgent, "scope-value-unmapped")]
    assert "`critical`" in str(urgent_warning["message"]) and urgent_warning["hint"]
    assert "`phone`" in str(found[("goals/operations.yaml", capital, "scope-value-form")]["hint"])
    assert "no contact import fills team" in str(
        found[("goals/operations.yaml", team, "scope-value-unmapped")]["message"]
    )

    # the program's own mapping file, declared, can store them
    (program / "imports").mkdir()
    (program / "imports" / "desk.yaml").write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: desk, title: Our desk}\n"
        "spec:\n  source: desk\n  fields:\n    contact_id: Id\n    created_at: Created\n"
        "    team: Team\n    priority: {column: Prio, values: {P1: urgent}}\n"
    )
    replace_once(
        program / "program.yaml",
        "  stale_after_days:",
        "  import_mappings: [imports/desk.yaml]\n  stale_after_days:",
    )
    left = {(d["file"], d["code"]) for d in scope_warnings(program)}
    assert left == {("goals/operations.yaml", "scope-value-form")}


def test_a_declared_mapping_file_that_is_broken_is_reported_in_it(program: Path) -> None:
    (program / "imports").mkdir()
    (program / "imports" / "desk.yaml").write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: desk, title: Our desk}\n"
        "spec:\n  source: desk\n  fields:\n    contact_id: Id\n"
    )
    replace_once(
        program / "program.yaml",
        "  stale_after_days:",
        "  import_mappings: [imports/desk.yaml]\n  stale_after_days:",
    )
    result = runner.invoke(cli, ["validate", str(program), "--format", "json"])
    assert result.exit_code == 1
    errors = [d for d in json.loads(result.output)["diagnostics"] if d["severity"] == "error"]
    assert [(d["file"], d["line"]) for d in errors] == [("imports/desk.yaml", 6)]
