"""`cxgov playbook list`, `render` and `link`: find a playbook, fill a template, link it from tickets.

`render` writes the message itself (subject, blank line, body) to stdout so that it can be piped
or copied, and the note on which locale was used to stderr. `link` writes the help-desk link to
stdout and what it fills to stderr.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from app.cli.common import Format, FormatOption, RootArg, RootOption
from app.errors import NotFound, UsageError
from app.playbooks.links import HELP_DESKS, ticket_link
from app.playbooks.render import Rendered, render_template
from app.playbooks.search import (
    PlaybookHit,
    closest_playbooks,
    playbook_channels,
    search_playbooks,
)
from app.service.program import valid_program
from app.spec.playbook import Playbook
from app.spec.program import Program

playbook_app = typer.Typer(
    help="Recovery playbooks: find one, fill in its message templates.", no_args_is_help=True
)


def parse_vars(items: list[str] | None) -> dict[str, str]:
    """`--var name=value` (repeatable) → {name: value}; the value may contain `=` and be empty."""
    values: dict[str, str] = {}
    for item in items or []:
        name, sep, value = item.partition("=")
        name = name.strip()
        if not sep or not name:
            raise UsageError(f"--var expects name=value, got {item!r}")
        if name in values:
            raise UsageError(f"--var {name} is given twice")
        values[name] = value
    return values


def _templates_summary(playbook: Playbook) -> list[dict[str, Any]]:
    by_id: dict[str, dict[str, Any]] = {}
    for template in playbook.spec.templates:
        entry = by_id.setdefault(
            template.id, {"id": template.id, "channel": template.channel, "locales": []}
        )
        entry["locales"].append(template.locale)
    return list(by_id.values())


def _hit_json(hit: PlaybookHit) -> dict[str, Any]:
    playbook = hit.playbook
    return {
        "id": playbook.id,
        "title": playbook.metadata.title,
        "situation": playbook.spec.situation,
        "tags": list(playbook.spec.tags),
        "channels": sorted(playbook_channels(playbook)),
        "protects": {
            "metrics": list(playbook.spec.protects.metrics),
            "objectives": list(playbook.spec.protects.objectives),
        },
        "templates": _templates_summary(playbook),
        "matched": list(hit.matched),
    }


def _hit_text(hit: PlaybookHit) -> str:
    playbook = hit.playbook
    protects = [*playbook.spec.protects.metrics, *playbook.spec.protects.objectives]
    templates = ", ".join(
        f"{t['id']} ({', '.join(t['locales'])})" for t in _templates_summary(playbook)
    )
    details = [f"channels: {', '.join(sorted(playbook_channels(playbook))) or '—'}"]
    if protects:
        details.append(f"protects: {', '.join(protects)}")
    details.append(f"templates: {templates or '—'}")
    return f"{playbook.id}  {playbook.metadata.title}\n  " + " · ".join(details)


def _rendered_json(playbook: Playbook, rendered: Rendered) -> dict[str, Any]:
    return {
        "playbook": playbook.id,
        "template": rendered.template_id,
        "channel": rendered.channel,
        "requested_locale": rendered.requested_locale,
        "locale_used": rendered.locale_used,
        "fell_back": rendered.fell_back,
        "note": rendered.note,
        "subject": rendered.subject,
        "body": rendered.body,
    }


def list_command(
    root: RootArg = Path("."),
    search: Annotated[
        str,
        typer.Option(
            "--search",
            help="What happened, in any words: synonyms, word forms and typos count; best first.",
        ),
    ] = "",
    channel: Annotated[
        str | None, typer.Option("--channel", help="Only playbooks for this channel.")
    ] = None,
    protects: Annotated[
        str | None,
        typer.Option(
            "--protects", help="Only playbooks protecting this metric id or contract/objective."
        ),
    ] = None,
    output: FormatOption = Format.text,
) -> None:
    """List playbooks, best match first."""
    program = valid_program(root)
    hits = search_playbooks(program, search, channel=channel, protects=protects)
    if output is Format.json:
        typer.echo(
            json.dumps(
                {"playbooks": [_hit_json(hit) for hit in hits]}, indent=2, ensure_ascii=False
            )
        )
        return
    if not hits:
        closest = closest_playbooks(program, search, channel=channel, protects=protects)
        typer.echo("No playbook matches.")
        if closest:
            typer.echo("Closest: " + "; ".join(f"{pb.id}  {pb.metadata.title}" for pb in closest))
        return
    typer.echo("\n".join(_hit_text(hit) for hit in hits))


def _playbook(program: Program, playbook_id: str) -> Playbook:
    playbook = program.playbooks.get(playbook_id)
    if playbook is None:
        known = ", ".join(sorted(program.playbooks)) or "none"
        raise NotFound(f"no playbook {playbook_id!r}; playbooks: {known}")
    return playbook


def render_command(
    playbook_id: Annotated[str, typer.Argument(metavar="PLAYBOOK", help="Playbook id.")],
    template_id: Annotated[
        str, typer.Argument(metavar="TEMPLATE", help="Template id within the playbook.")
    ],
    var: Annotated[
        list[str] | None, typer.Option("--var", help="A variable, name=value (repeatable).")
    ] = None,
    locale: Annotated[
        str | None, typer.Option("--locale", help="The customer's locale, e.g. de.")
    ] = None,
    root: RootOption = Path("."),
    output: FormatOption = Format.text,
) -> None:
    """Fill a playbook's message template; missing required variables are named."""
    values = parse_vars(var)
    program = valid_program(root)
    playbook = _playbook(program, playbook_id)
    rendered = render_template(
        playbook, template_id, values, locale=locale, default_locale=program.spec.default_locale
    )
    if output is Format.json:
        typer.echo(json.dumps(_rendered_json(playbook, rendered), indent=2, ensure_ascii=False))
        return
    typer.echo(rendered.note, err=True)
    if rendered.subject is not None:
        typer.echo(f"Subject: {rendered.subject}\n")
    typer.echo(rendered.body, nl=not rendered.body.endswith("\n"))


def link_command(
    playbook_id: Annotated[str, typer.Argument(metavar="PLAYBOOK", help="Playbook id.")],
    helpdesk: Annotated[
        str,
        typer.Option("--helpdesk", help=f"Whose placeholders to use: {', '.join(HELP_DESKS)}."),
    ] = "generic",
    template: Annotated[
        str | None, typer.Option("--template", help="Open this template of the playbook.")
    ] = None,
    locale: Annotated[
        str | None, typer.Option("--locale", help="Open the template in this locale, e.g. de.")
    ] = None,
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="The app's address; default: program.yaml's spec.app_url."),
    ] = None,
    root: RootOption = Path("."),
    output: FormatOption = Format.text,
) -> None:
    """Print the link a help desk fills from a ticket to open a playbook with the ticket's fields."""
    program = valid_program(root)
    playbook = _playbook(program, playbook_id)
    link = ticket_link(
        playbook,
        helpdesk,
        base_url=base_url or program.spec.app_url,
        template=template,
        locale=locale,
    )
    if output is Format.json:
        document = {
            "playbook": playbook.id,
            "helpdesk": helpdesk,
            "url": link.url,
            "fills": dict(link.filled),
            "unfilled": list(link.unfilled),
            "where": link.helpdesk.where,
        }
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
        return
    typer.echo(link.url)
    labels = {v.name: v.shown_label for v in playbook.spec.variables}
    fills = ", ".join(f"{labels[name]} ({field})" for name, field in link.filled.items())
    typer.echo(
        f"Filled from the ticket: {fills or 'nothing (no variable names a ticket field)'}.",
        err=True,
    )
    if link.unfilled:
        missing = ", ".join(labels[name] for name in link.unfilled)
        typer.echo(
            f"{link.helpdesk.name} has no placeholder for: {missing}; the agent types it.",
            err=True,
        )
    if not (base_url or program.spec.app_url):
        typer.echo(
            "The link is relative: set spec.app_url in program.yaml or pass --base-url.",
            err=True,
        )
    typer.echo(link.helpdesk.where, err=True)


playbook_app.command("list")(list_command)
playbook_app.command("render")(render_command)
playbook_app.command("link")(link_command)


def register(app: typer.Typer) -> None:
    app.add_typer(playbook_app, name="playbook")
