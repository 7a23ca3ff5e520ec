"""A year of realistic, seeded synthetic contacts and manual figures (pure: no I/O, no clock).

The shape follows the example program and DOMAIN.md: phone/chat/e-mail/social in a 30/38/27/5 mix,
calls and chats in the published hours (Mon–Fri 06:00–18:00 in the program timezone), e-mail at
any hour, seasonality (busy January and September, quiet December and August), CSAT flat near
78 % before the program starts and improving towards ~84 %, FCR near 70 %, phone AHT ~9–10 min,
chat ~6 min, 5–20 % survey response. Two kinds of trouble are planted so the demo has something to
show: a bad month (a phone-system outage: long waits, abandoned calls, CSAT dip) and a chat
first-response breach streak of two consecutive months, enough to owe a consecutive-miss credit.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from app.periods import Month

COLUMNS: tuple[str, ...] = (
    "contact_id",
    "created_at",
    "channel",
    "queue",
    "agent_id",
    "customer_id",
    "priority",
    "first_response_at",
    "resolved_at",
    "wait_seconds",
    "abandoned",
    "talk_seconds",
    "hold_seconds",
    "wrap_seconds",
    "fcr",
    "csat",
    "nps",
    "ces",
    "team",
    "segment",
)
"""The `generic` profile's canonical columns, plus team and segment."""

CHANNEL_MIX: Mapping[str, float] = {"phone": 0.30, "chat": 0.38, "email": 0.27, "social": 0.05}
QUEUE_MIX: Mapping[str, float] = {
    "general": 0.24,
    "billing": 0.14,
    "account_access": 0.12,
    "how_to": 0.24,
    "integrations": 0.16,
    "escalations": 0.10,
}
PRIORITY_MIX: Mapping[str, float] = {"critical": 0.02, "high": 0.13, "medium": 0.50, "low": 0.35}
SEGMENT_MIX: Mapping[str, float] = {
    "mid-market": 0.72,
    "enterprise": 0.18,
    "brightwater": 0.06,
    "harborline": 0.04,
}
TEAM_BY_CHANNEL: Mapping[str, str] = {
    "phone": "portland-phone",
    "chat": "portland-chat",
    "email": "leipzig-email",
    "social": "leipzig-email",
}
SEASONALITY: Mapping[int, float] = {
    1: 1.18,
    2: 1.05,
    3: 1.02,
    4: 0.97,
    5: 0.95,
    6: 0.93,
    7: 0.88,
    8: 0.86,
    9: 1.12,
    10: 1.06,
    11: 1.02,
    12: 0.84,
}
PRIORITY_ACCOUNTS: frozenset[str] = frozenset({"brightwater", "harborline"})
"""Accounts with an SLA contract: routed to priority queues, so served faster and better."""
OPEN_HOUR, CLOSE_HOUR = 6, 18
AGENTS = 48
CUSTOMER_CONTACTS = 30_000
"""End users at ~1,200 customer accounts; enough that repeat contacts within a week stay rare."""


@dataclass(frozen=True)
class DemoPlan:
    """What to generate. `as_of` is the last day with data; the window ends in its month."""

    as_of: date
    months: int = 12
    seed: int = 7
    timezone: str = "America/Los_Angeles"
    contacts_per_month: int = 4_200
    outage_months_ago: int = 8
    chat_breach_months_ago: tuple[int, ...] = (4, 3)
    extra_values: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Scope values the program uses beyond the defaults (dimension → values), given a small share."""

    def window(self) -> list[Month]:
        last = Month.of(self.as_of)
        return list(last.shift(-(self.months - 1)).until(last))


@dataclass(frozen=True)
class MonthMood:
    """How a month goes: the levels the contacts of that month are drawn around."""

    csat_satisfied: float
    fcr_yes: float
    phone_answered_at_once: float
    phone_wait_mean: float
    chat_wait_mean: float
    priority_chat_speed: float
    email_reply_minutes: float
    phone_handle_minutes: float
    chat_handle_minutes: float
    nps_promoters: float
    nps_detractors: float
    ces_agree: float
    late_resolution: float
    """Share of contacts that take 8–35 days to resolve: the aged backlog."""


def progress(index: int, months: int) -> float:
    """0 for the first half of the window (before the program), rising to 1 at its last month."""
    half = months / 2
    return max(0.0, min(1.0, (index + 1 - half) / half)) if months > 1 else 1.0


def month_mood(plan: DemoPlan, index: int) -> MonthMood:
    p = progress(index, plan.months)
    months_ago = plan.months - 1 - index
    mood = MonthMood(
        csat_satisfied=0.76 + 0.055 * p,
        fcr_yes=0.70 + 0.06 * p,
        phone_answered_at_once=0.60 + 0.12 * p,
        phone_wait_mean=38 - 6 * p,
        chat_wait_mean=58 - 24 * p,
        priority_chat_speed=0.15,
        email_reply_minutes=48 - 18 * p,
        phone_handle_minutes=9.6 - 1.0 * p,
        chat_handle_minutes=6.2 - 0.4 * p,
        nps_promoters=0.45 + 0.06 * p,
        nps_detractors=0.24 - 0.03 * p,
        ces_agree=0.68 + 0.06 * p,
        late_resolution=0.07 - 0.045 * p,
    )
    if months_ago == plan.outage_months_ago:
        mood = _replace(
            mood,
            phone_answered_at_once=0.25,
            phone_wait_mean=110.0,
            csat_satisfied=mood.csat_satisfied - 0.06,
            fcr_yes=mood.fcr_yes - 0.05,
            nps_detractors=mood.nps_detractors + 0.06,
        )
    if months_ago in plan.chat_breach_months_ago:
        mood = _replace(
            mood,
            chat_wait_mean=105.0,
            priority_chat_speed=0.5,
            csat_satisfied=mood.csat_satisfied - 0.025,
        )
    return mood


def _replace(mood: MonthMood, **changes: float) -> MonthMood:
    from dataclasses import replace

    return replace(mood, **changes)


def _mix(base: Mapping[str, float], extra: tuple[str, ...]) -> tuple[list[str], list[float]]:
    names = list(base) + [value for value in extra if value not in base]
    weights = [base.get(name, 0.01) for name in names]
    return names, weights


def _local_instant(rng: random.Random, day: date, channel: str, zone: ZoneInfo) -> datetime:
    if channel in ("email", "social") and rng.random() < 0.35:
        seconds = rng.randrange(24 * 3600)
    else:
        peak = rng.triangular(OPEN_HOUR, CLOSE_HOUR, 10.5)
        seconds = int(peak * 3600)
    return datetime.combine(day, time(0), tzinfo=zone) + timedelta(seconds=seconds)


def _days(month: Month, as_of: date) -> list[date]:
    last = min(month.last_day(), as_of)
    return [
        month.first_day() + timedelta(days=offset)
        for offset in range((last - month.first_day()).days + 1)
    ]


def _iso(instant: datetime | None) -> str:
    return instant.isoformat(timespec="seconds") if instant is not None else ""


def _seconds(value: float | None) -> str:
    return f"{value:.0f}" if value is not None else ""


def _rating(rng: random.Random, satisfied: float) -> int:
    if rng.random() < satisfied:
        return 5 if rng.random() < 0.55 else 4
    return rng.choice((1, 2, 2, 3, 3, 3))


def _nps(rng: random.Random, mood: MonthMood) -> int:
    roll = rng.random()
    if roll < mood.nps_promoters:
        return rng.choice((9, 10))
    if roll < mood.nps_promoters + mood.nps_detractors:
        return rng.choice((0, 2, 3, 4, 5, 5, 6, 6, 6))
    return rng.choice((7, 8))


def generate_contacts(plan: DemoPlan) -> Iterator[dict[str, str]]:
    """The demo contacts, oldest first, as rows of the canonical CSV (all values text; blank = unknown)."""
    rng = random.Random(plan.seed)
    zone = ZoneInfo(plan.timezone)
    end_of_data = datetime.combine(plan.as_of + timedelta(days=1), time(0), tzinfo=zone)
    channels, channel_weights = _mix(CHANNEL_MIX, plan.extra_values.get("channel", ()))
    queues, queue_weights = _mix(QUEUE_MIX, plan.extra_values.get("queue", ()))
    priorities, priority_weights = _mix(PRIORITY_MIX, plan.extra_values.get("priority", ()))
    segments, segment_weights = _mix(SEGMENT_MIX, plan.extra_values.get("segment", ()))
    teams = tuple(plan.extra_values.get("team", ()))
    sequence = 0
    for index, month in enumerate(plan.window()):
        drafts: list[tuple[datetime, str, str, str, str, str, str]] = []
        mood = month_mood(plan, index)
        days = _days(month, plan.as_of)
        workdays = [day for day in days if day.weekday() < 5]
        month_days = month.last_day().day
        volume = int(plan.contacts_per_month * SEASONALITY[month.month] * len(days) / month_days)
        for _ in range(volume):
            channel = rng.choices(channels, channel_weights)[0]
            pool = workdays if channel in ("phone", "chat") and workdays else days
            created = _local_instant(rng, rng.choice(pool), channel, zone)
            drafts.append(
                (
                    created,
                    channel,
                    rng.choices(queues, queue_weights)[0],
                    rng.choices(priorities, priority_weights)[0],
                    rng.choices(segments, segment_weights)[0],
                    rng.choice(teams)
                    if teams and rng.random() < 0.05
                    else TEAM_BY_CHANNEL.get(channel, "general"),
                    f"U{int(CUSTOMER_CONTACTS * rng.random() ** 1.5):05d}",
                )
            )
        drafts.sort(key=lambda draft: draft[0])
        for created, channel, queue, priority, segment, team, customer in drafts:
            sequence += 1
            yield _contact(
                rng,
                mood,
                sequence,
                created,
                end_of_data,
                channel,
                queue,
                priority,
                segment,
                team,
                customer,
            )


def _contact(
    rng: random.Random,
    mood: MonthMood,
    sequence: int,
    created: datetime,
    end_of_data: datetime,
    channel: str,
    queue: str,
    priority: str,
    segment: str,
    team: str,
    customer: str,
) -> dict[str, str]:
    wait: float | None = None
    abandoned: bool | None = None
    talk = hold = wrap = None
    priority_account = segment in PRIORITY_ACCOUNTS
    if channel == "phone":
        at_once = rng.random() < mood.phone_answered_at_once + (0.15 if priority_account else 0.0)
        wait = (
            rng.uniform(0, 8)
            if at_once
            else rng.expovariate(1 / (mood.phone_wait_mean * (0.5 if priority_account else 1)))
        )
        abandoned = rng.random() < min(0.6, 0.012 + wait / 900)
        reply_after = wait
        if not abandoned:
            handle = max(1.5, rng.gauss(mood.phone_handle_minutes, 2.2)) * 60
            hold, wrap = handle * 0.06, handle * 0.22
            talk = handle - hold - wrap
    elif channel == "chat":
        wait = rng.expovariate(
            1 / (mood.chat_wait_mean * (mood.priority_chat_speed if priority_account else 1.0))
        )
        abandoned = rng.random() < min(0.5, 0.01 + wait / 1500)
        reply_after = wait
        if not abandoned:
            handle = max(1.0, rng.gauss(mood.chat_handle_minutes, 1.6)) * 60
            wrap, hold = handle * 0.15, 0.0
            talk = handle - wrap
    else:
        minutes = rng.lognormvariate(
            math.log(mood.email_reply_minutes * (0.25 if priority_account else 1)), 0.8
        )
        if not priority_account and (created.hour >= CLOSE_HOUR + 1 or created.hour < OPEN_HOUR):
            minutes += rng.uniform(120, 600)
        reply_after = minutes * 60
        handle = max(2.0, rng.gauss(14 if channel == "email" else 5, 4)) * 60
        talk, wrap, hold = handle * 0.85, handle * 0.15, 0.0
    if queue == "escalations":
        reply_after = max(reply_after, rng.expovariate(1 / (900 if priority_account else 2400)))
    first_response = None if abandoned else created + timedelta(seconds=reply_after)
    resolved = None
    if not abandoned:
        if priority == "critical" and (priority_account or rng.random() < 0.85):
            hours = rng.uniform(0.5, 3.5)
        elif rng.random() < mood.late_resolution:
            hours = rng.uniform(8, 35) * 24
        else:
            hours = min(rng.lognormvariate(math.log(20), 1.1), 160.0)
        resolved = (first_response or created) + timedelta(hours=hours)
        if resolved >= end_of_data:
            resolved = None
    if first_response is not None and first_response >= end_of_data:
        first_response = None
    fcr = ""
    if resolved is not None:
        fcr_yes = mood.fcr_yes + (0.12 if priority_account else 0.0)
        fcr = "pending" if rng.random() < 0.04 else ("yes" if rng.random() < fcr_yes else "no")
    surveyed = resolved is not None and channel != "social"
    satisfied = mood.csat_satisfied + (0.12 if priority_account else 0.0)
    response = 0.35 if priority_account else 0.15
    csat = str(_rating(rng, satisfied)) if surveyed and rng.random() < response else ""
    nps = str(_nps(rng, mood)) if surveyed and rng.random() < 0.14 else ""
    ces = ""
    if surveyed and rng.random() < 0.10:
        ces = str(rng.randint(5, 7) if rng.random() < mood.ces_agree else rng.randint(1, 4))
    return {
        "contact_id": f"DEMO-{sequence:06d}",
        "created_at": _iso(created),
        "channel": channel,
        "queue": queue,
        "agent_id": "" if abandoned else f"A{rng.randrange(1, AGENTS + 1):03d}",
        "customer_id": customer,
        "priority": priority,
        "first_response_at": _iso(first_response),
        "resolved_at": _iso(resolved),
        "wait_seconds": _seconds(wait),
        "abandoned": "" if abandoned is None else ("true" if abandoned else "false"),
        "talk_seconds": _seconds(talk),
        "hold_seconds": _seconds(hold),
        "wrap_seconds": _seconds(wrap),
        "fcr": fcr,
        "csat": csat,
        "nps": nps,
        "ces": ces,
        "team": team,
        "segment": segment,
    }


@dataclass(frozen=True)
class ManualFigure:
    """A figure entered by hand for one (metric, scope, month)."""

    metric: str
    scope_key: str
    period: Month
    value: float
    numerator: float | None = None
    denominator: float | None = None


def manual_figures(plan: DemoPlan, series: list[tuple[str, str, str, str]]) -> list[ManualFigure]:
    """Figures for the series that are not computed from contacts.

    `series` lists (metric id, scope key, calculation type, unit) — the program's measured series
    whose calculation is entered by hand. Churn and NRR get numerator and denominator; other
    manual metrics get a level chosen from the metric id, or a flat plausible value for its unit.
    """
    rng = random.Random(plan.seed * 7919 + 1)
    figures: list[ManualFigure] = []
    for metric, scope_key, calculation, unit in series:
        customers = 1_200.0
        for index, month in enumerate(plan.window()):
            p = progress(index, plan.months)
            bad = plan.months - 1 - index == plan.outage_months_ago
            if calculation == "churn_rate":
                rate = 1.32 - 0.2 * p + (0.15 if bad else 0.0) + rng.uniform(-0.06, 0.06)
                lost = round(customers * rate / 100)
                figures.append(
                    ManualFigure(
                        metric, scope_key, month, round(100 * lost / customers, 2), lost, customers
                    )
                )
                customers = customers - lost + rng.randint(10, 22)
            elif calculation == "net_revenue_retention":
                start_mrr = 1_450_000.0 + 9_000 * index
                ratio = 0.995 + 0.02 * p + rng.uniform(-0.006, 0.006) - (0.01 if bad else 0.0)
                end_mrr = round(start_mrr * ratio)
                figures.append(
                    ManualFigure(
                        metric,
                        scope_key,
                        month,
                        round(100 * end_mrr / start_mrr, 2),
                        end_mrr,
                        start_mrr,
                    )
                )
            else:
                figures.append(
                    ManualFigure(metric, scope_key, month, _manual_level(metric, unit, p, bad, rng))
                )
    return figures


def _manual_level(metric: str, unit: str, p: float, bad: bool, rng: random.Random) -> float:
    if "deflection" in metric:
        return round(6 + 6 * p + rng.uniform(-0.8, 0.8), 1)
    if "turnover" in metric:
        return round(35 - 4 * p + rng.uniform(-0.6, 0.6), 1)
    if "uptime" in metric or "availability" in metric:
        return round(99.82 if bad else 99.96 + rng.uniform(0, 0.035), 3)
    if "nps" in metric:
        return float(round(22 + 8 * p + rng.uniform(-2, 2)))
    if unit == "percent":
        return round(50 + 10 * p + rng.uniform(-2, 2), 1)
    return round(100 * (1 + 0.1 * p) + rng.uniform(-5, 5), 1)
