"""The review pack quotes each attention goal's latest check-in, says when it contradicts the
numbers, flags owners who have not checked in since the last review, and lists stale series —
built, frozen, read back and exported."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from sqlalchemy.engine import Engine

from app.evaluate import ActualsIndex, evaluate_program
from app.evaluate.checkins import Checkin
from app.periods import Month
from app.review import store
from app.review.export import export
from app.review.pack import build_pack, review_as_of
from app.review.snapshot import read_snapshot
from app.service.checkins import record_checkin
from app.service.reviews import close, document_of
from app.store.db import session_scope
from app.textsafety import authored_markdown
from review.review_fixture import store_values, story_program, story_values

SEP = Month(2026, 9)


def _checkin(goal_id: str, confidence: str, day: int, month: int = 9) -> Checkin:
    return Checkin(
        id=None,
        goal_id=goal_id,
        confidence=confidence,
        comment="Survey volume fell in the holidays; expect recovery",
        blockers="Vendor contract renewal",
        next_step="Ask the vendor for the raw answers",
        next_step_due=None,
        author="owner@example.com",
        recorded_at=datetime(2026, month, day, 10, tzinfo=UTC),
        status_then="at_risk",
    )


def _pack(checkins: dict[str, Checkin]):  # type: ignore[no-untyped-def]
    program = story_program()
    evaluation = evaluate_program(
        program, ActualsIndex.from_values(story_values()), as_of=review_as_of(SEP, "monthly")
    )
    cadences = {goal_id: program.checkin_cadence(goal_id) for goal_id in program.goals}
    return build_pack(evaluation, period=SEP, checkins=checkins, cadences=cadences)


def test_the_attention_goal_quotes_its_latest_check_in_and_its_contradiction() -> None:
    pack = _pack({"csat_up": _checkin("csat_up", "on_track", 20)})
    [attention] = pack.attention
    quote = attention.latest_checkin
    assert quote is not None
    assert (quote.confidence, quote.author, str(quote.recorded_on)) == (
        "on_track",
        "owner@example.com",
        "2026-09-20",
    )
    assert quote.agreement == "more_confident"  # csat_up is off track in September
    assert (
        quote.note == "contradicts the numbers: the owner says on track, the numbers say off track"
    )
    assert quote.blockers == "Vendor contract renewal"


def test_owners_who_have_not_checked_in_since_the_last_review_are_flagged() -> None:
    # The August review was evaluated as of 1 September: a check-in on 31 August is before it.
    pack = _pack({"csat_up": _checkin("csat_up", "off_track", 31, month=8)})
    assert str(pack.checkins_since) == "2026-09-01"
    assert [(m.goal_id, str(m.last_checkin)) for m in pack.checkins_missing] == [
        ("aht_down", "None"),
        ("csat_up", "2026-08-31"),
    ]
    later = _pack(
        {
            "csat_up": _checkin("csat_up", "off_track", 1),
            "aht_down": _checkin("aht_down", "on_track", 30),
        }
    )
    assert later.checkins_missing == ()
    assert later.attention[0].latest_checkin.agreement == "agrees"  # type: ignore[union-attr]


def test_a_pack_without_check_ins_quotes_none_and_flags_none() -> None:
    program = story_program()
    evaluation = evaluate_program(
        program, ActualsIndex.from_values(story_values()), as_of=review_as_of(SEP, "monthly")
    )
    plain = build_pack(evaluation, period=SEP)
    assert plain.attention[0].latest_checkin is None and plain.checkins_missing == ()


def test_stale_series_are_listed_with_the_stale_data() -> None:
    pack = _pack({})
    series = [s for s in pack.stale if s.kind == "series"]
    # Every story series has a value for September: nothing is stale as of 1 October.
    assert series == []
    values = {k: v for k, v in story_values().items() if not (k[0] == "aht" and k[2] >= "2026-08")}
    # AHT's newest value is July; 31 July to 1 November is 93 days.
    program = story_program()
    evaluation = evaluate_program(
        program, ActualsIndex.from_values(values), as_of=review_as_of(Month(2026, 10), "monthly")
    )
    stale = build_pack(evaluation, period=Month(2026, 10)).stale
    [aht] = [s for s in stale if s.kind == "series"]
    assert aht.subject == "aht [all contacts]"
    assert aht.explanation == (
        "no value since 2026-07 (93 days after that month ended); stale after 45 days; used by goal aht_down"
    )


def test_a_closed_review_keeps_the_check_in_it_showed_and_every_export_says_it(
    engine: Engine,
) -> None:
    store_values(engine, story_values())
    program = story_program()
    record_checkin(
        engine,
        program,
        goal_id="csat_up",
        confidence="on_track",
        comment="Holiday dip; recovering",
        author="owner@example.com",
        recorded_at=datetime(2026, 9, 28, 9, tzinfo=UTC),
    )
    with session_scope(engine) as session:
        review, _ = store.open_review(session, period=SEP, author="dana")
        store.start_meeting(session, review_id=review.id)
        for key in ("goal:csat_up", "sla:acme/uptime/2026-09"):
            store.record_finding(
                session, review_id=review.id, key=key, author="dana",
                accepted_no_action=True, acceptance_reason="test",
            )  # fmt: skip
        closed = close(session, program=program, review=review, author="dana")
        document = document_of(session, program=program, review=closed)
    frozen = read_snapshot(closed.snapshot)  # type: ignore[arg-type]
    quote = frozen.pack.attention[0].latest_checkin
    assert quote is not None and quote.comment == "Holiday dip; recovering"
    assert [m.goal_id for m in frozen.pack.checkins_missing] == ["aht_down"]
    markdown = export(document, "md").decode()
    owner = authored_markdown("owner@example.com")  # shown as text, never a link
    assert (
        f"Owner's check-in (2026-09-28, {owner}): on track — “Holiday dip; recovering”" in markdown
    )
    assert (
        "Contradicts the numbers: the owner says on track, the numbers say off track." in markdown
    )
    assert "1 goal owner has not checked in since the last review (2026-09-01):" in markdown
    html = export(document, "html").decode()
    assert "Holiday dip; recovering" in html
    assert json.loads(closed.snapshot)["pack"]["checkins_since"] == "2026-09-01"  # type: ignore[arg-type]
