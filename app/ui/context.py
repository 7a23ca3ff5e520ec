"""What every page needs, loaded once and cached: the program, the store's engine, the viewer.

Caching: the engine is cached once per database URL (never a cached session); the loaded program
is cached keyed on the program files' content hash, so an edited YAML file is picked up on the
next rerun; the evaluation is keyed additionally on the store's last change, so a recorded or
imported actual shows at once and nothing is recomputed otherwise.

The program and the evaluation are cached with `st.cache_resource`, not `st.cache_data`: both are
immutable (frozen dataclasses and models), so every session can share the one object, while
`st.cache_data` would unpickle a fresh copy on every rerun — 0.4 s for the evaluation of a
500-goal program, more than the page itself. Pages must not mutate what they get (they cannot:
it is frozen).

Without login (no [auth] in secrets), the app is in local single-user mode: one person on this
machine (or, with `cxgov app --everyone-is-manager`, everyone who can reach it) acts as a manager,
and may look at the app as any role through the sidebar's "View as" switch (VIEW_AS_KEY).

Tests seed `st.session_state` (ROOT_KEY, AS_OF_KEY, VIEWER_KEY or VIEW_AS_KEY) and run a page
script directly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import Any

import streamlit as st

from app.load import program_digest
from app.periods import today_in
from app.service.attention import Attention, attention_version, needs_attention
from app.service.database import Store, open_url, store_url
from app.service.program import evaluate_at, last_change, validate
from app.spec.program import Access, Program
from app.ui.roles import (
    LOCAL_VIEWER,
    ROLE_NAMES,
    ROLES,
    Capability,
    Viewer,
    role_for_claims,
)
from app.ui.tables import data_table
from app.words import counted

ROOT_KEY = "cxgov.root"
AS_OF_KEY = "cxgov.as_of"
VIEWER_KEY = "cxgov.viewer"
VIEW_AS_KEY = "cxgov.view_as"
ROOT_ENV = "CXGOV_ROOT"
EVERYONE_ENV = "CXGOV_EVERYONE_IS_MANAGER"


def program_root() -> Path:
    seeded = st.session_state.get(ROOT_KEY)
    return Path(seeded or os.environ.get(ROOT_ENV) or ".").resolve()


def as_of(timezone: str | None = None) -> date:
    """The seeded as-of date (tests), else today in the program's timezone (UTC before it is known)."""
    seeded = st.session_state.get(AS_OF_KEY)
    if isinstance(seeded, date):
        return seeded
    return today_in(timezone or "UTC")


def content_hash(root: Path) -> str:
    """A hash of the program files' names and bytes: the cache key of the loaded program."""
    return program_digest(root)


@st.cache_resource(show_spinner=False, max_entries=8)
def load_cached(root: str, files_hash: str, today: date) -> Any:
    """The loader's result (program + diagnostics) for one version of the program files."""
    return validate(Path(root), today=today)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Store:
    return open_url(url)


@st.cache_resource(show_spinner=False, max_entries=16)
def evaluate_cached(root: str, files_hash: str, url: str, changed: str, day: date) -> Any:
    """The program's evaluation for one version of the program and one state of the store."""
    program = load_cached(root, files_hash, day).program
    return evaluate_at(engine_for(url), program, day)


def auth_configured() -> bool:
    """True when `.streamlit/secrets.toml` has an [auth] section: login is then required."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no or unreadable secrets file means no login configured
        return False


def signed_in() -> bool:
    """Whether the OIDC login has a user (`st.user` has no `is_logged_in` before any login flow)."""
    return bool(st.user.get("is_logged_in", False))


def current_viewer(program: Program) -> Viewer | None:
    """Who is looking: a seeded viewer (tests), the OIDC user mapped to a role, or local mode.

    None when login is configured and the person is not logged in or has no role.
    """
    return viewer_for(program.spec.access)


def viewer_for(access: Access | None) -> Viewer | None:
    """`current_viewer` from the access list alone (None: unknown, as when program.yaml is broken)."""
    seeded = st.session_state.get(VIEWER_KEY)
    if isinstance(seeded, Viewer):
        return seeded
    if not auth_configured():
        return local_viewer()
    if not signed_in() or access is None:
        return None
    role = role_for_claims(st.user.to_dict(), access)
    if role is None:
        return None
    email = str(st.user.get("email") or "") or None
    return Viewer(role=role, email=email, name=str(st.user.get("name") or "") or None)


def local_viewer() -> Viewer:
    """The viewer without login: a manager, looking as the role chosen under "View as"."""
    chosen = st.session_state.get(VIEW_AS_KEY)
    role = chosen if chosen in ROLES else LOCAL_VIEWER.role
    return replace(LOCAL_VIEWER, role=role)


def everyone_is_manager() -> bool:
    """Whether the operator served the app without login beyond this machine."""
    return os.environ.get(EVERYONE_ENV) == "1"


def local_notice(viewer: Viewer) -> str:
    """What every page says at its top without login."""
    who = (
        "No login: everyone who can reach this app acts as a manager"
        if everyone_is_manager()
        else "Local single-user mode: you act as a manager"
    )
    looking = (
        ""
        if viewer.role == "manager"
        else f", looking at the app as the {ROLE_NAMES[viewer.role]} sees it"
    )
    return (
        f"{who}{looking}. Add an [auth] section to .streamlit/secrets.toml to require login and map "
        "roles from program.yaml's access list."
    )


@st.cache_resource(show_spinner=False, max_entries=16)
def attention_cached(
    root: str, files_hash: str, url: str, changed: str, reviewed: str, day: date
) -> Attention:
    """What needs attention, for one version of the program, the actuals and the reviews."""
    program = load_cached(root, files_hash, day).program
    evaluation = evaluate_cached(root, files_hash, url, changed, day)
    return needs_attention(engine_for(url), program, evaluation, root=Path(root))


def warm_caches(root: Path, *, today: date | None = None) -> None:
    """Compute ahead what the first visit needs — the loaded program, its evaluation, what needs
    attention — into the very caches `page_setup` and the Overview read, with the same keys (the
    program files' hash, today in UTC and in the program's timezone — or `today`, as a seeded
    as-of date gives the pages — and the store's last changes). `app.ui.serve` runs it beside the
    server as it starts, so the first visitor does not wait."""
    from streamlit.dataframe_util import convert_anything_to_arrow_bytes

    import app.display.charts
    import app.ui.attention_view  # noqa: F401 - the pages' modules (altair with them) load now too

    convert_anything_to_arrow_bytes([{"table": 1}])  # Streamlit's tables load pandas and Arrow

    files_hash = content_hash(root)
    result = load_cached(str(root), files_hash, today or today_in("UTC"))
    if result.program is None or not result.ok:
        return
    day = today or today_in(result.program.timezone)
    url = store_url(root)
    engine = engine_for(url)
    changed = last_change(engine)
    evaluate_cached(str(root), files_hash, url, changed, day)
    attention_cached(str(root), files_hash, url, changed, attention_version(engine), day)


@dataclass(frozen=True)
class PageContext:
    root: Path
    program: Program
    viewer: Viewer
    as_of: date
    files_hash: str
    database_url: str

    @property
    def engine(self) -> Store:
        return engine_for(self.database_url)

    def evaluation(self) -> Any:
        changed = last_change(self.engine)
        return evaluate_cached(
            str(self.root), self.files_hash, self.database_url, changed, self.as_of
        )

    def attention(self) -> Attention:
        """What needs attention now (`app.service.attention.needs_attention`), cached."""
        return attention_cached(
            str(self.root),
            self.files_hash,
            self.database_url,
            last_change(self.engine),
            attention_version(self.engine),
            self.as_of,
        )


def show_diagnostics(diagnostics: list[Any], root: Path) -> None:
    """The page a program with validation errors opens to: every finding, located; no traceback."""
    errors = [d for d in diagnostics if d.severity == "error"]
    st.title("The program has validation errors")
    st.error(
        f"{counted(len(errors), 'error')} in the program at {root}. The app shows the program once they are fixed; "
        "`cxgov validate` lists the same findings."
    )
    rows = [
        {
            "location": f"{d.file}:{d.line}:{d.column}",
            "severity": d.severity,
            "code": d.code,
            "path": d.path,
            "message": d.message,
            "hint": d.hint or "",
        }
        for d in sorted(diagnostics)
    ]
    data_table(rows, hide_index=True, width="stretch", key="diagnostics")


def page_setup(title: str, *, needs: Capability) -> PageContext:
    """Load what a page needs, or explain why it cannot be shown and stop the page."""
    root = program_root()
    day = as_of()
    if not (root / "program.yaml").is_file():
        st.title(title)
        st.error(
            f"No program.yaml in {root}. Start the app from a program's folder: `cxgov app PATH`."
        )
        st.stop()
    files_hash = content_hash(root)
    result = load_cached(str(root), files_hash, day)
    if result.program is None or not result.ok:
        from app.ui.gate import show_invalid_program

        show_invalid_program(result, root)
        st.stop()
    day = as_of(result.program.timezone)
    viewer = current_viewer(result.program)
    if viewer is None:
        st.title(title)
        st.warning("You are not signed in with an account that has a role in this program.")
        st.stop()
    if not viewer.can(needs):
        st.title(title)
        st.error(f"This page is not available to the {viewer.role} role.")
        st.stop()
    if viewer.local:
        st.caption(local_notice(viewer))
    st.title(title)
    return PageContext(root, result.program, viewer, day, files_hash, store_url(root))
