"""Overview: what needs the committee's attention first, then where the program stands.

"Needs attention" leads: every credit owed or at risk, every goal off track, at risk or missed,
every roadmap item overdue or blocked — the most money first, then the most severe — each with
its page one click away; then what the open review asks the committee to decide, and the series
without a figure. The counts, the money and the roll-ups follow. The list is built by
`app.service.attention.needs_attention`; this page only draws it.
"""

from __future__ import annotations

from datetime import UTC, datetime

import streamlit as st

from app.display.charts import status_by_pillar_chart
from app.display.labels import fmt_money, status_label
from app.service.program import last_change
from app.ui.attention_view import draw_decisions, draw_items, draw_stale, month_text
from app.ui.context import page_setup
from app.ui.money import credit_figures
from app.ui.roles import Capability
from app.ui.tables import text_table
from app.words import counted

ctx = page_setup("Overview", needs=Capability.READ_MONEY)
evaluation = ctx.evaluation()
attention = ctx.attention()
rollup, exposure, roadmap = evaluation.rollup, evaluation.exposure, evaluation.roadmap
closed = month_text(attention.last_closed)
st.caption(
    f"{evaluation.program} · as of {evaluation.as_of} · goals judged on {closed}, the last closed "
    f"month · {month_text(evaluation.open_period)} is month to date"
)

st.header("Needs attention", anchor="needs-attention")
if attention.items:
    st.caption(
        f"{len(attention.items)} item{'s' if len(attention.items) != 1 else ''}: credits by amount "
        "first, then the most severe (missed and overdue, off track and blocked, at risk). "
        "Each title opens its page."
    )
    draw_items(attention.items, domains=ctx.program.spec.link_domains)
else:
    st.write(
        "Nothing needs attention: no credit is owed or at risk, no goal is off track, at risk or "
        "missed, and no roadmap item is overdue or blocked."
    )

st.header("Decisions for this month", anchor="decisions")
draw_decisions(attention, domains=ctx.program.spec.link_domains)

st.header("Stale data", anchor="stale-data")
draw_stale(attention.stale, attention.last_closed, domains=ctx.program.spec.link_domains)
if evaluation.stale_series:
    st.warning(
        "Out of date beyond the program's bound (no fresh value): "
        + "; ".join(
            f"{s.metric_title} [{s.scope_key or 'all contacts'}], newest "
            f"{month_text(s.last_period) if s.last_period else 'never'}"
            for s in evaluation.stale_series
        )
    )
changed = last_change(ctx.engine)
if changed:
    age = datetime.now(UTC) - datetime.fromisoformat(changed)
    st.caption(
        f"Numbers last changed {changed[:16].replace('T', ' ')} UTC ({counted(age.days, 'day')} ago)."
    )
else:
    st.warning("No actuals recorded yet: run `cxgov demo` or import a contact export.")

st.header("The program at a glance", anchor="at-a-glance")
previous = month_text(attention.open_period.shift(-1))
cols = st.columns(4)
cols[0].metric("Goals", rollup.total)
cols[1].metric(
    "Need attention",
    len(attention.goals),
    help="Goals off track, at risk or missed, and deliverables past their due date: the goals "
    "listed under Needs attention.",
)
cols[2].metric(
    "Worse since last month",
    rollup.worse,
    help=f"Goals whose status now is more severe than at the end of {previous}.",
)
cols[3].metric("Guardrails crossed", rollup.guardrail_breaches)
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

left, right = st.columns([3, 2])
with left:
    st.subheader("Goal status by pillar")
    if rollup.by_pillar:
        st.altair_chart(
            status_by_pillar_chart(rollup.by_pillar),
            width="stretch",
            alt="Goal counts per pillar, stacked by status; each pillar's label lists its counts.",
        )
with right:
    st.subheader("Got worse since last month")
    st.caption(
        f"Worse means a goal's status now is more severe than it was at the end of {previous} "
        "(on track → at risk → off track → missed). A goal that stays off track is not worse: "
        "it is listed under Needs attention."
    )
    worse = [t for t in rollup.transitions if t.worse]
    if worse:
        text_table(
            {"goal": t.title, "was": status_label(t.previous), "now": status_label(t.current)}
            for t in worse
        )
    else:
        still = len(attention.goals)
        st.write(
            f"No goal's status got more severe since the end of {previous}."
            + (
                f" {still} goal{'s' if still != 1 else ''} still need{'s' if still == 1 else ''} "
                "attention (above)."
                if still
                else ""
            )
        )

st.subheader("Roadmap phases")
if roadmap.phases:
    text_table(
        [
            {
                "phase": p.title,
                "days": f"{p.from_day}–{p.to_day}",
                "items": p.items,
                "done": p.done,
                "complete": "—"
                if p.completion_percent is None
                else f"{p.completion_percent:.0f} %",
                "overdue": p.counts.get("overdue", 0),
                "blocked": p.counts.get("blocked", 0),
            }
            for p in roadmap.phases
        ]
    )
