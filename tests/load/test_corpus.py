"""A corpus of broken programs: each case breaks one thing and expects one diagnostic at an exact place."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest
from load_fixture import CONTRACT, GOAL, METRICS, PLAYBOOK, PROGRAM, ROADMAP, TODAY, write_program

from app.load import load_program

SERVICE_LEVEL = """\
apiVersion: cxgov/v1
kind: Metric
metadata:
  id: sl
  title: Service level
spec:
  unit: percent
  better: higher
  calculation:
    type: service_level
    threshold: 1m
  definition: Answered within the threshold.
"""

BOMB = """\
a: &a [x, x, x, x, x, x, x, x, x]
b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]
c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]
d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]
e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]
f: &f [*e, *e, *e, *e, *e, *e, *e, *e, *e]
"""

NPS_GOAL = (
    GOAL.replace("csat_up", "nps_up")
    .replace("metric: csat", "metric: nps")
    .replace("    value: 85", "    value: -150")
    .replace("CSAT from 78 % to 85 %", "NPS by 5 points")
)


@dataclass(frozen=True)
class Case:
    name: str
    files: dict[str, str | bytes | None]
    file: str
    line: int
    code: str
    severity: str = "error"


def goal(old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in GOAL
    return {"goals/goals.yaml": GOAL.replace(old, new)}


def contract(old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in CONTRACT
    return {"goals/sla.yaml": CONTRACT.replace(old, new)}


def playbook(old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in PLAYBOOK
    return {"playbooks/recovery.yaml": PLAYBOOK.replace(old, new)}


def roadmap(old: str, new: str) -> dict[str, str | bytes | None]:
    assert old in ROADMAP
    return {"roadmap/plan.yaml": ROADMAP.replace(old, new)}


G = "goals/goals.yaml"
CASES = [
    # YAML itself
    Case("syntax error", goal("  metric: csat", "  metric: csat: x"), G, 7, "yaml-syntax"),
    Case("tab indentation", goal("  pillar: process", "\tpillar: process"), G, 14, "yaml-tab"),
    Case(
        "python tag",
        goal("  pillar: process", "  pillar: !!python/object/apply:os.system [echo hi]"),
        G,
        14,
        "yaml-tag",
    ),
    Case(
        "custom tag", goal("  pillar: process", "  pillar: !include other.yaml"), G, 14, "yaml-tag"
    ),
    Case(
        "duplicate key",
        goal("  pillar: process\n", "  pillar: process\n  relevance: again\n"),
        G,
        16,
        "yaml-duplicate-key",
    ),
    Case("alias bomb", {"goals/bomb.yaml": BOMB}, "goals/bomb.yaml", 4, "yaml-alias-bomb"),
    Case(
        "recursive alias",
        {"goals/loop.yaml": "a: &a [x, *a]\n"},
        "goals/loop.yaml",
        1,
        "yaml-recursive-alias",
    ),
    Case(
        "merge key",
        {"goals/merge.yaml": "a: &x {b: 1}\nc:\n  <<: *x\n"},
        "goals/merge.yaml",
        3,
        "yaml-merge-key",
    ),
    Case(
        "not UTF-8",
        {G: GOAL.replace("Unhappy", "Ärgerliche").encode("latin-1")},
        G,
        15,
        "yaml-encoding",
    ),
    Case(
        "empty file",
        {"goals/empty.yaml": "# nothing yet\n"},
        "goals/empty.yaml",
        1,
        "yaml-empty-file",
        "warning",
    ),
    # the document envelope
    Case(
        "not a mapping", {"goals/list.yaml": "- a\n- b\n"}, "goals/list.yaml", 1, "doc-not-mapping"
    ),
    Case("no apiVersion", goal("apiVersion: cxgov/v1\n", ""), G, 1, "doc-api-version"),
    Case(
        "wrong apiVersion",
        goal("apiVersion: cxgov/v1", "apiVersion: cxgov/v2"),
        G,
        1,
        "doc-api-version",
    ),
    Case("no kind", goal("kind: Goal\n", ""), G, 1, "doc-kind-missing"),
    Case("unknown kind", goal("kind: Goal", "kind: Gaol"), G, 2, "doc-kind-unknown"),
    Case(
        "Program outside program.yaml",
        {"goals/program.yaml": PROGRAM},
        "goals/program.yaml",
        2,
        "doc-program-location",
    ),
    Case("program.yaml missing", {"program.yaml": None}, "program.yaml", 1, "program-missing"),
    # one document against its schema
    Case("unknown field", goal("  target:", "  targte:"), G, 11, "schema-unknown-field"),
    Case("missing field", goal("  pillar: process\n", ""), G, 6, "schema-missing"),
    Case("enum value", goal("pillar: process", "pillar: peeple"), G, 14, "schema-allowed-values"),
    Case("month format", goal("period: 2025-12", "period: 2025-13"), G, 10, "schema-invalid"),
    Case("date format", goal("by: 2026-10-31", "by: 31.10.2026"), G, 13, "schema-invalid"),
    Case(
        "number expected", goal("    value: 85", "    value: eighty-five"), G, 12, "schema-invalid"
    ),
    Case(
        "duration without unit",
        {"goals/sl.yaml": SERVICE_LEVEL},
        "goals/sl.yaml",
        11,
        "schema-invalid",
    ),
    Case(
        "calculation type typo",
        {"goals/sl.yaml": SERVICE_LEVEL.replace("type: service_level", "type: service_levl")},
        "goals/sl.yaml",
        10,
        "schema-allowed-values",
    ),
    # across documents
    Case("duplicate id", {"goals/more.yaml": GOAL}, "goals/more.yaml", 4, "duplicate-id"),
    Case("unknown goal metric", goal("metric: csat", "metric: csatt"), G, 7, "unknown-metric"),
    Case(
        "unknown parent goal",
        goal("  pillar: process\n", "  pillar: process\n  parent: nope\n"),
        G,
        15,
        "unknown-goal",
    ),
    Case(
        "unknown guardrail metric",
        goal(
            "  pillar: process\n",
            "  pillar: process\n  guardrails:\n    - metric: fcr\n      min: 70\n",
        ),
        G,
        16,
        "unknown-metric",
    ),
    Case(
        "unknown objective metric",
        contract("metric: aht", "metric: ahtt"),
        "goals/sla.yaml",
        19,
        "unknown-metric",
    ),
    Case(
        "unknown credit-rule objective",
        contract("        objectives: [csat_85]", "        objectives: [csat_58]"),
        "goals/sla.yaml",
        29,
        "unknown-objective",
    ),
    Case(
        "unknown exclusion objective",
        contract(
            "maintenance\n      objectives: [csat_85]", "maintenance\n      objectives: [csat_58]"
        ),
        "goals/sla.yaml",
        25,
        "unknown-objective",
    ),
    Case(
        "unknown protected metric",
        playbook("metrics: [csat]", "metrics: [csay]"),
        "playbooks/recovery.yaml",
        9,
        "unknown-metric",
    ),
    Case(
        "unknown protected objective",
        playbook("acme/csat_85", "acme/csat_86"),
        "playbooks/recovery.yaml",
        10,
        "unknown-objective",
    ),
    Case(
        "unknown protected contract",
        playbook("acme/csat_85", "acne/csat_85"),
        "playbooks/recovery.yaml",
        10,
        "unknown-objective",
    ),
    Case(
        "unknown roadmap goal",
        roadmap("goals: [csat_up]", "goals: [csat_upp]"),
        "roadmap/plan.yaml",
        16,
        "unknown-goal",
    ),
    Case("percent above 100", goal("    value: 85", "    value: 120"), G, 12, "unit-range"),
    Case("NPS below -100", {"goals/nps.yaml": NPS_GOAL}, "goals/nps.yaml", 12, "unit-range"),
    Case(
        "negative duration", contract("target: 8", "target: -2"), "goals/sla.yaml", 20, "unit-range"
    ),
    Case(
        "calculation without the unit",
        {"goals/metrics.yaml": METRICS.replace("unit: percent", "unit: seconds", 1)},
        "goals/metrics.yaml",
        7,
        "unit-calculation",
    ),
    Case(
        "deadline before baseline",
        goal("by: 2026-10-31", "by: 2025-06-30"),
        G,
        13,
        "deadline-before-baseline",
    ),
    Case(
        "milestones out of order",
        goal(
            "  pillar: process\n",
            "  pillar: process\n  milestones:\n    - value: 82\n      by: 2026-08-31\n"
            "    - value: 80\n      by: 2026-05-31\n",
        ),
        G,
        19,
        "milestones-order",
    ),
    Case(
        "roadmap item beyond 365 days",
        roadmap("due_day: 20", "due_day: 400"),
        "roadmap/plan.yaml",
        15,
        "roadmap-horizon",
    ),
    Case(
        "roadmap item outside its phase",
        roadmap("due_day: 20", "due_day: 45"),
        "roadmap/plan.yaml",
        15,
        "roadmap-phase-window",
        "warning",
    ),
    Case(
        "band edge against the metric direction",
        contract("        objectives: [csat_85]", "        objectives: [aht_8]"),
        "goals/sla.yaml",
        31,
        "band-direction",
    ),
    Case(
        "band edge above the target (99.92 would owe nothing however the band reads)",
        contract("          - below: 85", "          - below: 88"),
        "goals/sla.yaml",
        31,
        "band-beyond-target",
    ),
    Case(
        "pooled objective without an allocation",
        contract(
            "      - type: bands\n        objectives: [csat_85]\n        bands:\n"
            "          - below: 85\n            percent: 5\n",
            "      - type: pool\n        at_risk_percent: 10\n",
        ),
        "goals/sla.yaml",
        15,
        "pool-allocation",
    ),
    Case(
        "pool allocations over what is allocatable",
        {
            "goals/sla.yaml": CONTRACT.replace(
                "      target: 85\n", "      target: 85\n      allocation_percent: 80\n"
            )
            .replace("      target: 8\n", "      target: 8\n      allocation_percent: 80\n")
            .replace(
                "      - type: bands\n        objectives: [csat_85]\n        bands:\n"
                "          - below: 85\n            percent: 5\n",
                "      - type: pool\n        at_risk_percent: 10\n",
            )
        },
        "goals/sla.yaml",
        30,
        "pool-over-allocated",
    ),
    Case(
        "fee changes out of order",
        contract(
            "  monthly_fee: 1000\n",
            "  monthly_fee: 1000\n  fee_schedule:\n    - from: 2026-06\n      monthly_fee: 1100\n"
            "    - from: 2026-03\n      monthly_fee: 1050\n",
        ),
        "goals/sla.yaml",
        13,
        "fee-schedule",
    ),
    Case(
        "exclusion outside the contract's term",
        contract(
            "    - from: 2026-02-01\n      to: 2026-02-02",
            "    - from: 2025-06-01\n      to: 2025-06-02",
        ),
        "goals/sla.yaml",
        22,
        "exclusion-outside-term",
        "warning",
    ),
    Case(
        "exclusion of chat contacts from a phone objective",
        {
            "goals/sla.yaml": CONTRACT.replace(
                "      metric: csat\n", "      metric: csat\n      scope:\n        channel: phone\n"
            ).replace(
                "      objectives: [csat_85]\n  credits",
                "      objectives: [csat_85]\n      scope:\n        channel: chat\n  credits",
            )
        },
        "goals/sla.yaml",
        28,
        "exclusion-scope",
        "warning",
    ),
    Case(
        "template locale not in the program",
        playbook("locale: en", "locale: de"),
        "playbooks/recovery.yaml",
        16,
        "template-locale",
        "warning",
    ),
    Case(
        "template variable not declared (line inside a block scalar)",
        playbook("        Sorry.\n", "        Sorry.\n        Hello {{ customer_name }}\n"),
        "playbooks/recovery.yaml",
        19,
        "template-undeclared-variable",
    ),
    # SMART lint
    Case(
        "vague title",
        goal("Raise CSAT from 78 % to 85 % by October 2026", "Improve CSAT"),
        G,
        5,
        "smart-specific",
        "warning",
    ),
    Case(
        "no target",
        goal("  target:\n    value: 85\n    by: 2026-10-31\n", ""),
        G,
        6,
        "smart-measurable",
        "warning",
    ),
    Case(
        "too steep", goal("by: 2026-10-31", "by: 2026-02-28"), G, 12, "smart-achievable", "warning"
    ),
    Case(
        "no relevance",
        goal("  relevance: Unhappy customers leave.\n", ""),
        G,
        6,
        "smart-relevant",
        "warning",
    ),
    Case(
        "deadline passed",
        goal("    value: 85\n    by: 2026-10-31", "    value: 80\n    by: 2026-02-28"),
        G,
        13,
        "smart-time-bound",
        "warning",
    ),
]


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_broken_program_is_reported_at_the_exact_place(tmp_path: Path, case: Case) -> None:
    result = load_program(write_program(tmp_path, case.files), today=TODAY)
    found = [(d.file, d.line, d.code, d.severity) for d in result.diagnostics]
    assert (case.file, case.line, case.code, case.severity) in found, found
    if case.severity == "error":
        assert not result.ok and result.program is None
    else:
        assert result.ok and result.program is not None
        strict = load_program(tmp_path, strict=True, today=TODAY)
        assert (case.file, case.line, case.code, "error") in [
            (d.file, d.line, d.code, d.severity) for d in strict.diagnostics
        ]
        assert not strict.ok and strict.program is None


def test_the_corpus_is_large_and_each_case_named_once() -> None:
    assert len(CASES) >= 25
    assert len({case.name for case in CASES}) == len(CASES)
