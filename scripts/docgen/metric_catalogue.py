"""The metric catalogue page, generated from the example program's metric definitions (goals/)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from app.load import load_program
from app.spec import Metric, Program
from app.ui.catalogue import parameters_text
from scripts.docgen.markdown import GENERATED_NOTE, code, table, text

REPO = Path(__file__).resolve().parents[2]

INTRO = """\
# Metric catalogue

The metric definitions of the example program (Northwind Cloud), from `goals/metrics.yaml`: what
each number means, how it is calculated and who uses it. Every goal, guardrail and SLA objective
names one of these metrics, so a change to a definition changes what their numbers mean — which is
why `cxgov diff` reports such a change as *breaking comparability*. The app's **Metric definitions**
page shows the same catalogue for your own program.

How each calculation counts contacts (samples, ties, empty months) is explained in
[How the numbers are computed](calculations.md); the fields of a metric document are in the
[YAML reference](yaml.md#metric).
"""


def users(program: Program, metric_id: str) -> list[str]:
    """Goals, guardrails and SLA objectives that read this metric, with links where useful."""
    out: list[str] = []
    for goal in sorted(program.goals.values(), key=lambda g: g.id):
        if goal.spec.metric == metric_id:
            out.append(f"goal {code(goal.id)} — {text(goal.metadata.title)}")
        out.extend(
            f"guardrail of goal {code(goal.id)}"
            for guardrail in goal.spec.guardrails
            if guardrail.metric == metric_id
        )
    for contract in sorted(program.contracts.values(), key=lambda c: c.id):
        out.extend(
            f"SLA objective {code(f'{contract.id}/{objective.id}')} ({text(contract.spec.counterparty)})"
            for objective in contract.spec.objectives
            if objective.metric == metric_id
        )
    for playbook in sorted(program.playbooks.values(), key=lambda p: p.id):
        if metric_id in playbook.spec.protects.metrics:
            out.append(f"protected by playbook {code(playbook.id)}")
    return out


def _source(metric: Metric) -> str:
    return "computed from the contacts" if metric.from_contacts else "entered by hand or imported"


def metric_section(program: Program, metric: Metric) -> list[str]:
    spec = metric.spec
    decimals = f"{spec.decimals} decimal" + ("" if spec.decimals == 1 else "s")
    parameters = parameters_text(spec.calculation)
    calculation = f"{code(spec.calculation.type)}, {_source(metric)}"
    if parameters != "—":
        calculation += f"; {text(parameters)}"
    used = users(program, metric.id)
    items = [
        f"**Formula:** {text(spec.calculation.describe())}",
        f"**Calculation:** {calculation}",
        f"**Unit:** {spec.unit} ({decimals}); **better:** {spec.better}",
    ]
    if metric.from_contacts:
        items.append(f"**Default scope:** {text(spec.scope.describe())}")
    items.append(f"**Owner:** {text(metric.metadata.owner or '—')}")
    items.append(
        "**Used by:** " + ("; ".join(used) if used else "nothing in the example program yet")
    )
    return [
        f"## {text(metric.metadata.title)} {{ #{metric.id} }}",
        "",
        text(spec.definition),
        "",
        *(f"- {item}" for item in items),
        "",
    ]


def render() -> str:
    # The catalogue does not depend on the date; a fixed one keeps the page reproducible.
    result = load_program(REPO, today=date(2026, 7, 1))
    if result.program is None:
        problems = "\n".join(d.message for d in result.diagnostics if d.severity == "error")
        raise RuntimeError(f"the example program does not validate:\n{problems}")
    program = result.program
    metrics = sorted(program.metrics.values(), key=lambda m: m.id)
    out = [GENERATED_NOTE.format(source="`goals/metrics.yaml`"), "", INTRO.rstrip("\n"), ""]
    out.append(
        table(
            ["metric", "id", "unit", "better", "calculation", "used by"],
            [
                [
                    f"[{text(m.metadata.title)}](#{m.id})",
                    code(m.id),
                    m.spec.unit,
                    m.spec.better,
                    code(m.spec.calculation.type),
                    str(len(users(program, m.id))),
                ]
                for m in metrics
            ],
        )
    )
    out.append("")
    for metric in metrics:
        out.extend(metric_section(program, metric))
    return "\n".join(out)
