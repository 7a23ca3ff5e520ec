"""`cxgov init DIR`: scaffold a new program repository that validates with `--strict` out of the box.

Exit codes: 0 created; 1 some of the files already exist (nothing is written; they are listed);
2 usage errors (a bad timezone, currency or date).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import typer

from app.scaffold import (
    ScaffoldClash,
    ScaffoldSettings,
    existing,
    scaffold_files,
    write_scaffold,
)
from app.words import counted


def _usage(message: str) -> typer.Exit:
    typer.echo(f"cxgov init: {message}", err=True)
    return typer.Exit(code=2)


def init(
    folder: Annotated[
        Path, typer.Argument(help="Folder of the new program repository (created if missing).")
    ],
    name: Annotated[
        str | None, typer.Option("--name", help="Program name (default: from the folder name).")
    ] = None,
    timezone: Annotated[
        str,
        typer.Option("--timezone", help="IANA timezone the months are cut in, e.g. Europe/Berlin."),
    ] = "UTC",
    currency: Annotated[
        str, typer.Option("--currency", help="ISO 4217 currency of fees and credits.")
    ] = "USD",
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Start the program in this date's month, YYYY-MM-DD (default: today)."
        ),
    ] = None,
) -> None:
    """Create program.yaml, goals/ (a starter metric catalogue and one goal), playbooks/, roadmap/,
    the GitHub Actions workflow, the pre-commit config and a .gitignore. Never overwrites a file."""
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise _usage(
            f"unknown IANA timezone {timezone!r} (e.g. Europe/Berlin, America/Los_Angeles, UTC)"
        ) from None
    if not (
        len(currency) == 3 and currency.isascii() and currency.isalpha() and currency.isupper()
    ):
        raise _usage(f"expected an ISO 4217 currency code such as USD or EUR, got {currency!r}")
    try:
        start = date.fromisoformat(today) if today else date.today()
    except ValueError:
        raise _usage(f"expected a date written YYYY-MM-DD, got {today!r}") from None
    if folder.exists() and not folder.is_dir():
        raise _usage(f"{folder} exists and is not a folder")
    settings = ScaffoldSettings.for_folder(
        folder, timezone=timezone, currency=currency, today=start, name=name
    )
    contents = scaffold_files(settings)
    clashes = existing(folder, list(contents))
    written: list[str] = []
    if not clashes:
        try:
            written = write_scaffold(folder, contents)
        except ScaffoldClash as exc:
            clashes = exc.names
        except OSError as exc:
            typer.echo(
                f"cxgov init: cannot write in {folder}: {exc.strerror}; nothing was written",
                err=True,
            )
            raise typer.Exit(code=1) from None
    if clashes:
        typer.echo(
            f"cxgov init: {counted(len(clashes), 'file')} already "
            f"{'exists' if len(clashes) == 1 else 'exist'} in {folder}; nothing was written:",
            err=True,
        )
        for name_ in clashes:
            typer.echo(f"  {name_}", err=True)
        raise typer.Exit(code=1)
    typer.echo(f"Created a cxgov program in {folder}:")
    for name_ in written:
        typer.echo(f"  {name_}")
    typer.echo(
        f"Next: edit the YAML, run `cxgov validate {folder} --strict`, commit, and open pull requests for changes."
    )


def register(app: typer.Typer) -> None:
    app.command("init")(init)
