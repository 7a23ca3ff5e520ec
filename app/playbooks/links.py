"""Links from a help-desk ticket to a playbook, with the ticket's fields filled in (pure).

A playbook variable says which ticket field fills it (`from_ticket: ticket_id`); each help desk
writes that field in its own placeholder language, which it fills in when the agent opens the
link from a ticket (a macro, a canned response, a link app). The page reads the values as plain
text into the form and then removes them from the address bar (`app.ui.views.playbooks`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import get_args
from urllib.parse import quote, urlencode

from app.errors import NotFound, UsageError
from app.spec.playbook import Playbook, TicketField

PAGE_URL_PATH = "playbooks"
"""The page's `url_path` in `app.ui.navigation.PAGES`."""


@dataclass(frozen=True)
class HelpDesk:
    name: str
    placeholders: Mapping[TicketField, str | None]
    """Ticket field → the help desk's placeholder; None where it has none."""
    where: str
    """Where in the help desk such a link goes, for the person setting it up."""


HELP_DESKS: Mapping[str, HelpDesk] = {
    "zendesk": HelpDesk(
        "Zendesk",
        {
            "ticket_id": "{{ticket.id}}",
            "ticket_subject": "{{ticket.title}}",
            "requester_name": "{{ticket.requester.name}}",
            "requester_first_name": "{{ticket.requester.first_name}}",
            "requester_email": "{{ticket.requester.email}}",
            "organization": "{{ticket.organization.name}}",
            "agent_name": "{{current_user.name}}",
            "agent_first_name": "{{current_user.first_name}}",
        },
        "Put it in a macro that adds it to the ticket as an internal note, or in a link app in "
        "the ticket sidebar.",
    ),
    "freshdesk": HelpDesk(
        "Freshdesk",
        {
            "ticket_id": "{{ticket.id}}",
            "ticket_subject": "{{ticket.subject}}",
            "requester_name": "{{ticket.requester.name}}",
            "requester_first_name": "{{ticket.requester.firstname}}",
            "requester_email": "{{ticket.requester.email}}",
            "organization": "{{ticket.company.name}}",
            "agent_name": "{{ticket.agent.name}}",
            "agent_first_name": None,
        },
        "Put it in a canned response, or in a private note that a scenario automation adds.",
    ),
    "generic": HelpDesk(
        "Generic",
        {field: "{" + field.upper() + "}" for field in get_args(TicketField)},
        "Put it wherever your help desk builds links from ticket fields, with each {FIELD} "
        "replaced by that help desk's placeholder for it.",
    ),
}


@dataclass(frozen=True)
class TicketLink:
    url: str
    helpdesk: HelpDesk
    filled: Mapping[str, TicketField]
    """Variable name → the ticket field that fills it."""
    unfilled: tuple[str, ...]
    """Variables that name a ticket field this help desk has no placeholder for."""


def ticket_link(
    playbook: Playbook,
    helpdesk: str,
    *,
    base_url: str | None = None,
    template: str | None = None,
    locale: str | None = None,
) -> TicketLink:
    """The link a help desk turns into one that opens `playbook` with the ticket's fields filled.

    Placeholders stay literal (a help desk must find them); everything else is URL-encoded.
    """
    desk = HELP_DESKS.get(helpdesk)
    if desk is None:
        raise UsageError(f"unknown help desk {helpdesk!r}; choose one of: {', '.join(HELP_DESKS)}")
    if template is not None and template not in {t.id for t in playbook.spec.templates}:
        known = ", ".join(dict.fromkeys(t.id for t in playbook.spec.templates)) or "none"
        raise NotFound(
            f"playbook {playbook.id!r} has no template {template!r}; its templates: {known}"
        )
    fixed = {"playbook": playbook.id}
    if template:
        fixed["template"] = template
    if locale:
        fixed["locale"] = locale
    filled: dict[str, TicketField] = {}
    unfilled: list[str] = []
    parts = [urlencode(fixed)]
    for variable in playbook.spec.variables:
        if variable.from_ticket is None:
            continue
        placeholder = desk.placeholders.get(variable.from_ticket)
        if placeholder is None:
            unfilled.append(variable.name)
            continue
        filled[variable.name] = variable.from_ticket
        parts.append(f"{quote(variable.name)}={placeholder}")
    root = (base_url or "").rstrip("/")
    path = f"{root}/{PAGE_URL_PATH}" if root else PAGE_URL_PATH
    return TicketLink(f"{path}?{'&'.join(parts)}", desk, filled, tuple(unfilled))
