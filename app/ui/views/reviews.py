"""Reviews: prepare the committee's review, record the meeting, close it, read a closed one as it was.

The numbers and every write go through `app.service.reviews`, the same use cases `cxgov review`
calls. A closed review is drawn from its frozen snapshot, with
the figures corrected since listed as "revised since this review". The committee and managers use
this page; agents never reach it (it needs READ_MONEY).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import timedelta
from functools import partial
from typing import Any

import streamlit as st

from app.display.labels import status_label
from app.errors import CxgovError
from app.periods import Month
from app.review.charts import review_charts
from app.review.export import FORMATS, MEDIA_TYPES
from app.review.layout import Bullets, Chart, Heading, Para, Table, layout
from app.service import reviews
from app.service.database import stored_id
from app.service.reviews import ACTION_STATUSES, SERVES_KINDS, ClosingRefused
from app.textsafety import authored_markdown
from app.ui.context import PageContext, page_setup
from app.ui.month_picker import month_picker
from app.ui.roles import Capability
from app.ui.tables import data_table
from app.words import counted

CHOSEN_KEY = "reviews.chosen"


def review_label(review: Any) -> str:
    kind = "QBR" if review.kind == "quarterly" else "Monthly"
    return f"{kind} {review.period} — {status_label(review.status) if review.status != 'in_meeting' else 'in meeting'}"


def prepare_form(ctx: PageContext) -> None:
    with st.form("reviews.prepare"):
        st.markdown("**Prepare a review**")
        period = month_picker(
            "Month (a closed one)", key="prepare.period", latest=Month.of(ctx.as_of).shift(-1)
        )
        quarterly = st.checkbox(
            "Quarterly business review of that month's quarter", key="prepare.quarterly"
        )
        if not st.form_submit_button("Prepare the draft", type="primary", key="prepare.submit"):
            return
    try:
        opened = reviews.open_review(
            ctx.engine,
            period=period,
            kind="quarterly" if quarterly else "monthly",
            author=ctx.viewer.author,
        )
    except CxgovError as exc:
        st.error(str(exc))
        return
    st.session_state[CHOSEN_KEY] = opened.review.id
    if opened.created:
        st.success(
            f"Prepared {opened.label} as a draft; {counted(opened.carried, 'open action item')} carried over."
        )
    else:
        st.info(f"{opened.label.capitalize()} already exists ({opened.review.status}).")


def draw(document: dict[str, Any], link_domains: Sequence[str]) -> None:
    """The review's blocks, the same layout the exports use; charts drawn live from the document.

    Notes, root causes and decisions are authored text: shown through `authored_markdown`.
    """
    charts = review_charts(document)
    for index, block in enumerate(layout(document, charts=list(charts))):
        if isinstance(block, Heading):
            (st.header if block.level <= 2 else st.subheader)(block.text, anchor=False)
        elif isinstance(block, Para):
            tones: dict[str, Callable[[str], object]] = {"warning": st.warning, "note": st.caption}
            tones.get(block.tone, st.markdown)(authored_markdown(block.text, link_domains))
        elif isinstance(block, Bullets):
            st.markdown(
                "\n".join(f"- {authored_markdown(item, link_domains)}" for item in block.items)
            )
        elif isinstance(block, Table):
            data_table(
                [dict(zip(block.headers, row)) for row in block.rows],
                hide_index=True,
                width="stretch",
                key=f"reviews.table.{index}",
            )
        elif isinstance(block, Chart):
            st.altair_chart(charts[block.name], width="stretch", key=f"reviews.chart.{index}")


def record_forms(ctx: PageContext, review: Any) -> None:
    """What people record during the meeting: attendees, findings, actions, decisions; then close."""
    required = reviews.required_findings(ctx.engine, ctx.program, review_id=review.id)
    items = reviews.action_items(ctx.engine, review_id=review.id)
    author = ctx.viewer.author
    if review.status == "draft" and st.button(
        "Start the meeting", type="primary", key="reviews.start"
    ):
        _write(
            lambda: reviews.start_meeting(ctx.engine, review_id=review.id),
            "The meeting has started.",
        )
        st.rerun()

    left, right = st.columns(2)
    with left, st.form("reviews.attendee", clear_on_submit=True):
        st.markdown("**Attendee**")
        name = st.text_input("Name", key="attendee.name")
        role = st.text_input("Role (optional)", key="attendee.role")
        if st.form_submit_button("Add attendee", key="attendee.submit"):
            _write(
                lambda: reviews.add_attendee(ctx.engine, review_id=review.id, name=name, role=role),
                f"Added {name}.",
            )
    with right, st.form("reviews.decision", clear_on_submit=True):
        st.markdown("**Decision**")
        text = st.text_area("What was decided", key="decision.text")
        if st.form_submit_button("Record decision", key="decision.submit"):
            _write(
                lambda: reviews.add_decision(
                    ctx.engine, review_id=review.id, text=text, author=author
                ),
                "Decision recorded.",
            )

    keys = list(required)
    if keys:
        with st.form("reviews.finding"):
            st.markdown(
                "**Root cause** (for each goal off track, at risk or missed, and each SLA miss)"
            )
            key = st.selectbox("Item", keys, format_func=lambda k: required[k], key="finding.key")
            cause = st.text_area("Root cause", key="finding.cause")
            accepted = st.checkbox("Accepted, no action", key="finding.accepted")
            reason = st.text_input("Reason for accepting with no action", key="finding.reason")
            if st.form_submit_button("Record finding", key="finding.submit"):
                _write(
                    lambda: reviews.record_finding(
                        ctx.engine,
                        review_id=review.id,
                        key=key,
                        author=author,
                        root_cause=cause,
                        accepted_no_action=accepted,
                        acceptance_reason=reason,
                    ),
                    "Finding recorded.",
                )

    with st.form("reviews.action", clear_on_submit=True):
        st.markdown("**Action item** (a corrective action when it names the item it answers)")
        description = st.text_input("Action", key="action.description")
        cols = st.columns(3)
        owner = cols[0].text_input("Owner", key="action.owner")
        due = cols[1].date_input("Due", value=ctx.as_of + timedelta(days=30), key="action.due")
        finding = cols[2].selectbox(
            "Answers", ["", *keys], format_func=lambda k: required.get(k, "—"), key="action.finding"
        )
        targets = reviews.action_targets(ctx.program)
        options = [(kind, target_id) for kind in SERVES_KINDS for target_id in targets[kind]]
        serves = st.selectbox(
            "Serves (a goal, contract or roadmap item of the program)",
            [None, *options],
            key="action.serves",
            format_func=lambda o: "—" if o is None else f"{o[0]}: {targets[o[0]][o[1]]} ({o[1]})",
        )
        if st.form_submit_button("Add action item", key="action.submit"):
            kind, target_id = serves if serves is not None else (None, None)
            _write(
                lambda: reviews.add_action_item(
                    ctx.engine,
                    ctx.program,
                    review_id=review.id,
                    description=description,
                    owner=owner,
                    due=due,
                    author=author,
                    serves_kind=kind,
                    serves_id=target_id,
                    finding_key=finding or None,
                ),
                "Action item added.",
            )

    if items:
        with st.form("reviews.status"):
            st.markdown("**Action item status**")
            item_id = st.selectbox(
                "Action item",
                [stored_id(i) for i in items],
                key="status.item",
                format_func=lambda i: next(
                    f"{x.description} ({x.owner}, {x.status})" for x in items if x.id == i
                ),
            )
            status = st.selectbox("Status", ACTION_STATUSES, key="status.value")
            if st.form_submit_button("Update status", key="status.submit"):
                _write(
                    lambda: reviews.set_action_status(ctx.engine, action_id=item_id, status=status),
                    "Status updated.",
                )

    if review.status == "in_meeting" and st.button(
        "Close the review", type="primary", key="reviews.close"
    ):
        try:
            reviews.close_review(ctx.engine, ctx.program, review_id=review.id, author=author)
        except ClosingRefused as exc:
            st.error(
                f"{reviews.label(review).capitalize()} cannot close yet:\n\n"
                + "\n".join(
                    f"- {authored_markdown(p, ctx.program.spec.link_domains)}" for p in exc.problems
                )
            )
        except CxgovError as exc:
            st.error(str(exc))
        else:
            st.rerun()


def _write(action: Callable[[], object], done: str) -> None:
    try:
        action()
    except CxgovError as exc:
        st.error(f"Not recorded: {exc}")
    else:
        st.success(done)


def downloads(document: dict[str, Any], name: str) -> None:
    cols = st.columns(len(FORMATS))
    for col, fmt in zip(cols, FORMATS):
        col.download_button(
            f"Download {fmt.upper()}",
            data=partial(reviews.export_review, document, fmt),
            file_name=f"{name}.{fmt}",
            mime=MEDIA_TYPES[fmt],
            key=f"reviews.download.{fmt}",
            on_click="ignore",
        )


ctx = page_setup("Reviews", needs=Capability.READ_MONEY)
prepare_form(ctx)
held = reviews.list_reviews(ctx.engine)
if not held:
    st.info("No review yet: prepare one above (or with `cxgov review open --period YYYY-MM`).")
    st.stop()
data_table(
    [
        {
            "period": r.period,
            "kind": r.kind,
            "status": status_label(r.status) if r.status != "in_meeting" else "in meeting",
            "prepared by": r.created_by,
            "closed by": r.closed_by or "",
        }
        for r in held
    ],
    hide_index=True,
    width="stretch",
    key="reviews.list",
)
ids = [stored_id(r) for r in held]
if st.session_state.get(CHOSEN_KEY) not in ids:
    st.session_state[CHOSEN_KEY] = ids[0]
chosen = st.selectbox(
    "Review",
    ids,
    key=CHOSEN_KEY,
    format_func=lambda i: review_label(next(r for r in held if r.id == i)),
)
review = next(r for r in held if r.id == chosen)
if review.status != "closed":
    with st.expander("Record the meeting", expanded=True):
        record_forms(ctx, review)
document = reviews.review_document(ctx.engine, ctx.program, review_id=chosen)
review = next(r for r in reviews.list_reviews(ctx.engine) if r.id == chosen)
downloads(document, f"review-{'q-' if review.kind == 'quarterly' else ''}{review.period}")
draw(document, ctx.program.spec.link_domains)
