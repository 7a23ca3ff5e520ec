"""Overview: where the program stands this month, for a committee member with a minute to spare."""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from app.display.charts import status_by_pillar_chart
from app.display.labels import fmt_money, status_label
from app.service.program import last_change
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.money import credit_figures
from app.ui.roles import Capability
from app.ui.tables import data_table

ctx = page_setup("Overview", needs=Capability.READ_MONEY)
evaluation = ctx.evaluation()
rollup, exposure, roadmap = evaluation.rollup, evaluation.exposure, evaluation.roadmap
st.caption(
    f"{evaluation.program} · as of {evaluation.as_of} · {evaluation.open_period} is month to date"
)

cols = st.columns(4)
cols[0].metric("Goals", rollup.total)
cols[1].metric(
    "Off track or missed",
    rollup.off_track_or_worse,
    help="Off track, missed, overdue, or no value for the last closed month",
)
cols[2].metric("Worse than last period", rollup.worse)
cols[3].metric("Guardrails breached", rollup.guardrail_breaches)

left, right = st.columns([3, 2])
with left:
    st.subheader("Goal status by pillar")
    if rollup.by_pillar:
        st.altair_chart(status_by_pillar_chart(rollup.by_pillar), width="stretch")
    data_table(
        [{"status": status_label(s), "goals": n} for s, n in rollup.overall.items()],
        hide_index=True,
        key="overview.status",
    )
with right:
    st.subheader("Got worse since last period")
    worse = [t for t in rollup.transitions if t.worse]
    if worse:
        data_table(
            [
                {
                    "goal": t.title,
                    "pillar": t.pillar,
                    "was": status_label(t.previous),
                    "now": status_label(t.current),
                }
                for t in worse
            ],
            hide_index=True,
            width="stretch",
            key="overview.worse",
        )
    else:
        st.success("No goal got worse since the last period.")

st.subheader("Service credits")
credit_figures(exposure, exposure.currency)
if exposure.not_issued or exposure.adjustments:
    st.caption(
        f"Owed and not yet on an invoice: {fmt_money(exposure.not_issued, exposure.currency)}; "
        f"adjustments due on the next invoice: {fmt_money(exposure.adjustments, exposure.currency)}."
    )
if exposure.other_currencies:
    st.caption(
        "Contracts in other currencies, not converted: "
        + "; ".join(
            f"{code}: " + ", ".join(f"{k} {v}" for k, v in amounts.items())
            for code, amounts in exposure.other_currencies.items()
        )
    )

st.subheader("Roadmap")
if roadmap.phases:
    data_table(
        [
            {
                "phase": p.title,
                "days": f"{p.from_day}–{p.to_day}",
                "items": p.items,
                "done": p.done,
                "complete": None
                if p.completion_percent is None
                else f"{p.completion_percent:.0f} %",
                "overdue": p.counts.get("overdue", 0),
                "blocked": p.counts.get("blocked", 0),
            }
            for p in roadmap.phases
        ],
        hide_index=True,
        width="stretch",
        key="overview.phases",
    )
slipping = len(roadmap.slipping)
st.caption(
    f"{slipping} item(s) overdue or blocked."
    if slipping
    else "No roadmap item is overdue or blocked."
)

st.subheader("Data freshness")
changed = last_change(ctx.engine)
if changed:
    age = datetime.now(UTC) - datetime.fromisoformat(changed)
    st.write(f"Numbers last changed {changed[:16].replace('T', ' ')} UTC ({age.days} day(s) ago).")
else:
    st.warning("No actuals recorded yet: run `cxgov demo` or import a contact export.")
stale = [g for g in evaluation.goals if g.status == "no_data"]
if stale:
    st.warning(
        "No value for the last closed period: "
        + authored_markdown(", ".join(g.title for g in stale), ctx.program.spec.link_domains)
    )
if evaluation.stale_series:
    st.warning(
        "Out of date (no fresh value): "
        + "; ".join(
            f"{s.label}, newest {s.last_period or 'never'}" for s in evaluation.stale_series
        )
        + " — see Goals for what uses each."
    )
