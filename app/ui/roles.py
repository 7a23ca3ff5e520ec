"""Who may see and do what in the app (pure: no Streamlit).

Three roles: the steering committee reads everything and records service credits as issued on
invoices (finance sits on it); a manager also records and imports actuals; an agent sees
playbooks and templates only — never contract fees, credits or writes.
OIDC login says who a person is; `app.spec.access.role_for` maps that identity to a role from
`program.spec.access` (e-mail addresses or `@domain` entries) — the same mapping `cxgov notify`
uses for the people it writes to. An address the identity provider has not verified proves
nothing (anyone can sign up at a provider with someone else's address), so it gets no role: see
`role_for_claims`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from app.spec.access import GRANTS, ROLES, Access, Capability, Role, role_for

__all__ = [
    "GRANTS",
    "LOCAL_VIEWER",
    "ROLES",
    "ROLE_NAMES",
    "VIEW_AS_ORDER",
    "Capability",
    "Role",
    "Viewer",
    "email_verified",
    "role_for",
    "role_for_claims",
]

ROLE_NAMES: dict[Role, str] = {
    "committee": "steering committee",
    "manager": "CX manager",
    "agent": "front-line agent",
}
VIEW_AS_ORDER: tuple[Role, ...] = ("committee", "manager", "agent")
"""The order of the "View as" switch: the committee first, whose app this mostly is."""


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
