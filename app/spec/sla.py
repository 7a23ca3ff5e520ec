"""SLA contracts: objectives promised to a counterparty and the service credits owed on a miss."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

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


class Exclusion(Strict):
    """A stretch of time the contract does not count (planned maintenance, a force-majeure
    event). Only a month it covers entirely is excluded: the contract measures whole months."""

    from_: date = Field(alias="from", description="First excluded day, YYYY-MM-DD.")
    to: date = Field(description="Last excluded day, YYYY-MM-DD; not before `from`.")
    reason: str = Field(min_length=1, description="Why, as agreed with the counterparty.")
    objectives: list[Id] = Field(default_factory=list, description="Empty means every objective.")

    @model_validator(mode="after")
    def _ordered(self) -> Exclusion:
        if self.to < self.from_:
            raise ValueError("exclusion `to` is before `from`")
        return self


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
        description="The at-risk amount as a percentage of the monthly fee; a month's pool "
        "credits never exceed it."
    )
    pool_percent: Percent = Field(
        description="The share of the at-risk amount in the pool; a missed objective is credited "
        "its `allocation_percent` of the pool."
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


class EarnBack(Strict):
    """The supplier can earn a credit back by meeting every objective for the following months."""

    periods: int = Field(
        ge=1, description="A credit is waived when the next N periods all meet every objective."
    )


class Credits(Strict):
    """What a miss costs: the credit rules (summed per month), a cap and an earn-back."""

    rules: list[CreditRule] = Field(
        default_factory=list,
        description="The credit rules; each missed month's credits are summed, then capped.",
    )
    cap: Cap | None = Field(default=None, description="The most a month's credits may add up to.")
    earn_back: EarnBack | None = Field(
        default=None, description="Waive a credit when the following months all meet."
    )
    unmeasured: Literal["missed", "not_counted"] = Field(
        default="missed",
        description="How a period without data counts for credits (it is always shown as unmeasured).",
    )


class SLAContractSpec(Strict):
    """The contract's parties, money, period, objectives, exclusions and credit terms."""

    counterparty: str = Field(min_length=1, description="The customer the promise is made to.")
    currency: Currency = Field(description="The currency of the fee and the credits.")
    monthly_fee: Money = Field(description="The monthly fee that credit percentages are taken of.")
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


class SLAContract(Document):
    """An SLA contract: objectives promised to a customer, and the service credits owed when a
    month misses them."""

    KIND: ClassVar[str] = "SLAContract"
    kind: Literal["SLAContract"] = Field(description="`SLAContract`.")
    spec: SLAContractSpec = Field(
        description="Counterparty, fee, objectives, exclusions and credit rules."
    )
