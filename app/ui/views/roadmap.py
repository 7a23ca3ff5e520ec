"""Roadmap: items by phase on a timeline with status colours and today's line; what is slipping."""

from __future__ import annotations

import streamlit as st

from app.display.charts import roadmap_gantt
from app.display.labels import status_label
from app.ui.context import page_setup
from app.ui.roles import Capability
from app.ui.tables import data_table

ctx = page_setup("Roadmap", needs=Capability.READ_PROGRAM)
evaluation = ctx.evaluation()
roadmap = evaluation.roadmap
st.caption(
    f"Day 0 is {ctx.program.start_date}; today is day {(ctx.as_of - ctx.program.start_date).days}."
)
if not roadmap.items:
    st.info("The program has no roadmap items.")
    st.stop()
st.altair_chart(
    roadmap_gantt(roadmap.items, roadmap.phases, start=ctx.program.start_date, today=ctx.as_of),
    width="stretch",
)
st.subheader("Overdue or blocked")
if roadmap.slipping:
    titles = {g.goal_id: g.title for g in evaluation.goals}
    data_table(
        [
            {
                "item": i.title,
                "owner": i.owner or "",
                "due": i.due.isoformat(),
                "status": status_label(i.status),
                "why": i.explanation,
                "goals it serves": ", ".join(titles.get(g, g) for g in i.goals),
            }
            for i in roadmap.slipping
        ],
        hide_index=True,
        width="stretch",
        key="roadmap.slipping",
    )
else:
    st.success("Nothing is overdue or blocked.")
st.subheader("Phases")
data_table(
    [
        {
            "phase": p.title,
            "days": f"{p.from_day}–{p.to_day}",
            "items": p.items,
            "done": p.done,
            "complete": None if p.completion_percent is None else f"{p.completion_percent:.0f} %",
        }
        for p in roadmap.phases
    ],
    hide_index=True,
    width="stretch",
    key="roadmap.phases",
)
