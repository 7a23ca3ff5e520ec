"""SLA contracts: objectives promised to a counterparty and the service credits owed on a miss."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Annotated, ClassVar, Literal
from zoneinfo import ZoneInfo

from pydantic import Field, model_validator

from app.periods import Month
from app.spec.common import Currency, Document, Id, Money, Percent, Scope, Strict, TimeZoneName


class Effective(Strict):
    """When the contract applies: months from `from` through `to` (or open-ended)."""

    from_: date = Field(alias="from", description="The first day the contract applies, YYYY-MM-DD.")
    to: date | None = Field(
        default=None,
        description="The last day it applies; absent while the contract runs. Not before `from`.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.to is not None and self.to < self.from_:
            raise ValueError("effective.to is before effective.from")
        return self


class Measurement(Strict):
    """How the contract measures: whole calendar months in a timezone."""

    window: Literal["calendar_month"] = Field(
        default="calendar_month",
        description="The period each objective is judged over; a calendar month (spelled out on "
        "purpose: in OpenSLO `1m` is a minute, not a month).",
    )
    timezone: TimeZoneName = Field(
        description="The timezone the contract's months and exclusion dates are in; when it "
        "differs from the program's, a note says so (actuals are cut in the program's months)."
    )


class Objective(Strict):
    """One promise of the contract: a metric, on a scope, against a target."""

    id: Id = Field(
        description="The objective's id, unique within the contract; credit rules, exclusions "
        "and playbooks (`contract_id/objective_id`) refer to it."
    )
    title: str | None = Field(default=None, description="A readable name for reports.")
    metric: Id = Field(description="Metric id from the catalogue that this objective measures.")
    scope: Scope = Field(
        default_factory=Scope,
        description="Which contacts count, usually the customer's own (`segment`); replaces the "
        "metric's default scope per dimension.",
    )
    target: float = Field(description="The contractual target, in the metric's unit.")
    internal_target: float | None = Field(
        default=None, description="A stricter target the team steers by."
    )
    allocation_percent: Percent | None = Field(
        default=None,
        description="Share of the credit pool allocated to this objective (pool rules).",
    )


def instant(moment: date | datetime, tz: ZoneInfo, *, day_end: bool = False) -> datetime:
    """`moment` as an aware UTC instant: a date is the start of that day in `tz` (with `day_end`,
    the start of the next day: the end of a whole last day); a time without an offset is in `tz`."""
    if isinstance(moment, datetime):
        local = moment if moment.tzinfo is not None else moment.replace(tzinfo=tz)
    else:
        day = moment + timedelta(days=1) if day_end else moment
        local = datetime.combine(day, time(0), tzinfo=tz)
    return local.astimezone(UTC)


class Exclusion(Strict):
    """A stretch of time the contract does not count (planned maintenance, a carrier outage, a
    force-majeure event): the contacts created in it are left out of the objectives it names, for
    the channels or queues it names. A window that covers a whole month excludes that month."""

    from_: date | datetime = Field(
        alias="from",
        description="Where the window starts: a day (YYYY-MM-DD, from its first moment) or a "
        "moment (YYYY-MM-DDTHH:MM, in the contract's measurement timezone unless it carries an "
        "offset).",
    )
    to: date | datetime = Field(
        description="Where it ends: a day (YYYY-MM-DD, the whole day is excluded) or a moment "
        "(YYYY-MM-DDTHH:MM, the window ends just before it). Not before `from`."
    )
    reason: str = Field(min_length=1, description="Why, as agreed with the counterparty.")
    objectives: list[Id] = Field(default_factory=list, description="Empty means every objective.")
    scope: Scope | None = Field(
        default=None,
        description="Which contacts the window takes out, e.g. `{channel: phone}` for a "
        "telephony outage or `{queue: billing}`; absent: all of an objective's contacts.",
    )

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """(start, end) as aware UTC instants; the end is exclusive."""
        return instant(self.from_, tz), instant(self.to, tz, day_end=True)

    @model_validator(mode="after")
    def _ordered(self) -> Exclusion:
        start, end = self.bounds(ZoneInfo("UTC"))
        if end <= start:
            raise ValueError("exclusion `to` is not after `from`")
        return self

    @property
    def whole_days(self) -> bool:
        """Both ends are days (not moments): the window is whole days in the contract's calendar."""
        return not isinstance(self.from_, datetime) and not isinstance(self.to, datetime)


class Band(Strict):
    """A half-open attainment band: `below: 99.0` covers values < 99.0 (and ≥ the next lower edge).

    A band has exactly one edge, `below` or `above`, matching the metric's direction.
    """

    below: float | None = Field(
        default=None, description="For higher-is-better metrics: values < this earn the band."
    )
    above: float | None = Field(
        default=None, description="For lower-is-better metrics: values > this earn the band."
    )
    percent: Percent = Field(description="Credit as a percentage of the monthly fee.")

    @model_validator(mode="after")
    def _one_edge(self) -> Band:
        if (self.below is None) == (self.above is None):
            raise ValueError(
                "a band has exactly one edge: `below` (higher is better) or `above` (lower is better)"
            )
        return self

    @property
    def side(self) -> Literal["below", "above"]:
        return "below" if self.below is not None else "above"

    @property
    def edge(self) -> float:
        """The value of the band's one edge, on its `side`."""
        edge = self.below if self.below is not None else self.above
        if edge is None:  # only a Band built without validation has neither
            raise ValueError("a band has exactly one edge")
        return edge


class BandsRule(Strict):
    """A credit by how far a missed month fell short: the band the month's value lands in."""

    type: Literal["bands"] = Field(description="`bands`: credit by attainment band.")
    objectives: list[Id] = Field(
        default_factory=list, description="Objectives this rule applies to; empty: all."
    )
    bands: list[Band] = Field(
        min_length=1,
        description="The bands. A value under several `below` edges earns the band with the "
        "lowest edge (over several `above` edges: the highest); exactly on an edge is not under "
        "or over it.",
    )


class ConsecutiveMissesRule(Strict):
    """A credit once an objective has missed `count` months in a row, and for every further
    miss in the same run."""

    type: Literal["consecutive_misses"] = Field(
        description="`consecutive_misses`: credit after a run of misses."
    )
    objectives: list[Id] = Field(
        default_factory=list, description="Objectives this rule applies to; empty: all."
    )
    count: int = Field(
        ge=1,
        description="A credit is owed once an objective has missed this many periods in a row.",
    )
    percent: Percent = Field(description="Credit as a percentage of the monthly fee.")


class PerMissRule(Strict):
    """A credit for every missed month."""

    type: Literal["per_miss"] = Field(description="`per_miss`: credit for every miss.")
    objectives: list[Id] = Field(
        default_factory=list, description="Objectives this rule applies to; empty: all."
    )
    percent: Percent = Field(description="Credit as a percentage of the monthly fee.")


class PoolRule(Strict):
    """Credit = objective's allocation % × pool % × at-risk amount (at-risk % of the monthly fee)."""

    type: Literal["pool"] = Field(description="`pool`: an at-risk amount shared out by allocation.")
    objectives: list[Id] = Field(
        default_factory=list, description="Objectives this rule applies to; empty: all."
    )
    at_risk_percent: Percent = Field(
        description="The at-risk amount as a percentage of the monthly fee."
    )
    pool_percent: Percent = Field(
        default=100,
        description="The share of the at-risk amount in the pool (default all of it); a missed "
        "objective is credited its `allocation_percent` of the pool, and a month's pool credits "
        "never exceed the pool.",
    )
    allocatable_percent: float = Field(
        default=100,
        gt=0,
        le=1000,
        description="The pool percentage available for allocation: the objectives' "
        "`allocation_percent` may add up to this (e.g. 250, so that misses of several objectives "
        "in one month can reach the pool); the payout still never exceeds the pool.",
    )


CreditRule = Annotated[
    BandsRule | ConsecutiveMissesRule | PerMissRule | PoolRule, Field(discriminator="type")
]


class Cap(Strict):
    """The most a month's credits may add up to: `percent_of_fee` or `amount`, exactly one."""

    percent_of_fee: Percent | None = Field(
        default=None, description="The cap as a percentage of the monthly fee."
    )
    amount: Money | None = Field(
        default=None, description="The cap as an amount in the contract's currency."
    )

    @model_validator(mode="after")
    def _one(self) -> Cap:
        if (self.percent_of_fee is None) == (self.amount is None):
            raise ValueError("a cap is either `percent_of_fee` or `amount`")
        return self


class YearCap(Strict):
    """The most the credits of one contract year may add up to: `percent_of_fees` or `amount`.

    A contract year is twelve contract months, the first one counted even when the contract
    starts in the middle of it."""

    percent_of_fees: Percent | None = Field(
        default=None,
        description="The cap as a percentage of the year's fees (the sum of its monthly fees, "
        'prorated months as prorated), e.g. 12 for "12 % of the annual charges".',
    )
    amount: Money | None = Field(
        default=None, description="The cap as an amount per contract year."
    )

    @model_validator(mode="after")
    def _one(self) -> YearCap:
        if (self.percent_of_fees is None) == (self.amount is None):
            raise ValueError("a contract-year cap is either `percent_of_fees` or `amount`")
        return self


class EarnBack(Strict):
    """The supplier earns a credit back by meeting the objectives in the following months."""

    periods: int = Field(
        ge=1, description="A credit is waived when the next N periods all meet (see `per`)."
    )
    per: Literal["contract", "objective"] = Field(
        default="contract",
        description="`contract`: a month's credit is waived when every objective is met in each "
        "of the next N months; `objective`: each objective's credit is waived when that "
        "objective is met in each of the next N months.",
    )


class Credits(Strict):
    """What a miss costs: the credit rules (summed per month), a cap and an earn-back."""

    rules: list[CreditRule] = Field(
        default_factory=list,
        description="The credit rules; each missed month's credits are summed, then capped.",
    )
    cap: Cap | None = Field(default=None, description="The most a month's credits may add up to.")
    contract_year_cap: YearCap | None = Field(
        default=None,
        description="The most a contract year's credits may add up to; applied after the "
        "monthly cap, to the months in order.",
    )
    earn_back: EarnBack | None = Field(
        default=None, description="Waive a credit when the following months all meet."
    )
    unmeasured: Literal["missed", "not_counted"] = Field(
        default="missed",
        description="How a period without data counts for credits (it is always shown as unmeasured).",
    )
    proration: Literal["days", "none"] = Field(
        default="days",
        description="A month the contract covers only in part (it starts or ends in it): `days` "
        "takes the monthly fee — and with it the at-risk amount and the caps — by the days in "
        "effect (fee × days / days in the month); `none` counts the full monthly fee.",
    )
    no_credit_months: int = Field(
        default=0,
        ge=0,
        description="The contract's first N months owe no credit (\"no service credits in the "
        'first month"; a partial first month counts as one). They are measured and shown, and '
        "their misses count towards a run of consecutive misses.",
    )


class FeeChange(Strict):
    """A change of the monthly fee from a month on: an annual uplift, a new volume tier."""

    from_: Month = Field(alias="from", description="The first month of the new fee, YYYY-MM.")
    monthly_fee: Money = Field(description="The monthly fee from that month on.")
    reason: str | None = Field(default=None, description='Why, e.g. "annual uplift 3 %".')


class SLAContractSpec(Strict):
    """The contract's parties, money, period, objectives, exclusions and credit terms."""

    counterparty: str = Field(min_length=1, description="The customer the promise is made to.")
    currency: Currency = Field(description="The currency of the fee and the credits.")
    monthly_fee: Money = Field(
        description="The monthly fee that credit percentages are taken of (from the start, until "
        "the first `fee_schedule` change).",
    )
    fee_schedule: list[FeeChange] = Field(
        default_factory=list,
        description="Later fees, in month order: each applies from its month until the next.",
    )
    effective: Effective = Field(description="When the contract applies.")
    measurement: Measurement = Field(description="How and in which timezone months are measured.")
    objectives: list[Objective] = Field(
        min_length=1, description="The promises: a metric, a scope and a target each."
    )
    exclusions: list[Exclusion] = Field(
        default_factory=list, description="Time the contract does not count."
    )
    credits: Credits = Field(
        default_factory=Credits, description="What a missed month costs (no rules: nothing)."
    )
    escalation_contacts: list[str] = Field(
        default_factory=list,
        description="Who to contact about the contract (for people to read; cxgov sends nothing).",
    )

    def fee_in(self, month: Month) -> Decimal:
        """The monthly fee the schedule sets for `month` (before any proration)."""
        fee = self.monthly_fee
        for change in self.fee_schedule:
            if change.from_ <= month:
                fee = change.monthly_fee
        return fee


class SLAContract(Document):
    """An SLA contract: objectives promised to a customer, and the service credits owed when a
    month misses them."""

    KIND: ClassVar[str] = "SLAContract"
    kind: Literal["SLAContract"] = Field(description="`SLAContract`.")
    spec: SLAContractSpec = Field(
        description="Counterparty, fee, objectives, exclusions and credit rules."
    )
