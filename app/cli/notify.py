"""`cxgov notify`: send what is new since the last run, once, to whoever should hear it.

Meant for a scheduler (cron, a scheduled GitHub Actions workflow) running against the team's
database. Exit codes: 0 everything new was sent (or nothing was new); 1 nothing could be sent (a
program with errors, a channel without its URL, an unreachable database) or a service refused a
message (the others were sent; the refused ones are retried by the next run); 2 a usage error.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import Format, RootArg, parse_date
from app.service.database import open_store
from app.service.notify import NotifyResult, notify
from app.service.program import as_of_or_today, valid_program
from app.words import counted


def _text(result: NotifyResult) -> str:
    lines = []
    verb = "would send" if result.dry_run else "sent"
    head = (
        f"cxgov notify as of {result.as_of}: {counted(len(result.events), 'event')} now; "
        f"{result.already} already sent to their recipients before"
    )
    if result.previous_run:
        head += f" (previous run {result.previous_run:%Y-%m-%d %H:%M} UTC)"
    lines.append(head + ".")
    if not result.digests:
        lines.append("Nothing new to send.")
    for digest in result.digests:
        r = digest.recipient
        failed = next((f for f in result.failures if f.digest is digest), None)
        state = "FAILED: " + failed.error if failed else verb
        lines.append("")
        lines.append(
            f"— to {r.address} via {r.channel} ({r.role or 'owner'}, {r.locale}; "
            f"{'amounts shown' if r.money else 'no amounts'}): {state}"
        )
        if result.dry_run:
            lines.append(f"Subject: {digest.subject}")
            lines.append(digest.body)
    if result.unconfirmed:
        lines.append("")
        lines.append(
            f"{len(result.unconfirmed)} delivery(ies) were being handed to a service when an "
            "earlier run stopped; whether they arrived is unknown, and they are not sent again:"
        )
        lines += [
            f"  {u.recipient} via {u.channel}: {u.event_key}"
            + (f" (at {u.attempted_at:%Y-%m-%d %H:%M} UTC)" if u.attempted_at else "")
            for u in result.unconfirmed
        ]
    if not result.dry_run:
        lines.append("")
        lines.append(
            f"{counted(len(result.sent), 'message')} sent, {len(result.failures)} refused"
            + ("; the refused ones are retried by the next run." if result.failures else ".")
        )
    return "\n".join(lines)


def notify_cmd(
    root: RootArg = Path("."),
    dry_run: Annotated[
        bool,
        typer.Option(
            "--dry-run", help="Print what would be sent to whom; send and record nothing."
        ),
    ] = False,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="Evaluate as of this date, YYYY-MM-DD (default: today)."),
    ] = None,
    format: Annotated[
        Format, typer.Option("--format", help="text (readable) or json (stable, see the README).")
    ] = Format.text,
) -> None:
    """Send owners and the committee what is new since the last run: alerts and reminders."""
    day = parse_date(as_of, option="--as-of")
    program = valid_program(root, today=day)
    result = notify(
        open_store(root),
        program,
        as_of=as_of_or_today(program, day),
        environ=os.environ,
        dry_run=dry_run,
    )
    if format is Format.json:
        typer.echo(json.dumps(result.as_dict(), indent=2, ensure_ascii=False))
    else:
        typer.echo(_text(result))
    if result.failures:
        failed = ", ".join(sorted({f.digest.recipient.label for f in result.failures}))
        typer.echo(f"cxgov: {counted(len(result.failures), 'message')} refused: {failed}", err=True)
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.command("notify")(notify_cmd)
