"""The automatic part of a review, from the evaluation: monthly and quarterly, checked by hand."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from app.evaluate import ActualsIndex, evaluate_program
from app.periods import Month
from app.review.pack import (
    ActionView,
    build_pack,
    review_as_of,
    review_kind,
    review_months,
    trend_direction,
)
from review.review_fixture import story_program, story_values

SEP = Month(2026, 9)


def pack(kind: str = "monthly", period: Month = SEP, values=None, actions=()):  # type: ignore[no-untyped-def]
    program = story_program()
    actuals = ActualsIndex.from_values(values or story_values())
    evaluation = evaluate_program(program, actuals, as_of=review_as_of(period, kind))  # type: ignore[arg-type]
    previous = None
    if kind == "quarterly":
        previous = evaluate_program(
            program, actuals, as_of=review_months(period, kind)[0].first_day()
        )  # type: ignore[arg-type]
    return build_pack(
        evaluation,
        period=period,
        kind=kind,
        previous_open_actions=actions,  # type: ignore[arg-type]
        previous_evaluation=previous,
    )


def test_a_review_is_evaluated_on_the_first_day_after_its_period() -> None:
    assert review_as_of(SEP, "monthly") == date(2026, 10, 1)
    assert review_as_of(Month(2026, 8), "quarterly") == date(2026, 10, 1)
    assert review_months(Month(2026, 8), "quarterly") == (Month(2026, 7), Month(2026, 8), SEP)


def test_monthly_pack_headline_attention_and_misses() -> None:
    p = pack()
    assert p.period == SEP and p.months == (SEP,)
    assert p.headline.goals_by_status == {"off_track": 1, "on_track": 1}
    assert [(c.goal_id, c.previous, c.current, c.worse) for c in p.headline.changes] == [
        ("csat_up", "at_risk", "off_track", True)
    ]
    # One miss in September: 5 % of $40,000.
    assert p.headline.credits_owed == Decimal("2000.00")
    [attention] = p.attention
    assert attention.key == "goal:csat_up" and attention.goal.status == "off_track"
    assert [(str(t.period), t.actual) for t in attention.trend] == [
        ("2026-07", 78.9),
        ("2026-08", 79.0),
        ("2026-09", 78.5),
    ]
    assert attention.direction == "worsening"
    [miss] = p.sla_misses
    assert (miss.key, miss.value, miss.target, miss.credit) == (
        "sla:acme/uptime/2026-09",
        99.0,
        99.9,
        Decimal("2000.00"),
    )
    assert "5 %" in miss.explanation
    assert set(p.required_findings()) == {"goal:csat_up", "sla:acme/uptime/2026-09"}


def test_quarterly_pack_aggregates_its_three_months() -> None:
    p = pack("quarterly", Month(2026, 7))
    assert p.period == SEP and [str(m) for m in p.months] == ["2026-07", "2026-08", "2026-09"]
    # Status at the quarter's last month; trend over the quarter; credits summed: July and September missed.
    assert (
        p.goals[0].goal_id == "aht_down"
        and {g.goal_id: g.status for g in p.goals}["csat_up"] == "off_track"
    )
    assert [t.actual for t in p.attention[0].trend] == [78.9, 79.0, 78.5]
    assert p.headline.credits_owed == Decimal("4000.00")
    assert [(str(c.period), c.amount) for c in p.credits] == [
        ("2026-07", Decimal("2000.00")),
        ("2026-09", Decimal("2000.00")),
    ]
    assert [m.key for m in p.sla_misses] == ["sla:acme/uptime/2026-07", "sla:acme/uptime/2026-09"]
    # Changes since the previous quarter's end (June: nothing due yet, on track).
    assert [(c.goal_id, c.previous, c.current) for c in p.headline.changes] == [
        ("csat_up", "on_track", "off_track")
    ]


def test_a_month_with_no_miss_needs_no_finding_for_the_contract() -> None:
    p = pack(period=Month(2026, 8))
    assert p.sla_misses == () and p.headline.credits_owed == Decimal("0.00")
    assert [a.goal.status for a in p.attention] == ["at_risk"]


def test_stale_data_lists_goals_without_a_value_and_unmeasured_objectives() -> None:
    values = {k: v for k, v in story_values().items() if k[2] != "2026-09"}
    p = pack(values=values)
    assert {(s.kind, s.subject) for s in p.stale} == {
        ("goal", "csat_up"),
        ("goal", "aht_down"),
        ("sla", "acme/uptime"),
    }
    # An unmeasured month counts as a miss under this contract: it still needs a finding.
    assert [(m.key, m.value, m.outcome) for m in p.sla_misses] == [
        ("sla:acme/uptime/2026-09", None, "unmeasured")
    ]


def test_open_actions_from_earlier_reviews_show_done_open_or_overdue() -> None:
    actions = [
        ActionView(
            1, "retrain chat team", "priya", date(2026, 9, 15), "open", "goal", "csat_up", "2026-08"
        ),
        ActionView(2, "fix status page", "tom", date(2026, 10, 15), "open"),
        ActionView(3, "call Acme", "lena", date(2026, 9, 1), "done", "contract", "acme", "2026-08"),
    ]
    p = pack(actions=actions)
    assert [(a.id, a.status, a.serves) for a in p.actions] == [
        (1, "overdue", "goal csat_up"),
        (2, "open", None),
        (3, "done", "contract acme"),
    ]


def test_figures_are_every_actual_the_pack_shows() -> None:
    p = pack()
    keys = {(f.metric, str(f.period)): f.value for f in p.figures}
    assert keys[("csat", "2026-09")] == 78.5 and keys[("csat", "2026-06")] is None
    assert keys[("uptime", "2026-09")] == 99.0 and keys[("aht", "2026-09")] == 9.6


def test_the_evaluation_must_be_made_for_the_review_period() -> None:
    evaluation = evaluate_program(
        story_program(), ActualsIndex.from_values(story_values()), as_of=date(2026, 11, 5)
    )
    with pytest.raises(ValueError, match="needs one as of 2026-10-01"):
        build_pack(evaluation, period=SEP)


@pytest.mark.parametrize(
    ("values", "better", "expected"),
    [
        ([78.9, 79.0, 78.5], "higher", "worsening"),
        ([10.0, None, 9.0], "lower", "improving"),
        ([5.0, 5.0], "higher", "flat"),
        ([None, 4.0, None], "higher", "unknown"),
    ],
)
def test_trend_direction(values: list[float | None], better: str, expected: str) -> None:
    assert trend_direction(values, better) == expected


def test_snapshot_format_is_json_ready() -> None:
    import json

    data = pack("quarterly").to_dict()
    assert json.loads(json.dumps(data)) == data
    assert data["headline"]["credits_owed"] == "4000.00" and data["months"] == [
        "2026-07",
        "2026-08",
        "2026-09",
    ]


def test_a_stored_kind_is_read_back_as_a_review_kind_or_refused() -> None:
    assert review_kind("monthly") == "monthly" and review_kind("quarterly") == "quarterly"
    with pytest.raises(ValueError, match="monthly or quarterly, not 'weekly'"):
        review_kind("weekly")


def test_the_pack_shows_owed_not_issued_apart_from_what_was_issued() -> None:
    """July's $2,000 (uptime 99.5) went on INV-0807 on 5 August; September's $2,000 is owed and
    on no invoice yet. The September review (as of 1 October) lists September's credit with its
    invoicing state, and — whatever the month — what the next invoice should carry: $2,000."""
    from app.evaluate import IssuedCredit
    from app.review.export import to_markdown

    issued = IssuedCredit(
        "acme",
        Month(2026, 7),
        1,
        Decimal("2000.00"),
        "USD",
        "INV-0807",
        date(2026, 8, 5),
        "finance@example.com",
        Decimal("2000.00"),
    )
    evaluation = evaluate_program(
        story_program(),
        ActualsIndex.from_values(story_values()),
        as_of=review_as_of(SEP, "monthly"),
        issued=[issued],
    )
    p = build_pack(evaluation, period=SEP)
    [september] = p.credits
    assert september.invoicing == "owed, not issued: $2,000"
    assert [(str(i.period), i.state, i.due) for i in p.invoicing] == [
        ("2026-09", "not_issued", Decimal("2000.00"))
    ]
    assert (p.headline.exposure.issued, p.headline.exposure.not_issued) == (
        Decimal("2000.00"),
        Decimal("2000.00"),
    )
    document = {
        "review": {"status": "draft"},
        "pack": p.to_dict(),
        "record": {"attendees": [], "findings": [], "decisions": [], "action_items": []},
        "revisions": [],
    }
    text = to_markdown(document).replace("\\$", "$")  # Markdown escapes the dollar signs
    assert "Owed and not yet on an invoice: $2,000; adjustments due on the next invoice: $0" in text
    assert "| Acme (acme) | 2026-09 | $2,000 | not issued | owed, not issued: $2,000 |" in text
