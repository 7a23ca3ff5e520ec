"""Who may see and do what in the app (pure: no Streamlit).

Three roles: the steering committee reads everything; a manager also records and imports
actuals; an agent sees playbooks and templates only — never contract fees, credits or writes.
OIDC login says who a person is; this module maps that identity to a role from
`program.spec.access` (e-mail addresses or `@domain` entries).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Literal

from app.spec.program import Access

Role = Literal["committee", "manager", "agent"]
ROLES: tuple[Role, ...] = ("manager", "committee", "agent")
"""Most capable first: when one address is listed under several roles, the first listed here wins."""


class Capability(str, Enum):
    READ_PROGRAM = "read_program"
    """Goals, roadmap, metric definitions, actuals and their history."""
    READ_MONEY = "read_money"
    """Contract fees, service credits and exposure."""
    WRITE_ACTUALS = "write_actuals"
    """Record, correct and import actuals."""
    READ_PLAYBOOKS = "read_playbooks"


GRANTS: dict[Role, frozenset[Capability]] = {
    "committee": frozenset(
        {Capability.READ_PROGRAM, Capability.READ_MONEY, Capability.READ_PLAYBOOKS}
    ),
    "manager": frozenset(Capability),
    "agent": frozenset({Capability.READ_PLAYBOOKS}),
}


@dataclass(frozen=True)
class Viewer:
    """The person looking at the app. `local` means no login is configured (single-user mode)."""

    role: Role
    email: str | None = None
    name: str | None = None
    local: bool = False

    def can(self, capability: Capability) -> bool:
        return capability in GRANTS[self.role]

    @property
    def author(self) -> str:
        """The name written on what this person records."""
        return self.email or self.name or "local user"


LOCAL_VIEWER = Viewer(role="manager", name="local user", local=True)


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
