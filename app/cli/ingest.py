"""`cxgov ingest FILE`: import a contact export through a mapping, with a summary that adds up."""

from __future__ import annotations

import getpass
import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from app.cli.common import Format, FormatOption
from app.cli.report import text_diagnostics
from app.display.changes import change_lines
from app.errors import UsageError
from app.service.database import open_store
from app.service.imports import (
    ImportOutcome,
    choose_mapping,
    import_file,
    preview_import,
    profile_names,
)
from app.service.program import valid_program
from app.spec.program import Program

if TYPE_CHECKING:
    from app.service.imports import ImportSummary


def format_summary(summary: ImportSummary, *, dry_run: bool = False) -> str:
    heading = (
        f"{summary.file} ({summary.source}), a preview: nothing was imported"
        if dry_run
        else f"{summary.file} ({summary.source}), import batch {summary.batch_id}"
    )
    lines = [
        heading,
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


def format_outcome(outcome: ImportOutcome, program: Program) -> str:
    """The summary, then (a preview's) examples, months and warnings, then what changes."""
    lines = [format_summary(outcome.summary, dry_run=outcome.dry_run)]
    if outcome.examples:
        lines.append("  examples")
        for examples in outcome.examples.values():
            for example in examples:
                lines.append(f"    line {example['line']:>7,}  {example['reason']}")
    if outcome.facts is not None and outcome.facts.months:
        months = ", ".join(f"{month} ({n:,})" for month, n in outcome.facts.months.items())
        lines.append(f"  months       {months}")
    computed = outcome.computed
    if computed and computed.months:
        verb = "would be" if outcome.dry_run else "were"
        lines.append(
            f"  actuals      {computed.recorded:>9,} recorded, {computed.revised:,} revised "
            f"({computed.months[0]} … {computed.months[-1]} {verb} recomputed)"
        )
    if outcome.warnings:
        lines.append("warnings")
        lines += [f"  - {warning}" for warning in outcome.warnings]
    changes = outcome.changes
    as_of = f" (as of {outcome.as_of})" if outcome.as_of else ""
    if changes.empty:
        lines.append(f"no goal status, SLA outcome, credit or stored actual changes{as_of}")
    else:
        verb = "would change" if outcome.dry_run else "changed"
        lines.append(f"this import {verb}{as_of}: {', '.join(changes.headline())}")
        lines += change_lines(changes, program)
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
    compute: Annotated[
        bool,
        typer.Option(
            "--compute/--no-compute",
            help="Bring the computed actuals up to date afterwards (default).",
        ),
    ] = True,
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run",
            help="Preview: run the whole import and the recompute, report what they would change "
            "(rows, field issues, months, stored actuals, goal statuses, SLA outcomes, credits, "
            "warnings) and roll everything back.",
        ),
    ] = False,
) -> None:
    """Import a contact export, then recompute the actuals it changes, and list what that changed.
    Exit 1 when rows had to be quarantined (they are listed in the store; with --dry-run, in the
    report)."""
    if dry_run and not compute:
        raise UsageError("--dry-run previews the import with its recompute; leave out --no-compute")
    chosen = choose_mapping(mapping_file, profile)
    if chosen.warnings:
        typer.echo(text_diagnostics(chosen.warnings), err=True)
    program = valid_program(root)
    engine = open_store(root)
    author = by or getpass.getuser()
    run = preview_import if dry_run else partial(import_file, compute=compute)
    if format is Format.text and sys.stderr.isatty():
        from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

        doing = "previewing" if dry_run else "importing"
        with Progress(
            SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn(), transient=True
        ) as bar:
            task = bar.add_task(f"{doing} {file.name}")
            outcome = run(
                engine,
                program,
                file,
                mapping=chosen.mapping,
                author=author,
                progress=lambda n: bar.update(task, description=f"{doing} {file.name}: {n:,} rows"),
            )
    else:
        outcome = run(engine, program, file, mapping=chosen.mapping, author=author)
    if format is Format.json:
        typer.echo(json.dumps(outcome.as_dict(), indent=2))
    else:
        typer.echo(format_outcome(outcome, program))
    if outcome.summary.quarantined:
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest_command)
