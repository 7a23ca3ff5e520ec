"""`cxgov ingest FILE`: import a contact export through a mapping, with a summary that adds up."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import Format, load_or_exit
from app.cli.report import text_diagnostics
from app.ingest import builtin_profile, load_mapping, profile_names
from app.ingest.mapping import Mapping
from app.ingest.profiles import UnknownProfile
from app.metrics import refresh_after_import
from app.store.db import open_store

if TYPE_CHECKING:
    from app.ingest.importer import ImportSummary


def _mapping(mapping_file: Path | None, profile: str | None) -> Mapping:
    if mapping_file and profile:
        typer.echo("cxgov: give --mapping or --profile, not both", err=True)
        raise typer.Exit(code=2)
    if mapping_file:
        mapping, diagnostics = load_mapping(mapping_file)
        if diagnostics:
            typer.echo(text_diagnostics(sorted(diagnostics)), err=True)
        if mapping is None:
            raise typer.Exit(code=1)
        return mapping
    try:
        return builtin_profile(profile or "generic")
    except UnknownProfile as exc:
        typer.echo(f"cxgov: {exc}", err=True)
        raise typer.Exit(code=2) from None


def format_summary(summary: ImportSummary) -> str:
    lines = [
        f"{summary.file} ({summary.source}), import batch {summary.batch_id}",
        f"  rows read    {summary.rows_read:>9,}  = imported + updated + unchanged + quarantined",
        f"  imported     {summary.imported:>9,}",
        f"  updated      {summary.updated:>9,}",
        f"  unchanged    {summary.unchanged:>9,}",
        f"  quarantined  {summary.quarantined:>9,}",
    ]
    lines += [
        f"    {code:<34} {count:>7,}" for code, count in sorted(summary.quarantine_reasons.items())
    ]
    lines.append(
        f"  field issues {summary.field_issues:>9,}  (field left blank, rest of the row kept)"
    )
    lines += [
        f"    {code:<34} {count:>7,}" for code, count in sorted(summary.field_issue_reasons.items())
    ]
    return "\n".join(lines)


def ingest_command(
    file: Annotated[
        Path,
        typer.Argument(help="CSV export to import.", exists=True, dir_okay=False, readable=True),
    ],
    mapping_file: Annotated[
        Path | None, typer.Option("--mapping", help="A ContactMapping YAML file.")
    ] = None,
    profile: Annotated[
        str | None,
        typer.Option("--profile", help=f"A shipped mapping: {', '.join(profile_names())}."),
    ] = None,
    format: Annotated[Format, typer.Option("--format")] = Format.text,
    by: Annotated[
        str | None, typer.Option("--by", help="Who imports (default: your login).")
    ] = None,
    root: Annotated[Path, typer.Option("--root", help="Program root.")] = Path("."),
    compute: Annotated[
        bool,
        typer.Option(
            "--compute/--no-compute",
            help="Bring the computed actuals up to date afterwards (default).",
        ),
    ] = True,
) -> None:
    """Import a contact export, then recompute the actuals it changes. Exit 1 when rows had to be
    quarantined (they are listed in the store)."""
    from app.ingest import FILE_ERRORS, ingest_file  # pyarrow: only when importing

    mapping = _mapping(mapping_file, profile)
    program = load_or_exit(root)
    engine = open_store(root)
    show_progress = format is Format.text and sys.stderr.isatty()
    try:
        if show_progress:
            from rich.progress import (
                Progress,
                SpinnerColumn,
                TextColumn,
                TimeElapsedColumn,
            )

            with Progress(
                SpinnerColumn(),
                TextColumn("{task.description}"),
                TimeElapsedColumn(),
                transient=True,
            ) as bar:
                task = bar.add_task(f"importing {file.name}")
                summary = ingest_file(
                    engine,
                    file,
                    mapping=mapping,
                    program_timezone=program.timezone,
                    author=by or getpass.getuser(),
                    progress=lambda n: bar.update(
                        task, description=f"importing {file.name}: {n:,} rows"
                    ),
                )
        else:
            summary = ingest_file(
                engine,
                file,
                mapping=mapping,
                program_timezone=program.timezone,
                author=by or getpass.getuser(),
            )
    except FILE_ERRORS as exc:
        typer.echo(f"cxgov: {file}: {exc}; nothing was imported.", err=True)
        raise typer.Exit(code=1) from None
    computed = None
    if compute and (summary.imported or summary.updated):
        computed = refresh_after_import(
            engine, program, batch_id=summary.batch_id, author=by or getpass.getuser()
        )
    if format is Format.json:
        typer.echo(
            json.dumps(
                {**summary.as_dict(), "computed": computed.as_dict() if computed else None},
                indent=2,
            )
        )
    else:
        typer.echo(format_summary(summary))
        if computed:
            typer.echo(
                f"  actuals      {computed.recorded:>9,} recorded, {computed.revised:,} revised "
                f"({computed.months[0]} … {computed.months[-1]})"
            )
    if summary.quarantined:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
