"""`cxgov ingest FILE`: import a contact export through a mapping, with a summary that adds up;
`cxgov ingest report [BATCH]`: an import's quarantined rows and field issues with their reasons;
`cxgov ingest revert BATCH`: withdraw an import.

`ingest` is a group whose default command is `file`: a first argument that is not `report` or
`revert` is the file to import (`cxgov ingest FILE` = `cxgov ingest file FILE`).
"""

from __future__ import annotations

import getpass
import json
import sys
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperGroup

from app.cli.common import Format, FormatOption, RootOption
from app.cli.report import text_diagnostics
from app.display.changes import change_lines
from app.errors import UsageError
from app.service.database import open_store
from app.service.imports import (
    ImportOutcome,
    MappingOverrides,
    batch_report,
    choose_mapping,
    import_file,
    preview_import,
    profile_names,
    revert_batch,
)
from app.service.program import valid_program
from app.spec.program import Program
from app.words import counted

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
    if summary.months_touched:
        lines.append(f"  months touched  {_months(summary.months_touched)}")
    unmapped = summary.as_dict()["unmapped_values"]
    if unmapped:
        lines.append(
            "  values the mapping's `values` do not name (stored as written, lower case: a scope "
            "counts them only if it names them)"
        )
        for name, values in unmapped.items():
            lines.append(f"    {name}")
            shown = list(values.items())
            lines += [f"      {value[:40]:<32} {count:>7,}" for value, count in shown[:10]]
            if len(shown) > 10:
                rest = sum(count for _value, count in shown[10:])
                lines.append(
                    f"      … and {counted(len(shown) - 10, 'other value')} ({counted(rest, 'row')})"
                )
    if summary.blanks_kept or summary.blanks_cleared:
        lines.append(
            f"  blanks       {summary.blanks_kept:>9,} kept, {summary.blanks_cleared:,} cleared "
            "(stored values this export has blank)"
        )
    lines += [f"  warning: {warning}" for warning in summary.warnings]
    return "\n".join(lines)


def _months(months: list[str]) -> str:
    """`2026-01, 2026-03 … 2026-05`: runs of consecutive months shortened."""
    runs: list[list[str]] = []
    for month in months:
        year, number = int(month[:4]), int(month[5:7])
        if runs:
            last = runs[-1][-1]
            following = (int(last[:4]) * 12 + int(last[5:7])) + 1 == year * 12 + number
            if following:
                runs[-1].append(month)
                continue
        runs.append([month])
    return ", ".join(run[0] if len(run) == 1 else f"{run[0]} … {run[-1]}" for run in runs)


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
        lines.append(f"  contacts by month  {months}")
    computed = outcome.computed
    if computed and computed.months:
        verb = "would be" if outcome.dry_run else "were"
        lines.append(
            f"  actuals      {computed.recorded:>9,} recorded, {computed.revised:,} revised "
            f"({_months([str(month) for month in computed.months])} {verb} recomputed)"
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
            help="Bring the computed actuals up to date afterwards (default). Without it the "
            "months the import touched stay owed a recompute, which the next command that reads "
            "the actuals does first.",
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
    overrides = MappingOverrides(delimiter, encoding, timezone, source, timestamp_format)
    chosen = choose_mapping(mapping_file, profile, overrides)
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
                strict=strict,
                progress=lambda n: bar.update(task, description=f"{doing} {file.name}: {n:,} rows"),
            )
    else:
        outcome = run(engine, program, file, mapping=chosen.mapping, author=author, strict=strict)
    if format is Format.json:
        typer.echo(json.dumps(outcome.as_dict(), indent=2))
    else:
        typer.echo(format_outcome(outcome, program))
    if outcome.summary.quarantined:
        raise typer.Exit(code=1)


def report_command(
    batch: Annotated[
        int | None, typer.Argument(help="Import batch number (default: the latest import).")
    ] = None,
    limit: Annotated[
        int, typer.Option("--limit", min=1, help="At most this many rows of each kind.")
    ] = 500,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """An import's quarantined rows and field issues, each with its line and reasons."""
    report = batch_report(open_store(root), batch, limit=limit)
    if format is Format.json:
        typer.echo(json.dumps(report, indent=2, ensure_ascii=False))
        return
    typer.echo(_report_text(report))


def _report_text(report: dict[str, Any]) -> str:
    lines = [
        f"import batch {report['batch']}: {report['file']} ({report['profile']}), by "
        f"{report['by']}, finished {report['finished'] or 'never'}",
        f"  rows read {report['read']:,}: {report['imported']:,} imported, "
        f"{report['updated']:,} updated, {report['unchanged']:,} unchanged, "
        f"{report['quarantined']:,} quarantined; {counted(report['field issues'], 'field issue')}",
    ]
    withdrawn = report["withdrawn"]
    if withdrawn:
        lines.append(
            f"  withdrawn by {withdrawn['by']} at {withdrawn['at']}: {withdrawn['reason']}"
        )
    quarantined, issues = report["quarantined_rows"], report["field_issue_rows"]
    lines.append(f"quarantined rows ({counted(report['quarantined'], 'row')})")
    lines += [f"  line {row['line']:>7}  {row['reasons']}\n    {row['raw']}" for row in quarantined]
    if len(quarantined) < report["quarantined"]:
        lines.append(f"  … and {report['quarantined'] - len(quarantined):,} more (--limit)")
    lines.append(f"field issues ({counted(report['field issues'], 'field')} left blank)")
    lines += [
        f"  line {row['line']:>7}  {row['contact']}  {row['field']} = {row['value']!r}: "
        f"{row['reason']}"
        for row in issues
    ]
    if len(issues) < report["field issues"]:
        lines.append(f"  … and {report['field issues'] - len(issues):,} more (--limit)")
    return "\n".join(lines)


def revert_command(
    batch: Annotated[int, typer.Argument(help="Import batch number to withdraw.")],
    reason: Annotated[str, typer.Option("--reason", help="Why the import is withdrawn.")],
    by: Annotated[
        str | None, typer.Option("--by", help="Who withdraws it (default: your login).")
    ] = None,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Withdraw an import: its new contacts stop counting, the contacts it changed get their
    previous values back (all kept on record), and the months it touched are recomputed. Refused
    when a later import changed the same contacts (withdraw that one first)."""
    program = valid_program(root)
    done = revert_batch(
        open_store(root), program, batch, author=by or getpass.getuser(), reason=reason
    )
    if format is Format.json:
        typer.echo(json.dumps(done.as_dict(), indent=2))
        return
    typer.echo(
        f"withdrew import batch {done.batch_id}: {counted(done.withdrawn, 'contact')} taken out, "
        f"{counted(done.restored, 'contact')} given their previous values back"
    )
    if done.months:
        typer.echo(f"  months touched  {_months(done.months)}")
    if done.computed:
        typer.echo(
            f"  actuals         {done.computed.recorded:,} recorded, "
            f"{done.computed.revised:,} revised"
        )


class IngestGroup(TyperGroup):
    """`cxgov ingest`: a first argument that names no subcommand is the file to import."""

    DEFAULT = "file"

    # Any: click's Context (or typer's bundled copy of it).
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = [self.DEFAULT, *args]
        return list(super().parse_args(ctx, args))


ingest_app = typer.Typer(
    cls=IngestGroup,
    help="Import a contact export (`cxgov ingest FILE`, the same as `cxgov ingest file FILE`), "
    "report on an import, or withdraw one.",
    no_args_is_help=True,
)


def register(app: typer.Typer) -> None:
    ingest_app.command(IngestGroup.DEFAULT)(ingest_command)
    ingest_app.command("report")(report_command)
    ingest_app.command("revert")(revert_command)
    app.add_typer(ingest_app, name="ingest")
