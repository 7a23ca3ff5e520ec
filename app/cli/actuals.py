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

from app.cli.common import Format, FormatOption, parse_month
from app.service.actuals import Actual, record_actual, revisions
from app.service.actuals import scope_key as scope_key_of
from app.service.database import open_store
from app.service.program import valid_program
from app.spec.common import Scope

actuals_app = typer.Typer(
    help="Actuals: record hand-entered figures and corrections, show history.", no_args_is_help=True
)

RootOption = Annotated[Path, typer.Option("--root", help="Program root.")]
ScopeOption = Annotated[
    list[str] | None, typer.Option("--scope", help="A scope dimension, key=value (repeatable).")
]


def parse_scope(items: list[str] | None) -> Scope:
    """`--scope channel=chat --scope priority=high` → Scope; repeated dimensions mean "any of"."""
    values: dict[str, list[str]] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise typer.BadParameter(f"expected key=value, got {item!r}", param_hint="--scope")
        values.setdefault(key.strip(), []).append(value.strip())
    try:
        return Scope(**{key: vals[0] if len(vals) == 1 else vals for key, vals in values.items()})
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise typer.BadParameter(
            f"{problems}; dimensions are {', '.join(Scope.DIMENSIONS)}", param_hint="--scope"
        ) from None


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
    numerator: Annotated[
        float | None,
        typer.Option(
            "--numerator",
            help="What the value was computed from, for a share or a mean: the count or total "
            "above the line (churn: customers lost).",
        ),
    ] = None,
    denominator: Annotated[
        float | None,
        typer.Option(
            "--denominator",
            help="The count below the line (churn: customers at the start of the month).",
        ),
    ] = None,
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
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Record a hand-entered value; a second value for the same month is a correction and needs --reason."""
    month = parse_month(period, option="--period")
    assert month is not None
    wanted = parse_scope(scope)
    program = valid_program(root)
    actual = record_actual(
        open_store(root),
        program,
        metric=metric,
        period=month,
        value=value,
        scope=wanted,
        numerator=numerator,
        denominator=denominator,
        author=by or getpass.getuser(),
        reason=reason,
        expected_revision=expected_revision,
    )
    row = _row(actual)
    scope_key = actual.scope_key
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
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Every revision of a metric's actuals: who recorded what, when and why."""
    scope_key = scope_key_of(valid_program(root), metric, parse_scope(scope)) if scope else None
    rows = [
        _row(actual) for actual in revisions(open_store(root), metric=metric, scope_key=scope_key)
    ]
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
