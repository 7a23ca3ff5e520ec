"""`cxgov db upgrade` and `cxgov db status`: the store's schema, through Alembic migrations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from app.cli.common import Format
from app.store.db import current_revision, database_url, get_engine, head_revision, upgrade

db_app = typer.Typer(help="The actuals database: schema upgrades and status.", no_args_is_help=True)

Root = Annotated[
    Path,
    typer.Option(
        "--root", help="Program root (holds .cxgov/cxgov.db unless CXGOV_DATABASE_URL is set)."
    ),
]


def _safe_url(url: str) -> str:
    return make_url(url).render_as_string(hide_password=True)


@db_app.command("upgrade")
def upgrade_command(root: Root = Path(".")) -> None:
    """Bring the database schema up to date (safe to run any time)."""
    url = database_url(root)
    try:
        before = current_revision(url)
        upgrade(url)
    except SQLAlchemyError as exc:
        typer.echo(
            f"cxgov: cannot upgrade {_safe_url(url)}: {exc.__class__.__name__}: {exc.orig if hasattr(exc, 'orig') else exc}",
            err=True,
        )
        raise typer.Exit(code=1) from None
    after = head_revision()
    if before == after:
        typer.echo(f"{_safe_url(url)}: already at schema {after}")
    else:
        typer.echo(f"{_safe_url(url)}: upgraded schema {before or '(empty)'} → {after}")


@db_app.command("status")
def status_command(root: Root = Path("."), format: Format = Format.text) -> None:
    """Which database is used and whether its schema is current."""
    url = database_url(root)
    try:
        current = current_revision(get_engine(url))
    except SQLAlchemyError as exc:
        typer.echo(f"cxgov: cannot open {_safe_url(url)}: {exc.__class__.__name__}", err=True)
        raise typer.Exit(code=1) from None
    head = head_revision()
    report = {
        "database": _safe_url(url),
        "schema": current,
        "latest": head,
        "up_to_date": current == head,
    }
    if format is Format.json:
        typer.echo(json.dumps(report, indent=2))
    else:
        state = (
            "up to date"
            if current == head
            else "needs `cxgov db upgrade` (done automatically on first use)"
        )
        typer.echo(
            f"database: {report['database']}\nschema:   {current or '(empty)'} (latest {head}) — {state}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(db_app, name="db")
