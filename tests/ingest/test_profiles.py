"""Shipped mappings: all valid; the Kaggle sample imports through its own with stated counts."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import Engine

from app.ingest import builtin_profile, ingest_file, load_mapping, profile_names
from app.ingest.profiles import UnknownProfile
from app.store.tables import Contact, FieldIssue

KAGGLE = Path("/work/shared/data/support-tickets-kaggle/customer_support_tickets.csv")
REPO_KAGGLE = (
    Path(__file__).resolve().parents[2]
    / "../shared/data/support-tickets-kaggle/customer_support_tickets.csv"
)


def kaggle_file() -> Path:
    for candidate in (REPO_KAGGLE.resolve(), KAGGLE):
        if candidate.exists():
            return candidate
    pytest.fail("the Kaggle sample (../shared/data/support-tickets-kaggle) is missing")


def test_every_shipped_profile_is_a_valid_mapping() -> None:
    assert profile_names() == [
        "amazon-connect",
        "freshdesk",
        "generic",
        "genesys-cloud",
        "kaggle-support-tickets",
        "zendesk",
        "zendesk-explore",
        "zendesk-us",
    ]
    for name in profile_names():
        assert builtin_profile(name).id == name


def test_unknown_profile_names_the_shipped_ones() -> None:
    with pytest.raises(UnknownProfile, match="freshdesk, generic"):
        builtin_profile("salesforce")


def test_bad_mapping_gets_file_line_diagnostics(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: mine, title: Mine}\nspec:\n  source: mine\n"
        "  fields:\n    contact_id: Id\n    created_at: {column: When, timezone: Mars/Olympus}\n    csatt: Score\n"
    )
    mapping, diagnostics = load_mapping(path)
    assert mapping is None
    found = {(d.line, d.path) for d in diagnostics}
    assert (8, "spec.fields.created_at.timezone") in found
    assert (9, "spec.fields.csatt") in found
    assert all(d.file == str(path) and d.severity == "error" for d in diagnostics)


def test_mapping_without_created_at_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "m.yaml"
    path.write_text(
        "apiVersion: cxgov/v1\nkind: ContactMapping\nmetadata: {id: m, title: M}\n"
        "spec:\n  source: m\n  fields:\n    contact_id: Id\n"
    )
    mapping, diagnostics = load_mapping(path)
    assert mapping is None and "created_at" in diagnostics[0].message and diagnostics[0].line == 6


def test_kaggle_sample_through_its_mapping(engine: Engine) -> None:
    summary = ingest_file(
        engine,
        kaggle_file(),
        mapping=builtin_profile("kaggle-support-tickets"),
        program_timezone="America/Los_Angeles",
        author="test",
    )
    assert summary.as_dict() | {"batch_id": 0, "file": ""} == {
        "batch_id": 0,
        "file": "",
        "source": "kaggle-support-tickets",
        "rows_read": 2769,
        "imported": 2769,
        "updated": 0,
        "unchanged": 0,
        "quarantined": 0,
        "field_issues": 1365,
        "quarantine_reasons": {},
        "field_issue_reasons": {"resolution_before_creation": 1365},
        "months_touched": [],
        "unmapped_values": {},
        "blanks_kept": 0,
        "blanks_cleared": 0,
        "warnings": [
            "created_at: 2,769 timestamps without a UTC offset were read in the program's time "
            "zone (America/Los_Angeles); if the export is in another, set `timezone:` in the "
            "mapping or --timezone",
            "resolved_at: 2,769 timestamps without a UTC offset were read in the program's time "
            "zone (America/Los_Angeles); if the export is in another, set `timezone:` in the "
            "mapping or --timezone",
        ],
    }
    with engine.connect() as conn:
        channels = dict(
            conn.execute(select(Contact.channel, func.count()).group_by(Contact.channel)).all()
        )
        csat_answers = conn.execute(select(func.count(Contact.csat))).scalar_one()
        resolved = conn.execute(select(func.count(Contact.resolved_at))).scalar_one()
        first_responses = conn.execute(select(func.count(Contact.first_response_at))).scalar_one()
        stored_text = " ".join(
            str(v) for row in conn.execute(text("SELECT * FROM contacts")).all() for v in row
        )
        issue_raw = conn.execute(select(FieldIssue.raw_value).limit(1)).scalar_one()
    assert channels == {"email": 720, "phone": 691, "social": 684, "chat": 674}
    assert (csat_answers, resolved, first_responses) == (2769, 2769 - 1365, 0)
    assert "@example." not in stored_text and "Christopher Robbins" not in stored_text
    assert (
        json.dumps(issue_raw).count(":") >= 1
    )  # the raw resolution timestamp is kept with its issue

    again = ingest_file(
        engine,
        kaggle_file(),
        mapping=builtin_profile("kaggle-support-tickets"),
        program_timezone="America/Los_Angeles",
        author="test",
    )
    assert (again.imported, again.updated, again.unchanged) == (0, 0, 2769)
