"""`cxgov checkin GOAL` records an owner's check-in; `cxgov checkins` lists them and who is late.

Exit codes: 0 done, 1 refused (no such goal, an inactive goal, no comment, a next step dated in
the past, a program with errors), 2 a usage error (a bad confidence or date).
"""

from __future__ import annotations

import getpass
import json
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer

from app.cli.common import Format, RootOption, parse_date
from app.display.labels import status_label
from app.evaluate.checkins import Checkin, agreement_text, missing_text
from app.service.checkins import checkin_history, checkin_overview, confidence_label, record_checkin
from app.service.database import open_store
from app.service.program import program_state, valid_program


class Confidence(str, Enum):
    on_track = "on_track"
    at_risk = "at_risk"
    off_track = "off_track"


FormatOpt = Annotated[
    Format, typer.Option("--format", help="text (readable) or json (stable, see the README).")
]


def _row(checkin: Checkin) -> dict[str, object]:
    data = checkin.to_dict()
    data["agreement"] = agreement_text(checkin.confidence, checkin.status_then) or None
    return data


def _line(checkin: Checkin) -> str:
    text = (
        f"{checkin.recorded_at:%Y-%m-%d %H:%M} UTC  {confidence_label(checkin.confidence):<9}  "
        f"{checkin.author}: {checkin.comment}"
    )
    if checkin.blockers:
        text += f"\n    blockers: {checkin.blockers}"
    if checkin.next_step:
        due = f" (by {checkin.next_step_due})" if checkin.next_step_due else ""
        text += f"\n    next: {checkin.next_step}{due}"
    contradiction = agreement_text(checkin.confidence, checkin.status_then)
    if contradiction:
        text += f"\n    ! {contradiction}"
    return text


def checkin_cmd(
    goal: Annotated[str, typer.Argument(help="The goal's id.")],
    confidence: Annotated[
        Confidence,
        typer.Option("--confidence", help="How the owner sees it: on_track, at_risk or off_track."),
    ],
    comment: Annotated[
        str, typer.Option("--comment", help="What moved since the last check-in, what you expect.")
    ],
    blockers: Annotated[
        str | None, typer.Option("--blockers", help="What stands in the way, if anything.")
    ] = None,
    next_step: Annotated[str | None, typer.Option("--next-step", help="The next step.")] = None,
    next_step_due: Annotated[
        str | None, typer.Option("--next-step-due", help="Its date, YYYY-MM-DD.")
    ] = None,
    by: Annotated[
        str | None,
        typer.Option(
            "--by",
            envvar="CXGOV_AUTHOR",
            help="Who checks in (env CXGOV_AUTHOR; default: your login).",
        ),
    ] = None,
    format: FormatOpt = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Record a check-in for a goal: confidence, a comment, blockers, the next step."""
    due = parse_date(next_step_due, option="--next-step-due")
    program = valid_program(root)
    checkin = record_checkin(
        open_store(root),
        program,
        goal_id=goal,
        confidence=confidence.value,
        comment=comment,
        blockers=blockers,
        next_step=next_step,
        next_step_due=due,
        author=by or getpass.getuser(),
    )
    if format is Format.json:
        typer.echo(json.dumps(_row(checkin), indent=2))
        return
    typer.echo(
        f"Checked in on {goal}: {confidence_label(checkin.confidence)} "
        f"(the numbers say {status_label(checkin.status_then or 'no_data')}), by {checkin.author}."
    )
    contradiction = agreement_text(checkin.confidence, checkin.status_then)
    if contradiction:
        typer.echo(f"Note: this check-in {contradiction}; it is shown as such to the committee.")


def checkins_cmd(
    goal: Annotated[
        str | None, typer.Option("--goal", help="One goal's history (default: every goal's state).")
    ] = None,
    missing: Annotated[
        bool, typer.Option("--missing", help="Only goals whose check-in is overdue.")
    ] = False,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="As of this date, YYYY-MM-DD (default: today).")
    ] = None,
    format: FormatOpt = Format.text,
    root: RootOption = Path("."),
) -> None:
    """Check-ins: one goal's history, or every goal's latest, its next due date and who is late."""
    if goal is not None:
        program = valid_program(root)
        if goal not in program.goals:
            typer.echo(f"cxgov: no goal {goal!r} in the program", err=True)
            raise typer.Exit(1)
        history = checkin_history(open_store(root), goal_id=goal)
        if format is Format.json:
            typer.echo(json.dumps([_row(c) for c in history], indent=2))
        elif not history:
            typer.echo(f"No check-in for {goal} yet.")
        else:
            typer.echo("\n".join(_line(c) for c in history))
        return
    state = program_state(root, as_of=parse_date(as_of, option="--as-of"))
    states = checkin_overview(state.engine, state.program, state.evaluation)
    if missing:
        states = tuple(s for s in states if s.missing)
    if format is Format.json:
        typer.echo(
            json.dumps(
                [
                    {
                        "goal_id": s.goal_id,
                        "owner": s.owner,
                        "status": s.status,
                        "cadence": s.cadence,
                        "due": s.due.isoformat() if s.due else None,
                        "missing": s.missing,
                        "days_overdue": s.days_overdue,
                        "agreement": s.agreement,
                        "latest": _row(s.latest) if s.latest else None,
                    }
                    for s in states
                ],
                indent=2,
            )
        )
        return
    if not states:
        typer.echo("No check-in is overdue." if missing else "No goal is evaluated.")
        return
    for s in states:
        said = (
            f"{confidence_label(s.latest.confidence)} on {s.last_day}"
            if s.latest
            else "no check-in"
        )
        due = "none asked" if s.due is None else (f"due {s.due}")
        flag = f"  MISSING: {missing_text(s)}" if s.missing else ""
        contradiction = agreement_text(s.latest.confidence, s.status) if s.latest else ""
        typer.echo(
            f"{s.goal_id:<28} {status_label(s.status):<10} {said:<26} {due:<16} {s.owner or '—'}{flag}"
        )
        if contradiction:
            typer.echo(f"  ! {contradiction}")


def register(app: typer.Typer) -> None:
    app.command("checkin")(checkin_cmd)
    app.command("checkins")(checkins_cmd)
