"""Check-in cadences and where `cxgov notify` sends what (pure: the shapes of program.yaml).

Secrets never live in the YAML: a channel names the environment variable that holds its Apprise
URL (`mailtos://user:password@smtp.example.com?from=…`, `slack://…`, `msteams://…`), so the
program repository can be public inside the company while the credentials stay with the
scheduler that runs `cxgov notify`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from app.spec.common import Id, Strict

CheckinCadence = Literal["weekly", "fortnightly", "monthly", "none"]
"""How often a goal's owner says how confident they are: a check-in is due one cadence after the
last one (`none`: the goal asks for no check-ins)."""

CHECKIN_CADENCES: tuple[str, ...] = ("weekly", "fortnightly", "monthly", "none")

EventKind = Literal[
    "goal_worse",
    "sla_at_risk",
    "credit_owed",
    "roadmap_overdue",
    "stale_series",
    "checkin_missing",
]
EVENT_KINDS: tuple[EventKind, ...] = (
    "goal_worse",
    "sla_at_risk",
    "credit_owed",
    "roadmap_overdue",
    "stale_series",
    "checkin_missing",
)

EnvName = Annotated[
    str,
    Field(
        pattern=r"^[A-Z][A-Z0-9_]*$",
        description="The name of an environment variable (upper case, digits, '_').",
        examples=["CXGOV_NOTIFY_EMAIL"],
    ),
]
Address = Annotated[
    str,
    Field(
        pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$",
        description="An e-mail address.",
        examples=["jonas.keller@example.com"],
    ),
]
LocaleName = Annotated[
    str, Field(pattern=r"^[a-z]{2}(-[A-Z]{2})?$", description="A locale such as `en` or `de`.")
]


class Channel(Strict):
    """Where messages go: the people's e-mail, or a chat room that hears as one recipient."""

    id: Id = Field(description="The channel's name, unique in the program (`email`, `ops-chat`).")
    type: Literal["email", "chat"] = Field(
        description=(
            "email: each person gets their own digest at their address; chat: the room gets one "
            "digest, written for `role`."
        )
    )
    url_env: EnvName = Field(
        description=(
            "The environment variable holding the channel's Apprise URL, secret included "
            "(never the URL itself: it would be committed)."
        )
    )
    role: Literal["committee", "manager", "agent"] | None = Field(
        default=None,
        description="A chat room only: what the room may hear, as that role (an agent room hears no money).",
    )
    locale: LocaleName | None = Field(
        default=None, description="A chat room only: its language (default: the program's)."
    )
    events: list[EventKind] = Field(
        default_factory=list,
        description="Only these kinds of event (empty: every kind its audience hears).",
    )

    @model_validator(mode="after")
    def _room_or_people(self) -> Channel:
        if self.type == "chat" and self.role is None:
            raise ValueError(
                "a chat channel needs `role` (committee, manager or agent): it decides what the "
                "room may hear — an agent room never hears amounts"
            )
        if self.type == "email" and (self.role is not None or self.locale is not None):
            raise ValueError(
                "an e-mail channel writes to each person as their own role and locale: give "
                "`role` and `locale` only to a chat channel (a person's locale goes under `people`)"
            )
        return self


class Person(Strict):
    """One person's preferences: their language, and optionally fewer kinds of event."""

    address: Address = Field(description="The person's e-mail address, as the YAML names them.")
    locale: LocaleName | None = Field(
        default=None,
        description="The language their messages are written in (default: the program's `default_locale`).",
    )
    events: list[EventKind] = Field(
        default_factory=list,
        description="Only these kinds of event (empty: everything the person's role and items bring).",
    )


class Notifications(Strict):
    """Where `cxgov notify` sends what is new; messages link back to the app at `spec.app_url`."""

    channels: list[Channel] = Field(
        min_length=1, description="Where messages go: one e-mail channel and any chat rooms."
    )
    people: list[Person] = Field(
        default_factory=list,
        description="Preferences of people who need them: a language, fewer kinds of event.",
    )

    def person(self, address: str) -> Person | None:
        wanted = address.strip().lower()
        return next((p for p in self.people if p.address.lower() == wanted), None)
