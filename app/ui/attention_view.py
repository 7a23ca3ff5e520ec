"""How the app draws what needs attention (`app.service.attention`): one bordered line per item,
its status in words with an icon (never colour alone), its title a link to its page."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Literal

import streamlit as st

from app.display.labels import format_value, status_label
from app.periods import Month
from app.service.attention import (
    Attention,
    CreditLine,
    Decision,
    GoalLine,
    Item,
    RoadmapLine,
    StaleSeries,
)
from app.service.checkins import confidence_label
from app.textsafety import authored_markdown
from app.ui.links import page_link, page_url
from app.ui.tables import data_table

Markdown = Callable[[str], str]
Color = Literal["red", "orange", "yellow", "blue", "green", "violet", "gray", "grey", "primary"]

BADGE: dict[str, tuple[str, str, Color]] = {
    "owed": ("Credit owed", ":material/payments:", "red"),
    "provisional": ("Credit owed, earn-back pending", ":material/payments:", "orange"),
    "at risk": ("Credit at risk this month", ":material/payments:", "orange"),
    "projected": ("Credit projected next month", ":material/trending_down:", "gray"),
    "missed": ("Missed", ":material/cancel:", "red"),
    "overdue": ("Overdue", ":material/schedule:", "red"),
    "off_track": ("Off track", ":material/error:", "red"),
    "at_risk": ("At risk", ":material/warning:", "orange"),
    "blocked": ("Blocked", ":material/block:", "red"),
}
"""Status → (words, icon, badge colour): the words carry the status, the colour only repeats it."""

SHOWN = 8
"""Lines drawn in full; the rest go to one table below them."""


def month_text(month: Month | None) -> str:
    return "—" if month is None else month.first_day().strftime("%b %Y")


def _badge(key: str, extra: str = "") -> None:
    words, icon, color = BADGE[key]
    st.badge(words + (f" · {extra}" if extra else ""), icon=icon, color=color)


def draw_item(item: Item, *, index: int, link: bool = True, domains: Sequence[str] = ()) -> None:
    """One line in a bordered box; `link=False` on the item's own page. Authored text is Markdown
    with links only to `domains` (the program's `link_domains`)."""

    def md(text: str) -> str:
        return authored_markdown(text, domains)

    with st.container(border=True, key=f"attention.item.{index}"):
        if isinstance(item, CreditLine):
            _credit(item, link, md)
        elif isinstance(item, GoalLine):
            _goal(item, link, md)
        else:
            _roadmap(item, link, md)


def _credit(item: CreditLine, link: bool, md: Markdown) -> None:
    _badge(item.state, item.amount_text)
    if link:
        page_link(
            "slas.py",
            f"{item.contract} — {item.counterparty}",
            query={"contract": item.contract_id},
            icon=":material/handshake:",
            strong=True,
        )
    objectives = ", ".join(item.objectives) or "—"
    st.markdown(
        f"**{md(objectives)}**, {month_text(item.period)}"
        + ("" if item.in_program_currency else f" (in {item.currency}, not in the program total)")
    )
    st.caption(md(item.rule))


def _goal(item: GoalLine, link: bool, md: Markdown) -> None:
    held = ""
    if item.since is not None:
        held = (
            f"for {item.months} month{'s' if item.months != 1 else ''}"
            if item.months and item.months > 1
            else "this month"
        ) + f" (since {month_text(item.since)})"
    _badge(item.status, held)
    if link:
        page_link(
            "goals.py",
            item.title,
            query={"goal": item.goal_id},
            icon=":material/flag:",
            strong=True,
        )
    target = (
        f"; target {format_value(item.target, item.unit)} by {item.deadline}"
        if item.target is not None and item.status != "missed"
        else ""
    )
    st.markdown(md(f"{item.explanation}{target}. Owner: {item.owner or 'nobody named'}."))
    if item.finding is not None:
        where = f"review of {month_text(Month.parse(item.finding.review_period))}"
        st.markdown(f"**Root cause** ({where}): {md(item.root_cause)}")
    else:
        st.markdown("**Root cause:** " + md(item.root_cause) + ".")
    if item.corrective_actions:
        st.markdown(
            "**Corrective actions:**\n"
            + "\n".join(
                f"- {md(a.description)} — {md(a.owner)}, due {a.due} ({a.status})"
                for a in item.corrective_actions
            )
        )
    _checkin(item, md)


def _checkin(item: GoalLine, md: Markdown) -> None:
    """The owner's newest check-in, and whether it contradicts the numbers."""
    found = item.checkin
    if found is None:
        st.markdown("**Owner's check-in:** none recorded yet.")
        return
    said = f"{confidence_label(found.confidence)} — {found.comment}"
    if found.blockers:
        said += f" Blockers: {found.blockers}"
    st.markdown(
        f"**Owner's check-in** ({found.recorded_at:%Y-%m-%d}, {md(found.author)}): {md(said)}"
    )
    if item.checkin_disagrees:
        st.warning(item.checkin_disagrees.capitalize() + ".", icon=":material/report:")


def _roadmap(item: RoadmapLine, link: bool, md: Markdown) -> None:
    extra = (
        f"{item.days_late} day{'s' if item.days_late != 1 else ''} late"
        if item.days_late
        else f"due {item.due}"
    )
    _badge(item.status, extra)
    if link:
        page_link(
            "roadmap.py",
            item.title,
            query={"item": item.item_id},
            icon=":material/timeline:",
            strong=True,
        )
    goals = "; ".join(title for _, title in item.goals) or "no goal named"
    st.markdown(md(f"Owner: {item.owner or 'nobody named'}. Serves: {goals}."))
    st.caption(md(item.explanation))


def item_row(item: Item) -> dict[str, object]:
    """One row of the table of lines beyond the first few: what, status, money, where."""
    if isinstance(item, CreditLine):
        return {
            "what": f"{item.contract} — {', '.join(item.objectives)}, {month_text(item.period)}",
            "status": BADGE[item.state][0],
            "amount": item.amount_text,
            "open": page_url("slas.py", {"contract": item.contract_id}),
        }
    if isinstance(item, GoalLine):
        return {
            "what": item.title,
            "status": status_label(item.status),
            "amount": "",
            "open": page_url("goals.py", {"goal": item.goal_id}),
        }
    return {
        "what": item.title,
        "status": status_label(item.status),
        "amount": "",
        "open": page_url("roadmap.py", {"item": item.item_id}),
    }


def draw_items(items: Sequence[Item], *, domains: Sequence[str] = ()) -> None:
    for index, item in enumerate(items[:SHOWN]):
        draw_item(item, index=index, domains=domains)
    rest = items[SHOWN:]
    if rest:
        st.caption(f"{len(rest)} more, in the same order:")
        data_table(
            [item_row(i) for i in rest],
            hide_index=True,
            width="stretch",
            key="attention.more",
            column_config={
                "what": st.column_config.TextColumn("what", width="large"),
                "status": st.column_config.TextColumn("status", width="small"),
                "amount": st.column_config.TextColumn("amount", width="small"),
                "open": st.column_config.LinkColumn("open", display_text="open", width="small"),
            },
        )


DECISION_HEADINGS: dict[str, str] = {
    "root cause": "Root causes to agree",
    "overdue action": "Action items past their due date",
    "program change": "Changes to goals, contracts and metric definitions since the last review",
    "recorded": "Decided so far",
}
DECISION_FILES: dict[str, str] = {
    "goals": "goals.py",
    "slas": "slas.py",
    "reviews": "reviews.py",
    "metrics": "metrics.py",
}


def draw_decisions(attention: Attention, *, domains: Sequence[str] = ()) -> None:
    review = attention.open_review
    if review is None:
        st.write(
            f"No review is open. Prepare the review of {month_text(attention.last_closed)} to "
            "list what the committee must decide."
        )
        page_link("reviews.py", "Reviews", icon=":material/gavel:")
        return
    label = f"the {'draft' if review.status == 'draft' else 'open'} {review.label}"
    st.caption(f"From {label}.")
    page_link("reviews.py", f"Open {label}", icon=":material/gavel:")
    for kind, heading in DECISION_HEADINGS.items():
        found: list[Decision] = [d for d in attention.decisions if d.kind == kind]
        if kind == "program change":
            st.markdown(f"**{heading}**")
            st.caption(authored_markdown(attention.changes_note.capitalize() + ".", domains))
            if not found:
                st.write("None.")
        elif found:
            st.markdown(f"**{heading}**")
        if found:
            st.markdown("\n".join(f"- {authored_markdown(d.text, domains)}" for d in found))


def draw_stale(
    stale: Sequence[StaleSeries], last_closed: Month, *, domains: Sequence[str] = ()
) -> None:
    if not stale:
        st.write(
            f"Every measured series has its figure for the month it is due ({month_text(last_closed)})."
        )
        return
    st.markdown(
        "\n".join(
            f"- **{authored_markdown(s.name, domains)}**: no figure for {month_text(s.due)}"
            + (f" (last: {month_text(s.last_value)})" if s.last_value else " (none yet)")
            + f"; used by {authored_markdown(', '.join(s.used_by), domains)}"
            for s in stale
        )
    )
