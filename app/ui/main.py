"""The app's entry script (`cxgov app` runs it): login, role, and the pages that role may reach.

The navigation is drawn in the sidebar with `st.page_link`, grouped by audience, rather than by
`st.navigation`'s own sectioned menu, whose list items sit outside any list (an accessibility
audit's "listitem" violation, in Streamlit's markup). Without login, the sidebar also offers
"View as": committee, manager or agent, each with exactly the pages of that role.
"""

from __future__ import annotations

import streamlit as st

from app.textsafety import authored_markdown
from app.ui.context import (
    VIEW_AS_KEY,
    as_of,
    auth_configured,
    content_hash,
    current_viewer,
    everyone_is_manager,
    load_cached,
    program_root,
    signed_in,
)
from app.ui.gate import show_invalid_program
from app.ui.navigation import PageSpec, pages_for
from app.ui.roles import ROLE_NAMES, VIEW_AS_ORDER, Viewer

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
    navigation = {
        section: [
            st.Page(page.path, title=page.title, icon=page.icon, url_path=page.url_path)
            for page in pages
        ]
        for section, pages in sections.items()
    }
    first = next(iter(navigation.values()))
    landing = _landing(first[0])
    current = st.navigation(
        [landing, *(p for ps in navigation.values() for p in ps)], position="hidden"
    )
    _sidebar(
        authored_markdown(result.program.spec.name, result.program.spec.link_domains),
        viewer,
        sections,
        navigation,
    )
    current.run()


VIEW_AS_WIDGET = "cxgov.view_as.widget"


def _remember_role() -> None:
    """Keep the chosen role under a key of its own: a widget's state does not outlive a switch to
    another page, and changing role may move the viewer to another page."""
    st.session_state[VIEW_AS_KEY] = st.session_state[VIEW_AS_WIDGET]


def _sidebar(
    name_markdown: str,
    viewer: Viewer,
    sections: dict[str, list[PageSpec]],
    navigation: dict[str, list[st.Page]],
) -> None:
    """The program's name, who is looking (and, without login, "View as"), and the pages."""
    with st.sidebar:
        st.markdown(f"**{name_markdown}**")
        if viewer.local:
            st.radio(
                "View as",
                VIEW_AS_ORDER,
                index=VIEW_AS_ORDER.index(viewer.role),
                key=VIEW_AS_WIDGET,
                on_change=_remember_role,
                format_func=lambda role: ROLE_NAMES[role],
                help="Without login you act as a manager. Choose a role to see exactly the pages "
                "that role sees.",
            )
            st.caption(
                "No login: everyone who can reach this app acts as a manager."
                if everyone_is_manager()
                else "Local single-user mode: only this machine can reach the app."
            )
        else:
            st.caption(authored_markdown(f"{viewer.author} · {ROLE_NAMES[viewer.role]}"))
            if auth_configured() and st.button("Sign out", key="logout"):
                st.logout()
        for section, pages in navigation.items():
            st.markdown(f"**{section}**")
            for spec, page in zip(sections[section], pages):
                st.page_link(page, label=spec.title, icon=spec.icon)


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
