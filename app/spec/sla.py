"""SLA contracts: objectives promised to a counterparty and the service credits owed on a miss."""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from app.spec.common import Currency, Document, Id, Money, Percent, Scope, Strict, TimeZoneName


class Effective(Strict):
    from_: date = Field(alias="from")
    to: date | None = None

    @model_validator(mode="after")
    def _ordered(self) -> Effective:
        if self.to is not None and self.to < self.from_:
            raise ValueError("effective.to is before effective.from")
        return self


class Measurement(Strict):
    window: Literal["calendar_month"] = Field(
        default="calendar_month",
        description="Spelled out on purpose: in OpenSLO `1m` is a minute, not a month.",
    )
    timezone: TimeZoneName


class Objective(Strict):
    id: Id
    title: str | None = None
    metric: Id
    scope: Scope = Field(default_factory=Scope)
    target: float = Field(description="The contractual target, in the metric's unit.")
    internal_target: float | None = Field(
        default=None, description="A stricter target the team steers by."
    )
    allocation_percent: Percent | None = Field(
        default=None,
        description="Share of the credit pool allocated to this objective (pool rules).",
    )


class Exclusion(Strict):
    from_: date = Field(alias="from")
    to: date
    reason: str = Field(min_length=1)
    objectives: list[Id] = Field(default_factory=list, description="Empty means every objective.")

    @model_validator(mode="after")
    def _ordered(self) -> Exclusion:
        if self.to < self.from_:
            raise ValueError("exclusion `to` is before `from`")
        return self


class Band(Strict):
    """A half-open attainment band: `below: 99.0` covers values < 99.0 (and ≥ the next lower edge)."""

    below: float | None = None
    above: float | None = Field(
        default=None, description="For lower-is-better metrics: values > this."
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
    type: Literal["bands"]
    objectives: list[Id] = Field(
        default_factory=list, description="Objectives this rule applies to; empty: all."
    )
    bands: list[Band] = Field(min_length=1)


class ConsecutiveMissesRule(Strict):
    type: Literal["consecutive_misses"]
    objectives: list[Id] = Field(default_factory=list)
    count: int = Field(
        ge=1,
        description="A credit is owed once an objective has missed this many periods in a row.",
    )
    percent: Percent


class PerMissRule(Strict):
    type: Literal["per_miss"]
    objectives: list[Id] = Field(default_factory=list)
    percent: Percent


class PoolRule(Strict):
    """Credit = objective's allocation % × pool % × at-risk amount (at-risk % of the monthly fee)."""

    type: Literal["pool"]
    objectives: list[Id] = Field(default_factory=list)
    at_risk_percent: Percent
    pool_percent: Percent


CreditRule = Annotated[
    BandsRule | ConsecutiveMissesRule | PerMissRule | PoolRule, Field(discriminator="type")
]


class Cap(Strict):
    percent_of_fee: Percent | None = None
    amount: Money | None = None

    @model_validator(mode="after")
    def _one(self) -> Cap:
        if (self.percent_of_fee is None) == (self.amount is None):
            raise ValueError("a cap is either `percent_of_fee` or `amount`")
        return self


class EarnBack(Strict):
    periods: int = Field(
        ge=1, description="A credit is waived when the next N periods all meet every objective."
    )


class Credits(Strict):
    rules: list[CreditRule] = Field(default_factory=list)
    cap: Cap | None = None
    earn_back: EarnBack | None = None
    unmeasured: Literal["missed", "not_counted"] = Field(
        default="missed",
        description="How a period without data counts for credits (it is always shown as unmeasured).",
    )


class SLAContractSpec(Strict):
    counterparty: str = Field(min_length=1)
    currency: Currency
    monthly_fee: Money
    effective: Effective
    measurement: Measurement
    objectives: list[Objective] = Field(min_length=1)
    exclusions: list[Exclusion] = Field(default_factory=list)
    credits: Credits = Field(default_factory=Credits)
    escalation_contacts: list[str] = Field(default_factory=list)


class SLAContract(Document):
    KIND: ClassVar[str] = "SLAContract"
    kind: Literal["SLAContract"]
    spec: SLAContractSpec
