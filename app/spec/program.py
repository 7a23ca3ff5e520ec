"""Program-wide settings (program.yaml) and the validated Program that the rest of cxgov reads."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Annotated, ClassVar, Literal

from pydantic import Field, model_validator

from app.periods import Month
from app.spec.access import Access as Access
from app.spec.common import Currency, Document, Scope, Strict, TimeZoneName
from app.spec.goal import Goal
from app.spec.metric import Metric
from app.spec.notifications import CheckinCadence, Notifications
from app.spec.playbook import Playbook
from app.spec.roadmap import Roadmap
from app.spec.sla import SLAContract
from app.spec.vocabulary import SearchVocabulary


class StatusTolerances(Strict):
    """How far behind plan a goal may be, in percentage points of the way from baseline to target."""

    on_track_within: float = Field(
        default=5,
        ge=0,
        le=100,
        description="A goal at most this many points behind plan is on track.",
    )
    at_risk_within: float = Field(
        default=15,
        ge=0,
        le=100,
        description="A goal at most this many points behind plan (and more than "
        "`on_track_within`) is at risk; further behind, off track. At least `on_track_within`.",
    )

    @model_validator(mode="after")
    def _ordered(self) -> StatusTolerances:
        if self.at_risk_within < self.on_track_within:
            raise ValueError("at_risk_within must be at least on_track_within")
        return self


class SmartRules(Strict):
    """The bound the SMART lint's "achievable" check applies to every goal."""

    max_monthly_change_percent: float = Field(
        default=3,
        gt=0,
        description=(
            "Achievable: the largest change per month, as % of the baseline (or points for percent metrics), "
            "that a goal may plan without a written `achievability` rationale."
        ),
    )


ImportMappingPath = Annotated[
    str,
    Field(
        min_length=1,
        pattern=r"^[A-Za-z0-9_][A-Za-z0-9_\-./ ]*\.ya?ml$",
        description="A ContactMapping file inside the program folder, e.g. imports/zendesk.yaml.",
        examples=["imports/zendesk-berlin.yaml"],
    ),
]

LinkDomain = Annotated[
    str,
    Field(
        max_length=253,
        pattern=r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)+$",
        description="A host name in lower case, without scheme or path; it allows its subdomains.",
        examples=["northwind.example", "help.northwind.example"],
    ),
]


class ProgramSpec(Strict):
    """Program-wide settings: the calendar, the money, the tolerances and who may see what."""

    name: str = Field(min_length=1, description="The program's name, shown on every app page.")
    start_date: date = Field(description="Day 0 of the roadmap.")
    timezone: TimeZoneName = Field(
        description="Months are cut in this timezone: a contact at 23:30 on 31 January local "
        "time belongs to January."
    )
    currency: Currency = Field(
        description="The currency credits and exposure are totalled in; a contract in another "
        "currency is totalled apart, never converted."
    )
    fiscal_year_start_month: int = Field(
        default=1, ge=1, le=12, description="The month the fiscal year starts in (1 = January)."
    )
    review_cadence: Literal["monthly", "quarterly"] = Field(
        default="monthly", description="How often the steering committee meets for a review."
    )
    status: StatusTolerances = Field(
        default_factory=StatusTolerances,
        description="How far behind plan a goal may be and still count as on track or at risk.",
    )
    smart: SmartRules = Field(default_factory=SmartRules, description="Settings of the SMART lint.")
    default_locale: str = Field(
        default="en",
        pattern=r"^[a-z]{2}(-[A-Z]{2})?$",
        description="The language a message template falls back to when the customer's "
        "language has no version.",
    )
    locales: list[str] = Field(
        default_factory=lambda: ["en"],
        description="The languages templates are written in; a template in another locale is "
        "a warning.",
    )
    stale_after_days: int = Field(
        default=45,
        ge=1,
        description=(
            "A measured series whose newest value is for a month that ended this many days ago "
            "is stale (a metric may set its own)."
        ),
    )
    checkin_cadence: CheckinCadence = Field(
        default="monthly",
        description="How often goal owners check in: weekly, fortnightly, monthly or none (a goal "
        "may set its own).",
    )
    access: Access = Field(
        default_factory=Access,
        description="Roles for signed-in people (when the app runs with login) and for the people "
        "`cxgov notify` writes to.",
    )
    import_mappings: list[ImportMappingPath] = Field(
        default_factory=list,
        description="The program's own contact mapping files (ContactMapping YAML), relative to "
        "the program root: `cxgov validate` checks goal and SLA scopes against the values they "
        "and the shipped profiles can store.",
    )
    link_domains: list[LinkDomain] = Field(
        default_factory=list,
        description=(
            "Hosts that links in authored text (playbooks, titles, review notes) may open, e.g. "
            "your help centre; a domain allows its subdomains. Any other link is shown as text."
        ),
    )
    app_url: str | None = Field(
        default=None,
        pattern=r"^https?://\S+$",
        description="Where agents open the app, e.g. https://cx.example.com; "
        "`cxgov playbook link` builds help-desk links on it.",
        examples=["https://cx.example.com"],
    )
    notifications: Notifications | None = Field(
        default=None, description="Where `cxgov notify` sends alerts and reminders."
    )


class ProgramSettings(Document):
    """Program-wide settings: name, start date, timezone, currency, review cadence, status
    tolerances, SMART bound, languages and access roles."""

    KIND: ClassVar[str] = "Program"
    kind: Literal["Program"] = Field(description="`Program`.")
    spec: ProgramSpec = Field(description="The program-wide settings.")


KINDS: dict[str, type[Document]] = {
    cls.KIND: cls
    for cls in (ProgramSettings, Metric, Goal, SLAContract, Playbook, Roadmap, SearchVocabulary)
}


@dataclass(frozen=True)
class Source:
    """Where a document came from, relative to the program root."""

    file: str
    line: int


@dataclass(frozen=True)
class Program:
    """A validated program. Built by `app.load`; read by everything else; never mutated."""

    settings: ProgramSettings
    metrics: Mapping[str, Metric] = field(default_factory=dict)
    goals: Mapping[str, Goal] = field(default_factory=dict)
    contracts: Mapping[str, SLAContract] = field(default_factory=dict)
    playbooks: Mapping[str, Playbook] = field(default_factory=dict)
    roadmaps: Mapping[str, Roadmap] = field(default_factory=dict)
    vocabularies: Mapping[str, SearchVocabulary] = field(default_factory=dict)
    sources: Mapping[tuple[str, str], Source] = field(default_factory=dict)

    @property
    def spec(self) -> ProgramSpec:
        return self.settings.spec

    @property
    def timezone(self) -> str:
        return self.settings.spec.timezone

    @property
    def start_date(self) -> date:
        return self.settings.spec.start_date

    def source(self, kind: str, doc_id: str) -> Source | None:
        return self.sources.get((kind, doc_id))

    def checkin_cadence(self, goal_id: str) -> CheckinCadence:
        """The goal's own check-in cadence, else the program's."""
        goal = self.goals.get(goal_id)
        own = goal.spec.checkin_cadence if goal is not None else None
        return own or self.spec.checkin_cadence

    def stale_after_days(self, metric_id: str) -> int:
        """The metric's own staleness bound, else the program's."""
        metric = self.metrics.get(metric_id)
        own = metric.spec.stale_after_days if metric is not None else None
        return own or self.spec.stale_after_days


def effective_scope(metric: Metric, scope: Scope | None) -> Scope:
    """The scope a number is measured on: the metric's default scope, overridden per dimension."""
    merged = dict(metric.spec.scope.model_dump(exclude_none=True))
    if scope is not None:
        merged.update(scope.model_dump(exclude_none=True))
    return Scope(**merged)


def measured_series(program: Program) -> list[tuple[str, Scope]]:
    """Every (metric, scope) the program's goals, guardrails and SLA objectives need actuals for."""
    seen: dict[tuple[str, str], tuple[str, Scope]] = {}

    def add(metric_id: str | None, scope: Scope | None) -> None:
        metric = program.metrics.get(metric_id or "")
        if metric is None:
            return
        resolved = effective_scope(metric, scope)
        seen.setdefault((metric_id or "", resolved.key()), (metric.id, resolved))

    for goal in program.goals.values():
        add(goal.spec.metric, goal.spec.scope)
        for guardrail in goal.spec.guardrails:
            add(
                guardrail.metric,
                guardrail.scope if guardrail.scope is not None else goal.spec.scope,
            )
    for contract in program.contracts.values():
        for objective in contract.spec.objectives:
            add(objective.metric, objective.scope)
    return [seen[key] for key in sorted(seen)]


def scope_vocabulary(program: Program) -> dict[str, tuple[str, ...]]:
    """Dimension → every value the program's scopes name (metrics' own scopes, goals, guardrails,
    SLA objectives), for the dimensions any of them restricts: a contact with another value falls
    in no scoped series."""
    scopes = [metric.spec.scope for metric in program.metrics.values()]
    scopes += [scope for _, scope in measured_series(program)]
    found: dict[str, set[str]] = {}
    for scope in scopes:
        for dimension, values in scope.filters().items():
            found.setdefault(dimension, set()).update(values)
    return {dimension: tuple(sorted(values)) for dimension, values in sorted(found.items())}


def first_measured_month(program: Program) -> Month:
    """The first month the program reads actuals for: the earliest goal baseline, contract start
    or the program's own start."""
    months = [Month.of(program.start_date)]
    months += [goal.spec.baseline.period for goal in program.goals.values() if goal.spec.baseline]
    months += [Month.of(contract.spec.effective.from_) for contract in program.contracts.values()]
    return min(months)
