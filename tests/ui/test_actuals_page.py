"""The Actuals page writes through the store: values land, corrections need reasons, races conflict."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from app.periods import Month
from app.ui.roles import Viewer
from ui.pagekit import PageFactory, main_text

MANAGER = Viewer(role="manager", email="priya.nair@example.com")
CSAT_ALL = "channel=chat,email,phone"


def revisions(database_url: str, metric: str, scope_key: str, period: str) -> list[Any]:
    from app.store.actuals import history
    from app.store.db import get_engine, session_scope

    with session_scope(get_engine(database_url)) as session:
        return [
            r for r in history(session, metric=metric, scope_key=scope_key) if r.period == period
        ]


def fill(at: Any, *, metric: str, scope: str, period: str, value: float, reason: str = "") -> Any:
    at.selectbox(key="record.metric").set_value(metric).run()
    at.selectbox(key="record.scope").set_value(scope).run()
    at.selectbox(key="record.period").set_value(Month.parse(period)).run()
    at.number_input(key="record.value").set_value(value)
    at.text_input(key="record.reason").set_value(reason)
    return at


def test_a_recorded_figure_lands_in_the_database(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = open_page("actuals", program_root, viewer=MANAGER)
    fill(at, metric="kb_deflection", scope="", period="2026-10", value=24.5)
    at.button(key="record.submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert any("revision 1" in s.value for s in at.success)
    stored = revisions(database_url, "kb_deflection", "", "2026-10")
    assert [(r.revision, r.value, r.source, r.author) for r in stored] == [
        (1, 24.5, "manual", "priya.nair@example.com")
    ]


def test_a_correction_without_a_reason_is_refused_and_with_one_recorded(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = open_page("actuals", known_root, viewer=MANAGER)
    fill(at, metric="csat", scope=CSAT_ALL, period="2026-10", value=81.2)
    at.button(key="record.submit").click().run()
    assert any("needs a reason" in e.value for e in at.error)
    assert len(revisions(database_url, "csat", CSAT_ALL, "2026-10")) == 1

    at.text_input(key="record.reason").set_value("late survey answers arrived")
    at.button(key="record.submit").click().run()
    assert not at.error, [e.value for e in at.error]
    stored = revisions(database_url, "csat", CSAT_ALL, "2026-10")
    assert [(r.revision, r.value, r.reason) for r in stored] == [
        (1, 80.8, None),
        (2, 81.2, "late survey answers arrived"),
    ]


def test_a_correction_that_races_another_one_shows_the_conflict(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    from app.store.actuals import append_revision
    from app.store.db import get_engine, session_scope

    at = open_page("actuals", known_root, viewer=MANAGER)
    fill(at, metric="csat", scope=CSAT_ALL, period="2026-10", value=81.0, reason="recount").run()
    assert any("revision 1" in i.value for i in at.info)
    # Another manager corrects the same figure after this page was drawn.
    with session_scope(get_engine(database_url)) as session:
        append_revision(
            session,
            metric="csat",
            scope_key=CSAT_ALL,
            period="2026-10",
            value=82.0,
            source="manual",
            author="jonas.keller@example.com",
            reason="vendor re-export",
            expected_revision=1,
        )
    at.button(key="record.submit").click().run()
    assert any("is at revision 2, not 1" in e.value for e in at.error), [e.value for e in at.error]
    stored = revisions(database_url, "csat", CSAT_ALL, "2026-10")
    assert [(r.revision, r.value, r.author) for r in stored] == [
        (1, 80.8, "fixture"),
        (2, 82.0, "jonas.keller@example.com"),
    ]


def test_history_shows_every_revision(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = open_page("actuals", known_root, viewer=MANAGER)
    at.selectbox(key="history.metric").set_value("frt_chat_30s").run()
    table = next(d.value for d in at.dataframe if "revision" in d.value.columns)
    assert list(table["month"]) == [
        "2026-10",
        "2026-09",
        "2026-08",
        "2026-07",
        "2026-06",
        "2026-05",
        "2026-04",
    ]
    assert list(table["value"])[2] == "70.0 %"


def test_history_names_an_objective_series_without_its_excluded_contacts(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    from app.store.actuals import append_revision
    from app.store.db import get_engine, session_scope

    key = "channel=phone;segment=brightwater|excluding 2026-09-08T16:40Z/2026-09-11T00:00Z"
    with session_scope(get_engine(database_url)) as session:
        append_revision(
            session,
            metric="service_level",
            scope_key=key,
            period="2026-09",
            value=84.2,
            source="computed",
            author="cxgov",
        )
    at = open_page("actuals", known_root, viewer=MANAGER)
    at.selectbox(key="history.metric").set_value("service_level").run()
    assert not at.exception
    scope = at.selectbox(key="history.scope")
    assert scope.format_func(key) == (
        "channel phone, segment brightwater, excluding 2026-09-08T16:40Z/2026-09-11T00:00Z"
    )


def test_an_import_shows_preview_mapping_and_quarantine(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    csv_text = (
        "contact_id,created_at,channel,csat\n"
        "C1,2026-10-05T10:00:00-07:00,chat,5\n"
        "C2,2026-10-06T11:00:00-07:00,phone,9\n"
        ",2026-10-07T09:00:00-07:00,email,4\n"
        "C4,not a date,chat,3\n"
    )
    at = open_page("actuals", program_root, viewer=MANAGER)
    at.file_uploader(key="import.file").upload("october.csv", csv_text.encode(), "text/csv").run()
    preview = next(
        d.value
        for d in at.dataframe
        if list(d.value.columns) == ["contact_id", "created_at", "channel", "csat"]
    )
    assert len(preview) == 4
    at.button(key="import.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    # C1's CSAT 5 would put the CSAT goal at 100 % in October: the page asks first.
    assert any(w.value.startswith("This import changes: ") for w in at.warning)
    at.button(key="import.confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    success = [s.value for s in at.success]
    assert success and "Read 4 rows: 2 new" in success[0] and "2 quarantined" in success[0]
    quarantine = next(d.value for d in at.dataframe if "raw" in d.value.columns)
    assert sorted(quarantine["line"]) == [4, 5]
    assert all(reason for reason in quarantine["reasons"])
    warnings = [w.value for w in at.warning]
    assert any("the file has no column 'queue'" in w for w in warnings), warnings

    from sqlalchemy import func, select

    from app.store.db import get_engine, session_scope
    from app.store.tables import Actual, Contact

    with session_scope(get_engine(database_url)) as session:
        assert session.execute(select(func.count()).select_from(Contact)).scalar() == 2
        csat = session.execute(
            select(Actual.value).where(
                Actual.metric == "csat",
                Actual.period == "2026-10",
                Actual.scope_key == "channel=chat,email,phone",
            )
        ).scalar_one()
    assert csat == 100.0  # C1's 5; C2's 9 is out of range, so it is no answer
    # September too: the FCR repeat window reaches back from October 1 into it
    assert any("Actuals brought up to date for 2026-09, 2026-10:" in s for s in success)


def test_an_import_lists_the_values_its_mapping_does_not_name(
    program_root: Path, open_page: PageFactory
) -> None:
    csv_text = (
        "Id,Created at,Via,Priority\n"
        "1,2026-10-05 10:00:00 -0700,Web Widget,Urgent\n"
        "2,2026-10-05 11:00:00 -0700,Carrier pigeon,Normal\n"
        "3,2026-10-05 12:00:00 -0700,Carrier pigeon,Low\n"
    )
    at = open_page("actuals", program_root, viewer=MANAGER)
    at.file_uploader(key="import.file").upload("zendesk.csv", csv_text.encode(), "text/csv").run()
    at.selectbox(key="import.profile").set_value("zendesk").run()
    at.button(key="import.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("no scope of the program names: carrier_pigeon (2)" in w.value for w in at.warning)
    assert any("the file has no column" in w.value for w in at.warning), "the parser's warnings too"
    at.button(key="import.confirm").click().run()  # the preview: two goals change status
    assert any("does not name" in w.value for w in at.warning)
    unmapped = next(d.value for d in at.dataframe if "field" in d.value.columns)
    assert unmapped.to_dict("records") == [
        {"field": "channel", "value": "Carrier pigeon", "rows": 2}
    ]


def test_a_value_outside_the_unit_is_refused_like_the_cli_refuses_it(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = open_page("actuals", program_root, viewer=MANAGER)
    assert ctx_first_metric_is_manual(at)
    fill(at, metric="kb_deflection", scope="", period="2026-10", value=124.0)
    at.button(key="record.submit").click().run()
    assert [e.value for e in at.error] == [
        "Not recorded: kb_deflection is a percentage: expected 0–100, got 124"
    ]
    assert revisions(database_url, "kb_deflection", "", "2026-10") == []


def ctx_first_metric_is_manual(at: Any) -> bool:
    """Hand entry is for figures nobody computes: the form opens on one of those."""
    return at.selectbox(key="record.metric").value in {
        "agent_turnover",
        "churn_rate",
        "kb_deflection",
        "net_revenue_retention",
        "platform_uptime",
    }


def contact_count(database_url: str) -> int:
    from sqlalchemy import func, select

    from app.store.db import get_engine, session_scope
    from app.store.tables import Contact

    with session_scope(get_engine(database_url)) as session:
        return int(session.execute(select(func.count()).select_from(Contact)).scalar_one())


OCTOBER_CSAT = (
    "contact_id,created_at,channel,csat\n"
    "C1,2026-10-05T10:00:00-07:00,chat,5\n"
    "C2,2026-10-06T11:00:00-07:00,email,4\n"
)


def test_an_import_that_changes_a_goal_status_waits_for_confirmation(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    at = open_page("actuals", program_root, viewer=MANAGER)
    at.file_uploader(key="import.file").upload("october.csv", OCTOBER_CSAT.encode(), "text/csv")
    at.run()
    at.button(key="import.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    warning = next(w.value for w in at.warning if w.value.startswith("This import changes: "))
    assert "goal statuses" in warning and "Nothing has been imported yet" in warning
    assert "(file, digest, profile)" not in main_text(at)  # no stray page-script string
    goals = next(d.value for d in at.dataframe if "goal" in d.value.columns)
    row = goals[goals["goal"] == "csat_to_85"].iloc[0]
    assert (row["before"], row["after"]) == ("no data", "achieved")  # 2 of 2 satisfied: 100 %
    assert contact_count(database_url) == 0  # the preview was rolled back

    at.button(key="import.cancel").click().run()
    assert any(i.value == "Nothing was imported." for i in at.info)
    assert contact_count(database_url) == 0

    at.button(key="import.run").click().run()
    at.button(key="import.confirm").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert contact_count(database_url) == 2
    assert any(i.value.startswith("This import changed: ") for i in at.info)
    done = next(d.value for d in at.dataframe if "goal" in d.value.columns)
    assert "csat_to_85" in list(done["goal"])
    assert not any(b.key == "import.confirm" for b in at.button)


def test_an_import_that_changes_no_status_or_credit_goes_straight_in(
    program_root: Path, database_url: str, open_page: PageFactory
) -> None:
    # November is the open month on 2026-11-23: no goal is judged on it, no contract scope has it.
    csv_text = "contact_id,created_at,channel,csat\nN1,2026-11-05T10:00:00-08:00,chat,5\n"
    at = open_page("actuals", program_root, viewer=MANAGER)
    at.file_uploader(key="import.file").upload("november.csv", csv_text.encode(), "text/csv")
    at.run()
    at.button(key="import.run").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert not [w.value for w in at.warning if w.value.startswith("This import changes")]
    assert contact_count(database_url) == 1
    changed = next(i.value for i in at.info if i.value.startswith("This import changed: "))
    assert "stored actual" in changed and "goal" not in changed
