"""Who may see and hear what: the roles of `program.yaml`'s access list (pure).

Three roles: the steering committee reads everything; a manager also records and imports
actuals and check-ins; an agent sees playbooks and templates only — never contract fees, credits
or writes. The app maps a signed-in person to a role with `role_for`; `cxgov notify` maps every
address it writes to the same way, so a person hears in a message what they may see in the app.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import Literal

from pydantic import Field

from app.spec.common import Strict

Role = Literal["committee", "manager", "agent"]
ROLES: tuple[Role, ...] = ("manager", "committee", "agent")
"""Most capable first: when one address is listed under several roles, the first listed here wins."""


class Access(Strict):
    """Who gets which role when the app runs with login: e-mail addresses or `@domain` entries."""

    committee: list[str] = Field(
        default_factory=list,
        description="Steering committee: every page, reviews included (prepared, recorded and "
        "closed in the app); reads actuals but does not record or import them.",
    )
    manager: list[str] = Field(
        default_factory=list,
        description="CX managers: everything the committee sees, plus recording actuals and "
        "importing contact exports.",
    )
    agent: list[str] = Field(
        default_factory=list,
        description="Front-line agents: the Playbooks page only (no fees, credits or figures).",
    )
    default_role: Literal["committee", "manager", "agent", "none"] = Field(
        default="none",
        description="The role of a signed-in person who is not listed; `none` means no access.",
    )
    require_verified_email: bool = Field(
        default=True,
        description=(
            "Give a role only to a login whose provider says the e-mail address is verified "
            "(`email_verified: true`). Set false for a provider that does not send the claim; "
            "an address it marks unverified still gets no role."
        ),
    )


class Capability(str, Enum):
    READ_PROGRAM = "read_program"
    """Goals, roadmap, metric definitions, actuals and their history."""
    READ_MONEY = "read_money"
    """Contract fees, service credits and exposure."""
    WRITE_ACTUALS = "write_actuals"
    """Record, correct and import actuals."""
    ISSUE_CREDITS = "issue_credits"
    """Record a service credit as issued on an invoice (finance sits on the committee)."""
    READ_PLAYBOOKS = "read_playbooks"


GRANTS: dict[Role, frozenset[Capability]] = {
    "committee": frozenset(
        {
            Capability.READ_PROGRAM,
            Capability.READ_MONEY,
            Capability.ISSUE_CREDITS,
            Capability.READ_PLAYBOOKS,
        }
    ),
    "manager": frozenset(Capability),
    "agent": frozenset({Capability.READ_PLAYBOOKS}),
}


def can(role: Role | None, capability: Capability) -> bool:
    """Whether `role` grants `capability` (a person without a role is granted nothing)."""
    return role is not None and capability in GRANTS[role]


def role_for(email: str | None, access: Access) -> Role | None:
    """The role of `email` under `access`: an exact address beats a `@domain` entry; else the default.

    Returns None when the person has no role (the default role is "none").
    """
    if email:
        address = email.strip().lower()
        domain = "@" + address.rpartition("@")[2] if "@" in address else None
        exact_first: tuple[Callable[[str], bool], ...] = (
            lambda entry: entry == address,
            lambda entry: domain is not None and entry == domain,
        )
        for match in exact_first:
            for role in ROLES:
                entries = [entry.strip().lower() for entry in getattr(access, role)]
                if any(match(entry) for entry in entries):
                    return role
    return None if access.default_role == "none" else access.default_role


def listed_addresses(access: Access) -> list[str]:
    """Every address the access list names one by one (a `@domain` entry names nobody to write to)."""
    seen: dict[str, None] = {}
    for role in ROLES:
        for entry in getattr(access, role):
            address = entry.strip().lower()
            if "@" in address and not address.startswith("@"):
                seen.setdefault(address, None)
    return list(seen)
