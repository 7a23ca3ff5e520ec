"""A small program with a known story for the review tests, and helpers to store its actuals.

CSAT goal: baseline 78 (2026-06) → 90 by 2027-06, one point a month. Actuals 78.9 (Jul, on
track), 79.0 (Aug, 8.3 points behind: at risk), 78.5 (Sep, 20.8 points behind: off track).
Contract acme: uptime ≥ 99.9, 5 % of a $40,000 fee per missed month; missed in July (99.5)
and September (99.0), met in August (99.95).
"""

from __future__ import annotations

from typing import Any

from evaluate.evaluate_builders import contract, goal, metric, program

CSAT = {"2026-07": 78.9, "2026-08": 79.0, "2026-09": 78.5}
UPTIME = {"2026-07": 99.5, "2026-08": 99.95, "2026-09": 99.0}


def story_program() -> Any:
    return program(
        metrics=[metric("csat"), metric("uptime"), metric("aht", better="lower", unit="minutes")],
        goals=[
            goal("csat_up", baseline=(78.0, "2026-06"), target=(90.0, "2027-06-30")),
            goal(
                "aht_down", metric_id="aht", baseline=(10.0, "2026-06"), target=(8.0, "2027-06-30")
            ),
        ],
        contracts=[
            contract(
                "acme",
                effective_from="2026-07-01",
                fee="40000",
                objectives=[{"id": "uptime", "metric": "uptime", "target": 99.9}],
                rules=[{"type": "per_miss", "percent": 5}],
            )
        ],
    )


def story_values() -> dict[tuple[str, str, str], float]:
    values = {("csat", "", m): v for m, v in CSAT.items()}
    values.update({("uptime", "", m): v for m, v in UPTIME.items()})
    values.update({("aht", "", m): 9.6 for m in CSAT})
    return values


def store_values(
    engine: Any, values: dict[tuple[str, str, str], float], *, reason: str | None = None
) -> None:
    from app.store.actuals import append_revision
    from app.store.db import session_scope

    with session_scope(engine) as session:
        for (metric_id, scope_key, period), value in values.items():
            append_revision(
                session,
                metric=metric_id,
                scope_key=scope_key,
                period=period,
                value=value,
                source="manual",
                author="fixture",
                reason=reason,
            )
