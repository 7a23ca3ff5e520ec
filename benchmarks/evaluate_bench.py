"""Benchmark of `evaluate_program`: 500 goals and 50 contracts over 36 months of actuals.

Everything is built in memory (no YAML, no database). Prints the median wall time of several runs
(and the median CPU time of this process, which a busy shared machine inflates less) and two
ratios measured in the same process: against building the `ActualsIndex` from store-shaped rows
(the step every caller pays anyway) and against a program half the size (should be ≈ 0.5: the
evaluation is linear in goals and contracts).

    .venv/bin/python benchmarks/evaluate_bench.py [--repeat 7]
"""

from __future__ import annotations

import argparse
import os
import random
import time
from dataclasses import dataclass
from typing import Any

from _timing import (
    median_seconds,  # benchmarks/_timing.py (run scripts as python benchmarks/NAME.py)
)

from app.evaluate import ActualsIndex, evaluate_program
from app.periods import Month
from app.spec import (
    Goal,
    Metric,
    Program,
    ProgramSettings,
    Roadmap,
    SLAContract,
    effective_scope,
    measured_series,
)

FIRST = Month(2024, 1)
MONTHS = 36
AS_OF = FIRST.shift(MONTHS - 1).first_day().replace(day=15)
CHANNELS = ("phone", "chat", "email", "social")
ENVELOPE = {"apiVersion": "cxgov/v1"}


@dataclass
class Row:
    metric: str
    scope_key: str
    period: str
    value: float | None
    revision: int = 1
    source: str = "computed"
    numerator: float | None = None
    denominator: float | None = None
    sample_size: int | None = None


def build(goals: int, contracts: int, seed: int = 7) -> tuple[Program, list[Row]]:
    rng = random.Random(seed)
    metrics = [
        Metric.model_validate(
            {
                **ENVELOPE,
                "kind": "Metric",
                "metadata": {"id": f"m{i}", "title": f"m{i}"},
                "spec": {
                    "unit": "percent",
                    "better": "higher" if i % 3 else "lower",
                    "calculation": {"type": "manual"},
                    "definition": "bench",
                },
            }
        )
        for i in range(20)
    ]
    goal_docs = []
    for i in range(goals):
        m = metrics[i % len(metrics)]
        up = m.spec.better == "higher"
        base = rng.uniform(60, 80)
        spec: dict[str, Any] = {
            "metric": m.id,
            "scope": {"channel": CHANNELS[i % 4]},
            "pillar": ("people", "process", "platform")[i % 3],
            "baseline": {"value": base, "period": str(FIRST.shift(rng.randrange(0, 12)))},
            "target": {
                "value": base + (8 if up else -8),
                "by": FIRST.shift(rng.randrange(18, 40)).last_day().isoformat(),
            },
            "guardrails": [{"metric": metrics[(i + 1) % 20].id, "min": 50.0}],
            "cadence": "quarterly" if i % 5 == 0 else "monthly",
        }
        goal_docs.append(
            Goal.model_validate(
                {
                    **ENVELOPE,
                    "kind": "Goal",
                    "metadata": {"id": f"g{i}", "title": f"g{i}"},
                    "spec": spec,
                }
            )
        )
    contract_docs = []
    for i in range(contracts):
        objectives = [
            {
                "id": f"o{j}",
                "metric": metrics[(i + j) % 20].id,
                "target": 70.0,
                "scope": {"segment": f"account{i}"},
                "allocation_percent": 40,
            }
            for j in range(3)
        ]
        contract_docs.append(
            SLAContract.model_validate(
                {
                    **ENVELOPE,
                    "kind": "SLAContract",
                    "metadata": {"id": f"c{i}", "title": f"c{i}"},
                    "spec": {
                        "counterparty": f"account{i}",
                        "currency": "USD",
                        "monthly_fee": "40000",
                        "effective": {"from": FIRST.first_day().isoformat()},
                        "measurement": {"timezone": "UTC"},
                        "objectives": objectives,
                        "exclusions": [
                            {"from": "2025-03-01", "to": "2025-03-31", "reason": "migration"}
                        ],
                        "credits": {
                            "rules": [
                                {
                                    "type": "bands",
                                    "bands": [
                                        {"below": 70, "percent": 5},
                                        {"below": 60, "percent": 15},
                                    ],
                                },
                                {"type": "consecutive_misses", "count": 2, "percent": 5},
                                {"type": "pool", "at_risk_percent": 10, "pool_percent": 50},
                            ],
                            "cap": {"percent_of_fee": 20},
                            "earn_back": {"periods": 2},
                        },
                    },
                }
            )
        )
    roadmap = Roadmap.model_validate(
        {
            **ENVELOPE,
            "kind": "Roadmap",
            "metadata": {"id": "r", "title": "r"},
            "spec": {
                "phases": [
                    {
                        "id": f"p{k}",
                        "title": "p",
                        "from_day": 0,
                        "to_day": 365,
                        "items": [
                            {
                                "id": f"i{k}_{n}",
                                "title": "i",
                                "due_day": rng.randrange(0, 900),
                                "goals": [f"g{n}"],
                            }
                            for n in range(20)
                        ],
                    }
                    for k in range(5)
                ]
            },
        }
    )
    settings = ProgramSettings.model_validate(
        {
            **ENVELOPE,
            "kind": "Program",
            "metadata": {"id": "b", "title": "b"},
            "spec": {
                "name": "bench",
                "start_date": "2024-01-01",
                "timezone": "UTC",
                "currency": "USD",
            },
        }
    )
    program = Program(
        settings=settings,
        metrics={m.id: m for m in metrics},
        goals={g.id: g for g in goal_docs},
        contracts={c.id: c for c in contract_docs},
        roadmaps={"r": roadmap},
    )
    rows = [
        Row(
            metric_id, scope.key(), str(month), None if rng.random() < 0.02 else rng.uniform(55, 90)
        )
        for metric_id, scope in measured_series(program)
        for month in FIRST.until(FIRST.shift(MONTHS - 1))
    ]
    assert all(
        effective_scope(program.metrics[m], s).key() == s.key() for m, s in measured_series(program)
    )
    return program, rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    program, rows = build(500, 50)
    half, half_rows = build(250, 25)
    index, half_index = ActualsIndex.from_rows(rows), ActualsIndex.from_rows(half_rows)
    result = evaluate_program(program, index, as_of=AS_OF)
    index_time = median_seconds(lambda: ActualsIndex.from_rows(rows), args.repeat)
    full = median_seconds(lambda: evaluate_program(program, index, as_of=AS_OF), args.repeat)
    halved = median_seconds(lambda: evaluate_program(half, half_index, as_of=AS_OF), args.repeat)
    cpu = median_seconds(
        lambda: evaluate_program(program, index, as_of=AS_OF), args.repeat, clock=time.process_time
    )
    print(
        f"program: {len(program.goals)} goals, {len(program.contracts)} contracts, {MONTHS} months, "
        f"{len(rows)} actuals; as of {AS_OF}"
    )
    print(
        f"  statuses: {result.rollup.overall}; exposure {result.exposure.total} {result.exposure.currency}"
    )
    print(f"evaluate_program           median {full * 1000:8.1f} ms  (repeat {args.repeat})")
    print(
        f"  (CPU time of this process: median {cpu * 1000:.1f} ms — wall time above includes other load)"
    )
    print(
        f"ActualsIndex.from_rows     median {index_time * 1000:8.1f} ms  → evaluate / index = {full / index_time:.1f}×"
    )
    print(
        f"half-size program          median {halved * 1000:8.1f} ms  → half / full = {halved / full:.2f}"
    )
    print(
        f"target under 1 s: wall {'met' if full < 1.0 else 'NOT met'}, CPU {'met' if cpu < 1.0 else 'NOT met'} "
        f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )


if __name__ == "__main__":
    main()
