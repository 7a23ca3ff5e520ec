"""A review's life in the store (SQLite and PostgreSQL): open, record, close, freeze, carry over."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy.engine import Engine

from app.periods import Month
from app.review import store
from app.service.reviews import close, document_of, pack_for
from app.store.db import session_scope
from review.review_fixture import store_values, story_program, story_values

SEP, OCT = Month(2026, 9), Month(2026, 10)
PROGRAM = story_program()
TARGETS = store.action_targets(PROGRAM)


@pytest.fixture
def stored(engine: Engine) -> Engine:
    store_values(engine, story_values())
    return engine


def settle(session, review_id: int) -> None:  # type: ignore[no-untyped-def]
    """Root cause and two corrective actions for the goal; the SLA miss accepted with a reason."""
    store.record_finding(
        session,
        review_id=review_id,
        key="goal:csat_up",
        author="dana",
        root_cause="new hires answer chats without the knowledge base",
    )
    for text in ("pair new hires with seniors", "add KB search to the chat console"):
        store.add_action_item(
            session,
            review_id=review_id,
            description=text,
            owner="priya",
            due=date(2026, 10, 31),
            author="dana",
            serves_kind="goal",
            serves_id="csat_up",
            finding_key="goal:csat_up",
            targets=TARGETS,
        )
    store.record_finding(
        session,
        review_id=review_id,
        key="sla:acme/uptime/2026-09",
        author="dana",
        accepted_no_action=True,
        acceptance_reason="one-off data-centre outage, already credited",
    )


def test_full_lifecycle_draft_meeting_closed_read_only(stored: Engine) -> None:
    with session_scope(stored) as session:
        review, created = store.open_review(session, period=SEP, author="scheduler")
        again, created_again = store.open_review(session, period=SEP, author="scheduler")
        assert created and not created_again and again.id == review.id and review.status == "draft"
        store.add_attendee(session, review_id=review.id, name="Dana Whitfield", role="sponsor")
        with pytest.raises(store.ReviewError, match="draft; start its meeting"):
            close(session, program=PROGRAM, review=review, author="dana")
        store.start_meeting(session, review_id=review.id)
        settle(session, review.id)
        store.add_decision(
            session, review_id=review.id, text="fund a KB sprint in Q4", author="raj"
        )
        closed = close(session, program=PROGRAM, review=review, author="dana")
        assert closed.status == "closed" and closed.closed_by == "dana" and closed.snapshot
    with session_scope(stored) as session:
        review = store.get_review(session, period=SEP)
        assert review is not None and review.status == "closed"
        for write in (
            lambda: store.add_attendee(session, review_id=review.id, name="late comer"),
            lambda: store.add_decision(session, review_id=review.id, text="x", author="y"),
            lambda: store.record_finding(
                session, review_id=review.id, key="goal:csat_up", author="y", root_cause="z"
            ),
            lambda: store.start_meeting(session, review_id=review.id),
        ):
            with pytest.raises(store.ReviewClosed, match="closed and read-only"):
                write()
        doc = document_of(session, program=PROGRAM, review=review)
        assert doc["frozen"] and doc["revisions"] == []
        assert doc["record"]["attendees"] == [{"name": "Dana Whitfield", "role": "sponsor"}]
        assert doc["record"]["decisions"][0]["text"] == "fund a KB sprint in Q4"
        assert doc["pack"]["headline"]["credits_owed"] == "2000.00"


def test_closing_names_exactly_what_is_missing(stored: Engine) -> None:
    with session_scope(stored) as session:
        review, _ = store.open_review(session, period=SEP, author="dana")
        store.start_meeting(session, review_id=review.id)
        store.add_action_item(
            session,
            review_id=review.id,
            description="pair new hires",
            owner="priya",
            due=date(2026, 10, 31),
            author="dana",
            finding_key="goal:csat_up",
            targets=TARGETS,
        )
        with pytest.raises(store.ClosingRefused) as refused:
            close(session, program=PROGRAM, review=review, author="dana")
        assert refused.value.problems == [
            "goal csat_up (off track): no root cause and 1 corrective action, at least 2 needed "
            "(or accept it with no action and a reason)",
            "SLA miss acme/uptime in 2026-09: no root cause and 0 corrective actions, at least 2 needed "
            "(or accept it with no action and a reason)",
        ]
        assert "cannot close yet; 2 items" in str(refused.value)
        with pytest.raises(store.ReviewError, match="needs a reason"):
            store.record_finding(
                session,
                review_id=review.id,
                key="sla:acme/uptime/2026-09",
                author="dana",
                accepted_no_action=True,
                acceptance_reason="  ",
            )
        settle(session, review.id)
        assert close(session, program=PROGRAM, review=review, author="dana").status == "closed"


def test_a_dropped_action_does_not_count_towards_the_two(stored: Engine) -> None:
    with session_scope(stored) as session:
        review, _ = store.open_review(session, period=SEP, author="dana")
        store.start_meeting(session, review_id=review.id)
        settle(session, review.id)
        first = store.action_items(session, review_id=review.id)[0]
        store.set_action_status(session, action_id=first.id, status="dropped")
        with pytest.raises(store.ClosingRefused, match="1 corrective action"):
            close(session, program=PROGRAM, review=review, author="dana")


def test_open_actions_carry_over_to_the_next_review(stored: Engine) -> None:
    with session_scope(stored) as session:
        september, _ = store.open_review(session, period=SEP, author="dana")
        store.start_meeting(session, review_id=september.id)
        settle(session, september.id)
        extra = store.add_action_item(
            session,
            review_id=september.id,
            description="renegotiate uptime SLA",
            owner="lena",
            due=date(2026, 11, 30),
            author="dana",
            serves_kind="contract",
            serves_id="acme",
            targets=TARGETS,
        )
        store.set_action_status(session, action_id=extra.id, status="done")
        close(session, program=PROGRAM, review=september, author="dana")
    with session_scope(stored) as session:
        october, created = store.open_review(session, period=OCT, author="scheduler")
        assert created
        carried = store.action_items(session, review_id=october.id)
        assert [(i.description, i.status, i.carried_from) for i in carried] == [
            ("pair new hires with seniors", "open", september.id),
            ("add KB search to the chat console", "open", september.id),
        ]
        store.set_action_status(session, action_id=carried[0].id, status="done")
        pack = pack_for(session, program=PROGRAM, review=october)
        # Due 2026-10-31, the October review is evaluated on 2026-11-01: still open means overdue.
        assert [(a.description, a.status, a.from_period) for a in pack.actions] == [
            ("pair new hires with seniors", "done", "2026-09"),
            ("add KB search to the chat console", "overdue", "2026-09"),
        ]
        # The closed September review keeps its own record untouched.
        sept_items = store.action_items(session, review_id=september.id)
        assert [i.status for i in sept_items] == ["open", "open", "done"]


def test_a_later_correction_does_not_rewrite_a_closed_review(stored: Engine) -> None:
    with session_scope(stored) as session:
        review, _ = store.open_review(session, period=SEP, author="dana")
        store.start_meeting(session, review_id=review.id)
        settle(session, review.id)
        close(session, program=PROGRAM, review=review, author="dana")
    store_values(stored, {("csat", "", "2026-09"): 80.5}, reason="late survey answers")
    with session_scope(stored) as session:
        review = store.get_review(session, period=SEP)
        doc = document_of(session, program=PROGRAM, review=review)
        csat = next(g for g in doc["pack"]["goals"] if g["goal_id"] == "csat_up")
        assert csat["actual"] == 78.5 and csat["status"] == "off_track"
        assert [
            (r["metric"], r["period"], r["was"], r["now"], r["revision"]) for r in doc["revisions"]
        ] == [("csat", "2026-09", 78.5, 80.5, 2)]
        assert (
            doc["revisions"][0]["message"]
            == "csat 2026-09: revised since this review: was 78.5, now 80.5"
        )
        # A live pack for the same period would show the corrected number.
        live = pack_for(session, program=PROGRAM, review=review)
        assert next(g for g in live.goals if g.goal_id == "csat_up").actual == 80.5


def test_quarterly_review_lives_beside_the_monthly_one(stored: Engine) -> None:
    with session_scope(stored) as session:
        monthly, _ = store.open_review(session, period=SEP, author="dana")
        qbr, created = store.open_review(
            session, period=Month(2026, 8), kind="quarterly", author="dana"
        )
        assert (
            created and qbr.id != monthly.id and qbr.period == "2026-09" and qbr.kind == "quarterly"
        )
        pack = pack_for(session, program=PROGRAM, review=qbr)
        assert str(pack.headline.credits_owed) == "4000.00"
        assert set(pack.required_findings()) == {
            "goal:csat_up",
            "sla:acme/uptime/2026-07",
            "sla:acme/uptime/2026-09",
        }
        assert [r.kind for r in store.list_reviews(session)] == ["quarterly", "monthly"]


def test_action_items_validate_what_they_serve(stored: Engine) -> None:
    with session_scope(stored) as session:
        review, _ = store.open_review(session, period=SEP, author="dana")
        with pytest.raises(store.ReviewError, match="serves a goal, contract, roadmap"):
            store.add_action_item(
                session,
                review_id=review.id,
                description="x",
                owner="y",
                due=date(2026, 10, 1),
                author="z",
                serves_kind="team",
                serves_id="t",
                targets=TARGETS,
            )
        with pytest.raises(
            store.ReviewError, match=r"the program has no goal 'csat_upp'\. Did you mean 'csat_up'"
        ):
            store.add_action_item(
                session,
                review_id=review.id,
                description="x",
                owner="y",
                due=date(2026, 10, 1),
                author="z",
                serves_kind="goal",
                serves_id="csat_upp",
                targets=TARGETS,
            )
        with pytest.raises(
            store.ReviewError, match="the program has no contract 'csat_up'"
        ):  # a goal's id
            store.add_action_item(
                session,
                review_id=review.id,
                description="x",
                owner="y",
                due=date(2026, 10, 1),
                author="z",
                serves_kind="contract",
                serves_id="csat_up",
                targets=TARGETS,
            )
        with pytest.raises(store.ReviewError, match="owner is required"):
            store.add_action_item(
                session,
                review_id=review.id,
                description="x",
                owner=" ",
                due=date(2026, 10, 1),
                author="z",
                targets=TARGETS,
            )
        with pytest.raises(store.ReviewError, match="open, done, dropped"):
            store.set_action_status(session, action_id=1, status="finished")
