"""What the app shows when the program does not validate: who is looking decides, before anything is drawn.

Diagnostics quote the program (field names, ids, titles, mistyped values), so they are for the
people who may read the program: managers and the committee. The viewer is resolved first, from
the access list in program.yaml when that document itself is valid; anyone else — an anonymous
visitor, an agent, a person without a role, or everyone when program.yaml itself is broken and
roles cannot be known — reads only that the program does not validate and whom to ask.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import streamlit as st

from app.spec.program import Access, ProgramSettings
from app.ui.context import auth_configured, show_diagnostics, signed_in, viewer_for
from app.ui.roles import Capability


def program_access(result: Any) -> Access | None:
    """The access list of program.yaml when its Program document validated, else None."""
    for (kind, _), document in result.documents.items():
        if kind == "Program" and isinstance(document.model, ProgramSettings):
            return document.model.spec.access
    return None


def show_invalid_program(result: Any, root: Path) -> None:
    """Diagnostics for managers and the committee; "ask a manager" (and a sign-in) for anyone else."""
    viewer = viewer_for(program_access(result))
    if viewer is not None and viewer.can(Capability.READ_PROGRAM):
        show_diagnostics(list(result.diagnostics), root)
        return
    st.title("cxgov")
    st.warning(
        "The program does not validate, so the app cannot show it. Ask a manager of the program: "
        "`cxgov validate` lists what to fix."
    )
    if auth_configured() and not signed_in():
        st.caption("Managers and the steering committee see the findings once signed in.")
        if st.button("Sign in", type="primary", key="gate.login"):
            st.login()
