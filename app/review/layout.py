"""A review document laid out once as neutral blocks; Markdown, HTML and PDF each render the blocks.

The input is the document of `app.review.service.review_document` (a closed review's snapshot or
a live pack, with what people recorded), so every export shows exactly the frozen numbers.
Pure: no I/O. Text is left raw here; each renderer escapes it for its own format.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

from app.display.labels import fmt_money, forecast_words, format_value, status_label
from app.words import counted


@dataclass(frozen=True)
class Heading:
    level: int
    text: str


@dataclass(frozen=True)
class Para:
    text: str
    tone: Literal["normal", "note", "warning"] = "normal"


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Chart:
    name: str
    """Key in the charts mapping (`app.review.charts.review_charts`)."""
    caption: str


Block = Heading | Para | Bullets | Table | Chart

SECTIONS: tuple[str, ...] = (
    "Headline",
    "Goals needing attention",
    "SLA misses",
    "Service credits",
    "Stale data",
    "Check-ins",
    "Action items from earlier reviews",
    "Meeting record",
    "All goals",
)


def money(amount: str | Decimal, currency: str) -> str:
    return fmt_money(Decimal(str(amount)), currency)


def title_of(document: Mapping[str, Any]) -> str:
    pack = document["pack"]
    what = (
        "Quarterly business review"
        if pack["kind"] == "quarterly"
        else "Monthly steering-committee review"
    )
    months = pack["months"]
    span = months[0] if len(months) == 1 else f"{months[0]} – {months[-1]}"
    return f"{pack['program']} — {what}, {span}"


def _state(document: Mapping[str, Any]) -> str:
    review = document["review"]
    if review["status"] == "closed":
        return (
            f"Closed by {review['closed_by']} on {str(review['closed_at'])[:10]}; the numbers are frozen as they "
            "were shown in the meeting."
        )
    stage = {"draft": "Draft", "in_meeting": "In the meeting"}.get(
        review["status"], review["status"]
    )
    return f"{stage}: the numbers are live until the review is closed."


def _findings(
    document: Mapping[str, Any],
) -> tuple[dict[str, dict[str, Any]], dict[str, list[dict[str, Any]]]]:
    record = document["record"]
    findings = {f["key"]: f for f in record["findings"]}
    actions: dict[str, list[dict[str, Any]]] = {}
    for item in record["action_items"]:
        if item["finding_key"]:
            actions.setdefault(item["finding_key"], []).append(item)
    return findings, actions


def _settlement(
    key: str, findings: Mapping[str, dict[str, Any]], actions: Mapping[str, list[dict[str, Any]]]
) -> list[Block]:
    finding = findings.get(key)
    if finding and finding["accepted_no_action"]:
        return [Para(f"Accepted, no action: {finding['acceptance_reason']}", "note")]
    blocks: list[Block] = [
        Para(
            f"Root cause: {finding['root_cause']}"
            if finding and finding["root_cause"]
            else "Root cause: not recorded yet",
            "normal" if finding else "warning",
        )
    ]
    items = actions.get(key, [])
    if items:
        blocks.append(
            Bullets(
                tuple(
                    f"{i['description']} — {i['owner']}, due {i['due']} ({i['status']})"
                    for i in items
                )
            )
        )
    else:
        blocks.append(Para("Corrective actions: none recorded yet", "warning"))
    return blocks


def _checkin(checkin: Mapping[str, Any] | None) -> list[Block]:
    """The owner's latest check-in as quoted in the pack, its contradiction with the numbers said."""
    if not checkin:
        return [Para("Owner's check-in: none recorded.", "warning")]
    said = checkin["confidence"].replace("_", " ")
    text = f"Owner's check-in ({checkin['recorded_on']}, {checkin['author']}): {said} — “{checkin['comment']}”"
    if checkin.get("blockers"):
        text += f" Blockers: {checkin['blockers'].rstrip('.')}."
    if checkin.get("next_step"):
        due = f" by {checkin['next_step_due']}" if checkin.get("next_step_due") else ""
        text += f" Next step: {checkin['next_step'].rstrip('.')}{due}."
    blocks: list[Block] = [Para(text)]
    if checkin.get("note"):
        blocks.append(Para(checkin["note"].capitalize() + ".", "warning"))
    return blocks


def layout(document: Mapping[str, Any], *, charts: Sequence[str] = ()) -> list[Block]:
    """The review as blocks; `charts` names the charts available (only those are placed)."""
    pack, record = document["pack"], document["record"]
    head, currency = pack["headline"], pack["headline"]["currency"]
    findings, actions = _findings(document)
    units = {g["goal_id"]: g["unit"] for g in pack["goals"]}
    blocks: list[Block] = [
        Heading(1, title_of(document)),
        Para(_state(document), "note"),
        Para(
            f"Evaluated as of {pack['as_of']}; months covered: {', '.join(pack['months'])}.", "note"
        ),
    ]
    if document.get("revisions"):
        blocks.append(
            Para("Revised since this review (the frozen numbers below are unchanged):", "warning")
        )
        blocks.append(Bullets(tuple(r["message"] for r in document["revisions"])))

    blocks.append(Heading(2, "Headline"))
    counts = (
        ", ".join(f"{n} {status_label(s)}" for s, n in head["goals_by_status"].items()) or "none"
    )
    exposure = head["exposure"]
    owed_line = (
        f"Service credits owed for {', '.join(pack['months'])}: {money(head['credits_owed'], currency)}"
        f"; provisional (earn-back may still waive them): {money(head['credits_provisional'], currency)}"
    )
    exposure_line = (
        f"Exposure as of {pack['as_of']}: owed {money(exposure['owed'], currency)}, provisional "
        f"{money(exposure['provisional'], currency)}, at risk {money(exposure['at_risk'], currency)}, "
        f"projected {money(exposure['projected'], currency)}, total {money(exposure['total'], currency)}"
    )
    lines = [f"Goals: {head['goals_total']} — {counts}", owed_line, exposure_line]
    if exposure.get("not_issued") is not None:
        lines.append(
            f"Owed and not yet on an invoice: {money(exposure['not_issued'], currency)}; "
            f"adjustments due on the next invoice: {money(exposure['adjustments'], currency)}"
        )
    lines.append(f"Roadmap: {counted(len(head['roadmap_slipping']), 'item')} overdue or blocked")
    blocks.append(Bullets(tuple(lines)))
    if "status" in charts:
        blocks.append(Chart("status", "Goal status by pillar"))
    blocks.append(Heading(3, "What changed since the last review"))
    if head["changes"]:
        blocks.append(
            Table(
                ("goal", "was", "now", "change"),
                tuple(
                    (
                        c["title"],
                        status_label(c["previous"]),
                        status_label(c["current"]),
                        "worse" if c["worse"] else "better",
                    )
                    for c in head["changes"]
                ),
            )
        )
    else:
        blocks.append(Para("No goal changed status."))
    if head["roadmap_slipping"]:
        blocks.append(Heading(3, "Roadmap slippage"))
        blocks.append(
            Table(
                ("item", "owner", "due", "status", "why"),
                tuple(
                    (
                        i["title"],
                        i["owner"] or "",
                        i["due"],
                        status_label(i["status"]),
                        i["explanation"],
                    )
                    for i in head["roadmap_slipping"]
                ),
            )
        )

    blocks.append(Heading(2, "Goals needing attention"))
    if not pack["attention"]:
        blocks.append(Para("No goal is off track, at risk or missed."))
    for item in pack["attention"]:
        goal = item["goal"]
        unit = goal["unit"]
        blocks.append(Heading(3, f"{goal['title']} — {status_label(goal['status'])}"))
        blocks.append(Para(f"Owner {goal['owner'] or '—'} · {goal['explanation']}"))
        blocks.append(
            Table(
                ("month", "planned", "actual"),
                tuple(
                    (t["period"], format_value(t["planned"], unit), format_value(t["actual"], unit))
                    for t in item["trend"]
                ),
            )
        )
        blocks.append(Para(forecast_sentence(item)))
        if item["key"] in charts:
            blocks.append(Chart(item["key"], goal["title"]))
        blocks.extend(_checkin(item.get("latest_checkin")))
        blocks.extend(_settlement(item["key"], findings, actions))

    blocks.append(Heading(2, "SLA misses"))
    if not pack["sla_misses"]:
        blocks.append(Para("No SLA objective missed."))
    for miss in pack["sla_misses"]:
        value = "no value" if miss["value"] is None else f"{miss['value']:g}"
        blocks.append(Heading(3, f"{miss['counterparty']} — {miss['title']}, {miss['period']}"))
        blocks.append(
            Para(
                f"{value} against a target of {miss['target']:g} ({miss['outcome']}); "
                f"{miss['consecutive_misses']} miss(es) in a row; credit {money(miss['credit'], miss['currency'])}. "
                f"{miss['explanation']}"
            )
        )
        blocks.extend(_settlement(miss["key"], findings, actions))

    blocks.append(Heading(2, "Service credits"))
    if pack["credits"]:
        blocks.append(
            Table(
                ("contract", "month", "credit", "earn-back", "invoicing", "why"),
                tuple(
                    (
                        f"{c['counterparty']} ({c['contract_id']})",
                        c["period"],
                        money(c["amount"], c["currency"]),
                        c["earn_back"].replace("_", " "),
                        c.get("invoicing") or "",
                        c["explanation"],
                    )
                    for c in pack["credits"]
                ),
            )
        )
    else:
        blocks.append(Para("No credit is owed for this period."))
    invoicing = pack.get("invoicing") or []
    if invoicing:
        blocks.append(Heading(3, "Owed and not issued, and adjustments due on the next invoice"))
        blocks.append(
            Table(
                ("contract", "month", "due", "", "ledger"),
                tuple(
                    (
                        f"{i['counterparty']} ({i['contract_id']})",
                        i["period"],
                        money(i["due"], i["currency"]),
                        "adjustment" if i["state"] == "adjustment" else "not issued",
                        i["explanation"],
                    )
                    for i in invoicing
                ),
            )
        )

    blocks.append(Heading(2, "Stale data"))
    if pack["stale"]:
        blocks.append(
            Bullets(tuple(f"{s['kind']} {s['subject']}: {s['explanation']}" for s in pack["stale"]))
        )
    else:
        blocks.append(Para("Every figure due has a value."))

    blocks.append(Heading(2, "Check-ins"))
    since = pack.get("checkins_since")
    missing = pack.get("checkins_missing") or []
    if since is None:
        blocks.append(
            Para("Check-ins were not part of the pack when this review was frozen.", "note")
        )
    elif missing:
        blocks.append(
            Para(
                f"{counted(len(missing), 'goal owner')} "
                f"{'has' if len(missing) == 1 else 'have'} not checked in since the last review "
                f"({since}):",
                "warning",
            )
        )
        blocks.append(
            Table(
                ("goal", "owner", "status", "last check-in"),
                tuple(
                    (
                        m["title"],
                        m["owner"] or "—",
                        status_label(m["status"]),
                        m["last_checkin"] or "never",
                    )
                    for m in missing
                ),
            )
        )
    else:
        blocks.append(Para(f"Every goal owner has checked in since the last review ({since})."))

    blocks.append(Heading(2, "Action items from earlier reviews"))
    if pack["actions"]:
        blocks.append(
            Table(
                ("action", "owner", "due", "status", "serves", "from"),
                tuple(
                    (
                        a["description"],
                        a["owner"],
                        a["due"],
                        a["status"],
                        a["serves"] or "",
                        a["from_period"] or "",
                    )
                    for a in pack["actions"]
                ),
            )
        )
    else:
        blocks.append(Para("None carried over."))

    blocks.append(Heading(2, "Meeting record"))
    attendees = record["attendees"]
    blocks.append(
        Para(
            "Attendees: "
            + (
                ", ".join(
                    f"{a['name']} ({a['role']})" if a["role"] else a["name"] for a in attendees
                )
                or "none recorded"
            )
        )
    )
    blocks.append(Heading(3, "Decisions"))
    blocks.append(
        Bullets(tuple(f"{d['text']} ({d['recorded_by']})" for d in record["decisions"]))
        if record["decisions"]
        else Para("None recorded.")
    )
    blocks.append(Heading(3, "Action items"))
    new_items = [i for i in record["action_items"] if not i["carried_from"]]
    if new_items:
        blocks.append(
            Table(
                ("action", "owner", "due", "status", "serves", "for"),
                tuple(
                    (
                        i["description"],
                        i["owner"],
                        i["due"],
                        i["status"],
                        f"{i['serves_kind']} {i['serves_id']}" if i["serves_kind"] else "",
                        i["finding_key"] or "",
                    )
                    for i in new_items
                ),
            )
        )
    else:
        blocks.append(Para("None recorded."))

    blocks.append(Heading(2, "All goals"))
    blocks.append(
        Table(
            ("goal", "pillar", "status", "month", "actual", "planned", "target"),
            tuple(
                (
                    g["title"],
                    g["pillar"],
                    status_label(g["status"]),
                    g["judged_period"] or "",
                    format_value(g["actual"], units[g["goal_id"]]),
                    format_value(g["planned"], units[g["goal_id"]]),
                    format_value(g["target"], units[g["goal_id"]]),
                )
                for g in pack["goals"]
            ),
        )
    )
    return blocks


def forecast_sentence(item: Mapping[str, Any]) -> str:
    """The forecast and the trend in one sentence, both from the forecast's line when there is one
    (so the words cannot contradict the dashed line drawn beside them)."""
    goal = item["goal"]
    if item["forecast_value"] is None:
        return (
            f"Trend over the review's months: {item['direction']}; no forecast. "
            f"Target {format_value(goal['target'], goal['unit'])}."
        )
    return forecast_words(
        item["forecast_value"],
        item["forecast_at"],
        direction=item["direction"],
        unit=goal["unit"],
        low=item.get("forecast_low"),
        high=item.get("forecast_high"),
        target=goal["target"],
    )
