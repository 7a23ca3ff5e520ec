"""`cxgov ingest FILE`: import a contact export through a mapping, with a summary that adds up."""

from __future__ import annotations

import getpass
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import Format, FormatOption
from app.cli.report import text_diagnostics
from app.service.database import open_store
from app.service.imports import MappingOverrides, choose_mapping, import_file, profile_names
from app.service.program import valid_program

if TYPE_CHECKING:
    from app.service.imports import ImportSummary


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
    if summary.blanks_kept or summary.blanks_cleared:
        lines.append(
            f"  blanks       {summary.blanks_kept:>9,} kept, {summary.blanks_cleared:,} cleared "
            "(stored values this export has blank)"
        )
    lines += [f"  warning: {warning}" for warning in summary.warnings]
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
    format: FormatOption = Format.text,
    by: Annotated[
        str | None, typer.Option("--by", help="Who imports (default: your login).")
    ] = None,
    root: Annotated[Path, typer.Option("--root", help="Program root.")] = Path("."),
    delimiter: Annotated[
        str | None,
        typer.Option(
            "--delimiter",
            help="Column delimiter over the mapping's: one character, or tab / semicolon / "
            "comma / pipe.",
        ),
    ] = None,
    encoding: Annotated[
        str | None,
        typer.Option("--encoding", help="File encoding over the mapping's, e.g. utf-16, cp1252."),
    ] = None,
    timezone: Annotated[
        str | None,
        typer.Option(
            "--timezone",
            help="Time zone of naive timestamps (e.g. Europe/Berlin) over the mapping's.",
        ),
    ] = None,
    source: Annotated[
        str | None,
        typer.Option(
            "--source",
            help="Source name stored with the contacts over the mapping's (a second help-desk "
            "instance whose ids overlap the first).",
        ),
    ] = None,
    timestamp_format: Annotated[
        str | None,
        typer.Option(
            "--timestamp-format",
            help="strptime format of every timestamp column, e.g. '%d/%m/%Y %H:%M'.",
        ),
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="A mapped optional column missing from the file is an error, not a warning.",
        ),
    ] = False,
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
    overrides = MappingOverrides(delimiter, encoding, timezone, source, timestamp_format)
    chosen = choose_mapping(mapping_file, profile, overrides)
    if chosen.warnings:
        typer.echo(text_diagnostics(chosen.warnings), err=True)
    program = valid_program(root)
    engine = open_store(root)
    author = by or getpass.getuser()
    if format is Format.text and sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task(f"importing {file.name}")
            outcome = import_file(
                engine,
                program,
                file,
                mapping=chosen.mapping,
                author=author,
                compute=compute,
                strict=strict,
                progress=lambda n: bar.update(
                    task, description=f"importing {file.name}: {n:,} rows"
                ),
            )
    else:
        outcome = import_file(
            engine,
            program,
            file,
            mapping=chosen.mapping,
            author=author,
            compute=compute,
            strict=strict,
        )
    summary, computed = outcome.summary, outcome.computed
    if format is Format.json:
        typer.echo(json.dumps(outcome.as_dict(), indent=2))
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
