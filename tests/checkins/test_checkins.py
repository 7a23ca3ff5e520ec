"""Owners' check-ins through the use case and the command line, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from notify.scenario import record_scenario
from typer.testing import CliRunner
from ui.pagekit import copy_program

from app.cli import app
from app.errors import NotFound, Refused, UsageError
from app.service.checkins import checkin_history, latest_checkins, record_checkin
from app.service.database import open_store
from app.service.program import valid_program


@pytest.fixture
def root(tmp_path: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Path:
    from app.store.db import ENV_VAR, get_engine, upgrade

    monkeypatch.setenv(ENV_VAR, database_url)
    folder = copy_program(tmp_path / "program")
    upgrade(get_engine(database_url))
    record_scenario(get_engine(database_url), valid_program(folder))
    return folder


def cli(*args: str) -> object:
    return CliRunner().invoke(app, list(args))


def test_a_check_in_from_the_command_line_is_kept_with_who_when_and_the_numbers(root: Path) -> None:
    out = cli(
        "checkin", "csat_to_85", "--confidence", "on_track",
        "--comment", "October's dip was the survey tool outage; November recovers.",
        "--blockers", "none", "--next-step", "Re-send the October survey",
        "--next-step-due", (date.today() + timedelta(days=10)).isoformat(),
        "--by", "marcus.ode@example.com", "--root", str(root),
    )  # fmt: skip
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    assert "Checked in on csat_to_85: on track (the numbers say " in out.output  # type: ignore[attr-defined]
    [kept] = checkin_history(open_store(root), goal_id="csat_to_85")
    assert kept.author == "marcus.ode@example.com" and kept.confidence == "on_track"
    assert kept.next_step == "Re-send the October survey" and kept.blockers == "none"
    assert abs(kept.recorded_at - datetime.now(UTC)) < timedelta(minutes=1)
    assert kept.status_then in ("on_track", "off_track", "at_risk", "achieved", "no_data")


def test_check_ins_are_append_only_and_the_latest_is_by_time(root: Path) -> None:
    engine, program = open_store(root), valid_program(root)
    base = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
    for days, confidence in ((10, "at_risk"), (0, "on_track"), (5, "off_track")):
        record_checkin(
            engine, program, goal_id="fcr_to_75", confidence=confidence, comment=f"day {days}",
            author="priya.nair@example.com", recorded_at=base + timedelta(days=days),
        )  # fmt: skip
    history = checkin_history(engine, goal_id="fcr_to_75")
    assert [c.comment for c in history] == ["day 10", "day 5", "day 0"]  # newest first, none lost
    assert latest_checkins(engine)["fcr_to_75"].comment == "day 10"
    assert latest_checkins(engine, ["csat_to_85"]) == {}


@pytest.mark.parametrize(
    ("changes", "error", "words"),
    [
        ({"goal_id": "csat_to_58"}, NotFound, "did you mean `csat_to_85`?"),
        ({"confidence": "great"}, UsageError, "on_track, at_risk, off_track"),
        ({"comment": "   "}, Refused, "a check-in needs a comment"),
        ({"comment": "x" * 2001}, Refused, "keep it under 2000"),
        ({"next_step_due": date(2020, 1, 1), "next_step": "x"}, Refused, "already past"),
        ({"next_step_due": date(2099, 1, 1)}, UsageError, "needs the next step itself"),
    ],
)
def test_what_a_check_in_refuses_and_nothing_is_written(
    root: Path, changes: dict[str, object], error: type[Exception], words: str
) -> None:
    engine, program = open_store(root), valid_program(root)
    values: dict[str, object] = {
        "goal_id": "csat_to_85", "confidence": "on_track", "comment": "fine", "author": "marcus",
        **changes,
    }  # fmt: skip
    with pytest.raises(error) as refused:
        record_checkin(engine, program, **values)  # type: ignore[arg-type]
    assert words in str(refused.value) + str(getattr(refused.value, "hint", ""))
    assert latest_checkins(engine) == {}


def test_only_the_owner_or_a_manager_may_check_in_where_the_person_is_known(root: Path) -> None:
    engine, program = open_store(root), valid_program(root)
    values = {
        "goal_id": "csat_to_85",
        "confidence": "at_risk",
        "comment": "c",
        "check_permission": True,
    }
    with pytest.raises(
        Refused, match=r"only the goal's owner \(marcus.ode@example.com\) or a manager"
    ):
        record_checkin(
            engine, program, author="raj", acting_email="raj.iyer@example.com",
            acting_role="committee", **values,
        )  # fmt: skip
    record_checkin(
        engine, program, author="marcus", acting_email="Marcus.Ode@example.com",
        acting_role="committee", **values,
    )  # fmt: skip
    record_checkin(
        engine,
        program,
        author="priya",
        acting_email="priya.nair@example.com",
        acting_role="manager",
        **values,
    )
    assert [c.author for c in checkin_history(engine, goal_id="csat_to_85")] == ["priya", "marcus"]


def test_a_contradicting_check_in_is_said_so_on_the_command_line(root: Path) -> None:
    settings = root / "program.yaml"
    out = cli(
        "checkin", "csat_to_85", "--confidence", "on_track", "--comment", "All good",
        "--by", "marcus", "--root", str(root),
    )  # fmt: skip
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    assert settings.exists()
    # Today the scenario's CSAT has no value for its last closed month: no data, nothing to contradict;
    # as of 23 November it is off track, and `checkins` says the latest check-in contradicts it.
    listing = cli("checkins", "--as-of", "2026-11-23", "--root", str(root))
    assert listing.exit_code == 0, listing.output  # type: ignore[attr-defined]
    assert (
        "! contradicts the numbers: the owner says on track, the numbers say off track"
        in listing.output
    )  # type: ignore[attr-defined]


def test_checkins_lists_who_is_late_as_json(root: Path) -> None:
    record_checkin(
        open_store(root), valid_program(root), goal_id="fcr_to_75", confidence="on_track",
        comment="c", author="priya", recorded_at=datetime(2026, 11, 20, 12, tzinfo=UTC),
    )  # fmt: skip
    out = cli(
        "checkins", "--missing", "--as-of", "2026-11-23", "--format", "json", "--root", str(root)
    )
    assert out.exit_code == 0, out.output  # type: ignore[attr-defined]
    rows = json.loads(out.output)  # type: ignore[attr-defined]
    assert "fcr_to_75" not in {r["goal_id"] for r in rows}
    csat = next(r for r in rows if r["goal_id"] == "csat_to_85")
    assert csat == {
        "goal_id": "csat_to_85", "owner": "marcus.ode@example.com", "status": "off_track",
        "cadence": "fortnightly", "due": "2026-07-15", "missing": True, "days_overdue": 131,
        "agreement": "unjudged", "latest": None,
    }  # fmt: skip


def test_an_unknown_goal_on_the_command_line_is_a_message_not_a_traceback(root: Path) -> None:
    out = cli("checkin", "nope", "--confidence", "on_track", "--comment", "x", "--root", str(root))
    assert out.exit_code == 1
    assert "cxgov: no goal 'nope' in the program" in out.output  # type: ignore[attr-defined]
    bad = cli(
        "checkin", "csat_to_85", "--confidence", "fine", "--comment", "x", "--root", str(root)
    )
    assert bad.exit_code == 2
