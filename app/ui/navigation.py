"""The app's pages, grouped for the three audiences, and which of them a role may reach (pure).

A page not passed to `st.navigation` is unreachable, so the entry script passes only the pages
of `pages_for(viewer)`; each page also checks its capability itself (`page_setup`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.ui.roles import Capability, Viewer

PAGES_DIR = Path(__file__).resolve().parent / "views"
"""Not `pages/`: Streamlit would route that folder by itself, around `st.navigation` and its role check."""


@dataclass(frozen=True)
class PageSpec:
    file: str
    title: str
    section: str
    needs: Capability
    icon: str
    url_path: str

    @property
    def path(self) -> Path:
        return PAGES_DIR / self.file


COMMITTEE = "Steering committee"
MANAGERS = "Numbers and definitions"
AGENTS = "Agents"

PAGES: tuple[PageSpec, ...] = (
    PageSpec(
        "overview.py",
        "Overview",
        COMMITTEE,
        Capability.READ_MONEY,
        ":material/dashboard:",
        "overview",
    ),
    PageSpec("goals.py", "Goals", COMMITTEE, Capability.READ_PROGRAM, ":material/flag:", "goals"),
    PageSpec(
        "slas.py",
        "SLAs & credits",
        COMMITTEE,
        Capability.READ_MONEY,
        ":material/handshake:",
        "slas",
    ),
    PageSpec(
        "roadmap.py",
        "Roadmap",
        COMMITTEE,
        Capability.READ_PROGRAM,
        ":material/timeline:",
        "roadmap",
    ),
    PageSpec(
        "reviews.py", "Reviews", COMMITTEE, Capability.READ_MONEY, ":material/gavel:", "reviews"
    ),
    PageSpec(
        "actuals.py",
        "Actuals",
        MANAGERS,
        Capability.READ_PROGRAM,
        ":material/edit_note:",
        "actuals",
    ),
    PageSpec(
        "metrics.py",
        "Metric definitions",
        MANAGERS,
        Capability.READ_PROGRAM,
        ":material/functions:",
        "metrics",
    ),
    PageSpec(
        "playbooks.py",
        "Playbooks",
        AGENTS,
        Capability.READ_PLAYBOOKS,
        ":material/menu_book:",
        "playbooks",
    ),
)


def pages_for(viewer: Viewer, *, available: set[str] | None = None) -> dict[str, list[PageSpec]]:
    """Section → pages this viewer may reach, in display order (only pages whose file exists)."""
    present = available if available is not None else {p.file for p in PAGES if p.path.is_file()}
    sections: dict[str, list[PageSpec]] = {}
    for page in PAGES:
        if page.file in present and viewer.can(page.needs):
            sections.setdefault(page.section, []).append(page)
    return sections
