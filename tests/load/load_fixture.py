"""A small valid program written to a folder, and helpers to break it one file at a time."""

from __future__ import annotations

from datetime import date
from pathlib import Path

TODAY = date(2026, 3, 1)

PROGRAM = """\
apiVersion: cxgov/v1
kind: Program
metadata:
  id: test_program
  title: Test program
spec:
  name: Test program
  start_date: 2026-01-01
  timezone: Europe/Berlin
  currency: EUR
  locales: [en]
"""

METRICS = """\
apiVersion: cxgov/v1
kind: Metric
metadata:
  id: csat
  title: CSAT
spec:
  unit: percent
  better: higher
  calculation:
    type: csat
  definition: Share of answers 4 or 5 on a 1-5 scale.
---
apiVersion: cxgov/v1
kind: Metric
metadata:
  id: aht
  title: Handle time
spec:
  unit: minutes
  better: lower
  calculation:
    type: aht
  definition: Talk, hold and wrap time per handled contact.
---
apiVersion: cxgov/v1
kind: Metric
metadata:
  id: nps
  title: NPS
spec:
  unit: score
  better: higher
  calculation:
    type: nps
  definition: Promoters minus detractors.
"""

GOAL = """\
apiVersion: cxgov/v1
kind: Goal
metadata:
  id: csat_up
  title: Raise CSAT from 78 % to 85 % by October 2026
spec:
  metric: csat
  baseline:
    value: 78
    period: 2025-12
  target:
    value: 85
    by: 2026-10-31
  pillar: process
  relevance: Unhappy customers leave.
"""

CONTRACT = """\
apiVersion: cxgov/v1
kind: SLAContract
metadata:
  id: acme
  title: Acme support
spec:
  counterparty: Acme
  currency: EUR
  monthly_fee: 1000
  effective:
    from: 2026-01-01
  measurement:
    timezone: Europe/Berlin
  objectives:
    - id: csat_85
      metric: csat
      target: 85
    - id: aht_8
      metric: aht
      target: 8
  exclusions:
    - from: 2026-02-01
      to: 2026-02-02
      reason: planned maintenance
      objectives: [csat_85]
  credits:
    rules:
      - type: bands
        objectives: [csat_85]
        bands:
          - below: 85
            percent: 5
"""

PLAYBOOK = """\
apiVersion: cxgov/v1
kind: Playbook
metadata:
  id: recovery
  title: Service recovery
spec:
  situation: A customer is unhappy.
  protects:
    metrics: [csat]
    objectives: [acme/csat_85]
  steps:
    - instruction: Listen.
  templates:
    - id: apology
      channel: email
      locale: en
      body: |
        Sorry.
"""

ROADMAP = """\
apiVersion: cxgov/v1
kind: Roadmap
metadata:
  id: plan
  title: Plan
spec:
  phases:
    - id: first_30
      title: Days 0-30
      from_day: 0
      to_day: 30
      items:
        - id: baseline
          title: Measure the baseline
          due_day: 20
          goals: [csat_up]
"""

FILES: dict[str, str] = {
    "program.yaml": PROGRAM,
    "goals/metrics.yaml": METRICS,
    "goals/goals.yaml": GOAL,
    "goals/sla.yaml": CONTRACT,
    "playbooks/recovery.yaml": PLAYBOOK,
    "roadmap/plan.yaml": ROADMAP,
}


def write_program(root: Path, overrides: dict[str, str | bytes | None] | None = None) -> Path:
    """The valid program with some files replaced (text or bytes) or removed (None)."""
    files: dict[str, str | bytes | None] = {**FILES, **(overrides or {})}
    for name, content in files.items():
        if content is None:
            continue
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return root
