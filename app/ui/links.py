"""Links between the app's pages, with query parameters that open a page on one goal or contract."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import streamlit as st
from streamlit.errors import StreamlitAPIException

from app.textsafety import authored_markdown
from app.ui.navigation import PAGES

BY_FILE = {page.file: page for page in PAGES}


def page_link(
    file: str,
    label: str,
    *,
    query: Mapping[str, str] | None = None,
    icon: str | None = None,
    help: str | None = None,
    strong: bool = False,
) -> None:
    """`st.page_link` to the page of view `file` ("goals.py") with `query` parameters. `label` is
    authored text shown with no link inside it (`authored_markdown` with no host allowed). A page
    script run on its own (as tests run it), where the app's pages are not registered, shows the
    label without the link."""
    spec = BY_FILE[file]
    text = f"**{authored_markdown(label)}**" if strong else authored_markdown(label)
    try:
        st.page_link(
            str(spec.path),
            label=text,
            query_params=dict(query) if query else None,
            icon=icon,
            help=help,
        )
    except StreamlitAPIException:
        st.markdown(text)


def page_url(file: str, query: Mapping[str, str] | None = None) -> str:
    """The page's address relative to the app's root, for a link column in a table."""
    path = BY_FILE[file].url_path
    return f"/{path}?{urlencode(query)}" if query else f"/{path}"
