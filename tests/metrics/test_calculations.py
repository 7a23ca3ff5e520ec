"""Every contact calculation against published worked examples and hand-built edge cases.

Each test runs on SQLite and on PostgreSQL (the `engine` fixture), so passing on both means the
two databases agree.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from metrics_builders import JAN, after, contact, contacts, insert_contacts, metric, program
from sqlalchemy.engine import Engine

from app.metrics.compute import KpiValue, compute_kpis
from app.periods import Month

JANUARY = Month(2026, 1)


def only(values: list[KpiValue], metric_id: str, month: Month = JANUARY) -> KpiValue:
    found = [value for value in values if value.metric == metric_id and value.period == month]
    assert len(found) == 1, found
    return found[0]


def test_csat_published_example_74_of_107(engine: Engine) -> None:
    """74 satisfied (4 or 5) of 107 answers is 69.16 %; contacts without an answer do not count."""
    rows = (
        contacts(40, csat=5)
        + contacts(34, csat=4)
        + contacts(20, csat=3)
        + contacts(13, csat=1)
        + contacts(9)
    )
    insert_contacts(engine, rows)
    value = only(
        compute_kpis(engine, program(metric("csat", {"type": "csat"})), months=[JANUARY]), "csat"
    )
    assert (value.numerator, value.denominator, value.sample_size) == (74, 107, 107)
    assert value.value == pytest.approx(69.16, abs=0.005)


def test_csat_on_another_scale_ignores_answers_outside_it(engine: Engine) -> None:
    insert_contacts(engine, contacts(3, csat=3) + contacts(1, csat=2) + contacts(2, csat=4))
    catalogue = program(metric("csat3", {"type": "csat", "scale": 3, "satisfied_from": 3}))
    value = only(compute_kpis(engine, catalogue, months=[JANUARY]), "csat3")
    assert (value.numerator, value.sample_size) == (3, 4)
    assert value.value == pytest.approx(75.0)


def test_nps_published_example_30_promoters_20_detractors(engine: Engine) -> None:
    """30 % promoters (9–10) − 20 % detractors (0–6) = +10; passives (7–8) only count in the total."""
    rows = contacts(15, nps=10) + contacts(15, nps=9) + contacts(25, nps=8) + contacts(25, nps=7)
    rows += contacts(10, nps=6) + contacts(10, nps=0)
    insert_contacts(engine, rows)
    value = only(
        compute_kpis(
            engine, program(metric("nps", {"type": "nps"}, unit="score")), months=[JANUARY]
        ),
        "nps",
    )
    assert (value.numerator, value.denominator) == (10, 100)
    assert value.value == pytest.approx(10.0)


def test_ces_share_and_mean(engine: Engine) -> None:
    insert_contacts(
        engine, contacts(3, ces=7) + contacts(1, ces=5) + contacts(2, ces=4) + contacts(2, ces=1)
    )
    catalogue = program(
        metric("ces", {"type": "ces"}),
        metric("ces_mean", {"type": "ces", "method": "mean"}, unit="score"),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    assert only(values, "ces").value == pytest.approx(50.0)  # 4 of 8 answered 5–7
    assert only(values, "ces_mean").value == pytest.approx((21 + 5 + 8 + 2) / 8)


@pytest.mark.parametrize(
    ("variant", "expected", "numerator", "denominator"),
    [
        ("within_threshold_met", 83.0, 880, 1060),
        ("ignored", 86.0, 860, 1000),
        ("counted_against", 81.1, 860, 1060),
        ("short_excluded", 82.7, 860, 1040),
    ],
)
def test_service_level_published_example_under_the_four_formulas(
    engine: Engine, variant: str, expected: float, numerator: int, denominator: int
) -> None:
    """1,000 answered and 60 abandoned calls; threshold T = 20 s.

    Construction: 860 answered within 20 s (800 after 8 s, 60 after exactly 20 s — "within" is at
    most T), 140 answered after 45 s; of the 60 abandoned, 20 hung up within 20 s (10 after 3 s,
    10 after exactly 20 s) and 40 after 90 s. With short_abandon = T = 20 s the 20 early hang-ups
    are the short abandons. So:
    within_threshold_met (860 + 20) / 1060 = 83.0 %; ignored 860 / 1000 = 86.0 %;
    counted_against 860 / 1060 = 81.1 %; short_excluded 860 / (1000 + 40) = 82.7 %.
    """
    rows = contacts(800, wait_seconds=8.0, abandoned=False) + contacts(
        60, wait_seconds=20.0, abandoned=False
    )
    rows += contacts(140, wait_seconds=45.0, abandoned=False)
    rows += contacts(10, wait_seconds=3.0, abandoned=True) + contacts(
        10, wait_seconds=20.0, abandoned=True
    )
    rows += contacts(40, wait_seconds=90.0, abandoned=True)
    rows += contacts(5, abandoned=True) + contacts(
        5, channel="email"
    )  # wait unknown: not in any formula
    insert_contacts(engine, rows)
    calculation = {
        "type": "service_level",
        "threshold": "20 seconds",
        "abandoned": variant,
        "short_abandon": "20 seconds",
    }
    value = only(compute_kpis(engine, program(metric("sl", calculation)), months=[JANUARY]), "sl")
    assert (value.numerator, value.denominator) == (numerator, denominator)
    assert value.value == pytest.approx(expected, abs=0.05)


def test_abandonment_rate_excludes_short_abandons_from_both_sides(engine: Engine) -> None:
    rows = contacts(90, abandoned=False, wait_seconds=30.0) + contacts(
        6, abandoned=True, wait_seconds=60.0
    )
    rows += contacts(4, abandoned=True, wait_seconds=5.0) + contacts(
        3, channel="email"
    )  # e-mail: never offered
    insert_contacts(engine, rows)
    catalogue = program(
        metric("abandon", {"type": "abandonment_rate"}, better="lower"),
        metric(
            "abandon_long",
            {"type": "abandonment_rate", "short_abandon": "5 seconds"},
            better="lower",
        ),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    assert only(values, "abandon").value == pytest.approx(10.0)  # 10 / 100
    assert (only(values, "abandon_long").numerator, only(values, "abandon_long").denominator) == (
        6,
        96,
    )


def test_fcr_excludes_pending_and_applies_the_repeat_window(engine: Engine) -> None:
    """Six yes, two no, three pending. Customer A's yes is followed 3 days later by a chat (another
    channel still counts as a repeat) → not resolved; B's follow-up after exactly 7 days is within
    the window → not resolved; C's comes after 8 days → stays resolved; a yes with no customer
    cannot be repeated. Without a window: 6 / 8 = 75 %; with 7 days: 4 / 8 = 50 %."""
    rows = [
        contact(JAN, channel="phone", customer_id="A", fcr="yes"),
        contact(JAN + timedelta(days=3), channel="chat", customer_id="A", fcr="pending"),
        contact(JAN, channel="phone", customer_id="B", fcr="yes"),
        contact(JAN + timedelta(days=7), channel="phone", customer_id="B", fcr="pending"),
        contact(JAN, channel="phone", customer_id="C", fcr="yes"),
        contact(JAN + timedelta(days=8), channel="phone", customer_id="C", fcr="pending"),
        contact(JAN, channel="phone", customer_id="D", fcr="yes"),
        contact(JAN, channel="phone", fcr="yes"),
        contact(JAN, channel="phone", fcr="yes"),
        contact(JAN, channel="phone", customer_id="E", fcr="no"),
        contact(JAN, channel="phone", customer_id="F", fcr="no"),
    ]
    insert_contacts(engine, rows)
    catalogue = program(
        metric("fcr", {"type": "fcr"}),
        metric("fcr7", {"type": "fcr", "repeat_window": "7 days"}, scope={"channel": "phone"}),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    plain, windowed = only(values, "fcr"), only(values, "fcr7")
    assert (plain.numerator, plain.denominator, plain.value) == (6, 8, pytest.approx(75.0))
    assert (windowed.numerator, windowed.denominator, windowed.value) == (4, 8, pytest.approx(50.0))
    assert windowed.scope == {"channel": "phone"}


def test_fcr_repeat_in_the_next_month_still_counts(engine: Engine) -> None:
    end_of_january = datetime(2026, 1, 30, 12, tzinfo=UTC)
    insert_contacts(
        engine,
        [
            contact(end_of_january, customer_id="A", fcr="yes"),
            contact(end_of_january + timedelta(days=4), customer_id="A", fcr="yes"),
        ],
    )
    catalogue = program(metric("fcr7", {"type": "fcr", "repeat_window": "7 days"}))
    value = only(compute_kpis(engine, catalogue, months=[JANUARY]), "fcr7")
    assert (value.numerator, value.denominator) == (0, 1)


def test_aht_is_the_mean_of_the_chosen_components_over_answered_contacts(engine: Engine) -> None:
    rows = [
        contact(
            talk_seconds=300.0, hold_seconds=60.0, wrap_seconds=120.0, abandoned=False
        ),  # 480 s
        contact(
            talk_seconds=500.0, hold_seconds=0.0, wrap_seconds=100.0
        ),  # 600 s, e-mail: abandoned blank
        contact(
            talk_seconds=900.0, hold_seconds=0.0, wrap_seconds=0.0, abandoned=True
        ),  # abandoned: left out
        contact(
            talk_seconds=200.0, hold_seconds=None, wrap_seconds=40.0
        ),  # handle time unknown: left out
        contact(talk_seconds=-5.0, hold_seconds=0.0, wrap_seconds=40.0),  # negative: left out
    ]
    insert_contacts(engine, rows)
    catalogue = program(
        metric("aht", {"type": "aht"}, unit="minutes", better="lower"),
        metric("talk", {"type": "aht", "components": ["talk"]}, unit="seconds", better="lower"),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    aht = only(values, "aht")
    assert (aht.value, aht.numerator, aht.denominator) == (
        pytest.approx(9.0),
        pytest.approx(18.0),
        2,
    )
    assert only(values, "talk").value == pytest.approx((300 + 500 + 200) / 3)


def _timing_rows(seconds: list[float | None]) -> list[dict]:
    return [
        contact(
            first_response_at=None if s is None else after(s),
            resolved_at=None if s is None else after(2 * s),
        )
        for s in seconds
    ]


def test_percentiles_match_hand_computed_values(engine: Engine) -> None:
    """Durations 10, 20, 30, 40, 100 s (plus a missing and a negative one, left out).
    percentile_cont: median = 30; p90 at position 0.9 × 4 = 3.6 → 40 + 0.6 × (100 − 40) = 76."""
    insert_contacts(engine, _timing_rows([40, 10, 100, 30, 20, None, -15]))
    catalogue = program(
        metric(
            "frt_median",
            {"type": "first_response_time", "statistic": "median"},
            unit="seconds",
            better="lower",
        ),
        metric(
            "frt_p90",
            {"type": "first_response_time", "statistic": "p90"},
            unit="seconds",
            better="lower",
        ),
        metric(
            "frt_mean",
            {"type": "first_response_time", "statistic": "mean"},
            unit="minutes",
            better="lower",
        ),
        metric(
            "res_median",
            {"type": "resolution_time", "statistic": "median"},
            unit="seconds",
            better="lower",
        ),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    assert (only(values, "frt_median").value, only(values, "frt_median").sample_size) == (
        pytest.approx(30.0),
        5,
    )
    assert only(values, "frt_p90").value == pytest.approx(76.0)
    assert only(values, "frt_mean").value == pytest.approx(40.0 / 60)
    assert only(values, "res_median").value == pytest.approx(60.0)


def test_percentiles_of_an_even_count_and_of_one_value(engine: Engine) -> None:
    """10, 20, 30, 40: median 25, p90 at 2.7 → 30 + 0.7 × 10 = 37. A single value is every percentile."""
    rows = [{**row, "channel": "chat"} for row in _timing_rows([10, 20, 30, 40])]
    rows += [{**row, "channel": "phone"} for row in _timing_rows([42])]
    insert_contacts(engine, rows)
    catalogue = program(
        metric(
            "median",
            {"type": "first_response_time", "statistic": "median"},
            unit="seconds",
            better="lower",
        ),
        metric(
            "p90",
            {"type": "first_response_time", "statistic": "p90"},
            unit="seconds",
            better="lower",
        ),
    )
    values = {
        (v.metric, v.scope["channel"]): v.value
        for v in compute_kpis(engine, catalogue, months=[JANUARY], by="channel")
    }
    assert values == {
        ("median", "chat"): pytest.approx(25.0),
        ("median", "phone"): pytest.approx(42.0),
        ("p90", "chat"): pytest.approx(37.0),
        ("p90", "phone"): pytest.approx(42.0),
    }


def test_share_within_counts_a_reply_exactly_at_the_threshold(engine: Engine) -> None:
    insert_contacts(engine, _timing_rows([59.5, 60, 60.001, 3600, None]))
    catalogue = program(
        metric(
            "frt_60",
            {"type": "first_response_time", "statistic": "share_within", "threshold": "60 seconds"},
        )
    )
    value = only(compute_kpis(engine, catalogue, months=[JANUARY]), "frt_60")
    assert (value.numerator, value.denominator) == (2, 4)


def test_backlog_is_what_is_open_at_the_end_of_each_month(engine: Engine) -> None:
    """Program in UTC. January ends 2026-02-01T00:00Z, February 2026-03-01T00:00Z."""
    jan_5, jan_28 = datetime(2026, 1, 5, tzinfo=UTC), datetime(2026, 1, 28, tzinfo=UTC)
    rows = [
        contact(jan_5, resolved_at=datetime(2026, 2, 10, tzinfo=UTC)),  # open at end of Jan only
        contact(jan_5, resolved_at=datetime(2026, 1, 20, tzinfo=UTC)),  # resolved in January
        contact(jan_5),  # never resolved: open at both ends
        contact(jan_28),  # open at both ends, but only 4 days old at the end of January
        contact(jan_5, abandoned=True),  # an abandoned call is not open work
        contact(datetime(2026, 2, 1, tzinfo=UTC), resolved_at=datetime(2026, 2, 2, tzinfo=UTC)),
    ]
    insert_contacts(engine, rows)
    catalogue = program(
        metric("open", {"type": "backlog"}, unit="count", better="lower"),
        metric("old", {"type": "backlog", "older_than": "7 days"}, unit="count", better="lower"),
        tz="UTC",
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY, Month(2026, 2)])
    assert [only(values, "open", month).value for month in (JANUARY, Month(2026, 2))] == [3, 2]
    assert [only(values, "old", month).value for month in (JANUARY, Month(2026, 2))] == [2, 2]


def test_a_ticket_whose_status_says_done_is_not_open_without_a_resolution_time(
    engine: Engine,
) -> None:
    jan_5 = datetime(2026, 1, 5, tzinfo=UTC)
    rows = [
        contact(jan_5, status="solved"),  # done, time unknown: never open
        contact(jan_5, status="closed"),  # likewise
        contact(jan_5, status="pending"),  # waiting on the customer is still open work
        contact(jan_5, status="open"),
        contact(jan_5),  # status unknown: open until resolved, as before
        contact(jan_5, status="closed", resolved_at=datetime(2026, 2, 10, tzinfo=UTC)),
    ]
    insert_contacts(engine, rows)
    catalogue = program(metric("open", {"type": "backlog"}, unit="count", better="lower"), tz="UTC")
    values = compute_kpis(engine, catalogue, months=[JANUARY, Month(2026, 2)])
    assert [only(values, "open", month).value for month in (JANUARY, Month(2026, 2))] == [4, 3]


@pytest.mark.parametrize(
    ("tz", "month"), [("America/Los_Angeles", Month(2026, 1)), ("UTC", Month(2026, 2))]
)
def test_a_contact_late_on_january_31_pacific_belongs_to_the_program_timezones_month(
    engine: Engine, tz: str, month: Month
) -> None:
    moment = datetime.fromisoformat("2026-01-31T23:30:00-08:00")
    insert_contacts(engine, [contact(moment, csat=5)])
    catalogue = program(
        metric("csat", {"type": "csat"}),
        metric("volume", {"type": "contact_volume"}, unit="count"),
        tz=tz,
    )
    values = compute_kpis(engine, catalogue, months=[Month(2026, 1), Month(2026, 2)])
    assert only(values, "volume", month).value == 1
    other = Month(2026, 3 - month.month)
    assert only(values, "csat", month).value == pytest.approx(100.0)
    assert only(values, "csat", other).value is None


@pytest.mark.parametrize(
    "months", [[JANUARY], [JANUARY, Month(2026, 2)]], ids=["alone", "with-feb"]
)
def test_a_month_holds_its_first_instant_and_not_the_next_months_first(
    engine: Engine, months: list[Month]
) -> None:
    """Exactly on the bounds (program time, Los Angeles): 00:00 on January 1st is January's,
    00:00 on February 1st is February's, the last microsecond before it still January's."""
    pacific = timedelta(hours=-8)
    insert_contacts(
        engine,
        [
            contact(datetime(2026, 1, 1, 8, tzinfo=UTC)),
            contact(datetime(2026, 2, 1, 8, tzinfo=UTC) - timedelta(microseconds=1)),
            contact(datetime(2026, 2, 1, 8, tzinfo=UTC)),
            contact(datetime(2026, 1, 1, 8, tzinfo=UTC) - timedelta(microseconds=1)),
        ],
    )
    assert JANUARY.start("America/Los_Angeles") == datetime(2026, 1, 1, tzinfo=UTC) - pacific
    catalogue = program(metric("volume", {"type": "contact_volume"}, unit="count"))
    values = compute_kpis(engine, catalogue, months=months)
    assert only(values, "volume", JANUARY).value == 2
    if len(months) == 2:
        assert only(values, "volume", Month(2026, 2)).value == 1


def test_daylight_saving_month_bounds(engine: Engine) -> None:
    """Los Angeles moves to PDT on 2026-03-08: April starts at 07:00Z, not 08:00Z."""
    insert_contacts(
        engine,
        [
            contact(datetime(2026, 4, 1, 7, 30, tzinfo=UTC)),
            contact(datetime(2026, 4, 1, 6, 30, tzinfo=UTC)),
        ],
    )
    catalogue = program(metric("volume", {"type": "contact_volume"}, unit="count"))
    values = compute_kpis(engine, catalogue, months=[Month(2026, 3), Month(2026, 4)])
    assert [only(values, "volume", Month(2026, m)).value for m in (3, 4)] == [1, 1]


def test_no_answers_gives_no_value_not_zero(engine: Engine) -> None:
    insert_contacts(engine, contacts(5, channel="phone"))
    catalogue = program(
        metric("csat", {"type": "csat"}),
        metric(
            "median",
            {"type": "first_response_time", "statistic": "median"},
            unit="seconds",
            better="lower",
        ),
        metric("volume", {"type": "contact_volume"}, unit="count"),
        metric("chat_volume", {"type": "contact_volume"}, unit="count", scope={"channel": "chat"}),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY, Month(2026, 2)])
    csat = only(values, "csat")
    assert (csat.value, csat.numerator, csat.sample_size) == (None, None, 0)
    assert only(values, "median").value is None
    assert only(values, "volume").value == 5
    assert (
        only(values, "chat_volume").value == 0
    )  # contacts were imported for January: none were chats
    assert only(values, "chat_volume").scope == {"channel": "chat"}
    february = [value for value in values if value.period == Month(2026, 2)]
    assert len(february) == 4 and all(
        value.value is None and value.sample_size == 0 for value in february
    )


def test_split_by_a_dimension_with_scope_narrowing_and_blank_values(engine: Engine) -> None:
    rows = contacts(2, channel="chat", queue="billing", csat=5) + contacts(
        2, channel="chat", queue="general", csat=1
    )
    rows += contacts(1, queue="billing", csat=2) + contacts(
        3, channel="phone", queue="how_to", csat=5
    )
    insert_contacts(engine, rows)
    from app.spec.common import Scope

    values = compute_kpis(
        engine,
        program(metric("csat", {"type": "csat"})),
        months=[JANUARY],
        by="channel",
        scope=Scope(queue=["billing", "general"]),
    )
    by_scope = {tuple(sorted(value.scope.items())): value.value for value in values}
    assert by_scope == {
        (("channel", "(unknown)"), ("queue", "billing,general")): pytest.approx(0.0),
        (("channel", "chat"), ("queue", "billing,general")): pytest.approx(50.0),
    }


def test_bad_requests_are_clear_errors(engine: Engine) -> None:
    catalogue = program(metric("csat", {"type": "csat"}), metric("uptime", {"type": "manual"}))
    with pytest.raises(ValueError, match="cannot split by 'agent'"):
        compute_kpis(engine, catalogue, months=[JANUARY], by="agent")
    with pytest.raises(ValueError, match="unknown metric 'nope'"):
        compute_kpis(engine, catalogue, months=[JANUARY], metrics=["nope"])
    with pytest.raises(ValueError, match="entered by hand"):
        compute_kpis(engine, catalogue, months=[JANUARY], metrics=["uptime"])
    assert [value.metric for value in compute_kpis(engine, catalogue, months=[JANUARY])] == ["csat"]


def test_percentiles_agree_with_the_statistics_module_and_postgresqls_percentile_cont(
    engine: Engine,
) -> None:
    """An independent check on 101 irregular durations: Python's `statistics` (inclusive method,
    the same linear interpolation as percentile_cont) and, on PostgreSQL, percentile_cont itself."""
    import random
    import statistics

    from sqlalchemy import text

    rng = random.Random(3)
    durations = [round(rng.uniform(1, 5000), 3) for _ in range(101)]
    insert_contacts(engine, _timing_rows(durations))
    catalogue = program(
        metric(
            "median",
            {"type": "first_response_time", "statistic": "median"},
            unit="seconds",
            better="lower",
        ),
        metric(
            "p90",
            {"type": "first_response_time", "statistic": "p90"},
            unit="seconds",
            better="lower",
        ),
    )
    values = compute_kpis(engine, catalogue, months=[JANUARY])
    expected_median = statistics.median(durations)
    expected_p90 = statistics.quantiles(durations, n=10, method="inclusive")[8]
    assert only(values, "median").value == pytest.approx(expected_median, abs=1e-3)
    assert only(values, "p90").value == pytest.approx(expected_p90, abs=1e-3)
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM first_response_at - created_at)),"
                    " percentile_cont(0.9) WITHIN GROUP (ORDER BY EXTRACT(EPOCH FROM first_response_at - created_at))"
                    " FROM contacts"
                )
            ).one()
        assert (only(values, "median").value, only(values, "p90").value) == (
            pytest.approx(float(row[0]), abs=1e-6),
            pytest.approx(float(row[1]), abs=1e-6),
        )


def test_an_engine_runs_the_queries_side_by_side_and_agrees_with_one_connection(
    engine: Engine,
) -> None:
    """Given an engine, the scan, FCR's repeat lookups, each percentile and the backlogs run on
    connections of their own, at the same time; given a connection, one after the other on it. Both
    give the same values."""
    from sqlalchemy import event

    rows = [
        contact(
            JAN + timedelta(hours=i),
            channel=("phone", "chat")[i % 2],
            customer_id=f"K{i % 5}",
            fcr=("yes", "no", "pending")[i % 3],
            csat=i % 5 + 1,
            first_response_at=after(30 * (i + 1), JAN + timedelta(hours=i)),
        )
        for i in range(40)
    ]
    insert_contacts(engine, rows)
    catalogue = program(
        metric("csat", {"type": "csat"}),
        metric("fcr7", {"type": "fcr", "repeat_window": "7 days"}),
        metric(
            "frt_p90",
            {"type": "first_response_time", "statistic": "p90"},
            unit="seconds",
            better="lower",
        ),
        metric("open", {"type": "backlog"}, unit="count", better="lower"),
    )
    checked_out: list[int] = []
    event.listen(engine, "checkout", lambda *_: checked_out.append(1))
    side_by_side = compute_kpis(engine, catalogue, months=[JANUARY, Month(2026, 2)], by="channel")
    connections = len(checked_out)
    with engine.connect() as conn:
        in_order = compute_kpis(conn, catalogue, months=[JANUARY, Month(2026, 2)], by="channel")
    assert connections == 4  # scan, repeat lookups, backlogs, the percentile
    assert side_by_side == in_order
    assert {value.metric for value in side_by_side if value.value is not None} == {
        "csat",
        "fcr7",
        "frt_p90",
        "open",
    }
