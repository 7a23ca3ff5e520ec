"""Help-desk links to a playbook: each help desk's placeholders, nothing else left unencoded."""

from __future__ import annotations

from typing import get_args

from conftest import make_playbook, template, variable

from app.playbooks.links import HELP_DESKS, ticket_link
from app.spec.playbook import TicketField


def playbook():  # type: ignore[no-untyped-def]
    return make_playbook(
        [template("{{ case_id }} {{ customer_name }} {{ note }}")],
        [
            variable("case_id") | {"from_ticket": "ticket_id"},
            variable("customer_name") | {"from_ticket": "requester_name"},
            variable("note"),
        ],
        id="late_delivery",
    )


def test_every_help_desk_knows_every_ticket_field() -> None:
    for desk in HELP_DESKS.values():
        assert set(desk.placeholders) == set(get_args(TicketField))


def test_a_relative_generic_link() -> None:
    link = ticket_link(playbook(), "generic", template="note", locale="de-AT")
    assert link.url == (
        "playbooks?playbook=late_delivery&template=note&locale=de-AT"
        "&case_id={TICKET_ID}&customer_name={REQUESTER_NAME}"
    )
    assert dict(link.filled) == {"case_id": "ticket_id", "customer_name": "requester_name"}
    assert link.unfilled == ()


def test_placeholders_stay_literal_and_the_base_url_is_joined_once() -> None:
    url = ticket_link(playbook(), "zendesk", base_url="https://cx.example.com/support/").url
    assert url.startswith("https://cx.example.com/support/playbooks?playbook=late_delivery&")
    assert url.endswith("&case_id={{ticket.id}}&customer_name={{ticket.requester.name}}")
    assert "note" not in url  # a variable without a ticket field is typed by the agent
