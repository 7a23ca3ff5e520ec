"""`cxgov diff`: what a change to the program really does, for the pull request that proposes it.

Exit codes: 0 no change at or above `--fail-on` (default: never fail on changes); 1 a change at
or above `--fail-on` exists, or a side does not validate (the diff of an invalid program means
nothing); 2 usage errors (an unknown revision or folder, a bad option).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import RootOption, parse_date
from app.cli.report import text_diagnostics
from app.diff import (
    Change,
    compare,
    credit_effects,
    render_json,
    render_markdown,
    render_text,
    sort_changes,
)
from app.diff.render import escape_cell
from app.diff.sides import Side, SideError, open_side
from app.errors import StoreError
from app.evaluate import ActualsIndex
from app.load import LoadResult, load_program
from app.service.database import existing_store
from app.service.program import read_actuals
from app.spec.program import Program
from app.words import counted


class DiffFormat(str, Enum):
    text = "text"
    markdown = "markdown"
    json = "json"


class FailOn(str, Enum):
    softened = "softened"
    breaking = "breaking"
    never = "never"


def _load(side: Side, today: date, output: DiffFormat) -> LoadResult:
    result = load_program(side.root, today=today)
    if result.program is None:
        errors = [d for d in result.diagnostics if d.severity == "error"]
        typer.echo(
            f"cxgov diff: the {side.label} program has {counted(len(errors), 'error')}; a diff of an invalid program "
            "means nothing. `cxgov validate` explains them:",
            err=True,
        )
        typer.echo(text_diagnostics(errors), err=True)
        if output is DiffFormat.markdown:
            typer.echo(
                f"### cxgov diff\n\nThe program at {escape_cell(side.label)} does not validate ({counted(len(errors), 'error')}); "
                "see the `cxgov validate` step of this check."
            )
        raise typer.Exit(code=1)
    return result


def _located(change: Change, sides: dict[str, tuple[Side, LoadResult]]) -> Change:
    side, result = sides[change.side]
    found = result.locate(change.kind, change.doc_id, change.path)
    if found is None:
        return change
    file, line = found
    return replace(change, file=f"{side.prefix}/{file}" if side.prefix else file, line=line)


def _actuals(root: Path) -> ActualsIndex | None:
    """Recorded actuals of the program's store, or None when there is none to read.

    Never creates or upgrades a database: a diff only reads."""
    try:
        engine = existing_store(root)
        if engine is None:
            return None
        try:
            return read_actuals(engine)
        finally:
            engine.dispose()
    except StoreError as exc:
        typer.echo(f"cxgov diff: {exc.message}; credit effects in money left out.", err=True)
        return None


def _money(base: Program, head: Program, root: Path, today: date) -> list[Change]:
    if not (set(base.contracts) & set(head.contracts)):
        return []
    actuals = _actuals(root)
    return [] if actuals is None else credit_effects(base, head, actuals, as_of=today)


def diff(
    base: Annotated[
        str,
        typer.Argument(
            help="Git revision of the program repository (e.g. origin/main), or a folder."
        ),
    ],
    head: Annotated[
        str | None,
        typer.Argument(help="Git revision or folder; default: the working tree at --root."),
    ] = None,
    root: RootOption = Path("."),
    output: Annotated[
        DiffFormat,
        typer.Option(
            "--format", help="text (readable), markdown (a pull-request comment) or json (stable)."
        ),
    ] = DiffFormat.text,
    fail_on: Annotated[
        FailOn,
        typer.Option(
            "--fail-on",
            help="Exit 1 when a change at least this serious exists: softened (softened or breaking), breaking, or never.",
        ),
    ] = FailOn.never,
    link_base: Annotated[
        str,
        typer.Option(
            "--link-base",
            help="Prefix for file links in markdown, e.g. https://github.com/ORG/REPO/blob/SHA/ .",
        ),
    ] = "",
    today: Annotated[
        str | None,
        typer.Option(
            "--today",
            help="Judge as of this date, YYYY-MM-DD (default: today); the last closed month for credit effects is the one before it.",
        ),
    ] = None,
) -> None:
    """Compare two versions of the program: what softens it, what breaks comparability, what else changed."""
    as_of = parse_date(today, option="--today") or date.today()
    if not root.is_dir():
        typer.echo(
            f"cxgov diff: {root} is not a folder; pass --root, the folder with program.yaml.",
            err=True,
        )
        raise typer.Exit(code=2)
    try:
        with open_side(base, root) as base_side, open_side(head, root) as head_side:
            base_result = _load(base_side, as_of, output)
            head_result = _load(head_side, as_of, output)
            assert base_result.program is not None and head_result.program is not None
            sides = {"base": (base_side, base_result), "head": (head_side, head_result)}
            changes = compare(base_result.program, head_result.program)
            changes += _money(base_result.program, head_result.program, root, as_of)
            changes = [_located(c, sides) for c in changes]
            labels = {"base": base_side.label, "head": head_side.label}
    except SideError as exc:
        typer.echo(f"cxgov diff: {exc}", err=True)
        raise typer.Exit(code=2) from None
    changes = sort_changes(changes)
    if output is DiffFormat.markdown:
        typer.echo(render_markdown(changes, link_base=link_base, **labels), nl=False)
    elif output is DiffFormat.json:
        typer.echo(render_json(changes, **labels), nl=False)
    else:
        typer.echo(render_text(changes, **labels), nl=False)
    failed = fail_on is not FailOn.never and any(c.at_least(fail_on.value) for c in changes)
    raise typer.Exit(code=1 if failed else 0)


def register(app: typer.Typer) -> None:
    app.command("diff")(diff)
