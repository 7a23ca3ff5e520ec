"""Roadmap: items by phase on a timeline, each bar named by its status, with today's line; what is
slipping, with the goals it serves. A link with `?item=ID` (as the Overview's lines) opens on
that item."""

from __future__ import annotations

import streamlit as st

from app.display.charts import roadmap_gantt
from app.display.labels import status_label
from app.textsafety import authored_markdown
from app.ui.attention_view import draw_item
from app.ui.context import page_setup
from app.ui.roles import Capability
from app.ui.table_view import fitted_table

ctx = page_setup("Roadmap", needs=Capability.READ_PROGRAM)


def md(text: str) -> str:
    """Authored text as Markdown: links only to the program's `link_domains`."""
    return authored_markdown(text, ctx.program.spec.link_domains)


evaluation = ctx.evaluation()
roadmap = evaluation.roadmap
st.caption(
    f"Day 0 is {ctx.program.start_date}; today is day {(ctx.as_of - ctx.program.start_date).days}."
)
if not roadmap.items:
    st.info("The program has no roadmap items.")
    st.stop()

wanted = st.query_params.get("item")
named = next((i for i in roadmap.items if i.item_id == wanted), None)
if named is not None:
    line = next((i for i in ctx.attention().roadmap if i.item_id == named.item_id), None)
    if line is not None:
        draw_item(line, index=0, link=False, domains=ctx.program.spec.link_domains)
    else:
        st.markdown(
            f"**{md(named.title)}** — {status_label(named.status)}: {md(named.explanation)}"
        )

st.altair_chart(
    roadmap_gantt(roadmap.items, roadmap.phases, start=ctx.program.start_date, today=ctx.as_of),
    width="stretch",
    alt="The roadmap's items as bars from their phase's start to their due date, each named by "
    "its status, with today's line.",
)
titles = {g.goal_id: g.title for g in evaluation.goals}
st.header("Overdue or blocked", anchor=False)
if roadmap.slipping:
    fitted_table(
        [
            {
                "item": i.title,
                "owner": i.owner or "",
                "due": i.due.isoformat(),
                "status": status_label(i.status),
                "why": i.explanation,
                "goals it serves": "; ".join(titles.get(g, g) for g in i.goals),
            }
            for i in roadmap.slipping
        ],
        key="roadmap.slipping",
    )
else:
    st.write("Nothing is overdue or blocked.")
st.header("Phases", anchor=False)
fitted_table(
    [
        {
            "phase": p.title,
            "days": f"{p.from_day}–{p.to_day}",
            "items": p.items,
            "done": p.done,
            "complete": "—" if p.completion_percent is None else f"{p.completion_percent:.0f} %",
        }
        for p in roadmap.phases
    ],
    key="roadmap.phases",
)
