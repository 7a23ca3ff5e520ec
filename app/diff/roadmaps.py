"""What a change to a Roadmap does: items moved later, dropped, or no longer serving a goal."""

from __future__ import annotations

from app.diff.change import Change, Maker, Severity
from app.spec.program import Program
from app.spec.roadmap import Item, Roadmap, item_due_date


def removed_roadmap(roadmap: Roadmap, make: Maker) -> Change:
    return make("removed", "softened", f"roadmap “{roadmap.metadata.title}” removed", side="base")


def _goals(ids: list[str]) -> str:
    return ("goal " if len(ids) == 1 else "goals ") + ", ".join(ids)


def _items(roadmap: Roadmap) -> dict[str, tuple[tuple[int, int], Item]]:
    return {
        item.id: ((p, i), item)
        for p, phase in enumerate(roadmap.spec.phases)
        for i, item in enumerate(phase.items)
    }


def roadmap_changes(
    base: Roadmap, head: Roadmap, base_program: Program, head_program: Program
) -> list[Change]:
    make = Maker("Roadmap", head.id)
    before, after = _items(base), _items(head)
    out: list[Change] = []
    for item_id, (_, a) in before.items():
        if item_id not in after:
            severity: Severity = "info" if a.status == "done" else "softened"
            out.append(
                make(
                    "item",
                    severity,
                    f"item `{item_id}` ({a.status}) dropped: “{a.title}”",
                    ("spec", "phases"),
                )
            )
            continue
        (p, i), b = after[item_id]
        path = ("spec", "phases", p, "items", i)
        due_a, due_b = (
            item_due_date(a, base_program.start_date),
            item_due_date(b, head_program.start_date),
        )
        if due_a != due_b:
            later = due_b > due_a
            out.append(
                make(
                    "item_due",
                    "softened" if later else "tightened",
                    f"item `{item_id}` moved {'later' if later else 'earlier'}: due {due_a} → {due_b}",
                    (*path, "due" if b.due is not None else "due_day"),
                    before=due_a,
                    after=due_b,
                )
            )
        unlinked = [g for g in a.goals if g not in b.goals]
        linked = [g for g in b.goals if g not in a.goals]
        if unlinked:
            out.append(
                make(
                    "item_goals",
                    "softened",
                    f"item `{item_id}` no longer serves {_goals(unlinked)}",
                    (*path, "goals"),
                )
            )
        if linked:
            out.append(
                make(
                    "item_goals",
                    "info",
                    f"item `{item_id}` now also serves {_goals(linked)}",
                    (*path, "goals"),
                )
            )
        if a.status != b.status:
            out.append(
                make(
                    "item_status",
                    "info",
                    f"item `{item_id}` {a.status} → {b.status}",
                    (*path, "status"),
                    before=a.status,
                    after=b.status,
                )
            )
        if a.title != b.title:
            out.append(
                make(
                    "item_title",
                    "info",
                    f"item `{item_id}` retitled “{b.title}” (was “{a.title}”)",
                    (*path, "title"),
                    before=a.title,
                    after=b.title,
                )
            )
        if a.completed_on != b.completed_on:
            out.append(
                make(
                    "item_status",
                    "info",
                    f"item `{item_id}` completed on {b.completed_on or '(not completed)'}",
                    (*path,),
                    before=a.completed_on,
                    after=b.completed_on,
                )
            )
        if a.blocked_reason != b.blocked_reason:
            out.append(
                make(
                    "item_status",
                    "info",
                    f"item `{item_id}` blocked reason changed",
                    (*path,),
                    before=a.blocked_reason,
                    after=b.blocked_reason,
                )
            )
        if a.owner != b.owner:
            out.append(
                make(
                    "item_owner",
                    "info",
                    f"item `{item_id}` owner {a.owner} → {b.owner}",
                    (*path,),
                    before=a.owner,
                    after=b.owner,
                )
            )
    old_phases = {phase.id: phase for phase in base.spec.phases}
    for p, phase in enumerate(head.spec.phases):
        was = old_phases.get(phase.id)
        if was is None:
            out.append(make("phase", "info", f"phase `{phase.id}` added", ("spec", "phases", p)))
        elif (was.title, was.from_day, was.to_day) != (phase.title, phase.from_day, phase.to_day):
            out.append(
                make(
                    "phase",
                    "info",
                    f"phase `{phase.id}`: “{phase.title}”, days {phase.from_day}–{phase.to_day} "
                    f"(was “{was.title}”, days {was.from_day}–{was.to_day})",
                    ("spec", "phases", p),
                )
            )
    for phase_id in old_phases.keys() - {phase.id for phase in head.spec.phases}:
        out.append(make("phase", "info", f"phase `{phase_id}` removed", ("spec", "phases")))
    for item_id, ((p, i), b) in after.items():
        if item_id not in before:
            out.append(
                make(
                    "item",
                    "info",
                    f"item `{item_id}` added: “{b.title}”",
                    ("spec", "phases", p, "items", i),
                )
            )
    return out
