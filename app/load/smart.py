"""SMART lint: one rule per letter, each with its own stable code (warnings; `--strict` makes them errors).

Pure: a goal, its metric, the program's rules and "today" in; a scorecard and diagnostics out.

- S `smart-specific`: the goal names a metric (deliverables: the thing to deliver) and its title
  states a figure — a value, a change or a date. A goal without `scope` is measured on its
  metric's default scope, which the catalogue states explicitly, so "all contacts" is specific.
- M `smart-measurable`: a numeric target in a catalogue metric's unit (not for deliverables).
- A `smart-achievable`: a baseline is given and the change needed per month stays within
  `smart.max_monthly_change_percent` (percentage points for percent/score metrics, percent of the
  baseline otherwise) — or the goal explains in `achievability` why more is possible.
- R `smart-relevant`: `relevance` is written or the goal serves a parent goal.
- T `smart-time-bound`: a deadline, after the baseline month, and not already past for an active
  goal (a completed deliverable is never late).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal

from app.load.references import unit_range
from app.periods import Month
from app.spec import Goal, Metric
from app.spec.program import SmartRules

Letter = Literal["S", "M", "A", "R", "T"]
CODES: dict[str, str] = {
    "S": "smart-specific",
    "M": "smart-measurable",
    "A": "smart-achievable",
    "R": "smart-relevant",
    "T": "smart-time-bound",
}
_FIGURE = re.compile(r"\d")


@dataclass(frozen=True)
class SmartCheck:
    letter: Letter
    passed: bool | None
    """None when the letter does not apply (Measurable and Achievable for a deliverable)."""
    message: str
    loc: tuple[str | int, ...] = ()

    @property
    def code(self) -> str:
        return CODES[self.letter]


@dataclass(frozen=True)
class SmartScorecard:
    goal_id: str
    checks: tuple[SmartCheck, ...]

    @property
    def passed(self) -> bool:
        return all(check.passed is not False for check in self.checks)

    def letter(self, letter: Letter) -> SmartCheck:
        return next(check for check in self.checks if check.letter == letter)

    def summary(self) -> str:
        """`S M A R T` with a failing letter in lower case and one that does not apply as `-`."""
        return " ".join(
            c.letter if c.passed else ("-" if c.passed is None else c.letter.lower())
            for c in self.checks
        )

    def as_dict(self) -> dict[str, Any]:
        return {
            "goal": self.goal_id,
            "passed": self.passed,
            "checks": {
                c.letter: {"passed": c.passed, "code": c.code, "message": c.message}
                for c in self.checks
            },
        }


def monthly_change(metric: Metric, baseline: float, target: float, months: int) -> float | None:
    """Change needed per month: points for percent/score metrics, else % of the baseline (None: baseline 0)."""
    span = max(months, 1)
    if metric.spec.unit in ("percent", "score"):
        return abs(target - baseline) / span
    if baseline == 0:
        return None
    return abs(target - baseline) / abs(baseline) * 100 / span


def score_goal(goal: Goal, metric: Metric | None, rules: SmartRules, today: date) -> SmartScorecard:
    return SmartScorecard(
        goal.id,
        (
            _specific(goal),
            _measurable(goal, metric),
            _achievable(goal, metric, rules),
            _relevant(goal),
            _time_bound(goal, today),
        ),
    )


def _specific(goal: Goal) -> SmartCheck:
    title_loc = ("metadata", "title")
    if goal.spec.is_deliverable:
        if _FIGURE.search(goal.metadata.title):
            return SmartCheck("S", True, "the deliverable and its date are named in the title")
        return SmartCheck(
            "S",
            False,
            f"the title `{goal.metadata.title}` does not say what is delivered by when",
            title_loc,
        )
    if _FIGURE.search(goal.metadata.title):
        return SmartCheck(
            "S",
            True,
            f"{goal.spec.metric} on {goal.spec.scope.describe() if goal.spec.scope.filters() else 'the metric default scope'}, with a figure in the title",
        )
    return SmartCheck(
        "S",
        False,
        f"the title `{goal.metadata.title}` is vague: it states no figure (from/to value, change or date)",
        title_loc,
    )


def _measurable(goal: Goal, metric: Metric | None) -> SmartCheck:
    if goal.spec.is_deliverable:
        return SmartCheck("M", None, "a deliverable is done or not done")
    if goal.spec.target is None:
        return SmartCheck(
            "M", False, "no target: add `target: {value, by}` in the metric's unit", ("spec",)
        )
    if metric is None:
        return SmartCheck(
            "M",
            False,
            f"the metric `{goal.spec.metric}` is not in the catalogue",
            ("spec", "metric"),
        )
    low, high = unit_range(metric)
    value = goal.spec.target.value
    if (low is not None and value < low) or (high is not None and value > high):
        return SmartCheck(
            "M",
            False,
            f"the target {value:g} does not fit {metric.spec.unit}",
            ("spec", "target", "value"),
        )
    return SmartCheck("M", True, f"target {value:g} {metric.spec.unit}")


def _achievable(goal: Goal, metric: Metric | None, rules: SmartRules) -> SmartCheck:
    spec = goal.spec
    if spec.is_deliverable:
        return SmartCheck("A", None, "not a measured change")
    if spec.baseline is None:
        return SmartCheck(
            "A",
            False,
            "no baseline: add `baseline: {value, period}` so the planned change can be judged",
            ("spec",),
        )
    if spec.target is None or metric is None:
        return SmartCheck(
            "A", False, "the change cannot be judged without a target and a known metric", ("spec",)
        )
    months = Month.of(spec.target.by).index - spec.baseline.period.index
    change = monthly_change(metric, spec.baseline.value, spec.target.value, months)
    unit = "points" if metric.spec.unit in ("percent", "score") else "% of the baseline"
    bound = rules.max_monthly_change_percent
    if change is not None and change <= bound:
        return SmartCheck("A", True, f"{change:.2f} {unit} a month, within the bound of {bound:g}")
    if spec.achievability and spec.achievability.strip():
        shown = "a baseline of 0" if change is None else f"{change:.2f} {unit} a month"
        return SmartCheck(
            "A", True, f"{shown}, above the bound of {bound:g}, with a written rationale"
        )
    if change is None:
        return SmartCheck(
            "A",
            False,
            "a baseline of 0 makes the relative change unbounded; write `achievability`",
            ("spec", "baseline", "value"),
        )
    return SmartCheck(
        "A",
        False,
        f"needs {change:.2f} {unit} a month, more than the program's bound of {bound:g}; "
        "move the deadline, lower the target or write `achievability`",
        ("spec", "target", "value"),
    )


def _relevant(goal: Goal) -> SmartCheck:
    if goal.spec.relevance and goal.spec.relevance.strip():
        return SmartCheck("R", True, "relevance is written")
    if goal.spec.parent:
        return SmartCheck("R", True, f"serves the goal `{goal.spec.parent}`")
    return SmartCheck(
        "R",
        False,
        "say why this goal matters in `relevance`, or link it to a `parent` goal",
        ("spec",),
    )


def _time_bound(goal: Goal, today: date) -> SmartCheck:
    spec = goal.spec
    if spec.deliverable is not None:
        if spec.deliverable.completed_on is not None:
            return SmartCheck("T", True, f"delivered on {spec.deliverable.completed_on}")
        if spec.status == "active" and spec.deliverable.due < today:
            return SmartCheck(
                "T",
                False,
                f"the due date {spec.deliverable.due} has passed and nothing is delivered",
                ("spec", "deliverable", "due"),
            )
        return SmartCheck("T", True, f"due {spec.deliverable.due}")
    if spec.target is None:
        return SmartCheck("T", False, "no deadline: add `target.by`", ("spec",))
    if spec.baseline is not None and Month.of(spec.target.by) <= spec.baseline.period:
        return SmartCheck(
            "T",
            False,
            f"the deadline {spec.target.by} is not after the baseline month {spec.baseline.period}",
            ("spec", "target", "by"),
        )
    if spec.status == "active" and spec.target.by < today:
        return SmartCheck(
            "T",
            False,
            f"the deadline {spec.target.by} has passed while the goal is still active",
            ("spec", "target", "by"),
        )
    return SmartCheck("T", True, f"by {spec.target.by}")
