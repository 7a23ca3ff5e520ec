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
from sqlalchemy.exc import SQLAlchemyError

from app.cli.common import Format, RootOption, check_root, load_or_exit, parse_month
from app.periods import Month

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
FormatOpt = Annotated[
    Format, typer.Option("--format", help="text (readable) or json (stable, see the README).")
]


def _month(text: str) -> Month:
    month = parse_month(text, option="--period")
    assert month is not None
    return month


def _kind(quarter: bool) -> str:
    return "quarterly" if quarter else "monthly"


def _fail(message: str) -> typer.Exit:
    typer.echo(f"cxgov: {message}", err=True)
    return typer.Exit(code=1)


def _session(root: Path):  # type: ignore[no-untyped-def]
    from app.store.db import open_store, session_scope

    return session_scope(open_store(root))


def _find(session: Any, month: Month, kind: str) -> Any:
    from app.review.store import get_review

    review = get_review(session, period=month, kind=kind)
    if review is None:
        option = " --quarter" if kind == "quarterly" else ""
        raise _fail(
            f"there is no {kind} review for {month}; create it with `cxgov review open --period {month}{option}`"
        )
    return review


def open_cmd(
    period: PeriodOpt,
    quarter: QuarterOpt = False,
    author: AuthorOpt = "scheduler",
    root: RootOption = Path("."),
) -> None:
    """Create the draft review for a period (a scheduler can run it before the meeting); open items carry over."""
    from app.review.store import ReviewError, action_items, label, open_review

    month = _month(period)
    load_or_exit(root)
    try:
        with _session(root) as session:
            review, created = open_review(session, period=month, kind=_kind(quarter), author=author)
            carried = sum(
                1 for i in action_items(session, review_id=review.id) if i.carried_from is not None
            )
            text = label(review)
    except ReviewError as exc:
        raise _fail(str(exc)) from None
    except SQLAlchemyError as exc:
        raise _fail(
            f"cannot write the review: {type(exc).__name__}: {getattr(exc, 'orig', exc)}"
        ) from None
    if created:
        typer.echo(f"Opened {text} as a draft; {carried} open action item(s) carried over.")
    else:
        typer.echo(f"{text.capitalize()} already exists ({review.status}); nothing changed.")


def start_cmd(period: PeriodOpt, quarter: QuarterOpt = False, root: RootOption = Path(".")) -> None:
    """Move a draft review into its meeting."""
    from app.review.store import ReviewError, label, start_meeting

    month = _month(period)
    check_root(root)
    try:
        with _session(root) as session:
            review = start_meeting(session, review_id=_find(session, month, _kind(quarter)).id)
            text = label(review)
    except ReviewError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"{text.capitalize()} is in its meeting.")


def _document(root: Path, month: Month, kind: str) -> dict[str, Any]:
    from app.review.service import review_document

    program = load_or_exit(root)
    with _session(root) as session:
        return review_document(session, program=program, review=_find(session, month, kind))


def show_text(document: dict[str, Any]) -> str:
    from app.review.export import to_markdown

    return to_markdown(document).rstrip()


def show(
    period: PeriodOpt,
    quarter: QuarterOpt = False,
    format: FormatOpt = Format.text,
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
    from app.review.service import close
    from app.review.store import ReviewError, label

    month = _month(period)
    program = load_or_exit(root)
    try:
        with _session(root) as session:
            review = close(
                session,
                program=program,
                review=_find(session, month, _kind(quarter)),
                author=author,
            )
            text = label(review)
    except ReviewError as exc:
        raise _fail(str(exc)) from None
    typer.echo(f"Closed {text}; its numbers are frozen.")


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
    from app.review.export import export

    month = _month(period)
    kind = _kind(quarter)
    data = export(_document(root, month, kind), format.value)
    target = out or Path(f"review-{'q-' if quarter else ''}{month}.{format.value}")
    try:
        target.write_bytes(data)
    except OSError as exc:
        raise _fail(f"cannot write {target}: {exc.strerror or exc}") from None
    typer.echo(f"Wrote {target} ({len(data):,} bytes).")


def register(app: typer.Typer) -> None:
    review_app.command("open")(open_cmd)
    review_app.command("start")(start_cmd)
    review_app.command("show")(show)
    review_app.command("close")(close_cmd)
    review_app.command("export")(export_cmd)
    app.add_typer(review_app, name="review")
