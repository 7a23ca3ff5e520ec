"""Metric definitions: the catalogue that says how every number is calculated.

A metric names one built-in calculation and its parameters. The calculation is what makes this
month's number comparable with last month's, so it is versioned with the program in git and a
change to it is reported by `cxgov diff`.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from app.spec.common import Document, Duration, Scope, Strict

Unit = Literal[
    "percent", "score", "seconds", "minutes", "hours", "days", "count", "currency", "ratio"
]
TIME_UNITS: tuple[str, ...] = ("seconds", "minutes", "hours", "days")
TIME_UNIT_SECONDS: dict[str, int] = {"seconds": 1, "minutes": 60, "hours": 3600, "days": 86400}


class Calculation(Strict):
    """Base of the built-in calculations; `units` lists the units its value can be reported in."""

    UNITS: ClassVar[tuple[str, ...]] = ("percent",)
    COUNTS: ClassVar[tuple[str, str] | None] = None
    """What a value in `count` units counts (one, many: "ticket", "tickets"), when the calculation knows."""

    def units(self) -> tuple[str, ...]:
        return self.UNITS

    def describe(self) -> str:
        raise NotImplementedError


class Csat(Calculation):
    """Customer satisfaction: the share of survey answers at or above `satisfied_from`."""

    type: Literal["csat"] = Field(description="`csat`: customer satisfaction from survey answers.")
    scale: int = Field(default=5, ge=2, le=10, description="Points on the answer scale (1..scale).")
    satisfied_from: int = Field(
        default=4, ge=1, description="Answers at or above this count as satisfied."
    )

    @model_validator(mode="after")
    def _within_scale(self) -> Csat:
        if self.satisfied_from > self.scale:
            raise ValueError(
                f"satisfied_from ({self.satisfied_from}) must be within the scale 1–{self.scale}"
            )
        return self

    def describe(self) -> str:
        return f"share of answers {self.satisfied_from}–{self.scale} among all CSAT answers on a 1–{self.scale} scale"


class Nps(Calculation):
    """Net Promoter Score: % promoters minus % detractors on the 0–10 scale, −100 to +100.

    `detractors_to` must be below `promoters_from`; answers in between are passives.
    """

    type: Literal["nps"] = Field(description="`nps`: Net Promoter Score from 0–10 answers.")
    UNITS: ClassVar[tuple[str, ...]] = ("score",)
    promoters_from: int = Field(
        default=9, ge=0, le=10, description="Answers at or above this are promoters."
    )
    detractors_to: int = Field(
        default=6, ge=0, le=10, description="Answers at or below this are detractors."
    )

    @model_validator(mode="after")
    def _ordered(self) -> Nps:
        if self.detractors_to >= self.promoters_from:
            raise ValueError("detractors_to must be below promoters_from")
        return self

    def describe(self) -> str:
        return (
            f"% of answers {self.promoters_from}–10 (promoters) minus % of answers 0–{self.detractors_to} "
            "(detractors) on the 0–10 scale, from −100 to +100"
        )


class Ces(Calculation):
    """Customer effort: the share of answers agreeing that the issue was easy to handle, or the
    mean answer (`method`). A share is reported in percent, a mean as a score."""

    type: Literal["ces"] = Field(description="`ces`: customer effort from survey answers.")
    UNITS: ClassVar[tuple[str, ...]] = ("percent", "score")
    scale: int = Field(default=7, ge=2, le=10, description="Points on the answer scale (1..scale).")
    agree_from: int = Field(
        default=5, ge=1, description="Answers at or above this count as agreeing (method share)."
    )
    method: Literal["share", "mean"] = Field(
        default="share", description="share of agreeing answers, or the mean answer"
    )

    def units(self) -> tuple[str, ...]:
        return ("percent",) if self.method == "share" else ("score",)

    @model_validator(mode="after")
    def _within_scale(self) -> Ces:
        if self.agree_from > self.scale:
            raise ValueError(
                f"agree_from ({self.agree_from}) must be within the scale 1–{self.scale}"
            )
        return self

    def describe(self) -> str:
        if self.method == "mean":
            return f"mean answer on the 1–{self.scale} effort scale"
        return (
            f"share of answers {self.agree_from}–{self.scale} on the 1–{self.scale} agreement scale"
        )


class Fcr(Calculation):
    """First-contact resolution: resolved at first contact / (resolved + not resolved); pending
    contacts are left out."""

    type: Literal["fcr"] = Field(description="`fcr`: first-contact resolution.")
    repeat_window: Duration | None = Field(
        default=None,
        description="A contact by the same customer within this window counts as not resolved.",
    )

    def describe(self) -> str:
        text = "contacts resolved at first contact / (resolved + not resolved); pending contacts are excluded"
        if self.repeat_window:
            text += f"; a repeat contact by the same customer within {self.repeat_window} counts as not resolved"
        return text


AhtComponent = Literal["talk", "hold", "wrap"]


def _every_component() -> list[AhtComponent]:
    return ["talk", "hold", "wrap"]


class Aht(Calculation):
    """Average handle time: the mean of the chosen time components over answered contacts, in
    a time unit."""

    type: Literal["aht"] = Field(description="`aht`: average handle time.")
    UNITS: ClassVar[tuple[str, ...]] = TIME_UNITS
    components: list[AhtComponent] = Field(
        default_factory=_every_component,
        min_length=1,
        description="Which times make up a contact's handle time; a contact missing one of "
        "them is left out.",
    )

    def describe(self) -> str:
        return f"mean of {' + '.join(self.components)} time over answered contacts"


Statistic = Literal["mean", "median", "p90", "share_within"]


class _Timing(Calculation):
    statistic: Statistic = Field(
        default="median",
        description="mean, median or 90th percentile of the times (a time unit), or the share "
        "within `threshold` (percent).",
    )
    threshold: Duration | None = Field(
        default=None, description="Required for statistic share_within."
    )

    def units(self) -> tuple[str, ...]:
        return ("percent",) if self.statistic == "share_within" else TIME_UNITS

    @model_validator(mode="after")
    def _threshold_when_share(self) -> _Timing:
        if self.statistic == "share_within" and self.threshold is None:
            raise ValueError("statistic share_within needs a threshold, e.g. threshold: 1 hour")
        return self

    def _describe(self, what: str) -> str:
        if self.statistic == "share_within":
            return f"share of contacts whose {what} was within {self.threshold}"
        label = {"mean": "mean", "median": "median", "p90": "90th percentile of"}[self.statistic]
        return f"{label} {what}"


class FirstResponseTime(_Timing):
    """Time from a contact's creation to its first response. `share_within` needs a
    `threshold`."""

    type: Literal["first_response_time"] = Field(
        description="`first_response_time`: creation to first response."
    )

    def describe(self) -> str:
        return self._describe("time from creation to first response")


class ResolutionTime(_Timing):
    """Time from a contact's creation to its resolution. `share_within` needs a `threshold`."""

    type: Literal["resolution_time"] = Field(
        description="`resolution_time`: creation to resolution."
    )

    def describe(self) -> str:
        return self._describe("time from creation to resolution")


class ServiceLevel(Calculation):
    """Service level: the share of offered contacts answered within `threshold` (80/20 is 80 %
    within 20 seconds); `abandoned` says how abandoned contacts count."""

    type: Literal["service_level"] = Field(description="`service_level`: answered within T.")
    threshold: Duration = Field(
        default="20 seconds",
        description="T: the wait within which a contact counts as answered in time.",
    )
    abandoned: Literal["ignored", "counted_against", "short_excluded", "within_threshold_met"] = (
        Field(
            default="short_excluded",
            description=(
                "ignored: answered within T / answered; counted_against: answered within T / (answered + abandoned); "
                "short_excluded: answered within T / (answered + abandoned after the short-abandon threshold); "
                "within_threshold_met: (answered within T + abandoned within T) / (answered + abandoned)"
            ),
        )
    )
    short_abandon: Duration = Field(
        default="5 seconds", description="Used by abandoned: short_excluded."
    )

    def describe(self) -> str:
        numerator = f"answered within {self.threshold}"
        return {
            "ignored": f"{numerator} / answered (abandoned contacts ignored)",
            "counted_against": f"{numerator} / (answered + abandoned)",
            "short_excluded": f"{numerator} / (answered + abandoned after {self.short_abandon})",
            "within_threshold_met": f"({numerator} + abandoned within {self.threshold}) / (answered + abandoned)",
        }[self.abandoned]


class AbandonmentRate(Calculation):
    """Abandonment rate: abandoned contacts / contacts offered to a queue."""

    type: Literal["abandonment_rate"] = Field(
        description="`abandonment_rate`: abandoned / offered."
    )
    short_abandon: Duration | None = Field(
        default=None, description="Abandons quicker than this are not counted at all."
    )

    def describe(self) -> str:
        text = "abandoned / offered contacts"
        if self.short_abandon:
            text += f" (abandons within {self.short_abandon} excluded from both)"
        return text


class Backlog(Calculation):
    """Backlog: contacts still open at the end of the month (abandoned calls are not open)."""

    type: Literal["backlog"] = Field(description="`backlog`: open contacts at the month's end.")
    UNITS: ClassVar[tuple[str, ...]] = ("count",)
    COUNTS: ClassVar[tuple[str, str] | None] = ("ticket", "tickets")
    older_than: Duration | None = Field(
        default=None, description="Count only contacts open longer than this."
    )

    def describe(self) -> str:
        text = "contacts still open at the end of the period"
        if self.older_than:
            text += f" that had been open longer than {self.older_than}"
        return text


class ContactVolume(Calculation):
    """Contact volume: contacts created in the month."""

    type: Literal["contact_volume"] = Field(description="`contact_volume`: contacts created.")
    UNITS: ClassVar[tuple[str, ...]] = ("count",)
    COUNTS: ClassVar[tuple[str, str] | None] = ("contact", "contacts")

    def describe(self) -> str:
        return "contacts created in the period"


class ChurnRate(Calculation):
    """Customers lost / customers at the start of the period; both entered by hand or imported."""

    type: Literal["churn_rate"] = Field(
        description="`churn_rate`: customers lost / customers at the start (entered)."
    )

    def describe(self) -> str:
        return "customers lost in the period / customers at the start of the period (entered as numerator / denominator)"


class NetRevenueRetention(Calculation):
    """Net revenue retention: (start MRR − churned − contraction + expansion) / start MRR, entered
    by hand or imported as numerator and denominator."""

    type: Literal["net_revenue_retention"] = Field(
        description="`net_revenue_retention`: revenue kept and grown (entered)."
    )

    def describe(self) -> str:
        return "(start MRR − churned − contraction + expansion) / start MRR (entered as numerator / denominator)"


class Manual(Calculation):
    """A figure entered by hand in the metric's unit (quarterly NPS from a vendor, agent turnover…)."""

    type: Literal["manual"] = Field(description="`manual`: a figure entered by hand.")
    UNITS: ClassVar[tuple[str, ...]] = (
        "percent",
        "score",
        "seconds",
        "minutes",
        "hours",
        "days",
        "count",
        "currency",
        "ratio",
    )

    def describe(self) -> str:
        return "entered by hand"


AnyCalculation = Annotated[
    Csat
    | Nps
    | Ces
    | Fcr
    | Aht
    | FirstResponseTime
    | ResolutionTime
    | ServiceLevel
    | AbandonmentRate
    | Backlog
    | ContactVolume
    | ChurnRate
    | NetRevenueRetention
    | Manual,
    Field(discriminator="type"),
]

CONTACT_CALCULATIONS: frozenset[str] = frozenset(
    {
        "csat",
        "nps",
        "ces",
        "fcr",
        "aht",
        "first_response_time",
        "resolution_time",
        "service_level",
        "abandonment_rate",
        "backlog",
        "contact_volume",
    }
)
"""Calculations computed from the contacts table; the others are entered by hand."""


UNIT_SUFFIX: dict[str, str] = {
    "percent": " %",
    "seconds": " s",
    "minutes": " min",
    "hours": " h",
    "days": " days",
    "score": "",
    "count": "",
    "currency": "",
    "ratio": "",
}


def format_value(value: float | None, unit: str | None = None, decimals: int = 1) -> str:
    """`82.4 %`, `9.1 min`, `+27`; an empty period is "—", never 0."""
    if value is None:
        return "—"
    text = f"{value:,.{decimals}f}"
    if unit == "score" and value > 0:
        text = "+" + text
    return text + UNIT_SUFFIX.get(unit or "", "")


DIFFERENCE_UNIT: dict[str, tuple[str, str]] = {
    "percent": ("point", "points"),
    "score": ("point", "points"),
    "seconds": ("s", "s"),
    "minutes": ("min", "min"),
    "hours": ("h", "h"),
    "days": ("day", "days"),
}
"""How a difference between two values reads: a gap between 74.6 % and 77.3 % is 2.7 *points*."""


def format_difference(
    amount: float,
    unit: str | None = None,
    decimals: int = 1,
    *,
    counts: tuple[str, str] | None = None,
) -> str:
    """A distance between two values in the metric's own unit: `2.7 points`, `0.4 min`,
    `12 tickets` (a count says what it counts when it knows); always positive."""
    size = abs(amount)
    text = f"{size:,.{decimals}f}"
    one, many = DIFFERENCE_UNIT.get(unit or "", ("", ""))
    if unit == "count" and counts:
        one, many = counts
    if not many:
        return text
    return f"{text} {one if size == 1 else many}"


class MetricSpec(Strict):
    """How the metric is calculated, in which unit, and which direction is better.

    The unit must be one the calculation produces (a CSAT is a percent, an NPS a score, AHT a
    time unit); `cxgov validate` says which.
    """

    unit: Unit = Field(
        description="The unit values are reported in; time units convert durations, percent "
        "runs 0–100."
    )
    better: Literal["higher", "lower"] = Field(description="Which direction is an improvement.")
    calculation: AnyCalculation = Field(
        description="The built-in calculation and its parameters; what makes one month comparable "
        "with the next."
    )
    definition: str = Field(
        min_length=1, description="The definition in plain language, for the committee."
    )
    scope: Scope = Field(
        default_factory=Scope, description="Default scope when a goal or objective gives none."
    )
    decimals: int = Field(
        default=1, ge=0, le=4, description="Decimals shown in the app, reports and the diff."
    )
    stale_after_days: int | None = Field(
        default=None,
        ge=1,
        description=(
            "A series of this metric is stale when its newest value is for a month that ended "
            "this many days ago; default: the program's (a quarterly survey needs about 100)."
        ),
    )


class Metric(Document):
    """A metric definition in the catalogue: how one number is calculated, in which unit, and
    which direction is better. Goals, guardrails and SLA objectives name metrics by id."""

    KIND: ClassVar[str] = "Metric"
    kind: Literal["Metric"] = Field(description="`Metric`.")
    spec: MetricSpec = Field(
        description="The unit, direction, calculation, definition and default scope."
    )

    def format(self, value: float | None) -> str:
        """A value of this metric as people read it, in its unit and with its decimals."""
        return format_value(value, self.spec.unit, self.spec.decimals)

    def format_difference(self, amount: float) -> str:
        """A distance between two values of this metric: `2.7 points`, `12 tickets`."""
        return format_difference(
            amount, self.spec.unit, self.spec.decimals, counts=self.spec.calculation.COUNTS
        )

    def value_problem(self, value: float) -> str | None:
        """Why `value` cannot be a value of this metric, or None when it fits its unit."""
        unit = self.spec.unit
        if value != value:
            return "the value is not a number"
        if unit == "percent" and not 0 <= value <= 100:
            return f"{self.id} is a percentage: expected 0–100, got {value:g}"
        if self.spec.calculation.type == "nps" and not -100 <= value <= 100:
            return f"{self.id} is an NPS: expected −100 to +100, got {value:g}"
        if unit in ("count", "seconds", "minutes", "hours", "days", "ratio") and value < 0:
            return f"{self.id} is measured in {unit}: it cannot be negative ({value:g})"
        if unit == "count" and not float(value).is_integer():
            return f"{self.id} is a count: expected a whole number, got {value:g}"
        return None

    @property
    def from_contacts(self) -> bool:
        return self.spec.calculation.type in CONTACT_CALCULATIONS
