"""The Goals page: the owner's check-ins beside the chart, the form to record one, who is late,
the numbers out of date, and `?goal=` links — run with AppTest on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from app.textsafety import authored_markdown
from app.ui.roles import Viewer
from ui.pagekit import PageFactory, _unescape, tables

OWNER = Viewer(role="committee", email="marcus.ode@example.com")
MANAGER = Viewer(role="manager", email="priya.nair@example.com")
CFO = Viewer(role="committee", email="raj.iyer@example.com")


@pytest.fixture
def root(program_root: Path, database_url: str) -> Path:
    from notify.scenario import record_scenario

    from app.service.program import valid_program
    from app.store.db import get_engine

    record_scenario(get_engine(database_url), valid_program(program_root))
    return program_root


def choose(at: Any, goal_id: str) -> Any:
    return at.selectbox(key="goals.chosen").set_value(goal_id).run()


def history(database_url: str, goal_id: str) -> list[Any]:
    from app.service.checkins import checkin_history
    from app.store.db import get_engine

    return checkin_history(get_engine(database_url), goal_id=goal_id)


def test_the_owner_records_a_check_in_and_sees_it_beside_the_chart(
    root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = choose(open_page("goals", root, viewer=OWNER), "csat_to_85")
    assert not at.exception
    assert any(
        "Check-in missing: no check-in yet; one was due on 2026-07-15" in w.value
        for w in at.warning
    )
    at.radio(key="checkin.confidence").set_value("off_track")
    at.text_area(key="checkin.comment").set_value("October dipped with the survey outage.")
    at.text_area(key="checkin.blockers").set_value(
        "Vendor [portal](http://evil.example/x) <b>down</b>"
    )
    at.text_input(key="checkin.next_step").set_value("Re-send the October survey")
    at.button(key="checkin.submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    [kept] = history(database_url, "csat_to_85")
    assert (kept.confidence, kept.author, kept.comment) == (
        "off_track",
        "marcus.ode@example.com",
        "October dipped with the survey outage.",
    )
    assert any(s.value == "Check-in recorded." for s in at.success)
    texts = [m.value for m in at.markdown]
    # authored text: no live link to a host the program does not allow, no HTML
    assert "Blockers: Vendor portal (`http://evil.example/x`) \\<b\\>down\\</b\\>" in texts
    owner = authored_markdown("marcus.ode@example.com")  # shown as text, never a link
    assert any(t.startswith(f"**off track** · {owner} · ") for t in texts)


def test_a_contradicting_check_in_is_shown_as_such(
    root: Path, database_url: str, open_page: PageFactory
) -> None:
    from app.service.checkins import record_checkin
    from app.service.program import valid_program
    from app.store.db import get_engine

    record_checkin(
        get_engine(database_url), valid_program(root), goal_id="csat_to_85",
        confidence="on_track", comment="All fine", author="marcus.ode@example.com",
        recorded_at=datetime(2026, 11, 20, 9, tzinfo=UTC),
    )  # fmt: skip
    at = choose(open_page("goals", root, viewer=OWNER), "csat_to_85")
    assert [e.value for e in at.error] == [
        "Contradicts the numbers: the owner says on track, the numbers say off track."
    ]
    assert any("Next check-in due 2026-12-04 (fortnightly)." in c.value for c in at.caption)


def test_someone_who_is_neither_owner_nor_manager_reads_but_cannot_check_in(
    root: Path, open_page: PageFactory
) -> None:
    at = choose(open_page("goals", root, viewer=CFO), "csat_to_85")
    assert not at.exception
    assert not [b for b in at.button if b.key == "checkin.submit"]
    assert any(
        "The goal's owner (marcus.ode@example.com) or a manager records check-ins."
        in _unescape(c.value)
        for c in at.caption
    )
    manager = choose(open_page("goals", root, viewer=MANAGER), "csat_to_85")
    assert [b for b in manager.button if b.key == "checkin.submit"]


def test_who_is_late_and_which_numbers_are_out_of_date_are_listed(
    root: Path, open_page: PageFactory
) -> None:
    at = open_page("goals", root, viewer=MANAGER)
    late = next(t for t in tables(at) if "days late" in t.columns)
    assert len(late) == 11 and set(late["was due"]) == {"2026-07-15"}
    stale = next(t for t in tables(at) if "stale after" in t.columns)
    assert list(stale["series"]) == ["Agent turnover (rolling 12 months) — all contacts"]
    assert list(stale["newest value"]) == ["Aug 2026"]


def test_a_link_opens_its_goal_with_the_filters_cleared(root: Path, open_page: PageFactory) -> None:
    from streamlit.testing.v1 import AppTest

    from app.ui.context import AS_OF_KEY, ROOT_KEY, VIEWER_KEY
    from ui.pagekit import AS_OF, PAGES

    at = AppTest.from_file(str(PAGES / "goals.py"), default_timeout=60)
    at.session_state[ROOT_KEY] = str(root)
    at.session_state[AS_OF_KEY] = AS_OF
    at.session_state[VIEWER_KEY] = MANAGER
    at.session_state["goals.status"] = ["achieved"]
    at.query_params["goal"] = "fcr_to_75"
    at.run()
    assert not at.exception
    assert at.selectbox(key="goals.chosen").value == "fcr_to_75"
    assert at.header[0].value == "Raise first-contact resolution from 68 % to 75 % by March 2027"
