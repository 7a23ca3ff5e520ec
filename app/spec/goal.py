"""SMART goals: a metric moved from a baseline to a target by a date, or a deliverable done by a date."""

from __future__ import annotations

from datetime import date
from typing import ClassVar, Literal

from pydantic import Field, model_validator

from app.periods import Month
from app.spec.common import Document, Id, Scope, Strict
from app.spec.notifications import CheckinCadence

Pillar = Literal["people", "process", "platform"]


class Baseline(Strict):
    """Where the metric stood before the goal started: progress is measured from here."""

    value: float = Field(description="The metric's value in the baseline month, in its unit.")
    period: Month = Field(description="The month the baseline was measured in, YYYY-MM.")


class Target(Strict):
    """The value the goal commits to, and by when."""

    value: float = Field(description="The value to reach, in the metric's unit.")
    by: date = Field(
        description="Deadline, YYYY-MM-DD; the goal is judged on the month that contains it."
    )


class Milestone(Strict):
    """An intermediate value on the way to the target; the planned trajectory runs through it.

    Milestones are in date order, between the baseline month and the deadline.
    """

    value: float = Field(description="The value planned for this date, in the metric's unit.")
    by: date = Field(description="When the milestone value should be reached, YYYY-MM-DD.")


class Guardrail(Strict):
    """Another metric that must stay within a bound while this goal is pursued.

    Give `min`, `max` or both. A crossing flags the goal whatever its own status (an AHT cut
    that makes first-contact resolution fall is no success).
    """

    metric: Id = Field(description="Metric id from the catalogue that must stay within bounds.")
    scope: Scope | None = Field(default=None, description="Defaults to the goal's scope.")
    min: float | None = Field(default=None, description="Must not fall below this value.")
    max: float | None = Field(default=None, description="Must not rise above this value.")
    reason: str | None = Field(
        default=None, description="Why this guardrail exists, shown when it is crossed."
    )

    @model_validator(mode="after")
    def _one_bound(self) -> Guardrail:
        if self.min is None and self.max is None:
            raise ValueError(
                "a guardrail needs a bound: min (must not fall below) or max (must not rise above)"
            )
        return self


class Deliverable(Strict):
    """A thing to deliver by a date (a QA scorecard, a new tool) instead of a number to move."""

    due: date = Field(description="When the deliverable is due, YYYY-MM-DD.")
    completed_on: date | None = Field(
        default=None,
        description="When it was delivered; absent while it is still open. Later than `due` "
        "shows as done late.",
    )
    evidence: str | None = Field(
        default=None, description="Where the result can be seen (link, document)."
    )


class GoalSpec(Strict):
    """What the goal measures, from where, to what, by when.

    A goal is either a metric goal (`metric` with `baseline` and `target`) or a deliverable
    (`deliverable` with a due date), never both.
    """

    metric: Id | None = Field(
        default=None, description="Metric id from the catalogue; absent for a deliverable."
    )
    scope: Scope = Field(
        default_factory=Scope,
        description="Which contacts the goal is about; each dimension given here replaces the "
        "metric's default scope for that dimension.",
    )
    baseline: Baseline | None = Field(
        default=None,
        description="Where the metric stood before the goal started (needed for the SMART "
        "achievability check and for progress).",
    )
    target: Target | None = Field(
        default=None, description="The value to reach and the deadline (metric goals)."
    )
    milestones: list[Milestone] = Field(
        default_factory=list,
        description="Intermediate values; without them the plan is a straight line from "
        "baseline to target.",
    )
    deliverable: Deliverable | None = Field(
        default=None, description="The thing to deliver and its due date (deliverable goals)."
    )
    cadence: Literal["monthly", "quarterly"] = Field(
        default="monthly",
        description="How often the goal is judged: every month, or every third month counted "
        "back from the deadline (a quarter is judged on its last month).",
    )
    pillar: Pillar = Field(
        description="Which part of the organisation the goal improves; the committee's "
        "roll-up groups goals by pillar."
    )
    relevance: str | None = Field(
        default=None, description="Why this goal matters: the objective it serves."
    )
    parent: Id | None = Field(default=None, description="A goal this one contributes to.")
    guardrails: list[Guardrail] = Field(
        default_factory=list,
        description="Other metrics that must not get worse while this goal is pursued.",
    )
    achievability: str | None = Field(
        default=None,
        description="Why a change steeper than the program's usual bound is achievable.",
    )
    status: Literal["active", "draft", "paused", "retired"] = Field(
        default="active",
        description="Only `active` goals are evaluated and must not have a deadline in the past; "
        "the others stay in the file for the record.",
    )
    checkin_cadence: CheckinCadence | None = Field(
        default=None,
        description="How often the owner checks in on this goal: weekly, fortnightly, monthly or "
        "none; default: the program's `checkin_cadence`.",
    )

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
    """A SMART goal: a metric moved from a baseline to a target by a date, or a deliverable done
    by a date, with the guardrails it must respect."""

    KIND: ClassVar[str] = "Goal"
    kind: Literal["Goal"] = Field(description="`Goal`.")
    spec: GoalSpec = Field(
        description="The metric, scope, baseline, target, deadline, pillar and guardrails."
    )
