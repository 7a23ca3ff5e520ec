"""What needs attention (app.service.attention) on SQLite and PostgreSQL: the order, the review's
root causes and actions, the open review's decisions, stale series — against the review story
(tests/review/review_fixture.py: CSAT off track in September, the acme uptime objective missed in
July and September at $2,000 a miss)."""

from __future__ import annotations

import os
import subprocess
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from review.review_fixture import store_values, story_program, story_values
from sqlalchemy.engine import Engine
from ui.pagekit import AS_OF, copy_program

from app.evaluate import ActualsIndex, evaluate_program
from app.periods import Month
from app.service import reviews
from app.service.attention import CreditLine, GoalLine, needs_attention, stale_series

PROGRAM = story_program()


def attention_at(engine: Engine, day: date, values: dict[tuple[str, str, str], float]):  # type: ignore[no-untyped-def]
    evaluation = evaluate_program(PROGRAM, ActualsIndex.from_values(values), as_of=day)  # type: ignore[arg-type]
    return needs_attention(engine, PROGRAM, evaluation)


def test_money_first_then_severity(engine: Engine) -> None:
    found = attention_at(engine, date(2026, 10, 15), story_values())
    kinds = [(i.kind, i.title) for i in found.items]
    # money owed first; then the goal off track (severity 3) before November's projected credit
    # (a forecast, severity 2, not counted as money)
    assert kinds == [
        ("credit", "acme"),
        ("credit", "acme"),
        ("goal", "csat_up"),
        ("credit", "acme"),
    ]
    credits = [i for i in found.items if isinstance(i, CreditLine)]
    assert [(c.period, c.state, c.amount) for c in credits] == [
        (Month(2026, 7), "owed", Decimal("2000.00")),
        (Month(2026, 9), "owed", Decimal("2000.00")),
        (Month(2026, 11), "projected", Decimal("2000.00")),
    ]
    assert credits[0].objectives == ("uptime",)
    assert "5 % of $40,000 = $2,000" in credits[0].rule
    [goal] = found.goals
    assert goal.status == "off_track" and goal.since == Month(2026, 9) and goal.months == 1
    # 78.5 against a plan of 81.0 (one point a month from 78 in June): 2.5 points behind
    assert "2.5 points behind the plan of 81.0 %" in goal.explanation
    assert goal.root_cause == "no root cause recorded yet" and goal.corrective_actions == ()
    assert found.first_goal == "csat_up"
    assert found.open_review is None and found.decisions == ()


def test_a_credit_at_risk_this_month_counts_as_money(engine: Engine) -> None:
    """October so far misses (99.0): its credit is at risk, money ahead of the off-track goal."""
    values = {**story_values(), ("uptime", "", "2026-10"): 99.0}
    found = attention_at(engine, date(2026, 10, 15), values)
    at_risk = [i for i in found.items if isinstance(i, CreditLine) and i.state == "at risk"]
    assert [(c.period, c.amount, c.money) for c in at_risk] == [
        (Month(2026, 10), Decimal("2000.00"), Decimal("2000.00"))
    ]
    first_goal = next(n for n, i in enumerate(found.items) if isinstance(i, GoalLine))
    assert found.items.index(at_risk[0]) < first_goal


def _close_september(engine: Engine) -> int:
    """The September review: CSAT's root cause and two actions (one due in October), the uptime
    miss accepted; closed."""
    review = reviews.open_review(engine, period=Month(2026, 9), author="dana").review
    review_id = review.id or 0
    reviews.start_meeting(engine, review_id=review_id)
    reviews.record_finding(
        engine,
        review_id=review_id,
        key="goal:csat_up",
        author="dana",
        root_cause="new hires answer chats without the knowledge base",
    )
    for text, due in (
        ("pair new hires with seniors", date(2026, 10, 20)),
        ("add KB search to the chat console", date(2026, 12, 15)),
    ):
        reviews.add_action_item(
            engine,
            PROGRAM,
            review_id=review_id,
            description=text,
            owner="priya",
            due=due,
            author="dana",
            serves_kind="goal",
            serves_id="csat_up",
            finding_key="goal:csat_up",
        )
    for key in reviews.required_findings(engine, PROGRAM, review_id=review_id):
        if key.startswith("sla:"):
            reviews.record_finding(
                engine,
                review_id=review_id,
                key=key,
                author="dana",
                accepted_no_action=True,
                acceptance_reason="data-centre outage, credited",
            )
    reviews.close_review(engine, PROGRAM, review_id=review_id, author="dana")
    return review_id


def test_the_goal_line_carries_the_reviews_root_cause_and_its_actions_now(engine: Engine) -> None:
    values = {**story_values(), ("csat", "", "2026-10"): 78.6, ("uptime", "", "2026-10"): 99.95}
    store_values(engine, values)
    _close_september(engine)
    october = reviews.open_review(engine, period=Month(2026, 10), author="dana")
    carried = reviews.action_items(engine, review_id=october.review.id or 0)
    assert october.carried == 2
    done = next(i for i in carried if i.description.startswith("add KB"))
    reviews.set_action_status(engine, action_id=done.id or 0, status="done")
    reviews.add_decision(
        engine, review_id=october.review.id or 0, text="hire two chat agents", author="dana"
    )

    found = attention_at(engine, date(2026, 11, 4), values)
    [goal] = found.goals
    assert goal.root_cause == "new hires answer chats without the knowledge base"
    assert goal.finding is not None and goal.finding.review_period == "2026-09"
    assert [(a.description, a.status) for a in goal.corrective_actions] == [
        ("pair new hires with seniors", "open"),
        ("add KB search to the chat console", "done"),  # the status of its carried copy
    ]
    assert found.open_review is not None and found.open_review.period == "2026-10"
    assert found.last_review is not None and found.last_review.period == "2026-09"
    decided = [(d.kind, d.text) for d in found.decisions]
    assert ("root cause", "csat_up (off track): no root cause yet") in decided
    overdue = [t for k, t in decided if k == "overdue action"]
    assert overdue == ["pair new hires with seniors — priya, due 2026-10-20 (15 days late)"]
    assert ("recorded", "hire two chat agents") in decided
    assert "not known" in found.changes_note  # no folder given: no history to read


def test_stale_series_are_named_with_the_month_they_are_due(engine: Engine) -> None:
    values = {k: v for k, v in story_values().items() if k[2] != "2026-09"}
    evaluation = evaluate_program(
        PROGRAM, ActualsIndex.from_values(values), as_of=date(2026, 10, 3)
    )  # type: ignore[arg-type]
    stale = stale_series(PROGRAM, evaluation)
    assert [(s.metric, s.due, s.last_value) for s in stale] == [
        ("aht", Month(2026, 9), Month(2026, 8)),
        ("csat", Month(2026, 9), Month(2026, 8)),
        ("uptime", Month(2026, 9), Month(2026, 8)),
    ]
    assert stale[1].name == "csat — all contacts"
    assert stale[1].used_by == ("goal “csat_up”",)
    assert stale[2].used_by == ("acme — uptime",)


def _git(root: Path, *args: str, when: datetime | None = None) -> None:
    moment = (when or datetime.now(UTC)).strftime("%Y-%m-%dT%H:%M:%S+0000")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "cx",
        "GIT_AUTHOR_EMAIL": "cx@example.com",
        "GIT_COMMITTER_NAME": "cx",
        "GIT_COMMITTER_EMAIL": "cx@example.com",
        "GIT_AUTHOR_DATE": moment,
        "GIT_COMMITTER_DATE": moment,
    }
    subprocess.run(["git", "-C", str(root), *args], check=True, env=env, capture_output=True)


def test_changes_merged_since_the_last_review_are_decisions_read_from_git(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The program as merged when the last review closed, against the program now: a target
    lowered after the meeting is a decision for this month; a title changed is not."""
    from app.load import load_program
    from app.service.demo import seed_demo
    from app.service.program import evaluate_at
    from app.store.db import ENV_VAR, open_store

    monkeypatch.delenv(ENV_VAR, raising=False)
    root = copy_program(tmp_path / "program")
    now = datetime.now(UTC)
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "the program", when=now - timedelta(days=2))
    engine = open_store(root)
    seed_demo(engine, load_program(root, today=AS_OF).program, as_of=AS_OF, months=4)
    goals = root / "goals" / "outcomes.yaml"
    text = goals.read_text(encoding="utf-8")
    text = text.replace("  target:\n    value: 85.0", "  target:\n    value: 83.0", 1)
    text = text.replace("title: Raise CSAT from 78 % to 85 % by March 2027", "title: Raise CSAT")
    goals.write_text(text, encoding="utf-8")
    _git(root, "commit", "-q", "-am", "CSAT: 83 %", when=now + timedelta(hours=1))

    program = load_program(root, today=AS_OF).program
    assert program is not None
    found = needs_attention(engine, program, evaluate_at(engine, program, AS_OF), root=root)
    changes = [d.text for d in found.decisions if d.kind == "program change"]
    assert len(changes) == 1, changes
    assert changes[0].startswith("goal “Raise CSAT”: ") and changes[0].endswith("(softened)")
    assert "85" in changes[0] and "83" in changes[0]
    assert found.changes_note.startswith("compared with the program as merged when")

    unrelated = needs_attention(engine, program, evaluate_at(engine, program, AS_OF))
    assert not [d for d in unrelated.decisions if d.kind == "program change"]
