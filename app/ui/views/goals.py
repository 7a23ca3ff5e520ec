"""Goals: a filterable table, and per goal the chart, the SMART card, guardrails and corrections."""

from __future__ import annotations

import streamlit as st

from app.display.charts import goal_chart
from app.display.labels import format_value, status_label
from app.service.actuals import revisions
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability
from app.ui.tables import data_table

ctx = page_setup("Goals", needs=Capability.READ_PROGRAM)
evaluation = ctx.evaluation()
goals = list(evaluation.goals)


def _decimals(metric_id: str | None) -> int:
    metric = ctx.program.metrics.get(metric_id or "")
    return metric.spec.decimals if metric else 1


filters = st.columns(4)
pillars = filters[0].multiselect("Pillar", sorted({g.pillar for g in goals}), key="goals.pillar")
owners = filters[1].multiselect("Owner", sorted({g.owner or "" for g in goals}), key="goals.owner")
statuses = filters[2].multiselect(
    "Status", sorted({g.status for g in goals}), key="goals.status", format_func=status_label
)
metrics = filters[3].multiselect(
    "Metric", sorted({g.metric for g in goals if g.metric}), key="goals.metric"
)
shown = [
    g
    for g in goals
    if (not pillars or g.pillar in pillars)
    and (not owners or (g.owner or "") in owners)
    and (not statuses or g.status in statuses)
    and (not metrics or g.metric in metrics)
]
data_table(
    [
        {
            "title": g.title,
            "status": status_label(g.status),
            "period": str(g.judged_period or ""),
            "actual": format_value(g.actual, g.unit, _decimals(g.metric)),
            "planned": format_value(g.planned, g.unit, _decimals(g.metric)),
            "target": format_value(g.target, g.unit, _decimals(g.metric)),
            "pillar": g.pillar,
            "owner": g.owner or "",
            "goal": g.goal_id,
        }
        for g in shown
    ],
    hide_index=True,
    width="stretch",
    key="goals.table",
)
if not shown:
    st.stop()

chosen_id = st.selectbox(
    "Goal",
    [g.goal_id for g in shown],
    key="goals.chosen",
    format_func=lambda i: next(g.title for g in shown if g.goal_id == i),
)
goal = next(g for g in shown if g.goal_id == chosen_id)
spec = ctx.program.goals[goal.goal_id].spec
decimals = _decimals(goal.metric)

st.subheader(authored_markdown(goal.title, ctx.program.spec.link_domains))
st.markdown(
    f"**Status: {status_label(goal.status)}** — "
    + authored_markdown(goal.explanation, ctx.program.spec.link_domains)
)
if goal.needs_attention and goal.metric:
    render_protecting_links(ctx.program, metric=goal.metric)
if goal.periods:
    zero = st.toggle(
        "Value axis from zero",
        value=True,
        key="goals.zero",
        help="Honest by default; switch off to zoom in on small changes.",
    )
    st.altair_chart(goal_chart(goal, zero_based=zero), width="stretch")
if goal.forecast is not None:
    if goal.forecast.value is not None:
        st.caption(
            f"Forecast for {goal.forecast.at}: {format_value(goal.forecast.value, goal.unit, decimals)} "
            f"from the last {goal.forecast.points_used} values — "
            f"{'reaches' if goal.forecast_reaches_target else 'does not reach'} the target."
        )
    else:
        st.caption(f"No forecast: {goal.forecast.refused}")

card, rails = st.columns(2)
with card:
    st.markdown("**SMART card**")
    metric = ctx.program.metrics.get(goal.metric or "")
    smart = [
        (
            "Specific",
            f"{metric.metadata.title if metric else 'deliverable'} — {spec.scope.describe()}",
        ),
        (
            "Measurable",
            metric.spec.calculation.describe() if metric else "done or not done by the due date",
        ),
        (
            "Achievable",
            spec.achievability
            or f"baseline {format_value(goal.baseline, goal.unit, decimals)} → "
            f"target {format_value(goal.target, goal.unit, decimals)}",
        ),
        ("Relevant", spec.relevance or "—"),
        ("Time-bound", str(goal.deadline or "—")),
    ]
    data_table(
        [{"": k, "what": v} for k, v in smart], hide_index=True, width="stretch", key="goals.smart"
    )
    if goal.owner:
        st.caption("Owner: " + authored_markdown(goal.owner, ctx.program.spec.link_domains))
with rails:
    st.markdown("**Guardrails**")
    if goal.guardrails:
        data_table(
            [
                {
                    "metric": r.metric,
                    "bound": f"min {r.min}" if r.min is not None else f"max {r.max}",
                    "period": str(r.period or ""),
                    "value": "—" if r.value is None else f"{r.value:g}",
                    "breached": "yes" if r.breached else "no",
                    "note": r.message,
                }
                for r in goal.guardrails
            ],
            hide_index=True,
            width="stretch",
            key="goals.guardrails",
        )
    else:
        st.caption("No guardrail.")

st.markdown("**Corrections to this goal's numbers**")
if goal.metric:
    corrections = [
        r
        for r in revisions(ctx.engine, metric=goal.metric, scope_key=goal.scope_key)
        if r.revision > 1
    ]
    if corrections:
        data_table(
            [
                {
                    "month": r.period,
                    "revision": r.revision,
                    "value": format_value(r.value, goal.unit, decimals),
                    "by": r.author,
                    "reason": r.reason or "",
                }
                for r in corrections
            ],
            hide_index=True,
            width="stretch",
            key="goals.corrections",
        )
    else:
        st.caption("No correction: every value is its first revision.")
