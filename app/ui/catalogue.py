"""The metric catalogue as rows for the Metric definitions page (pure)."""

from __future__ import annotations

from typing import Any

from app.spec.program import Program


def parameters_text(calculation: Any) -> str:
    """A calculation's parameters, `name = value`, e.g. "scale = 5, satisfied_from = 4"."""
    params = calculation.model_dump(exclude={"type"}, exclude_none=True, mode="json")
    return (
        ", ".join(
            f"{name} = {', '.join(map(str, value)) if isinstance(value, list) else value}"
            for name, value in params.items()
        )
        or "—"
    )


def used_by(program: Program, metric_id: str) -> list[str]:
    """Goals, guardrails and SLA objectives that read this metric, by their titles."""
    users: list[str] = []
    for goal in program.goals.values():
        title = goal.metadata.title
        if goal.spec.metric == metric_id:
            users.append(f"goal “{title}”")
        users.extend(
            f"guardrail of goal “{title}”" for g in goal.spec.guardrails if g.metric == metric_id
        )
    for contract in program.contracts.values():
        users.extend(
            f"SLA “{contract.metadata.title}”: {o.title or o.id}"
            for o in contract.spec.objectives
            if o.metric == metric_id
        )
    return users


def catalogue_rows(program: Program) -> list[dict[str, Any]]:
    rows = []
    for metric in sorted(program.metrics.values(), key=lambda m: m.id):
        spec = metric.spec
        rows.append(
            {
                "id": metric.id,
                "title": metric.metadata.title,
                "unit": spec.unit,
                "better": spec.better,
                "calculation": spec.calculation.type,
                "formula": spec.calculation.describe(),
                "parameters": parameters_text(spec.calculation),
                "default scope": spec.scope.describe(),
                "owner": metric.metadata.owner or "",
                "used by": len(used_by(program, metric.id)),
            }
        )
    return rows
