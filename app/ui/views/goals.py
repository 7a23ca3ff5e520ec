"""Goals: every goal, worst first, who is late with a check-in and which numbers are out of date;
one goal in detail — where it stands against its plan in the metric's unit, since when, the
review's root cause, the chart beside the owner's check-ins (with the form to record one), the
forecast, what lies behind the figure (split by channel, queue, priority, segment or team), the
SMART card, guardrails and corrections.

The page opens on the goal a link names (`?goal=ID`: the Overview's lines, `cxgov notify`'s
messages), else on the goal that most needs attention; choosing another goal updates the
address, so it can be bookmarked.
"""

from __future__ import annotations

from datetime import timedelta

import streamlit as st

from app.display.charts import goal_chart
from app.display.labels import forecast_words, format_value, status_label
from app.errors import CxgovError
from app.evaluate.checkins import CONFIDENCES, agreement_text, missing_text
from app.evaluate.goals import SEVERITY
from app.periods import Month
from app.service.actuals import revisions
from app.service.checkins import (
    checkin_history,
    checkin_overview,
    confidence_label,
    may_check_in,
    record_checkin,
)
from app.spec.common import Scope
from app.textsafety import authored_markdown
from app.ui.attention_view import draw_item, month_text
from app.ui.context import page_setup
from app.ui.playbook_view import render_protecting_links
from app.ui.roles import Capability
from app.ui.split_view import split_choices, split_rows
from app.ui.table_view import fitted_table
from app.words import counted

FILTERS = ("goals.pillar", "goals.owner", "goals.status", "goals.metric")
LINKED = "goals.linked"
RECORDED = "goals.checkin.recorded"
CHOSEN_KEY = "goals.chosen"
SPLIT_KEY = "goals.split"

ctx = page_setup("Goals", needs=Capability.READ_PROGRAM)
evaluation = ctx.evaluation()
attention = ctx.attention()
goals = sorted(evaluation.goals, key=lambda g: (-SEVERITY.get(g.status, 0), g.title.casefold()))
metric_titles = {m.id: m.metadata.title for m in ctx.program.metrics.values()}
states = {s.goal_id: s for s in checkin_overview(ctx.engine, ctx.program, evaluation)}
links = ctx.program.spec.link_domains


def md(text: str) -> str:
    """Authored text as Markdown: links only to the program's `link_domains`."""
    return authored_markdown(text, links)


linked = st.query_params.get("goal")
if linked in {g.goal_id for g in goals} and st.session_state.get(LINKED) != linked:
    for key in FILTERS:
        st.session_state[key] = []
    st.session_state[CHOSEN_KEY] = linked
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
    "Metric",
    sorted({g.metric for g in goals if g.metric}),
    key="goals.metric",
    format_func=lambda m: metric_titles.get(m, m),
)
shown = [
    g
    for g in goals
    if (not pillars or g.pillar in pillars)
    and (not owners or (g.owner or "") in owners)
    and (not statuses or g.status in statuses)
    and (not metrics or g.metric in metrics)
]
st.caption(
    f"{len(shown)} of {len(goals)} goals, the most severe first; monthly goals are judged on "
    f"{month_text(evaluation.open_period.shift(-1))}, quarterly ones on their last quarter's month."
)
fitted_table(
    [
        {
            "goal": g.title,
            "status": status_label(g.status),
            "month": month_text(g.judged_period) if g.judged_period else "",
            "actual": format_value(g.actual, g.unit, _decimals(g.metric)),
            "plan": format_value(g.planned, g.unit, _decimals(g.metric)),
            "target": format_value(g.target, g.unit, _decimals(g.metric)),
            "owner": g.owner or "",
        }
        for g in shown
    ],
    key="goals.table",
    widths={"goal": 420, "status": 90, "month": 80, "actual": 80, "plan": 80, "target": 80},
)
missing = [s for s in states.values() if s.missing]
with st.expander(
    f"Between meetings: {counted(len(missing), 'check-in')} due, "
    f"{len(evaluation.stale_series)} series out of date",
    expanded=False,
):
    st.markdown("**Check-ins due**")
    if missing:
        fitted_table(
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
            key="goals.missing",
        )
    else:
        st.caption("Every owner has checked in on time.")
    st.markdown("**Numbers out of date**")
    if evaluation.stale_series:
        fitted_table(
            [
                {
                    "series": f"{s.metric_title} — {Scope.from_key(s.scope_key).describe()}",
                    "newest value": month_text(s.last_period) if s.last_period else "never",
                    "days": s.days,
                    "stale after": s.stale_after_days,
                    "used by": ", ".join(s.used_by),
                }
                for s in evaluation.stale_series
            ],
            key="goals.stale",
        )
    else:
        st.caption("Every series the goals and SLA objectives measure has a recent value.")

if not shown:
    st.stop()

ids = [g.goal_id for g in shown]
if st.session_state.get(CHOSEN_KEY) not in ids:
    first = attention.first_goal
    st.session_state[CHOSEN_KEY] = first if first in ids else ids[0]
titles = {g.goal_id: g.title for g in shown}
chosen_id = st.selectbox("Goal", ids, key=CHOSEN_KEY, format_func=lambda i: titles[i])
if st.query_params.get("goal") != chosen_id:
    st.query_params["goal"] = chosen_id
    st.session_state[LINKED] = chosen_id
goal = next(g for g in shown if g.goal_id == chosen_id)
spec = ctx.program.goals[goal.goal_id].spec
decimals = _decimals(goal.metric)
metric = ctx.program.metrics.get(goal.metric or "")
state = states[goal.goal_id]

st.header(md(goal.title), anchor=False)
line = next((i for i in attention.goals if i.goal_id == goal.goal_id), None)
if line is not None:
    draw_item(line, index=0, link=False, domains=links)
else:
    st.markdown(f"**Status: {status_label(goal.status)}** — {md(goal.explanation)}")
if goal.needs_attention and goal.metric:
    render_protecting_links(ctx.program, metric=goal.metric)


def _forecast_text() -> str | None:
    forecast = goal.forecast
    if forecast is None:
        return None
    if forecast.value is None:
        return f"No forecast: {forecast.refused}."
    return forecast_words(
        forecast.value,
        month_text(forecast.at),
        direction=forecast.direction(goal.better),
        unit=goal.unit,
        decimals=decimals,
        low=forecast.low,
        high=forecast.high,
        points_used=forecast.points_used,
        target=goal.target,
        reaches=goal.forecast_reaches_target,
    )


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
            value=False,
            key="goals.zero",
            help="Off: the axis spans the baseline, target, actuals and forecast, and its title "
            "says so. On: from zero (a percentage to 100), to see the change at its true scale.",
        )
        words = _forecast_text()
        st.altair_chart(
            goal_chart(goal, zero_based=zero, today=ctx.as_of, decimals=decimals, titled=False),
            width="stretch",
            alt=f"{goal.title}: actuals against the plan and the target. {goal.explanation}. "
            f"{words or ''}",
        )
        if words:
            st.caption(words)
    elif goal.deliverable is None:
        st.caption(goal.explanation)
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
            md(f"The goal's owner ({goal.owner or 'none named'}) or a manager records check-ins.")
        )

if metric is not None and metric.from_contacts and goal.judged_period is not None:
    st.subheader("What lies behind the figure")
    split_by = st.segmented_control(
        "Split by",
        split_choices(goal.scope_key),
        key=SPLIT_KEY,
        help="The same calculation on the contacts of each group: which channel, queue, "
        "priority, segment or team moves the figure.",
    )
    if split_by:
        judged = goal.judged_period
        months = [judged.shift(-1), judged]
        if evaluation.open_period not in months:
            months.append(evaluation.open_period)
        rows = split_rows(
            ctx,
            metric=metric.id,
            scope_key=goal.scope_key,
            by=split_by,
            months=months,
            judged=judged,
            open_period=evaluation.open_period,
            fmt=metric.format,
        )
        if rows:
            st.caption(
                f"{md(metric.metadata.title)} by {split_by}, computed from the contacts "
                f"({Scope.from_key(goal.scope_key).describe()})."
            )
            fitted_table(rows, key="goals.split.table")
        else:
            st.write(f"No contacts to split for {month_text(judged)}.")

card, rails = st.columns(2)
with card:
    st.subheader("SMART card")
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
    fitted_table([{"criterion": k, "this goal": v} for k, v in smart], key="goals.smart")
    st.caption(f"Owner: {md(goal.owner or 'nobody named')}")
with rails:
    st.subheader("Guardrails")
    if goal.guardrails:
        fitted_table(
            [
                {
                    "metric": metric_titles.get(r.metric, r.metric),
                    "bound": f"at least {r.min:g}" if r.min is not None else f"at most {r.max:g}",
                    "month": month_text(r.period) if r.period else "",
                    "value": "—" if r.value is None else f"{r.value:,g}",
                    "crossed": "yes" if r.breached else "no",
                }
                for r in goal.guardrails
            ],
            key="goals.guardrails",
        )
    else:
        st.caption("No guardrail.")

st.subheader("Corrections to this goal's numbers")
if goal.metric:
    corrections = [
        r
        for r in revisions(ctx.engine, metric=goal.metric, scope_key=goal.scope_key)
        if r.revision > 1
    ]
    if corrections:
        fitted_table(
            [
                {
                    "month": month_text(Month.parse(r.period)),
                    "revision": r.revision,
                    "value": format_value(r.value, goal.unit, decimals),
                    "by": r.author,
                    "reason": r.reason or "",
                }
                for r in corrections
            ],
            key="goals.corrections",
        )
    else:
        st.caption("No correction: every value is its first revision.")
