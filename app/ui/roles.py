"""Who may see and do what in the app (pure: no Streamlit).

Three roles: the steering committee reads everything and records service credits as issued on
invoices (finance sits on it); a manager also records and imports actuals; an agent sees
playbooks and templates only — never contract fees, credits or writes.
OIDC login says who a person is; this module maps that identity to a role from
`program.spec.access` (e-mail addresses or `@domain` entries). An address the identity provider
has not verified proves nothing (anyone can sign up at a provider with someone else's address),
so it gets no role: see `role_for_claims`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
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


def email_verified(claims: Mapping[str, object], *, required: bool) -> bool:
    """Whether the login's `email_verified` claim vouches for its address.

    An explicit false (or "false") never does. A missing claim does only when `required` is
    false (`access.require_verified_email: false`, for providers that do not send it).
    """
    claim = claims.get("email_verified")
    if claim is None:
        return not required
    if isinstance(claim, str):
        return claim.strip().lower() == "true"
    return claim is True


def role_for_claims(claims: Mapping[str, object], access: Access) -> Role | None:
    """The role of the signed-in person described by OIDC `claims` (`email`, `email_verified`).

    A login whose address is not verified gets no role at all, not even `default_role`.
    """
    if not email_verified(claims, required=access.require_verified_email):
        return None
    return role_for(str(claims.get("email") or "") or None, access)
