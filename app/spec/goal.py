"""SMART goals: a metric moved from a baseline to a target by a date, or a deliverable done by a date."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from app.periods import Month
from app.spec.common import Document, Id, Scope, Strict

Pillar = Literal["people", "process", "platform"]


class Baseline(Strict):
    value: float
    period: Month = Field(description="The month the baseline was measured in, YYYY-MM.")


class Target(Strict):
    value: float
    by: date = Field(
        description="Deadline, YYYY-MM-DD; the goal is judged on the month that contains it."
    )


class Milestone(Strict):
    value: float
    by: date


class Guardrail(Strict):
    """Another metric that must stay within a bound while this goal is pursued."""

    metric: Id
    scope: Scope | None = Field(default=None, description="Defaults to the goal's scope.")
    min: float | None = Field(default=None, description="Must not fall below this value.")
    max: float | None = Field(default=None, description="Must not rise above this value.")
    reason: str | None = None

    @model_validator(mode="after")
    def _one_bound(self) -> Guardrail:
        if self.min is None and self.max is None:
            raise ValueError(
                "a guardrail needs a bound: min (must not fall below) or max (must not rise above)"
            )
        return self


class Deliverable(Strict):
    due: date
    completed_on: date | None = None
    evidence: str | None = Field(
        default=None, description="Where the result can be seen (link, document)."
    )


class GoalSpec(Strict):
    metric: Id | None = Field(
        default=None, description="Metric id from the catalogue; absent for a deliverable."
    )
    scope: Scope = Field(default_factory=Scope)
    baseline: Baseline | None = None
    target: Target | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    deliverable: Deliverable | None = None
    cadence: Literal["monthly", "quarterly"] = "monthly"
    pillar: Pillar
    relevance: str | None = Field(
        default=None, description="Why this goal matters: the objective it serves."
    )
    parent: Id | None = Field(default=None, description="A goal this one contributes to.")
    guardrails: list[Guardrail] = Field(default_factory=list)
    achievability: str | None = Field(
        default=None,
        description="Why a change steeper than the program's usual bound is achievable.",
    )
    status: Literal["active", "draft", "paused", "retired"] = "active"

    @model_validator(mode="after")
    def _metric_or_deliverable(self) -> GoalSpec:
        if self.metric is None and self.deliverable is None:
            raise ValueError(
                "a goal needs either `metric` (with baseline and target) or `deliverable` (with a due date)"
            )
        if self.metric is not None and self.deliverable is not None:
            raise ValueError("a goal has either `metric` or `deliverable`, not both")
        if self.deliverable is not None and (self.target is not None or self.baseline is not None):
            raise ValueError("a deliverable goal has no baseline or target: use `deliverable.due`")
        return self

    @property
    def is_deliverable(self) -> bool:
        return self.deliverable is not None


class Goal(Document):
    KIND: ClassVar[str] = "Goal"
    kind: Literal["Goal"]
    spec: GoalSpec
