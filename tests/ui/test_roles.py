"""Roles: who reaches which page and may do what (pure parts of the app)."""

from __future__ import annotations

import pytest

from app.spec.program import Access
from app.ui.navigation import AGENTS, PAGES, pages_for
from app.ui.roles import LOCAL_VIEWER, Capability, Viewer, role_for

ACCESS = Access(
    committee=["dana@example.com", "Raj@Example.com"],
    manager=["priya@example.com", "dana@example.com"],
    agent=["@support.example.com"],
)
ALL_FILES = {page.file for page in PAGES}


@pytest.mark.parametrize(
    ("email", "role"),
    [
        ("raj@example.com", "committee"),  # case-insensitive
        ("priya@example.com", "manager"),
        ("dana@example.com", "manager"),  # listed twice: the more capable role
        ("sam@support.example.com", "agent"),  # by domain
        ("eve@elsewhere.example.com", None),  # default_role none
        (None, None),
    ],
)
def test_role_for_maps_addresses_and_domains(email: str | None, role: str | None) -> None:
    assert role_for(email, ACCESS) == role


def test_an_exact_address_beats_a_domain_entry() -> None:
    access = Access(committee=["boss@support.example.com"], agent=["@support.example.com"])
    assert role_for("boss@support.example.com", access) == "committee"
    assert role_for("temp@support.example.com", access) == "agent"


def test_default_role_applies_to_unknown_people() -> None:
    assert role_for("anyone@example.org", Access(default_role="committee")) == "committee"


def test_agent_reaches_only_playbooks() -> None:
    sections = pages_for(Viewer(role="agent"), available=ALL_FILES)
    assert list(sections) == [AGENTS]
    assert [p.file for p in sections[AGENTS]] == ["playbooks.py"]
    agent = Viewer(role="agent")
    assert not agent.can(Capability.READ_MONEY)
    assert not agent.can(Capability.WRITE_ACTUALS)
    assert not agent.can(Capability.READ_PROGRAM)


def test_committee_reads_everything_but_cannot_write() -> None:
    committee = Viewer(role="committee")
    files = [p.file for pages in pages_for(committee, available=ALL_FILES).values() for p in pages]
    assert files == [p.file for p in PAGES]
    assert committee.can(Capability.READ_MONEY)
    assert not committee.can(Capability.WRITE_ACTUALS)


def test_local_mode_is_a_manager_and_says_so() -> None:
    assert LOCAL_VIEWER.local and LOCAL_VIEWER.role == "manager"
    assert LOCAL_VIEWER.can(Capability.WRITE_ACTUALS)


def test_pages_without_a_file_are_not_offered() -> None:
    sections = pages_for(Viewer(role="manager"), available={"goals.py"})
    assert [p.file for pages in sections.values() for p in pages] == ["goals.py"]
