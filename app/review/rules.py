"""When a review may close, and what changed since it closed (pure).

Closing: every item the pack says needs attention (an off-track, at-risk or missed goal, an SLA
miss) has a finding with a root cause and at least two corrective actions — or is explicitly
accepted with no action, with a reason. The refusal names each item and what it lacks.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from app.evaluate.actuals import ActualsIndex
from app.evaluate.serialize import JsonReady
from app.periods import Month
from app.words import counted

MIN_CORRECTIVE_ACTIONS = 2


@dataclass(frozen=True)
class FindingView:
    key: str
    root_cause: str | None
    accepted_no_action: bool
    acceptance_reason: str | None


def _filled(text: str | None) -> bool:
    return bool(text and text.strip())


def closing_problems(
    required: Mapping[str, str],
    findings: Mapping[str, FindingView],
    action_counts: Mapping[str, int],
) -> list[str]:
    """One readable line per item that stops the review from closing (empty: it may close)."""
    problems = []
    for key, label in required.items():
        finding = findings.get(key)
        if finding is not None and finding.accepted_no_action:
            if not _filled(finding.acceptance_reason):
                problems.append(f"{label}: accepted with no action, but no reason is recorded")
            continue
        missing = []
        if finding is None or not _filled(finding.root_cause):
            missing.append("no root cause")
        count = action_counts.get(key, 0)
        if count < MIN_CORRECTIVE_ACTIONS:
            missing.append(
                f"{counted(count, 'corrective action')}, at least {MIN_CORRECTIVE_ACTIONS} needed"
            )
        if missing:
            problems.append(
                f"{label}: {' and '.join(missing)} (or accept it with no action and a reason)"
            )
    return problems


@dataclass(frozen=True)
class Revision(JsonReady):
    """An actual the closed review showed that has been corrected since: was X, now Y."""

    metric: str
    scope_key: str
    period: str
    was: float | None
    now: float | None
    revision: int | None

    def message(self) -> str:
        def fmt(value: float | None) -> str:
            return "no value" if value is None else f"{value:g}"

        scope = f" [{self.scope_key}]" if self.scope_key else ""
        return f"{self.metric}{scope} {self.period}: revised since this review: was {fmt(self.was)}, now {fmt(self.now)}"


def revisions_since(figures: Iterable[Mapping[str, Any]], current: ActualsIndex) -> list[Revision]:
    """The snapshot's figures whose current latest value differs from the one frozen."""
    out = []
    for figure in figures:
        point = current.get(figure["metric"], figure["scope_key"], Month.parse(figure["period"]))
        now = None if point is None else point.value
        was = figure["value"]
        same = (was is None and now is None) or (
            was is not None and now is not None and abs(was - now) < 1e-9
        )
        if not same:
            out.append(
                Revision(
                    figure["metric"],
                    figure["scope_key"],
                    figure["period"],
                    was,
                    now,
                    None if point is None else point.revision,
                )
            )
    return out
