"""What the demo's committee said: root causes, corrective actions and decisions (pure).

The demo closes the review of the month before last with a finding for every item its pack says
needs attention, two corrective actions each, and the meeting's decisions, so that the Reviews
page and the Overview's "Needs attention" show a living program on a first run. The words are
written for the example program's metrics (the planted chat breach, the phone outage, the slow
help-centre rollout); any other metric gets a plain generic finding that says it is a demo.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from app.periods import Month
from app.words import counted

ATTENDEES: tuple[tuple[str, str], ...] = (
    ("Dana Whitfield", "VP Customer Experience (chair)"),
    ("Priya Nair", "Head of Support Operations"),
    ("Lena Vogt", "Finance"),
    ("Aisha Bello", "Self-service lead"),
)


@dataclass(frozen=True)
class CannedFinding:
    root_cause: str
    actions: tuple[str, str]


CANNED: dict[str, CannedFinding] = {
    "frt_chat": CannedFinding(
        "Two chat agents moved to the phone queue after the outage and were not moved back; the "
        "08:00–14:00 chat shifts ran one seat short, so chats waited past a minute at the peak.",
        (
            "Move the two agents back to chat and rebuild the 08:00–14:00 chat schedule with Erlang C",
            "Alert the shift lead when more than five chats wait over 45 seconds",
        ),
    ),
    "frt_chat_30s": CannedFinding(
        "Priority routing for contract accounts was switched off during the chat routing change, "
        "so Brightwater's chats queued with everyone else's for two months.",
        (
            "Restore priority routing for contract accounts and test it after every routing change",
            "Add the priority-routing check to the routing change checklist",
        ),
    ),
    "kb_deflection": CannedFinding(
        "Half of the top-10 help-centre articles went live late, and password resets still need "
        "an agent because self-service unlock is blocked on the identity team's SSO change.",
        (
            "Publish the remaining five top-10 articles with guided flows",
            "Agree a date for the SSO API change (IAM-212) with the identity team",
        ),
    ),
    "csat": CannedFinding(
        "Satisfaction fell with the waits: the answers of customers who waited more than ten "
        "minutes account for most of the drop.",
        (
            "Offer a call-back instead of a queue above a five-minute wait",
            "Review every detractor comment of the month with the team leads",
        ),
    ),
    "fcr": CannedFinding(
        "Route-import errors sent customers back a second time within a week; the fix was "
        "released mid-month.",
        (
            "Confirm the route-import fix with the three largest affected customers",
            "Add a repeat-contact check to the weekly quality sample",
        ),
    ),
    "service_level": CannedFinding(
        "The phone system outage took calls down for most of a day and left a queue for the rest "
        "of the week.",
        (
            "Agree a failover test with the telephony vendor every quarter",
            "Write the outage playbook step for switching the phone line to call-backs",
        ),
    ),
}
GENERIC = CannedFinding(
    "Demo finding: demand ran ahead of the staffing plan this month (a generated example; record "
    "your own root cause).",
    (
        "Re-plan staffing for the next month against the forecast",
        "Report progress at the next review",
    ),
)


def finding_for(metric: str | None) -> CannedFinding:
    return CANNED.get(metric or "", GENERIC)


def action_dues(period: Month) -> tuple[date, date]:
    """Due dates of a finding's two actions: mid-way through the month after the review's period
    (already past when the demo runs in the month after that), and the end of the month after."""
    following = period.shift(1)
    return following.first_day() + timedelta(days=14), following.shift(1).last_day()


def decisions(period: Month, items: int, top: str | None, credits: list[str]) -> list[str]:
    """The decisions the demo's committee recorded for the review of `period`."""
    out = [
        f"Corrective actions approved for {counted(items, 'item')}; owners report progress at the "
        f"review of {period.shift(1)}."
        if items
        else f"Nothing needed attention in {period}; the figures are accepted as reported."
    ]
    if top:
        out.append(f"“{top}” stays on the agenda until it is back on plan.")
    out.extend(f"Finance books the {credit}." for credit in credits)
    return out
