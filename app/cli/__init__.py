"""The `cxgov` command: thin commands over the library; each group lives in its own module."""

from __future__ import annotations

import os
import sys

import typer

from app.cli import (
    actuals,
    app_cmd,
    db,
    diff,
    ingest,
    init,
    kpi,
    playbook,
    review,
    status,
    validate,
)

app = typer.Typer(
    name="cxgov",
    help="Customer-experience program governance as code.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

for module in (validate, db, ingest, actuals, kpi, status, playbook, app_cmd, diff, init, review):
    module.register(app)


def main() -> None:
    """Console entry: a user sees a message, never a traceback (CXGOV_DEBUG=1 shows it)."""
    try:
        app()
    except KeyboardInterrupt:
        typer.echo("cxgov: interrupted; nothing was written.", err=True)
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("CXGOV_DEBUG"):
            raise
        typer.echo(f"cxgov: internal error: {type(exc).__name__}: {exc}", err=True)
        typer.echo("Run again with CXGOV_DEBUG=1 to see the traceback, and report it.", err=True)
        sys.exit(70)
