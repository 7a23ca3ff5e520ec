"""The app's entry script (`cxgov app` runs it): login, role, and the pages that role may reach."""

from __future__ import annotations

import streamlit as st

from app.ui.context import (
    as_of,
    auth_configured,
    content_hash,
    current_viewer,
    load_cached,
    program_root,
    signed_in,
)
from app.ui.gate import show_invalid_program
from app.ui.navigation import pages_for

st.set_page_config(page_title="cxgov", page_icon=":material/insights:", layout="wide")


def _no_access() -> None:
    st.title("cxgov")
    if not signed_in():
        st.write("Sign in to see the customer-experience program.")
        if st.button("Sign in", type="primary", key="login"):
            st.login()
    else:
        st.warning(
            f"{st.user.get('email')} has no role in this program. Ask its owner to add you to program.yaml's access list."
        )
        if st.button("Sign out", key="logout"):
            st.logout()


def _no_page() -> None:
    st.info("No page is available to your role yet.")


def _run() -> None:
    root = program_root()
    if not (root / "program.yaml").is_file():
        st.title("cxgov")
        st.error(
            f"No program.yaml in {root}. Start the app from a program's folder: `cxgov app PATH`."
        )
        return
    result = load_cached(str(root), content_hash(root), as_of())
    if result.program is None or not result.ok:
        st.navigation(
            [
                st.Page(
                    lambda: show_invalid_program(result, root),
                    title="Program status",
                    icon=":material/error:",
                )
            ]
        ).run()
        return
    viewer = current_viewer(result.program)
    if viewer is None:
        st.navigation([st.Page(_no_access, title="Sign in", icon=":material/login:")]).run()
        return
    sections = pages_for(viewer)
    if not sections:
        st.navigation([st.Page(_no_page, title="cxgov")]).run()
        return
    with st.sidebar:
        st.caption(result.program.spec.name)
        if viewer.local:
            st.caption("Local single-user mode (manager).")
        else:
            st.caption(f"{viewer.author} · {viewer.role}")
            if auth_configured() and st.button("Sign out", key="logout"):
                st.logout()
    navigation = {
        section: [
            st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path)
            for page in pages
        ]
        for section, pages in sections.items()
    }
    first = next(iter(navigation.values()))
    first.insert(0, _landing(first[0]))
    st.navigation(navigation).run()


def _landing(page: st.Page) -> st.Page:
    """The app's root URL, hidden from the menu: it moves on to `page` (the viewer's first page).

    Streamlit serves its default page at `/` only, so were the first page the default, its own
    address (`/overview`, bookmarked or sent in a mail) would open under a "Page not found" box.
    """
    return st.Page(
        lambda: st.switch_page(page),
        title="cxgov",
        url_path="start",
        default=True,
        visibility="hidden",
    )


_run()
