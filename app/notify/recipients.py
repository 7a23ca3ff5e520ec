"""Who hears what (pure): people by e-mail, chat rooms as one recipient each.

People are every address the program names one by one — owners of goals, metrics, contracts,
roadmaps and their items, and the access list's entries (a `@domain` entry names nobody to
write to). A person's role is what the app would give them (`app.spec.access.role_for`).

A recipient hears an event when it is the owner of the event's item, or when its role is in the
event kind's audience:

| kind | owner | manager | committee | agent |
| --- | --- | --- | --- | --- |
| goal_worse | yes | yes | yes | — |
| sla_at_risk | yes | yes | yes | yes, without amounts |
| credit_owed | only with the money capability | yes | yes | never |
| roadmap_overdue | yes | yes | yes | — |
| stale_series | yes | yes | — | — |
| checkin_missing | yes | — | — | — |

A chat room hears as its `role` (its members are not known to cxgov), so it hears no owner's
events beyond its role's. A missing check-in is a reminder to its owner alone; who is late is
listed in the app and in the review pack. `events:` on a channel or a person narrows further. Amounts reach only a
recipient whose role may read money (committee, manager): the renderer is told so by `money`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from app.notify.events import Event
from app.spec.access import Capability, Role, can, listed_addresses, role_for
from app.spec.notifications import EventKind, Notifications
from app.spec.program import Program

AUDIENCE: dict[str, frozenset[str]] = {
    "goal_worse": frozenset({"manager", "committee"}),
    "sla_at_risk": frozenset({"manager", "committee", "agent"}),
    "credit_owed": frozenset({"manager", "committee"}),
    "roadmap_overdue": frozenset({"manager", "committee"}),
    "stale_series": frozenset({"manager"}),
    "checkin_missing": frozenset(),
}
MONEY_KINDS: frozenset[str] = frozenset({"credit_owed"})
"""Kinds that are about money and nothing else: never sent to a recipient who may not read it."""


@dataclass(frozen=True)
class Recipient:
    channel: str
    """The channel's id in program.yaml."""
    address: str
    """A person's e-mail address (lower case), or `#channel` for a chat room."""
    role: Role | None
    locale: str
    money: bool
    """Whether amounts may be shown."""
    kinds: frozenset[str] | None
    """Only these kinds (None: every kind)."""
    room: bool = False

    @property
    def label(self) -> str:
        return f"{self.address} ({self.channel})" if not self.room else f"chat {self.channel}"


def program_people(program: Program) -> list[str]:
    """Every address the program names: owners first (in document order), then the access list."""
    names: list[str | None] = [program.settings.metadata.owner]
    for group in (program.goals, program.metrics, program.contracts, program.roadmaps):
        names += [doc.metadata.owner for doc in group.values()]
    for roadmap in program.roadmaps.values():
        names += [item.owner for phase in roadmap.spec.phases for item in phase.items]
    seen: dict[str, None] = {}
    for name in names:
        if name and "@" in name:
            seen.setdefault(name.strip().lower(), None)
    for address in listed_addresses(program.spec.access):
        seen.setdefault(address, None)
    return list(seen)


def _kinds(*filters: Sequence[EventKind]) -> frozenset[str] | None:
    narrowed: frozenset[str] | None = None
    for chosen in filters:
        if chosen:
            narrowed = frozenset(chosen) if narrowed is None else narrowed & frozenset(chosen)
    return narrowed


def recipients(program: Program, notifications: Notifications) -> list[Recipient]:
    """Every recipient the program's notification settings reach."""
    spec = program.spec
    found: list[Recipient] = []
    for channel in notifications.channels:
        if channel.type == "chat":
            role = channel.role
            found.append(
                Recipient(
                    channel=channel.id,
                    address=f"#{channel.id}",
                    role=role,
                    locale=channel.locale or spec.default_locale,
                    money=can(role, Capability.READ_MONEY),
                    kinds=_kinds(channel.events),
                    room=True,
                )
            )
            continue
        for address in program_people(program):
            person = notifications.person(address)
            role = role_for(address, spec.access)
            found.append(
                Recipient(
                    channel=channel.id,
                    address=address,
                    role=role,
                    locale=(person.locale if person and person.locale else spec.default_locale),
                    money=can(role, Capability.READ_MONEY),
                    kinds=_kinds(channel.events, person.events if person else []),
                )
            )
    return found


def hears(recipient: Recipient, event: Event) -> bool:
    if recipient.kinds is not None and event.kind not in recipient.kinds:
        return False
    if event.kind in MONEY_KINDS and not recipient.money:
        return False
    owner = not recipient.room and recipient.address in {o.lower() for o in event.owners}
    return owner or (recipient.role is not None and recipient.role in AUDIENCE[event.kind])


def route(
    program: Program, notifications: Notifications, events: Iterable[Event]
) -> list[tuple[Recipient, list[Event]]]:
    """Each recipient with the events it hears (recipients that hear nothing are left out)."""
    events = list(events)
    routed = []
    for recipient in recipients(program, notifications):
        heard = [event for event in events if hears(recipient, event)]
        if heard:
            routed.append((recipient, heard))
    return routed
