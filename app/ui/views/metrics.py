"""Metric definitions: the catalogue, each metric's formula in words, its parameters and users."""

from __future__ import annotations

import streamlit as st

from app.textsafety import authored_markdown
from app.ui.catalogue import catalogue_rows, parameters_text, used_by
from app.ui.context import page_setup
from app.ui.roles import Capability
from app.ui.table_view import fitted_table
from app.words import counted

ctx = page_setup("Metric definitions", needs=Capability.READ_PROGRAM)


def md(text: str) -> str:
    """Authored text as Markdown: links only to the program's `link_domains`."""
    return authored_markdown(text, ctx.program.spec.link_domains)


st.caption(
    "How every number in the program is calculated. A definition is versioned YAML in goals/: a change to "
    "one goes through a pull request and cxgov diff reports it."
)
rows = catalogue_rows(ctx.program)
search = (
    st.text_input("Filter", key="metrics.filter", placeholder="id, title or calculation")
    .strip()
    .lower()
)
shown = [
    r for r in rows if not search or search in f"{r['id']} {r['title']} {r['calculation']}".lower()
]
fitted_table(
    [{k: r[k] for k in ("title", "unit", "better", "formula", "used by")} for r in shown],
    key="metrics.table",
    widths={"title": 300, "formula": 460},
)
for row in shown:
    metric = ctx.program.metrics[row["id"]]
    with st.expander(md(metric.metadata.title)):
        st.markdown(f"**Formula:** {metric.spec.calculation.describe()}")
        st.markdown(f"**Parameters:** {parameters_text(metric.spec.calculation)}")
        st.markdown(
            f"**Unit:** {metric.spec.unit}, {metric.spec.better} is better, "
            f"{counted(metric.spec.decimals, 'decimal')} · **default scope:** {metric.spec.scope.describe()}"
        )
        st.text(metric.spec.definition)
        users = used_by(ctx.program, metric.id)
        st.caption("Used by: " + (md(", ".join(users)) if users else "nothing yet"))
        source = ctx.program.source("Metric", metric.id)
        if source:
            st.caption(f"Defined in {source.file}:{source.line}")
