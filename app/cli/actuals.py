"""`cxgov actuals record` and `cxgov actuals history`: hand-entered figures and visible corrections.

`actuals_app` is the group; other modules add commands to it (e.g. `actuals compute`).
"""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError

from app.cli.common import Format, load_or_exit
from app.periods import Month
from app.spec.common import Scope
from app.spec.metric import Metric
from app.spec.program import effective_scope
from app.store.actuals import ActualsError, append_revision, history
from app.store.db import open_store, session_scope
from app.store.tables import Actual

actuals_app = typer.Typer(
    help="Actuals: record hand-entered figures and corrections, show history.", no_args_is_help=True
)

RootOption = Annotated[Path, typer.Option("--root", help="Program root.")]
ScopeOption = Annotated[
    list[str] | None, typer.Option("--scope", help="A scope dimension, key=value (repeatable).")
]


def _fail(message: str, code: int) -> typer.Exit:
    typer.echo(f"cxgov: {message}", err=True)
    return typer.Exit(code=code)


def parse_scope(items: list[str] | None) -> Scope:
    """`--scope channel=chat --scope priority=high` → Scope; repeated dimensions mean "any of"."""
    values: dict[str, list[str]] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise _fail(f"--scope expects key=value, got {item!r}", 2)
        values.setdefault(key.strip(), []).append(value.strip())
    try:
        return Scope(**{key: vals[0] if len(vals) == 1 else vals for key, vals in values.items()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise _fail(
            f"bad --scope ({problems}); dimensions are {', '.join(Scope.DIMENSIONS)}", 2
        ) from None


def value_problem(metric: Metric, value: float) -> str | None:
    """Why `value` cannot be a value of this metric's unit, or None when it fits."""
    unit = metric.spec.unit
    if value != value:
        return "the value is not a number"
    if unit == "percent" and not 0 <= value <= 100:
        return f"{metric.id} is a percentage: expected 0–100, got {value:g}"
    if metric.spec.calculation.type == "nps" and not -100 <= value <= 100:
        return f"{metric.id} is an NPS: expected −100 to +100, got {value:g}"
    if unit in ("count", "seconds", "minutes", "hours", "days", "ratio") and value < 0:
        return f"{metric.id} is measured in {unit}: it cannot be negative ({value:g})"
    if unit == "count" and not float(value).is_integer():
        return f"{metric.id} is a count: expected a whole number, got {value:g}"
    return None


def _row(actual: Actual) -> dict[str, object]:
    return {
        "metric": actual.metric,
        "scope": actual.scope_key,
        "period": actual.period,
        "revision": actual.revision,
        "value": actual.value,
        "numerator": actual.numerator,
        "denominator": actual.denominator,
        "sample_size": actual.sample_size,
        "source": actual.source,
        "author": actual.author,
        "recorded_at": actual.recorded_at.isoformat(),
        "reason": actual.reason,
    }


@actuals_app.command("record")
def record(
    metric: Annotated[str, typer.Argument(help="Metric id from the catalogue.")],
    period: Annotated[str, typer.Option("--period", help="Month, YYYY-MM.")],
    value: Annotated[
        float,
        typer.Option("--value", help="The value in the metric's unit (percentages as 0–100)."),
    ],
    scope: ScopeOption = None,
    numerator: Annotated[float | None, typer.Option("--numerator")] = None,
    denominator: Annotated[float | None, typer.Option("--denominator")] = None,
    reason: Annotated[
        str | None, typer.Option("--reason", help="Required for a correction.")
    ] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="Who records it (default: your login).")
    ] = None,
    expected_revision: Annotated[
        int | None,
        typer.Option(
            "--expected-revision",
            help="The revision you are correcting; a newer one is a conflict.",
        ),
    ] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Record a hand-entered value; a second value for the same month is a correction and needs --reason."""
    try:
        month = Month.parse(period)
    except ValueError as exc:
        raise _fail(f"--period: {exc}", 2) from None
    wanted = parse_scope(scope)
    program = load_or_exit(root)
    found = program.metrics.get(metric)
    if found is None:
        raise _fail(
            f"no metric {metric!r} in the catalogue; known: {', '.join(sorted(program.metrics)) or '(none)'}",
            1,
        )
    problem = value_problem(found, value)
    if problem:
        raise _fail(problem, 1)
    if (numerator is None) != (denominator is None):
        raise _fail("give both --numerator and --denominator, or neither", 2)
    if denominator is not None and denominator <= 0:
        raise _fail("--denominator must be positive", 1)
    scope_key = effective_scope(found, wanted).key()
    try:
        with session_scope(open_store(root)) as session:
            actual = append_revision(
                session,
                metric=metric,
                scope_key=scope_key,
                period=month,
                value=value,
                numerator=numerator,
                denominator=denominator,
                source="manual",
                author=by or getpass.getuser(),
                reason=reason,
                expected_revision=expected_revision,
            )
            row = _row(actual)
    except ActualsError as exc:
        raise _fail(str(exc), 1) from None
    if format is Format.json:
        typer.echo(json.dumps(row, indent=2))
    else:
        typer.echo(
            f"recorded {metric} [{scope_key or 'all contacts'}] {month} = {value:g} "
            f"(revision {row['revision']}, by {row['author']})"
        )


@actuals_app.command("history")
def history_command(
    metric: Annotated[str, typer.Argument(help="Metric id.")],
    scope: ScopeOption = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Every revision of a metric's actuals: who recorded what, when and why."""
    scope_key = None
    if scope:
        program = load_or_exit(root)
        found = program.metrics.get(metric)
        wanted = parse_scope(scope)
        scope_key = (effective_scope(found, wanted) if found else wanted).key()
    with session_scope(open_store(root)) as session:
        rows = [_row(actual) for actual in history(session, metric=metric, scope_key=scope_key)]
    if format is Format.json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo(f"no actuals recorded for {metric}")
        return
    for row in rows:
        value = "—" if row["value"] is None else f"{row['value']:g}"
        typer.echo(
            f"{row['period']}  [{row['scope'] or 'all'}]  rev {row['revision']}  {value:>10}  {row['source']:<8} "
            f"{row['author']}  {str(row['recorded_at'])[:19]}"
            + (f"  — {row['reason']}" if row["reason"] else "")
        )


def register(app: typer.Typer) -> None:
    app.add_typer(actuals_app, name="actuals")
