"""How "what an import changes" reads: one row per goal status, credit, SLA outcome and stored
actual that changes, for the CLI's text, the app's tables and its confirmation alike."""

from __future__ import annotations

from app.display.labels import status_label
from app.evaluate.changes import ProgramChanges
from app.evaluate.money import fmt_money
from app.spec.exclusions import describe_series_key
from app.spec.metric import format_value
from app.spec.program import Program

ARROW = "→"


def _status(status: str | None) -> str:
    return "—" if status is None else status_label(status)


def goal_rows(changes: ProgramChanges) -> list[dict[str, str]]:
    return [
        {
            "goal": change.goal_id,
            "title": change.title,
            "before": _status(change.old),
            "after": _status(change.new),
        }
        for change in changes.goals
    ]


def credit_rows(changes: ProgramChanges) -> list[dict[str, str]]:
    return [
        {
            "contract": change.contract_id,
            "month": str(change.period) + (" (to date)" if change.kind == "open" else ""),
            "before": fmt_money(change.old, change.currency),
            "after": fmt_money(change.new, change.currency),
        }
        for change in changes.credits
    ]


def outcome_rows(changes: ProgramChanges) -> list[dict[str, str]]:
    return [
        {
            "contract": change.contract_id,
            "objective": change.objective_id,
            "month": str(change.period) + (" (to date)" if change.kind == "open" else ""),
            "before": change.old or "—",
            "after": change.new or "—",
        }
        for change in changes.outcomes
    ]


def actual_rows(changes: ProgramChanges, program: Program) -> list[dict[str, str]]:
    def value(metric_id: str, number: float | None) -> str:
        metric = program.metrics.get(metric_id)
        if metric is None:
            return format_value(number)
        return format_value(number, metric.spec.unit, metric.spec.decimals)

    return [
        {
            "metric": change.metric,
            "scope": describe_series_key(change.scope_key) or "all contacts",
            "month": str(change.period),
            "before": value(change.metric, change.old),
            "after": value(change.metric, change.new),
        }
        for change in changes.actuals
    ]


def change_lines(
    changes: ProgramChanges, program: Program, *, actuals_shown: int = 20
) -> list[str]:
    """The changes as indented text lines (at most `actuals_shown` stored actuals)."""
    lines: list[str] = []
    for row in goal_rows(changes):
        lines.append(
            f"  goal {row['goal']} ({row['title']}): {row['before']} {ARROW} {row['after']}"
        )
    for row in credit_rows(changes):
        lines.append(
            f"  credit {row['contract']} {row['month']}: {row['before']} {ARROW} {row['after']}"
        )
    for row in outcome_rows(changes):
        lines.append(
            f"  SLA {row['contract']}/{row['objective']} {row['month']}: "
            f"{row['before']} {ARROW} {row['after']}"
        )
    actuals = actual_rows(changes, program)
    for row in actuals[:actuals_shown]:
        lines.append(
            f"  actual {row['metric']} [{row['scope']}] {row['month']}: "
            f"{row['before']} {ARROW} {row['after']}"
        )
    if len(actuals) > actuals_shown:
        lines.append(f"  … and {len(actuals) - actuals_shown:,} more stored actuals")
    return lines
