"""`cxgov review open|start|show|close|export`: the steering-committee review from the command line.

`open` lets a scheduler prepare the draft before the meeting (idempotent); `show` prints the pack
(or a closed review's frozen snapshot with what has been revised since); `close` freezes it (exit
1 with the unsettled items named); `export` writes Markdown, HTML or a PDF handout.
Exit codes: 0 done, 1 refused (the data: an unsettled review, a closed one, no such review, a
program with errors), 2 a usage error (a bad month or format).
"""

from __future__ import annotations

import json
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import Format, FormatOption, RootOption, parse_month
from app.errors import FileProblem
from app.periods import Month
from app.service import reviews
from app.service.database import open_store, stored_id
from app.service.program import check_root, valid_program
from app.words import counted

review_app = typer.Typer(
    help="Steering-committee reviews: prepare, show, close and export.", no_args_is_help=True
)


class ExportFormat(str, Enum):
    md = "md"
    html = "html"
    pdf = "pdf"


PeriodOpt = Annotated[
    str,
    typer.Option(
        "--period", help="The review's month, YYYY-MM (a month of the quarter with --quarter)."
    ),
]
QuarterOpt = Annotated[
    bool, typer.Option("--quarter", help="The quarterly business review of the period's quarter.")
]
AuthorOpt = Annotated[
    str, typer.Option("--author", envvar="CXGOV_AUTHOR", help="Who does this (env CXGOV_AUTHOR).")
]


def _month(text: str) -> Month:
    month = parse_month(text, option="--period")
    assert month is not None
    return month


def _kind(quarter: bool) -> str:
    return "quarterly" if quarter else "monthly"


def open_cmd(
    period: PeriodOpt,
    quarter: QuarterOpt = False,
    author: AuthorOpt = "scheduler",
    root: RootOption = Path("."),
) -> None:
    """Create the draft review for a period (a scheduler can run it before the meeting); open items carry over."""
    month = _month(period)
    valid_program(root)
    opened = reviews.open_review(open_store(root), period=month, kind=_kind(quarter), author=author)
    if opened.created:
        typer.echo(
            f"Opened {opened.label} as a draft; {counted(opened.carried, 'open action item')} carried over."
        )
    else:
        typer.echo(
            f"{opened.label.capitalize()} already exists ({opened.review.status}); nothing changed."
        )


def start_cmd(period: PeriodOpt, quarter: QuarterOpt = False, root: RootOption = Path(".")) -> None:
    """Move a draft review into its meeting."""
    month = _month(period)
    engine = open_store(check_root(root))
    review = reviews.find_review(engine, period=month, kind=_kind(quarter))
    started = reviews.start_meeting(engine, review_id=stored_id(review))
    typer.echo(f"{reviews.label(started).capitalize()} is in its meeting.")


def _document(root: Path, month: Month, kind: str) -> dict[str, Any]:
    return reviews.document_for(open_store(root), valid_program(root), period=month, kind=kind)


def show_text(document: dict[str, Any]) -> str:
    from app.review.export import to_markdown

    return to_markdown(document).rstrip()


def show(
    period: PeriodOpt,
    quarter: QuarterOpt = False,
    format: FormatOption = Format.text,
    root: RootOption = Path("."),
) -> None:
    """The review: headline, goals needing attention, SLA misses, credits, stale data, actions, record."""
    document = _document(root, _month(period), _kind(quarter))
    typer.echo(
        json.dumps(document, indent=2, sort_keys=True)
        if format is Format.json
        else show_text(document)
    )


def close_cmd(
    period: PeriodOpt,
    quarter: QuarterOpt = False,
    author: AuthorOpt = "cxgov",
    root: RootOption = Path("."),
) -> None:
    """Close the review and freeze its numbers; refused (exit 1) while an item lacks a root cause or actions."""
    month = _month(period)
    program = valid_program(root)
    engine = open_store(root)
    review = reviews.find_review(engine, period=month, kind=_kind(quarter))
    closed = reviews.close_review(engine, program, review_id=stored_id(review), author=author)
    typer.echo(f"Closed {reviews.label(closed)}; its numbers are frozen.")


def export_cmd(
    period: PeriodOpt,
    format: Annotated[
        ExportFormat, typer.Option("--format", help="md, html (self-contained) or pdf (a handout).")
    ],
    quarter: QuarterOpt = False,
    out: Annotated[
        Path | None, typer.Option("--out", help="File to write (default: review-PERIOD.FORMAT).")
    ] = None,
    root: RootOption = Path("."),
) -> None:
    """Write the review as Markdown, HTML (charts embedded) or PDF; a closed review exports its snapshot."""
    month = _month(period)
    data = reviews.export_review(_document(root, month, _kind(quarter)), format.value)
    target = out or Path(f"review-{'q-' if quarter else ''}{month}.{format.value}")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise FileProblem(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"Wrote {target} ({len(data):,} bytes).")


def register(app: typer.Typer) -> None:
    review_app.command("open")(open_cmd)
    review_app.command("start")(start_cmd)
    review_app.command("show")(show)
    review_app.command("close")(close_cmd)
    review_app.command("export")(export_cmd)
    app.add_typer(review_app, name="review")
