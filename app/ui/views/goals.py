"""Goals: a filterable table, who is late with a check-in and which numbers are out of date, and
per goal the chart beside the owner's check-ins (with the form to record one), the SMART card,
guardrails and corrections. `?goal=ID` opens a goal (the links in `cxgov notify`'s messages)."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app.display.charts import goal_chart
from app.display.labels import format_value, status_label
from app.errors import CxgovError
from app.evaluate.checkins import CONFIDENCES, agreement_text, missing_text
from app.service.actuals import revisions
from app.service.checkins import (
    checkin_history,
    checkin_overview,
    confidence_label,
    may_check_in,
    record_checkin,
)
from app.textsafety import authored_markdown
from app.ui.context import page_setup
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability
from app.ui.tables import data_table

FILTERS = ("goals.pillar", "goals.owner", "goals.status", "goals.metric")
LINKED = "goals.linked"
RECORDED = "goals.checkin.recorded"

ctx = page_setup("Goals", needs=Capability.READ_PROGRAM)
evaluation = ctx.evaluation()
goals = list(evaluation.goals)
states = {s.goal_id: s for s in checkin_overview(ctx.engine, ctx.program, evaluation)}

linked = st.query_params.get("goal")
if linked in {g.goal_id for g in goals} and st.session_state.get(LINKED) != linked:
    for key in FILTERS:
        st.session_state[key] = []
    st.session_state["goals.chosen"] = linked
    st.session_state[LINKED] = linked


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

missing = [s for s in states.values() if s.missing]
with st.expander(
    f"Between meetings: {len(missing)} check-in(s) due, "
    f"{len(evaluation.stale_series)} series out of date",
    expanded=False,
):
    st.markdown("**Check-ins due**")
    if missing:
        data_table(
            [
                {
                    "goal": s.title,
                    "owner": s.owner or "",
                    "last check-in": str(s.last_day or "never"),
                    "was due": str(s.due),
                    "days late": s.days_overdue,
                }
                for s in sorted(missing, key=lambda s: -s.days_overdue)
            ],
            hide_index=True,
            width="stretch",
            key="goals.missing",
        )
    else:
        st.caption("Every owner has checked in on time.")
    st.markdown("**Numbers out of date**")
    if evaluation.stale_series:
        data_table(
            [
                {
                    "series": s.label,
                    "newest value": str(s.last_period or "never"),
                    "days": s.days,
                    "stale after": s.stale_after_days,
                    "used by": ", ".join(s.used_by),
                }
                for s in evaluation.stale_series
            ],
            hide_index=True,
            width="stretch",
            key="goals.stale",
        )
    else:
        st.caption("Every series the goals and SLA objectives measure has a recent value.")

if not shown:
    st.stop()

chosen_id = st.selectbox(
    "Goal",
    [g.goal_id for g in shown],
    key="goals.chosen",
    format_func=lambda i: next(g.title for g in shown if g.goal_id == i),
)
if st.query_params.get("goal") != chosen_id:
    st.query_params["goal"] = chosen_id
    st.session_state[LINKED] = chosen_id
goal = next(g for g in shown if g.goal_id == chosen_id)
spec = ctx.program.goals[goal.goal_id].spec
decimals = _decimals(goal.metric)
state = states[goal.goal_id]

links = ctx.program.spec.link_domains
st.subheader(authored_markdown(goal.title, links))
st.markdown(
    f"**Status: {status_label(goal.status)}** — " + authored_markdown(goal.explanation, links)
)
if goal.needs_attention and goal.metric:
    render_protecting_links(ctx.program, metric=goal.metric)


def checkin_form() -> None:
    """The owner's (or a manager's) check-in; the page shows it at once."""
    with st.form("goals.checkin", clear_on_submit=True):
        st.markdown("**Record a check-in**")
        confidence = st.radio(
            "How confident are you?",
            CONFIDENCES,
            format_func=confidence_label,
            horizontal=True,
            key="checkin.confidence",
        )
        comment = st.text_area(
            "Comment", key="checkin.comment", placeholder="What moved since the last check-in?"
        )
        blockers = st.text_area("Blockers (optional)", key="checkin.blockers", height=68)
        step = st.text_input("Next step (optional)", key="checkin.next_step")
        due = st.date_input(
            "Next step by (optional)",
            value=None,
            min_value=ctx.as_of,
            max_value=ctx.as_of + timedelta(days=366),
            key="checkin.next_step_due",
        )
        if not st.form_submit_button("Record the check-in", type="primary", key="checkin.submit"):
            return
    try:
        record_checkin(
            ctx.engine,
            ctx.program,
            goal_id=goal.goal_id,
            confidence=str(confidence),
            comment=comment,
            blockers=blockers,
            next_step=step,
            next_step_due=due,
            author=ctx.viewer.author,
            acting_email=ctx.viewer.email,
            acting_role=ctx.viewer.role,
            check_permission=not ctx.viewer.local,
        )
    except CxgovError as exc:
        st.error(exc.message)
        return
    st.session_state[RECORDED] = goal.goal_id
    st.rerun()


chart_col, checkin_col = st.columns([3, 2])
with chart_col:
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
with checkin_col:
    st.markdown("**Owner's check-ins**")
    if st.session_state.pop(RECORDED, None) == goal.goal_id:
        st.success("Check-in recorded.")
    if state.due is None:
        st.caption("This goal asks for no check-ins.")
    elif state.missing:
        st.warning(f"Check-in missing: {missing_text(state)}.")
    else:
        st.caption(f"Next check-in due {state.due} ({state.cadence}).")
    history = checkin_history(ctx.engine, goal_id=goal.goal_id)
    for index, checkin in enumerate(history):
        with st.container(border=True, key=f"goals.checkin.{index}"):
            st.markdown(
                f"**{confidence_label(checkin.confidence)}** · {authored_markdown(checkin.author, links)} · "
                f"{checkin.day(ctx.program.timezone)}"
                + (
                    f" · the numbers said {status_label(checkin.status_then)}"
                    if checkin.status_then
                    else ""
                )
            )
            st.markdown(authored_markdown(checkin.comment, links))
            if checkin.blockers:
                st.markdown("Blockers: " + authored_markdown(checkin.blockers, links))
            if checkin.next_step:
                by = f" (by {checkin.next_step_due})" if checkin.next_step_due else ""
                st.markdown("Next: " + authored_markdown(checkin.next_step, links) + by)
            now = goal.status if index == 0 else checkin.status_then
            contradiction = agreement_text(checkin.confidence, now)
            if contradiction:
                shout = st.error if contradiction.startswith("contradicts") else st.info
                shout(contradiction[0].upper() + contradiction[1:] + ".")
    if not history:
        st.caption("No check-in yet.")
    if may_check_in(ctx.program, goal.goal_id, email=ctx.viewer.email, role=ctx.viewer.role):
        checkin_form()
    else:
        st.caption(
            f"The goal's owner ({goal.owner or 'none named'}) or a manager records check-ins."
        )

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
        st.caption("Owner: " + authored_markdown(goal.owner, links))
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
