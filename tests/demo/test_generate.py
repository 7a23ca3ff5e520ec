"""The demo generator: seeded, realistic in the ways the demo relies on, and pure."""

from __future__ import annotations

import collections
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from app.demo.generate import COLUMNS, DemoPlan, generate_contacts, manual_figures
from app.periods import Month

AS_OF = date(2026, 11, 23)
ZONE = ZoneInfo("America/Los_Angeles")


@pytest.fixture(scope="module")
def rows() -> list[dict[str, str]]:
    return list(generate_contacts(DemoPlan(as_of=AS_OF)))


def _by_month(rows: list[dict[str, str]]) -> dict[Month, list[dict[str, str]]]:
    out: dict[Month, list[dict[str, str]]] = collections.defaultdict(list)
    for row in rows:
        out[Month.containing(datetime.fromisoformat(row["created_at"]), ZONE)].append(row)
    return out


def _chat_within(rows: list[dict[str, str]], seconds: float) -> float:
    answered = [r for r in rows if r["channel"] == "chat" and r["abandoned"] == "false"]
    return sum(float(r["wait_seconds"]) <= seconds for r in answered) / len(answered)


def test_same_seed_same_data_other_seed_other_data(rows: list[dict[str, str]]) -> None:
    plan = DemoPlan(as_of=AS_OF, months=2)
    first = list(generate_contacts(plan))
    assert first == list(generate_contacts(plan))
    assert first != list(generate_contacts(DemoPlan(as_of=AS_OF, months=2, seed=8)))


def test_a_year_of_contacts_ending_on_as_of(rows: list[dict[str, str]]) -> None:
    assert 40_000 <= len(rows) <= 60_000
    months = sorted(_by_month(rows))
    assert months == list(Month(2025, 12).until(Month(2026, 11)))
    last = max(datetime.fromisoformat(r["created_at"]) for r in rows)
    assert last.astimezone(ZONE).date() <= AS_OF
    assert all(tuple(row) == COLUMNS for row in rows)
    assert len({r["contact_id"] for r in rows}) == len(rows)


def test_timestamps_carry_an_offset_and_follow_each_other(rows: list[dict[str, str]]) -> None:
    for row in rows[:3000]:
        created = datetime.fromisoformat(row["created_at"])
        assert created.utcoffset() is not None
        if row["first_response_at"]:
            assert datetime.fromisoformat(row["first_response_at"]) >= created
        if row["resolved_at"]:
            assert datetime.fromisoformat(row["resolved_at"]) >= created


def test_calls_and_chats_arrive_in_published_hours(rows: list[dict[str, str]]) -> None:
    for row in rows:
        if row["channel"] in ("phone", "chat"):
            local = datetime.fromisoformat(row["created_at"]).astimezone(ZONE)
            assert local.weekday() < 5 and 6 <= local.hour < 18, row


def test_channel_mix_and_seasonality(rows: list[dict[str, str]]) -> None:
    share = collections.Counter(r["channel"] for r in rows)
    assert 0.33 <= share["chat"] / len(rows) <= 0.43
    assert 0.03 <= share["social"] / len(rows) <= 0.07
    by_month = _by_month(rows)
    assert len(by_month[Month(2026, 1)]) > 1.25 * len(by_month[Month(2026, 8)])


def test_survey_response_rate_is_realistic_and_social_is_not_surveyed(
    rows: list[dict[str, str]],
) -> None:
    answered = sum(1 for r in rows if r["csat"])
    assert 0.05 <= answered / len(rows) <= 0.20
    assert not any(r["csat"] for r in rows if r["channel"] == "social")
    assert {int(r["csat"]) for r in rows if r["csat"]} <= set(range(1, 6))
    assert {int(r["nps"]) for r in rows if r["nps"]} <= set(range(11))


def test_csat_improves_after_the_program_starts(rows: list[dict[str, str]]) -> None:
    def csat(month_rows: list[dict[str, str]]) -> float:
        answers = [int(r["csat"]) for r in month_rows if r["csat"]]
        return sum(a >= 4 for a in answers) / len(answers)

    by_month = _by_month(rows)
    early = csat(by_month[Month(2025, 12)] + by_month[Month(2026, 1)] + by_month[Month(2026, 2)])
    late = csat(by_month[Month(2026, 10)] + by_month[Month(2026, 11)])
    assert 0.74 <= early <= 0.81
    assert late >= early + 0.04


def test_the_chat_breach_streak_is_two_consecutive_bad_months(rows: list[dict[str, str]]) -> None:
    by_month = _by_month(rows)
    shares = {month: _chat_within(month_rows, 60) for month, month_rows in by_month.items()}
    breach = [Month(2026, 7), Month(2026, 8)]
    assert all(shares[m] < 0.55 for m in breach)
    assert all(share > 0.60 for month, share in shares.items() if month not in breach)


def test_the_outage_month_has_long_phone_waits(rows: list[dict[str, str]]) -> None:
    by_month = _by_month(rows)

    def abandoned(month: Month) -> float:
        phone = [r for r in by_month[month] if r["channel"] == "phone"]
        return sum(r["abandoned"] == "true" for r in phone) / len(phone)

    assert abandoned(Month(2026, 3)) > 2 * abandoned(Month(2026, 4))


def test_extra_scope_values_from_the_program_appear(rows: list[dict[str, str]]) -> None:
    plan = DemoPlan(
        as_of=AS_OF, months=1, extra_values={"queue": ("returns",), "team": ("night-shift",)}
    )
    generated = list(generate_contacts(plan))
    assert any(r["queue"] == "returns" for r in generated)
    assert any(r["team"] == "night-shift" for r in generated)


def test_manual_figures_cover_every_month_and_keep_churn_consistent() -> None:
    plan = DemoPlan(as_of=AS_OF)
    figures = manual_figures(
        plan,
        [
            ("churn_rate", "segment=enterprise,mid-market", "churn_rate", "percent"),
            ("kb_deflection", "", "manual", "percent"),
        ],
    )
    churn = [f for f in figures if f.metric == "churn_rate"]
    assert [f.period for f in churn] == plan.window()
    for figure in churn:
        assert figure.numerator is not None and figure.denominator
        assert figure.value == pytest.approx(100 * figure.numerator / figure.denominator, abs=0.005)
        assert 0.8 <= figure.value <= 1.8
    deflection = [f.value for f in figures if f.metric == "kb_deflection"]
    assert len(deflection) == 12 and deflection[-1] > deflection[0]
