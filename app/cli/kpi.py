"""`cxgov kpi` (KPI values computed from the contacts) and `cxgov actuals compute` (write them as
actuals for the series the goals and SLA objectives measure; `--check` compares instead).

Exit codes: 0 done, 1 the program or the store cannot be read (or, with `--check`, something is
stale), 2 a bad option.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.actuals import actuals_app
from app.cli.common import Format, FormatOption, RootOption, parse_month
from app.display.labels import format_value
from app.service.actuals import DIMENSIONS, ActualsCheck, KpiValue, check_actuals, kpis, recompute
from app.service.database import open_store
from app.service.program import valid_program
from app.spec.program import Program
from app.words import counted


def _text(program: Program, values: list[KpiValue]) -> str:
    rows = [("metric", "scope", "value", "basis")]
    for item in values:
        metric = program.metrics[item.metric]
        scope = ", ".join(f"{key}={value}" for key, value in item.scope.items()) or "all contacts"
        basis = (
            f"{item.numerator:g} / {item.denominator:g}"
            if item.denominator is not None and item.numerator is not None
            else f"n = {item.sample_size}"
        )
        rows.append(
            (
                item.metric,
                scope,
                format_value(item.value, metric.spec.unit, metric.spec.decimals),
                basis,
            )
        )
    widths = [max(len(row[column]) for row in rows) for column in range(3)]
    return "\n".join(
        f"{row[0]:<{widths[0]}}  {row[1]:<{widths[1]}}  {row[2]:>{widths[2]}}  {row[3]}".rstrip()
        for row in rows
    )


def kpi(
    period: Annotated[str, typer.Option("--period", help="The month, YYYY-MM.")],
    by: Annotated[
        str | None, typer.Option("--by", help=f"Split by one dimension: {', '.join(DIMENSIONS)}.")
    ] = None,
    metric: Annotated[
        list[str] | None, typer.Option("--metric", help="Only this metric (repeatable).")
    ] = None,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """KPI values for a month, computed from the contacts for every catalogue metric that has a calculation."""
    month = parse_month(period, option="--period")
    assert month is not None
    program = valid_program(root)
    values = kpis(open_store(root), program, month=month, metrics=metric, by=by)
    if format is Format.json:
        typer.echo(json.dumps([value.as_dict() for value in values], indent=2))
    else:
        typer.echo(f"KPIs for {month} ({program.timezone}), computed from the contacts")
        typer.echo(_text(program, values))


def compute(
    from_: Annotated[
        str | None,
        typer.Option(
            "--from", help="First month, YYYY-MM (default: the first month with contacts)."
        ),
    ] = None,
    to: Annotated[
        str | None,
        typer.Option("--to", help="Last month, YYYY-MM (default: the last month with contacts)."),
    ] = None,
    author: Annotated[
        str, typer.Option("--by", help="Recorded as the author of the revisions.")
    ] = "cxgov",
    check: Annotated[
        bool,
        typer.Option(
            "--check",
            help="Write nothing: compare every stored computed actual with the contacts' value "
            "now and list the months owed a recompute; exit 1 when anything is stale.",
        ),
    ] = False,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Compute the actuals the goals and SLA objectives measure; only changed values add a revision."""
    first = parse_month(from_, option="--from")
    last = parse_month(to, option="--to")
    program = valid_program(root)
    if check:
        if first or last:
            raise typer.BadParameter("--check compares every month", param_hint="--from/--to")
        _report_check(program, check_actuals(open_store(root), program), format)
        return
    done = recompute(open_store(root), program, first=first, last=last, author=author)
    if done is None:
        typer.echo(
            "no contacts imported yet: nothing to compute (import an export with `cxgov ingest`)"
        )
        return
    summary = done.summary
    if format is Format.json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    typer.echo(
        f"computed {summary.series} series for {done.first}–{done.last}: {summary.recorded} recorded, "
        f"{summary.revised} revised, {summary.unchanged} unchanged, {summary.kept_manual} kept (entered by hand), "
        f"{summary.no_value} without data"
    )


def _report_check(program: Program, found: ActualsCheck, format: Format) -> None:
    if format is Format.json:
        typer.echo(json.dumps(found.as_dict(), indent=2))
    elif found.up_to_date:
        typer.echo(
            f"up to date: the stored actuals equal the contacts' values "
            f"({counted(len(found.months), 'month')} compared)"
        )
    else:
        if found.owed:
            typer.echo(
                "owed a recompute (an import or a withdrawal did not finish it): "
                + ", ".join(str(month) for month in found.owed)
            )
        if found.stale:
            typer.echo(
                f"stale: {counted(len(found.stale), 'stored actual')} differ from the contacts"
            )
            for item in found.stale:
                unit = program.metrics[item.metric].spec
                stored = format_value(item.stored, unit.unit, unit.decimals)
                live = format_value(item.live, unit.unit, unit.decimals)
                typer.echo(
                    f"  {item.period}  {item.metric} [{item.scope_key or 'all contacts'}]  "
                    f"stored {stored}, contacts {live}"
                )
        typer.echo("run `cxgov actuals compute` to bring them up to date")
    if not found.up_to_date:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
    actuals_app.command("compute")(compute)
