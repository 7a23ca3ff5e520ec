"""`cxgov db upgrade` and `cxgov db status`: the store's schema, through Alembic migrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import Format, FormatOption
from app.service.database import schema_status, upgrade_schema

db_app = typer.Typer(help="The actuals database: schema upgrades and status.", no_args_is_help=True)

Root = Annotated[
    Path,
    typer.Option(
        "--root",
        help="Program root (holds .cxgov/cxgov.db unless CXGOV_DATABASE_URL is set).",
    ),
]


@db_app.command("upgrade")
def upgrade_command(root: Root = Path(".")) -> None:
    """Bring the database schema up to date (safe to run any time)."""
    before, after = upgrade_schema(root)
    if before.schema == after.schema:
        typer.echo(f"{after.database}: already at schema {after.schema}")
    else:
        typer.echo(
            f"{after.database}: upgraded schema {before.schema or '(empty)'} → {after.schema}"
        )


@db_app.command("status")
def status_command(root: Root = Path("."), format: FormatOption = Format.text) -> None:
    """Which database is used and whether its schema is current."""
    status = schema_status(root)
    if format is Format.json:
        typer.echo(json.dumps(status.as_dict(), indent=2))
        return
    if not status.exists:
        typer.echo(
            f"database: {status.database}\nschema:   none yet — the file is created on first use "
            f"(or by `cxgov db upgrade`) at the latest schema, {status.latest}"
        )
        return
    state = (
        "up to date"
        if status.up_to_date
        else "needs `cxgov db upgrade` (done automatically on first use)"
    )
    typer.echo(
        f"database: {status.database}\nschema:   {status.schema or '(empty)'} (latest {status.latest}) — {state}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
