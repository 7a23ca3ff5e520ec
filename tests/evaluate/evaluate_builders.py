"""Small builders of validated spec objects for the evaluation tests (no YAML, no files)."""

from __future__ import annotations

from typing import Any

from app.spec import Goal, Metric, Program, ProgramSettings, Roadmap, SLAContract

ENVELOPE = {"apiVersion": "cxgov/v1"}


def metric(
    metric_id: str,
    *,
    better: str = "higher",
    unit: str = "percent",
    scope: dict[str, Any] | None = None,
    calculation: dict[str, Any] | None = None,
    **spec: Any,
) -> Metric:
    return Metric.model_validate(
        {
            **ENVELOPE,
            "kind": "Metric",
            "metadata": {"id": metric_id, "title": metric_id},
            "spec": {
                "unit": unit,
                "better": better,
                "calculation": calculation or {"type": "manual"},
                "definition": "test",
                "scope": scope or {},
                **spec,
            },
        }
    )


def goal(
    goal_id: str,
    *,
    metric_id: str = "csat",
    baseline: tuple[float, str] = (78.0, "2026-06"),
    target: tuple[float, str] = (85.0, "2027-03-31"),
    pillar: str = "process",
    **spec: Any,
) -> Goal:
    body: dict[str, Any] = {
        "metric": metric_id,
        "baseline": {"value": baseline[0], "period": baseline[1]},
        "target": {"value": target[0], "by": target[1]},
        "pillar": pillar,
        **spec,
    }
    return Goal.model_validate(
        {**ENVELOPE, "kind": "Goal", "metadata": {"id": goal_id, "title": goal_id}, "spec": body}
    )


def deliverable(
    goal_id: str, *, due: str, completed_on: str | None = None, pillar: str = "people"
) -> Goal:
    return Goal.model_validate(
        {
            **ENVELOPE,
            "kind": "Goal",
            "metadata": {"id": goal_id, "title": goal_id},
            "spec": {"deliverable": {"due": due, "completed_on": completed_on}, "pillar": pillar},
        }
    )


def contract(
    contract_id: str = "acme",
    *,
    objectives: list[dict[str, Any]] | None = None,
    rules: list[dict[str, Any]] | None = None,
    fee: str = "40000",
    effective_from: str = "2027-01-01",
    effective_to: str | None = None,
    currency: str = "USD",
    exclusions: list[dict[str, Any]] | None = None,
    cap: dict[str, Any] | None = None,
    earn_back: int | None = None,
    unmeasured: str = "missed",
    timezone: str = "UTC",
    fee_schedule: list[dict[str, Any]] | None = None,
    earn_back_per: str = "contract",
    **terms: Any,
) -> SLAContract:
    """A contract; `terms` are further `credits` fields (contract_year_cap, proration, …)."""
    credits: dict[str, Any] = {"rules": rules or [], "unmeasured": unmeasured, **terms}
    if cap is not None:
        credits["cap"] = cap
    if earn_back is not None:
        credits["earn_back"] = {"periods": earn_back, "per": earn_back_per}
    return SLAContract.model_validate(
        {
            **ENVELOPE,
            "kind": "SLAContract",
            "metadata": {"id": contract_id, "title": contract_id},
            "spec": {
                "counterparty": "Acme",
                "currency": currency,
                "monthly_fee": fee,
                "effective": {"from": effective_from, "to": effective_to},
                "measurement": {"timezone": timezone},
                "objectives": objectives or [{"id": "uptime", "metric": "uptime", "target": 99.99}],
                "exclusions": exclusions or [],
                "fee_schedule": fee_schedule or [],
                "credits": credits,
            },
        }
    )


def roadmap(roadmap_id: str, phases: list[dict[str, Any]]) -> Roadmap:
    return Roadmap.model_validate(
        {
            **ENVELOPE,
            "kind": "Roadmap",
            "metadata": {"id": roadmap_id, "title": roadmap_id},
            "spec": {"phases": phases},
        }
    )


def program(
    *,
    metrics: list[Metric] = (),
    goals: list[Goal] = (),
    contracts: list[SLAContract] = (),  # type: ignore[assignment]
    roadmaps: list[Roadmap] = (),
    on_track_within: float = 5,
    at_risk_within: float = 15,  # type: ignore[assignment]
    currency: str = "USD",
    timezone: str = "UTC",
    start_date: str = "2026-07-01",
    settings: dict[str, Any] | None = None,
) -> Program:
    extra = settings or {}
    settings_doc = ProgramSettings.model_validate(
        {
            **ENVELOPE,
            "kind": "Program",
            "metadata": {"id": "test", "title": "test"},
            "spec": {
                "name": "Test program",
                "start_date": start_date,
                "timezone": timezone,
                "currency": currency,
                "status": {"on_track_within": on_track_within, "at_risk_within": at_risk_within},
                **extra,
            },
        }
    )
    return Program(
        settings=settings_doc,
        metrics={m.id: m for m in metrics},
        goals={g.id: g for g in goals},
        contracts={c.id: c for c in contracts},
        roadmaps={r.id: r for r in roadmaps},
    )
