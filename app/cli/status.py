"""`cxgov status` and `cxgov credits`: the committee's questions answered from the program and the store.

Thin: `app.service.program.program_state` loads, reads and evaluates; this prints text or json.
Exit codes: 0 the report was produced (whatever the goals' statuses), 1 the program has errors
or the store cannot be read, 2 a bad option (e.g. `--as-of 2026-13-01`) or a root that is not a folder.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import Format, FormatOption, RootArg, parse_date, parse_month
from app.display.labels import fmt_money
from app.evaluate import ContractEvaluation, ProgramEvaluation
from app.periods import Month
from app.service.program import program_state

AsOf = Annotated[
    str | None,
    typer.Option(
        "--as-of",
        help="Evaluate as of this date, YYYY-MM-DD (default: today in the program's timezone).",
    ),
]
PeriodOpt = Annotated[
    str | None,
    typer.Option("--period", help="The month to show, YYYY-MM (default: the last closed month)."),
]


def _evaluate(root: Path, as_of_text: str | None) -> ProgramEvaluation:
    return program_state(root, as_of=parse_date(as_of_text, option="--as-of")).evaluation


def _num(value: float | None, decimals: int = 1) -> str:
    return "—" if value is None else f"{value:.{decimals}f}"


# --- status ------------------------------------------------------------------------------------


def status_json(evaluation: ProgramEvaluation) -> dict[str, Any]:
    data = evaluation.to_dict()
    return {
        key: data[key]
        for key in ("program", "as_of", "open_period", "currency", "rollup", "goals", "roadmap")
    }


def status_text(evaluation: ProgramEvaluation) -> str:
    e = evaluation
    closed = e.open_period.shift(-1)
    lines = [
        f"{e.program} — status as of {e.as_of} ({closed} is the last closed month, {e.open_period} is open)",
        "",
    ]
    counts = ", ".join(f"{n} {s.replace('_', ' ')}" for s, n in e.rollup.overall.items()) or "none"
    lines.append(
        f"Goals: {e.rollup.total} — {counts}; guardrails crossed: {e.rollup.guardrail_breaches}"
    )
    for t in e.rollup.transitions:
        lines.append(
            f"  {'worse' if t.worse else 'better'}: {t.goal_id} {t.previous} → {t.current}"
        )
    lines.append("")
    lines.append(
        f"{'goal':<28} {'status':<10} {'period':<8} {'planned':>8} {'actual':>8} {'progress':>8}  forecast"
    )
    for g in e.goals:
        if g.deliverable is not None:
            lines.append(
                f"{g.goal_id:<28} {g.status:<10} {'':<8} {'':>8} {'':>8} {'':>8}  {g.explanation}"
            )
            continue
        if g.forecast is None or g.forecast.value is None:
            fc = f"none ({g.forecast.refused})" if g.forecast is not None else "none"
        else:
            fc = (
                f"{g.forecast.value:.1f} at {g.forecast.at} from {g.forecast.points_used} points "
                f"({'reaches' if g.forecast_reaches_target else 'misses'} {g.target:g})"
            )
        progress = "—" if g.progress is None else f"{g.progress:.0f} %"
        lines.append(
            f"{g.goal_id:<28} {g.status:<10} {g.judged_period or ''!s:<8} {_num(g.planned):>8} "
            f"{_num(g.actual):>8} {progress:>8}  {fc}"
        )
        for check in g.guardrails:
            if check.breached:
                lines.append(f"  ! guardrail: {check.message}")
    r = e.roadmap
    lines += ["", "Roadmap:"]
    for phase in r.phases:
        done = "—" if phase.completion_percent is None else f"{phase.completion_percent:.0f} %"
        lines.append(f"  {phase.phase_id:<26} {done:>6} done ({phase.done}/{phase.items})")
    for item in r.slipping:
        goals = f" — goals: {', '.join(item.goals)}" if item.goals else ""
        lines.append(f"  {item.status}: {item.item_id}: {item.explanation}{goals}")
    for item in r.items:
        if item.status == "due_soon":
            lines.append(f"  due soon: {item.item_id}: {item.explanation}")
    return "\n".join(lines)


def status(
    root: RootArg = Path("."), as_of: AsOf = None, format: FormatOption = Format.text
) -> None:
    """Every goal (planned, actual, progress, status, forecast, guardrails) and the roadmap summary."""
    evaluation = _evaluate(root, as_of)
    typer.echo(
        json.dumps(status_json(evaluation), indent=2)
        if format is Format.json
        else status_text(evaluation)
    )


# --- credits -----------------------------------------------------------------------------------


def _contract_for_period(c: ContractEvaluation, period: Month) -> dict[str, Any]:
    data = c.to_dict()
    rows = [op for op, raw in zip(c.objectives, data["objectives"]) if op.period == period]
    credit = next((k for k in c.credits if k.period == period), None)
    keep = (
        "contract_id",
        "title",
        "counterparty",
        "currency",
        "monthly_fee",
        "in_program_currency",
        "owed",
        "provisional",
        "waived",
        "at_risk",
        "projected",
        "exposure",
        "notes",
    )
    return {
        **{k: data[k] for k in keep},
        "objectives": [op.to_dict() for op in rows],
        "credit": None if credit is None else credit.to_dict(),
    }


def credits_json(evaluation: ProgramEvaluation, period: Month) -> dict[str, Any]:
    return {
        "as_of": evaluation.as_of.isoformat(),
        "period": str(period),
        "open_period": str(evaluation.open_period),
        "currency": evaluation.currency,
        "contracts": [_contract_for_period(c, period) for c in evaluation.contracts],
        "exposure": evaluation.exposure.to_dict(),
    }


def credits_text(evaluation: ProgramEvaluation, period: Month) -> str:
    state = (
        "open, month to date"
        if period == evaluation.open_period
        else ("projected" if period > evaluation.open_period else "closed")
    )
    lines = [f"SLA credits for {period} ({state}), as of {evaluation.as_of}", ""]
    for c in evaluation.contracts:
        lines.append(
            f"{c.contract_id} — {c.counterparty} (monthly fee {fmt_money(c.monthly_fee, c.currency)})"
        )
        rows = [op for op in c.objectives if op.period == period]
        if not rows:
            lines.append("  not in effect in this period")
        else:
            lines.append(
                f"  {'objective':<28} {'value':>9} {'target':>9}  {'outcome':<11} consecutive misses"
            )
            for op in rows:
                lines.append(
                    f"  {op.objective_id:<28} {_num(op.value, 2):>9} {op.target:>9g}  {op.outcome:<11} "
                    f"{op.consecutive_misses}"
                )
                if op.note:
                    lines.append(f"    note: {op.note}")
        credit = next((k for k in c.credits if k.period == period), None)
        if credit is not None:
            lines.append(
                f"  credit {fmt_money(credit.amount, c.currency)} ({credit.percent_of_fee:.2f} % of fee): "
                f"{credit.explanation}"
            )
        lines.append(
            f"  exposure: owed {fmt_money(c.owed, c.currency)} (provisional "
            f"{fmt_money(c.provisional, c.currency)}), at risk {fmt_money(c.at_risk, c.currency)}, "
            f"projected {fmt_money(c.projected, c.currency)}"
        )
        for note in c.notes:
            lines.append(f"  note: {note}")
        lines.append("")
    x = evaluation.exposure
    lines.append(
        f"Total ({x.currency}): owed {fmt_money(x.owed, x.currency)} (provisional "
        f"{fmt_money(x.provisional, x.currency)}), at risk {fmt_money(x.at_risk, x.currency)}, projected "
        f"{fmt_money(x.projected, x.currency)} — exposure {fmt_money(x.total, x.currency)}"
    )
    for currency, sums in x.other_currencies.items():
        lines.append(
            f"Also in {currency} (not converted): exposure {fmt_money(sums['total'], currency)}"
        )
    return "\n".join(lines)


def credits(
    root: RootArg = Path("."),
    period: PeriodOpt = None,
    as_of: AsOf = None,
    format: FormatOption = Format.text,
) -> None:
    """Per contract and objective: value, target, outcome, consecutive misses, credit and why; exposure totals."""
    month = parse_month(period, option="--period")
    evaluation = _evaluate(root, as_of)
    month = month or evaluation.open_period.shift(-1)
    if month > evaluation.open_period.shift(1):
        raise typer.BadParameter(
            f"{month} is after the open period {evaluation.open_period}; pass --as-of to look from a later date",
            param_hint="--period",
        )
    typer.echo(
        json.dumps(credits_json(evaluation, month), indent=2)
        if format is Format.json
        else credits_text(evaluation, month)
    )


def register(app: typer.Typer) -> None:
    app.command("status")(status)
    app.command("credits")(credits)
