"""The `cxgov` command: thin commands over the library; each group lives in its own module."""

from __future__ import annotations

import os
import sys
from typing import Any

import typer
from typer.core import TyperGroup

from app.cli import (
    actuals,
    app_cmd,
    checkin,
    credits,
    db,
    diff,
    ingest,
    init,
    kpi,
    notify,
    playbook,
    review,
    status,
    validate,
)
from app.cli.report import text_diagnostics
from app.errors import CxgovError, Invalid


def report_error(exc: CxgovError) -> int:
    """Print a refused request for the person at the terminal; its exit code."""
    typer.echo(f"cxgov: {exc.message}", err=True)
    if isinstance(exc, Invalid) and exc.diagnostics:
        typer.echo(text_diagnostics(sorted(exc.diagnostics)), err=True)
    if exc.hint:
        typer.echo(f"  hint: {exc.hint}", err=True)
    return exc.exit_code


class CxgovGroup(TyperGroup):
    """The top-level group: every `CxgovError` a command raises is reported here, once."""

    # Any: the context is click's Context, or typer's own copy of it in releases that bundle click.
    def invoke(self, ctx: Any) -> object:
        try:
            return super().invoke(ctx)
        except CxgovError as exc:
            raise typer.Exit(code=report_error(exc)) from None


app = typer.Typer(
    name="cxgov",
    cls=CxgovGroup,
    help="Customer-experience program governance as code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for module in (
    validate,
    db,
    ingest,
    actuals,
    kpi,
    status,
    credits,
    checkin,
    notify,
    playbook,
    app_cmd,
    diff,
    init,
    review,
):
    module.register(app)


def main() -> None:
    """Console entry: a user sees a message, never a traceback (CXGOV_DEBUG=1 shows it)."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("cxgov: interrupted; nothing was written.", err=True)
        sys.exit(130)
    except Exception as exc:  # last line of defence at the edge
        if os.environ.get("CXGOV_DEBUG"):
            raise
        typer.echo(f"cxgov: internal error: {type(exc).__name__}: {exc}", err=True)
        typer.echo("Run again with CXGOV_DEBUG=1 to see the traceback, and report it.", err=True)
        sys.exit(70)
