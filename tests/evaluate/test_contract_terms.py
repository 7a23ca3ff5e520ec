"""Contract terms as finance and the customer's counsel read them, each checked against figures
worked by hand in the test's docstring: proration of partial months, fee schedules, a credit-free
first month, the contract-year cap, over-allocated pools, per-objective earn-back, exclusions that
take contacts out of a month, projections that skip excluded months, and the credit ledger."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from evaluate_builders import contract, metric, program

from app.evaluate import ActualPoint, ActualsIndex
from app.evaluate.contracts import ContractEvaluation, evaluate_contract
from app.evaluate.credits import PeriodCredit
from app.evaluate.ledger import IssuedCredit
from app.periods import Month
from app.spec.sla import SLAContract

UPTIME = metric("uptime")
CHAT = metric("frt_chat", better="lower", unit="seconds")
PHONE_SL = metric(
    "service_level",
    calculation={"type": "service_level", "threshold": "20 seconds", "abandoned": "ignored"},
)
PER_MISS = [{"type": "per_miss", "percent": 5}]
MISS, MET = 98.0, 99.995


def run(
    c: SLAContract,
    values: dict[tuple[str, str, str], float | ActualPoint],
    as_of: date,
    issued: list[IssuedCredit] | None = None,
) -> ContractEvaluation:
    prog = program(
        metrics=[UPTIME, CHAT, PHONE_SL, metric("m_a"), metric("m_b"), metric("m_c")], contracts=[c]
    )
    points = {
        (m, key, Month.parse(month)): v if isinstance(v, ActualPoint) else ActualPoint(v)
        for (m, key, month), v in values.items()
    }
    return evaluate_contract(prog, c, ActualsIndex(points), as_of=as_of, issued=issued or [])


def credit(e: ContractEvaluation, month: str) -> PeriodCredit:
    [found] = [c for c in e.credits if c.period == Month.parse(month)]
    return found


def uptime(values: dict[str, float]) -> dict[tuple[str, str, str], float]:
    return {("uptime", "", m): v for m, v in values.items()}


def amounts(e: ContractEvaluation) -> dict[str, str]:
    return {str(c.period): str(c.amount) for c in e.credits}


# --- proration and the fee schedule ---------------------------------------------------------------


def test_a_mid_month_start_prorates_the_fee_and_a_cap_written_as_an_amount() -> None:
    """The contract starts on 15 January 2027 at $40,000 a month; 5 % per missed month; credits
    capped at $3,000 a month.

    January is in effect for 17 of its 31 days (15th–31st):
      fee  = $40,000 × 17 / 31 = $21,935.4838… → $21,935.48
      credit = 5 % × $21,935.48 = $1,096.774 → $1,096.77
      cap  = $3,000 × 17 / 31 = $1,645.161… → $1,645.16 (not reached)
    February is a whole month: 5 % × $40,000 = $2,000.
    Owed: $1,096.77 + $2,000 = $3,096.77.
    January's figure leaves out the 14 days before the start: 14 × 24 = 336 hours."""
    c = contract(rules=PER_MISS, effective_from="2027-01-15", cap={"amount": "3000"})
    e = run(c, uptime({"2027-01": MISS, "2027-02": MISS}), date(2027, 3, 5))
    jan = credit(e, "2027-01")
    assert jan.fee.fee == Decimal("21935.48") and jan.fee.days == 17
    assert jan.amount == Decimal("1096.77")
    assert "5 % of $21,935.48 (17 of 31 days of $40,000) = $1,096.77" in jan.explanation
    assert "monthly cap $3,000 prorated to $1,645.16 not reached" in jan.explanation
    assert credit(e, "2027-02").amount == Decimal("2000.00")
    assert e.owed == Decimal("3096.77")
    [first] = [op for op in e.objectives if op.period == Month(2027, 1)]
    assert first.excluded_hours == 336.0
    assert first.exclusions[0].reason == "before the contract's start on 2027-01-15"


def test_proration_none_credits_a_partial_month_on_the_full_fee() -> None:
    """Same contract with `proration: none`: January is credited on the full $40,000 → $2,000."""
    c = contract(rules=PER_MISS, effective_from="2027-01-15", proration="none")
    e = run(c, uptime({"2027-01": MISS}), date(2027, 2, 5))
    assert credit(e, "2027-01").amount == Decimal("2000.00")
    assert any("credited on the full monthly fee of $40,000" in note for note in e.notes)


def test_a_fee_schedule_and_a_mid_month_end() -> None:
    """$40,000 a month from January 2027, $41,200 from April (a 3 % uplift); the contract ends on
    10 June 2027; 5 % per missed month. Misses in March, April and June.

      March: 5 % × $40,000 = $2,000
      April: 5 % × $41,200 = $2,060
      June:  fee $41,200 × 10 / 30 = $13,733.333… → $13,733.33; 5 % = $686.6665 → $686.67
      Owed (the contract has ended, nothing open): $2,000 + $2,060 + $686.67 = $4,746.67."""
    c = contract(
        rules=PER_MISS,
        effective_to="2027-06-10",
        fee_schedule=[{"from": "2027-04", "monthly_fee": "41200", "reason": "uplift 3 %"}],
    )
    values = uptime(
        {
            "2027-01": MET,
            "2027-02": MET,
            "2027-03": MISS,
            "2027-04": MISS,
            "2027-05": MET,
            "2027-06": MISS,
        }
    )
    e = run(c, values, date(2027, 7, 2))
    assert amounts(e) == {
        "2027-01": "0.00",
        "2027-02": "0.00",
        "2027-03": "2000.00",
        "2027-04": "2060.00",
        "2027-05": "0.00",
        "2027-06": "686.67",
    }
    assert (
        "5 % of $13,733.33 (10 of 30 days of $41,200) = $686.67" in credit(e, "2027-06").explanation
    )
    assert e.owed == Decimal("4746.67") and e.at_risk == 0


def test_no_credit_in_the_first_month_but_its_miss_starts_a_run() -> None:
    """ "No service credits in the first month": 5 % per miss and 10 % from the second consecutive
    miss, $40,000 a month, misses in January, February and March.

      January: 5 % = $2,000 on paper → no credit in the contract's first month: $0
      February: 5 % + 10 % (2 consecutive misses, January's counted) = $2,000 + $4,000 = $6,000
      March: the same, $6,000 — owed $12,000."""
    c = contract(
        rules=[
            {"type": "per_miss", "percent": 5},
            {"type": "consecutive_misses", "count": 2, "percent": 10},
        ],
        no_credit_months=1,
    )
    e = run(c, uptime({"2027-01": MISS, "2027-02": MISS, "2027-03": MISS}), date(2027, 4, 2))
    jan = credit(e, "2027-01")
    assert jan.gross == Decimal("2000.00") and jan.amount == Decimal("0.00")
    assert "no credit in the contract's first month binds: $2,000 → $0" in jan.explanation
    assert credit(e, "2027-02").amount == Decimal("6000.00")
    assert e.owed == Decimal("12000.00")


# --- caps ---------------------------------------------------------------------------------------


def test_a_contract_year_cap_that_binds_in_month_11() -> None:
    """$40,000 a month, 11 % per missed month ($4,400), a monthly cap of 20 % ($8,000, never
    reached) and a contract-year cap of 10 % of the year's fees: 10 % × 12 × $40,000 = $48,000.
    Every month from January 2027 misses.

      January–October (months 1–10): 10 × $4,400 = $44,000 — $4,000 of the year's cap left
      November (month 11): $4,400 → the contract-year cap binds: $4,000
      December (month 12): nothing left of the cap: $0
      January 2028 opens contract year 2 with a fresh $48,000: $4,400
    Owed: $48,000 + $4,400 = $52,400."""
    c = contract(
        rules=[{"type": "per_miss", "percent": 11}],
        cap={"percent_of_fee": 20},
        contract_year_cap={"percent_of_fees": 10},
    )
    months = [str(m) for m in Month(2027, 1).until(Month(2028, 1))]
    e = run(c, uptime(dict.fromkeys(months, MISS)), date(2028, 2, 3))
    paid = amounts(e)
    assert [paid[m] for m in months[:10]] == ["4400.00"] * 10
    assert paid["2027-11"] == "4000.00" and paid["2027-12"] == "0.00"
    assert paid["2028-01"] == "4400.00"
    nov = credit(e, "2027-11")
    assert [cap.cap for cap in nov.binding_caps] == ["contract_year"] and nov.cap_binds
    assert (
        "monthly cap 20 % ($8,000) not reached; contract-year cap 10 % of year 1's fees "
        "($48,000), $4,000 of it left binds: $4,400 → $4,000"
    ) in nov.explanation
    assert "$0 of it left binds: $4,400 → $0" in credit(e, "2027-12").explanation
    assert credit(e, "2028-01").fee.contract_year == 2
    assert e.owed == Decimal("52400.00")


def test_a_contract_year_is_counted_from_a_partial_first_month_with_its_fee_schedule() -> None:
    """From 15 January 2027 at $40,000, $42,000 from July; a contract-year cap of 10 %.
    Year 1 is January–December 2027: $21,935.48 (17 of 31 days) + 5 × $40,000 + 6 × $42,000
    = $473,935.48; its cap 10 % = $47,393.548 → $47,393.55. Year 2 starts in January 2028."""
    c = contract(
        rules=PER_MISS,
        effective_from="2027-01-15",
        fee_schedule=[{"from": "2027-07", "monthly_fee": "42000"}],
        contract_year_cap={"percent_of_fees": 10},
    )
    e = run(c, uptime({"2027-12": MISS, "2028-01": MISS}), date(2028, 2, 1))
    assert (
        "contract-year cap 10 % of year 1's fees ($47,393.55)" in credit(e, "2027-12").explanation
    )
    assert credit(e, "2028-01").fee.contract_year == 2


def test_the_monthly_cap_then_the_contract_year_cap_both_named_when_both_bind() -> None:
    """30 % per miss on $10,000 = $3,000; monthly cap 20 % = $2,000; contract-year cap $2,500.
    January: $3,000 → monthly cap $2,000 (binds) → $2,500 left of the year: $2,000.
    February: $3,000 → $2,000 → $500 left: the contract-year cap binds too: $500."""
    c = contract(
        fee="10000",
        rules=[{"type": "per_miss", "percent": 30}],
        cap={"percent_of_fee": 20},
        contract_year_cap={"amount": "2500"},
    )
    e = run(c, uptime({"2027-01": MISS, "2027-02": MISS}), date(2027, 3, 1))
    assert amounts(e)["2027-01"] == "2000.00" and amounts(e)["2027-02"] == "500.00"
    feb = credit(e, "2027-02")
    assert [cap.cap for cap in feb.binding_caps] == ["monthly", "contract_year"]
    assert "monthly cap 20 % ($2,000) binds: $3,000 → $2,000" in feb.explanation
    assert (
        "contract-year cap $2,500 for year 1, $500 of it left binds: $2,000 → $500"
        in feb.explanation
    )


# --- pools --------------------------------------------------------------------------------------


def test_an_over_allocated_pool_pays_at_most_the_pool() -> None:
    """ "Up to 250 % of the pool available for allocation": fee $100,000, at-risk 12 % = $12,000,
    the pool is all of it; allocations a 100 %, b 100 %, c 50 % (250 % in all).

      January, a misses:        100 % × $12,000 = $12,000
      February, c misses:        50 % × $12,000 = $6,000
      March, all three miss:    $12,000 + $12,000 + $6,000 = $30,000 on paper, more than the
                                pool: scaled by 12,000 / 30,000 = 0.4 → a $4,800, b $4,800,
                                c $2,400 = $12,000."""
    c = contract(
        fee="100000",
        objectives=[
            {"id": "a", "metric": "m_a", "target": 90, "allocation_percent": 100},
            {"id": "b", "metric": "m_b", "target": 90, "allocation_percent": 100},
            {"id": "c", "metric": "m_c", "target": 90, "allocation_percent": 50},
        ],
        rules=[{"type": "pool", "at_risk_percent": 12, "allocatable_percent": 250}],
    )
    values = {
        ("m_a", "", "2027-01"): 80.0,
        ("m_b", "", "2027-01"): 95.0,
        ("m_c", "", "2027-01"): 95.0,
        ("m_a", "", "2027-02"): 95.0,
        ("m_b", "", "2027-02"): 95.0,
        ("m_c", "", "2027-02"): 80.0,
        ("m_a", "", "2027-03"): 80.0,
        ("m_b", "", "2027-03"): 80.0,
        ("m_c", "", "2027-03"): 80.0,
    }
    e = run(c, values, date(2027, 4, 2))
    assert amounts(e)["2027-01"] == "12000.00" and amounts(e)["2027-02"] == "6000.00"
    march = credit(e, "2027-03")
    assert [(line.objective_id, str(line.amount)) for line in march.lines] == [
        ("a", "4800.00"),
        ("b", "4800.00"),
        ("c", "2400.00"),
    ]
    assert march.amount == Decimal("12000.00")
    assert "the month's pool credits ($30,000) exceed the pool of $12,000: scaled to $4,800" in (
        march.lines[0].explanation
    )


# --- earn-back ----------------------------------------------------------------------------------


def _two_objectives(per: str) -> SLAContract:
    return contract(
        objectives=[
            {"id": "uptime", "title": "Uptime", "metric": "uptime", "target": 99.99},
            {"id": "chat", "title": "Chat", "metric": "frt_chat", "target": 30},
        ],
        rules=PER_MISS,
        earn_back=2,
        earn_back_per=per,
    )


EARN_BACK_VALUES: dict[tuple[str, str, str], float] = {
    ("uptime", "", "2027-01"): MISS,
    ("uptime", "", "2027-02"): MET,
    ("uptime", "", "2027-03"): MET,
    ("frt_chat", "", "2027-01"): 40.0,
    ("frt_chat", "", "2027-02"): 40.0,
    ("frt_chat", "", "2027-03"): 20.0,
}


def test_earn_back_per_objective() -> None:
    """5 % ($2,000) per missed objective-month; a credit is earned back when its objective is met
    in each of the next 2 months. Uptime misses January; chat misses January and February; both
    are met in March; as of 10 April (April open).

      January, uptime $2,000: met in February and March → waived
      January, chat $2,000: missed again in February → owed
      February, chat $2,000: met in March, April still open (1 of 2) → provisional
    Owed $2,000, provisional $2,000, waived $2,000; exposure $4,000."""
    e = run(_two_objectives("objective"), EARN_BACK_VALUES, date(2027, 4, 10))
    jan = credit(e, "2027-01")
    assert [(line.objective_id, line.earn_back) for line in jan.lines] == [
        ("uptime", "waived"),
        ("chat", "owed"),
    ]
    assert jan.amount == Decimal("2000.00") and jan.waived == Decimal("2000.00")
    assert (
        "credit of Uptime waived by earn-back: Uptime met in the next 2 periods" in jan.explanation
    )
    assert "earn-back of Chat lost: Chat was not met in Feb 2027" in jan.explanation
    feb = credit(e, "2027-02")
    assert feb.earn_back == "provisional" and feb.provisional == Decimal("2000.00")
    assert (e.owed, e.provisional, e.waived, e.exposure) == (
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("2000.00"),
        Decimal("4000.00"),
    )


def test_earn_back_per_contract_on_the_same_figures() -> None:
    """The same figures when the whole month must be met: January's $4,000 is owed (chat missed
    February); February's $2,000 is provisional. Owed $4,000, provisional $2,000, nothing waived."""
    e = run(_two_objectives("contract"), EARN_BACK_VALUES, date(2027, 4, 10))
    assert credit(e, "2027-01").earn_back == "owed"
    assert (
        "earn-back lost: not every objective was met in Feb 2027"
        in credit(e, "2027-01").explanation
    )
    assert (e.owed, e.provisional, e.waived) == (Decimal("4000.00"), Decimal("2000.00"), 0)


# --- exclusions in the figures ------------------------------------------------------------------

PHONE_KEY = "channel=phone"
OUTAGE_KEY = "channel=phone|excluding 2027-03-09T00:00Z/2027-03-12T00:00Z"


def _phone_contract(**parts: Any) -> SLAContract:
    return contract(
        objectives=[
            {
                "id": "phone",
                "title": "Phone service level",
                "metric": "service_level",
                "scope": {"channel": "phone"},
                "target": 80,
            }
        ],
        rules=PER_MISS,
        exclusions=[
            {
                "from": "2027-03-09",
                "to": "2027-03-11",
                "reason": "carrier outage (force majeure, §7.2)",
                "scope": {"channel": "phone"},
            }
        ],
        **parts,
    )


def test_a_partial_month_outage_turns_a_miss_into_a_meet() -> None:
    """A three-day carrier outage, 9–11 March 2027 (72 hours), excluded for phone contacts.
    On all 1,840 answered calls March's service level is 76.0 % — a miss (target 80 %). Without
    the 412 calls of the outage (1,840 − 1,428) it is 82.5 %: met, no credit (the 5 % = $2,000 a
    miss would have cost is not owed)."""
    values = {
        ("service_level", PHONE_KEY, "2027-03"): ActualPoint(76.0, sample_size=1840),
        ("service_level", OUTAGE_KEY, "2027-03"): ActualPoint(82.5, sample_size=1428),
    }
    e = run(_phone_contract(), values, date(2027, 4, 5))
    [march] = [op for op in e.objectives if op.period == Month(2027, 3)]
    assert (march.outcome, march.value, march.series_key) == ("met", 82.5, OUTAGE_KEY)
    assert march.excluded_contacts == 412 and march.excluded_hours == 72.0
    assert march.note == (
        "412 contacts and 72 h excluded (carrier outage (force majeure, §7.2)); 76 on all contacts"
    )
    mar = credit(e, "2027-03")
    assert mar.amount == 0
    assert mar.explanation == (
        "no credit in Mar 2027; exclusions: Phone service level: 412 contacts and 72 h excluded "
        "(carrier outage (force majeure, §7.2))"
    )


def test_until_the_excluded_figure_is_computed_the_month_is_judged_on_all_contacts() -> None:
    """Without the series computed without the outage, March is judged on 76.0 %: missed, $2,000,
    and the note says what to run."""
    values = {("service_level", PHONE_KEY, "2027-03"): ActualPoint(76.0, sample_size=1840)}
    e = run(_phone_contract(), values, date(2027, 4, 5))
    [march] = [op for op in e.objectives if op.period == Month(2027, 3)]
    assert march.outcome == "missed" and not march.exclusions_applied
    assert "run `cxgov actuals compute --from 2027-03 --to 2027-03`" in (march.note or "")
    assert credit(e, "2027-03").amount == Decimal("2000.00")


def test_an_outage_of_phone_contacts_takes_them_out_of_an_all_channel_objective() -> None:
    """An FCR objective over every channel keeps its chat and e-mail contacts in the outage; only
    the phone contacts of the window go, so the key names the contacts the window takes out."""
    fcr = {"id": "fcr", "metric": "uptime", "target": 70}
    c = contract(
        objectives=[fcr],
        exclusions=[
            {
                "from": "2027-03-09",
                "to": "2027-03-11",
                "reason": "outage",
                "scope": {"channel": "phone"},
            }
        ],
    )
    e = run(c, {}, date(2027, 4, 5))
    [march] = [op for op in e.objectives if op.period == Month(2027, 3)]
    assert march.exclusions[0].contacts == "channel phone"
    c_chat = contract(
        objectives=[{**fcr, "scope": {"channel": "chat"}}],
        exclusions=[
            {
                "from": "2027-03-09",
                "to": "2027-03-11",
                "reason": "outage",
                "scope": {"channel": "phone"},
            }
        ],
    )
    [march] = [
        op for op in run(c_chat, {}, date(2027, 4, 5)).objectives if op.period == Month(2027, 3)
    ]
    assert march.exclusions == ()  # a chat objective has no phone contacts to leave out


def test_an_exclusion_written_to_the_minute() -> None:
    """Maintenance from Saturday 20:00 to Sunday 02:30 (UTC): 6.5 hours."""
    c = contract(
        exclusions=[{"from": "2027-03-13T20:00", "to": "2027-03-14T02:30", "reason": "maintenance"}]
    )
    [march] = [op for op in run(c, {}, date(2027, 4, 5)).objectives if op.period == Month(2027, 3)]
    assert march.excluded_hours == 6.5


def test_projections_skip_excluded_months() -> None:
    """Closed values January 99.6, February excluded (a migration month, 50.0 as measured),
    March 99.4, April 99.3; May is open. The trend over January, March and April is exactly
    −0.1 a month, so June is projected at 99.1; February's 50.0 plays no part."""
    c = contract(
        rules=[{"type": "bands", "bands": [{"below": 99.99, "percent": 10}]}],
        exclusions=[{"from": "2027-02-01", "to": "2027-02-28", "reason": "migration"}],
    )
    values = uptime({"2027-01": 99.6, "2027-02": 50.0, "2027-03": 99.4, "2027-04": 99.3})
    e = run(c, values, date(2027, 5, 12))
    [june] = [op for op in e.objectives if op.kind == "projected"]
    assert june.value == pytest.approx(99.1)
    assert "excluded months skipped" in (june.note or "")


# --- the ledger ---------------------------------------------------------------------------------


def _issued(
    amount: str, entry: int = 1, on: date = date(2027, 2, 5), invoice: str = "INV-1"
) -> IssuedCredit:
    return IssuedCredit(
        contract_id="acme",
        period=Month(2027, 1),
        entry=entry,
        amount=Decimal(amount),
        currency="USD",
        invoice=invoice,
        issued_on=on,
        issued_by="finance@example.com",
        credit=Decimal(amount),
    )


BANDS = [
    {
        "type": "bands",
        "bands": [
            {"below": 99.99, "percent": 10},
            {"below": 99.0, "percent": 30},
            {"below": 95.0, "percent": 100},
        ],
    }
]


def test_an_issued_credit_later_adjusted() -> None:
    """January at 98.0 earns the 30 % band: $12,000, issued on INV-1 on 5 February.

    As of 3 February the entry does not count yet: $12,000 owed, not issued.
    As of 10 February: issued, nothing due.
    January is corrected to 94.0 (the 100 % band, $40,000): the issued $12,000 stays as it was;
    $28,000 more is due on the next invoice.
    Corrected instead to 99.995 (met, no credit): $12,000 was credited too much, to recover.
    Once the $28,000 is issued as a second entry (INV-2), the month is issued in full."""
    c = contract(rules=BANDS)
    first = [_issued("12000.00")]
    before = run(c, uptime({"2027-01": 98.0}), date(2027, 2, 3), first)
    assert before.ledger[0].state == "not_issued" and before.not_issued == Decimal("12000.00")
    e = run(c, uptime({"2027-01": 98.0}), date(2027, 2, 10), first)
    assert e.ledger[0].state == "issued" and (e.issued, e.not_issued) == (Decimal("12000.00"), 0)
    worse = run(c, uptime({"2027-01": 94.0}), date(2027, 2, 10), first)
    [status] = worse.ledger
    assert (status.state, status.issued, status.credit, status.due) == (
        "adjustment",
        Decimal("12000.00"),
        Decimal("40000.00"),
        Decimal("28000.00"),
    )
    assert status.explanation == (
        "issued $12,000 ($12,000 on INV-1 (2027-02-05, by finance@example.com)); the credit is now "
        "$40,000: $28,000 more to credit on the next invoice"
    )
    assert worse.adjustments == Decimal("28000.00") and worse.owed == Decimal("40000.00")
    better = run(c, uptime({"2027-01": MET}), date(2027, 2, 10), first)
    assert better.ledger[0].due == Decimal("-12000.00")
    assert (
        "$12,000 credited too much, to recover on the next invoice" in better.ledger[0].explanation
    )
    settled = run(
        c,
        uptime({"2027-01": 94.0}),
        date(2027, 3, 10),
        [*first, _issued("28000.00", entry=2, on=date(2027, 3, 5), invoice="INV-2")],
    )
    assert settled.ledger[0].state == "issued" and settled.issued == Decimal("40000.00")


def test_a_provisional_credit_is_not_owed_and_not_due_for_an_invoice() -> None:
    c = contract(rules=PER_MISS, earn_back=2)
    e = run(c, uptime({"2027-01": MISS, "2027-02": MET}), date(2027, 3, 10))
    [status] = e.ledger
    assert status.state == "provisional" and status.due == 0 and e.not_issued == 0


def test_an_amount_to_recover_reads_with_its_minus_before_the_currency() -> None:
    from app.evaluate.money import fmt_money

    assert fmt_money(Decimal("-2000"), "USD") == "−$2,000"
    assert fmt_money(Decimal("-812.5"), "CHF") == "−CHF 812.50"
    assert fmt_money(Decimal("-0.004"), "USD") == "$0"
