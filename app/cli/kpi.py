"""`cxgov kpi` (KPI values computed from the contacts) and `cxgov actuals compute` (write them as
actuals for the series the goals and SLA objectives measure).

Exit codes: 0 done, 1 the program or the store cannot be read, 2 a bad option.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.exc import SQLAlchemyError

from app.cli.actuals import actuals_app
from app.cli.common import Format, RootOption, load_or_exit, parse_month
from app.metrics import KpiValue, compute_kpis, write_computed_actuals
from app.metrics.compute import DIMENSIONS, contact_months
from app.spec.program import Program
from app.store.actuals import ActualsError
from app.store.db import open_store, session_scope
from app.ui.format import format_value

FormatOption = Annotated[
    Format, typer.Option("--format", help="text (readable) or json (stable, see the README).")
]


def _store_failure(exc: SQLAlchemyError) -> typer.Exit:
    typer.echo(
        f"cxgov: the database cannot be read: {type(exc).__name__}: {getattr(exc, 'orig', exc)}",
        err=True,
    )
    return typer.Exit(code=1)


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
    if by is not None and by not in DIMENSIONS:
        raise typer.BadParameter(f"choose one of: {', '.join(DIMENSIONS)}", param_hint="--by")
    program = load_or_exit(root)
    unknown = [metric_id for metric_id in metric or [] if metric_id not in program.metrics]
    if unknown:
        raise typer.BadParameter(
            f"not in the catalogue: {', '.join(unknown)}", param_hint="--metric"
        )
    try:
        values = compute_kpis(
            open_store(root), program, months=[month], metrics=metric or None, by=by
        )
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint="--metric") from None
    except SQLAlchemyError as exc:
        raise _store_failure(exc) from None
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
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Compute the actuals the goals and SLA objectives measure; only changed values add a revision."""
    first = parse_month(from_, option="--from")
    last = parse_month(to, option="--to")
    if first and last and last < first:
        raise typer.BadParameter(f"{last} is before --from {first}", param_hint="--to")
    program = load_or_exit(root)
    try:
        engine = open_store(root)
        months = contact_months(engine, program.timezone)
        if not months and not (first and last):
            typer.echo(
                "no contacts imported yet: nothing to compute (import an export with `cxgov ingest`)"
            )
            return
        first = first or months[0]
        last = last or months[-1]
        if last < first:
            raise typer.BadParameter(
                f"the contacts end in {last}, before --from {first}", param_hint="--from"
            )
        with session_scope(engine) as session:
            summary = write_computed_actuals(
                session, program, months=list(first.until(last)), author=author
            )
    except SQLAlchemyError as exc:
        raise _store_failure(exc) from None
    except ActualsError as exc:
        typer.echo(f"cxgov: {exc}", err=True)
        raise typer.Exit(code=1) from None
    if format is Format.json:
        typer.echo(json.dumps(summary.as_dict(), indent=2))
        return
    typer.echo(
        f"computed {summary.series} series for {first}–{last}: {summary.recorded} recorded, {summary.revised} revised, "
        f"{summary.unchanged} unchanged, {summary.kept_manual} kept (entered by hand), {summary.no_value} without data"
    )


def register(app: typer.Typer) -> None:
    app.command("kpi")(kpi)
    actuals_app.command("compute")(compute)
