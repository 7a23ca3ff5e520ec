"""`cxgov validate` and `cxgov schema`: check the program in a pull request; give editors a JSON Schema.

Exit codes: 0 valid, 1 the program has errors (with --strict: or warnings), 2 usage errors.
"""

from __future__ import annotations

from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import RootArg, parse_date
from app.cli.report import as_json, github_annotations, text_report
from app.service.program import validate as validate_program
from app.words import counted


class ReportFormat(str, Enum):
    text = "text"
    json = "json"
    github = "github"


def validate(
    root: RootArg = Path("."),
    output: Annotated[
        ReportFormat,
        typer.Option("--format", help="text (readable), json (stable) or github (annotations)."),
    ] = ReportFormat.text,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings (SMART lint and others) as errors.")
    ] = False,
    today: Annotated[
        str | None,
        typer.Option(
            "--today", help="Judge deadlines as of this date, YYYY-MM-DD (default: today)."
        ),
    ] = None,
) -> None:
    """Check every document of the program: schema, references, units, dates, SMART lint."""
    result = validate_program(root, strict=strict, today=parse_date(today, option="--today"))
    if output is ReportFormat.json:
        typer.echo(as_json(result))
    elif output is ReportFormat.github:
        annotations = github_annotations(result.diagnostics)
        if annotations:
            typer.echo(annotations)
        typer.echo(
            f"cxgov validate: {counted(result.errors, 'error')}, "
            f"{counted(result.warnings, 'warning')}"
        )
    else:
        typer.echo(text_report(result))
    raise typer.Exit(code=0 if result.ok else 1)


def schema(
    out: Annotated[Path, typer.Option("--out", help="Folder to write the JSON Schemas to.")] = Path(
        "schema"
    ),
) -> None:
    """Write one JSON Schema per document kind plus cxgov.json (any kind, chosen by `kind`)."""
    from app.load.schema import write_schemas

    try:
        written = write_schemas(out)
    except OSError as exc:
        typer.echo(f"cxgov: cannot write to {out}: {exc.strerror}", err=True)
        raise typer.Exit(code=2) from None
    for path in written:
        typer.echo(str(path))


def register(app: typer.Typer) -> None:
    app.command("validate")(validate)
    app.command("schema")(schema)
