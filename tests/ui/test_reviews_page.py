"""The Reviews page: prepare a draft, record the meeting, close it (refused until settled), read it frozen."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from app.periods import Month
from app.ui.roles import Viewer
from ui.pagekit import PageFactory, _unescape

COMMITTEE = Viewer(role="committee", email="dana.whitfield@example.com")
AGENT = Viewer(role="agent", email="sam@support.example.com")
OCTOBER = Month(2026, 10)


def engine_of(database_url: str) -> Any:
    from app.store.db import get_engine

    return get_engine(database_url)


def stored_review(database_url: str) -> Any:
    from app.review.store import get_review
    from app.store.db import session_scope

    with session_scope(engine_of(database_url)) as session:
        return get_review(session, period=OCTOBER)


def record_of(database_url: str) -> dict[str, Any]:
    from app.review.store import record_of as read
    from app.store.db import session_scope

    with session_scope(engine_of(database_url)) as session:
        return read(session, review=stored_review(database_url)).to_dict()


def prepare(open_page: PageFactory, root: Path) -> Any:
    at = open_page("reviews", root, viewer=COMMITTEE)
    assert not at.exception, [e.value for e in at.exception]
    assert any("No review yet" in i.value for i in at.info)
    at.selectbox(key="prepare.period").set_value(Month(2026, 10))
    at.button(key="prepare.submit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_prepare_a_draft(known_root: Path, database_url: str, open_page: PageFactory) -> None:
    at = prepare(open_page, known_root)
    assert any("Prepared the monthly review of 2026-10 as a draft" in s.value for s in at.success)
    review = stored_review(database_url)
    assert review.status == "draft" and review.created_by == "dana.whitfield@example.com"
    listed = next(d.value for d in at.dataframe if "prepared by" in d.value.columns)
    assert list(listed["period"]) == ["2026-10"]
    assert any(h.value == "SLA misses" for h in at.header)


def test_record_the_meeting_and_close_only_when_settled(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    from app.review import store
    from app.store.db import session_scope

    at = prepare(open_page, known_root)
    at.button(key="reviews.start").click().run()
    assert stored_review(database_url).status == "in_meeting"
    at.text_input(key="attendee.name").set_value("Raj Iyer")
    at.text_input(key="attendee.role").set_value("CFO")
    at.button(key="attendee.submit").click().run()
    at.text_area(key="decision.text").set_value("Escalate Brightwater reporting to the vendor")
    at.button(key="decision.submit").click().run()
    key = "sla:brightwater_support/phone_service_level/2026-10"
    items = at.selectbox(key="finding.key")
    assert items.format_func(key).startswith(
        "Phone calls answered within 20 seconds (80/20), Oct 2026 — Brightwater"
    ), "the committee picks an item by its title, not its id"
    items.set_value(key)
    at.text_area(key="finding.cause").set_value("The phone export stopped in April")
    at.button(key="finding.submit").click().run()
    for text in ("Restore the export", "Backfill April to October"):
        at.text_input(key="action.description").set_value(text)
        at.text_input(key="action.owner").set_value("tom.reyes@example.com")
        at.selectbox(key="action.finding").set_value(key)
        at.selectbox(key="action.serves").set_value(("contract", "brightwater_support"))
        at.button(key="action.submit").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    record = record_of(database_url)
    assert record["attendees"] == [{"name": "Raj Iyer", "role": "CFO"}]
    assert [d["text"] for d in record["decisions"]] == [
        "Escalate Brightwater reporting to the vendor"
    ]
    assert [(f["key"], f["root_cause"]) for f in record["findings"]] == [
        (key, "The phone export stopped in April")
    ]
    assert [
        (i["description"], i["finding_key"], i["serves_id"]) for i in record["action_items"]
    ] == [
        ("Restore the export", key, "brightwater_support"),
        ("Backfill April to October", key, "brightwater_support"),
    ]

    at.button(key="reviews.close").click().run()
    errors = " ".join(e.value for e in at.error)
    assert "cannot close yet" in errors and "brightwater_support/email_first_response" in errors
    assert "phone_service_level" not in errors  # settled above
    assert stored_review(database_url).status == "in_meeting"

    review_id = stored_review(database_url).id
    with session_scope(engine_of(database_url)) as session:
        from app.service.reviews import pack_for

        for other in pack_for(
            session, program=_program(known_root), review=stored_review(database_url)
        ).required_findings():
            if other != key:
                store.record_finding(
                    session,
                    review_id=review_id,
                    key=other,
                    author="dana",
                    accepted_no_action=True,
                    acceptance_reason="vendor export outage, tracked under the phone item",
                )
    at.button(key="reviews.close").click().run()
    assert not at.exception, [e.value for e in at.exception]
    closed = stored_review(database_url)
    assert closed.status == "closed" and closed.closed_by == "dana.whitfield@example.com"
    assert any("Closed by dana.whitfield@example.com" in _unescape(c.value) for c in at.caption)


def _program(root: Path) -> Any:
    from app.load import load_program

    return load_program(root, today=date(2026, 11, 23)).program


def test_read_a_closed_review_as_it_was(
    known_root: Path, database_url: str, open_page: PageFactory
) -> None:
    from app.review import store
    from app.service.reviews import close, pack_for
    from app.store.actuals import append_revision
    from app.store.db import session_scope

    program = _program(known_root)
    with session_scope(engine_of(database_url)) as session:
        review, _ = store.open_review(session, period=OCTOBER, author="scheduler")
        store.start_meeting(session, review_id=review.id)
        for key in pack_for(session, program=program, review=review).required_findings():
            store.record_finding(
                session,
                review_id=review.id,
                key=key,
                author="dana",
                accepted_no_action=True,
                acceptance_reason="known data gap",
            )
        close(session, program=program, review=review, author="dana")
        append_revision(
            session,
            metric="csat",
            scope_key="channel=chat,email,phone",
            period="2026-10",
            value=81.4,
            source="manual",
            author="priya",
            reason="late survey answers",
        )
    at = open_page("reviews", known_root, viewer=COMMITTEE)
    assert not at.exception, [e.value for e in at.exception]
    # Read-only: no recording forms, no close button.
    assert not [
        b for b in at.button if b.key in ("reviews.start", "reviews.close", "attendee.submit")
    ]
    assert any("Revised since this review" in w.value for w in at.warning)
    assert any(
        "csat \\[channel=chat,email,phone\\] 2026-10: revised since this review: was 80.8, now 81.4"
        in m.value
        for m in at.markdown
    ), [m.value for m in at.markdown]
    goals = next(
        d.value
        for d in at.dataframe
        if "planned" in d.value.columns and "pillar" in d.value.columns
    )
    csat = goals[goals["goal"].str.contains("CSAT")].iloc[0]
    assert csat["actual"] == "80.8 %"  # the frozen number, not the correction


def test_agents_never_reach_the_page(known_root: Path, open_page: PageFactory) -> None:
    at = open_page("reviews", known_root, viewer=AGENT)
    assert any("not available to the agent role" in e.value for e in at.error)
    assert not at.text_input
