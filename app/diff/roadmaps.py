"""What a change to a Roadmap does: items moved later, dropped, or no longer serving a goal."""

from __future__ import annotations

from app.diff.change import Change, Maker
from app.spec.program import Program
from app.spec.roadmap import Item, Roadmap, item_due_date


def removed_roadmap(roadmap: Roadmap, make: Maker) -> Change:
    return make("removed", "softened", f"roadmap “{roadmap.metadata.title}” removed", side="base")


def _items(roadmap: Roadmap) -> dict[str, tuple[tuple[int, int], Item]]:
    return {item.id: ((p, i), item) for p, phase in enumerate(roadmap.spec.phases) for i, item in enumerate(phase.items)}


def roadmap_changes(base: Roadmap, head: Roadmap, base_program: Program, head_program: Program) -> list[Change]:
    make = Maker("Roadmap", head.id)
    before, after = _items(base), _items(head)
    out: list[Change] = []
    for item_id, (_, a) in before.items():
        if item_id not in after:
            severity = "info" if a.status == "done" else "softened"
            out.append(make("item", severity, f"item `{item_id}` ({a.status}) dropped: “{a.title}”", ("spec", "phases")))
            continue
        (p, i), b = after[item_id]
        path = ("spec", "phases", p, "items", i)
        due_a, due_b = item_due_date(a, base_program.start_date), item_due_date(b, head_program.start_date)
        if due_a != due_b:
            later = due_b > due_a
            out.append(make("item_due", "softened" if later else "tightened",
                            f"item `{item_id}` moved {'later' if later else 'earlier'}: due {due_a} → {due_b}",
                            (*path, "due" if b.due is not None else "due_day"), before=due_a, after=due_b))
        unlinked = [g for g in a.goals if g not in b.goals]
        linked = [g for g in b.goals if g not in a.goals]
        if unlinked:
            out.append(make("item_goals", "softened", f"item `{item_id}` no longer serves goal(s) {', '.join(unlinked)}",
                            (*path, "goals")))
        if linked:
            out.append(make("item_goals", "info", f"item `{item_id}` now also serves goal(s) {', '.join(linked)}",
                            (*path, "goals")))
        if a.status != b.status:
            out.append(make("item_status", "info", f"item `{item_id}` {a.status} → {b.status}", (*path, "status"),
                            before=a.status, after=b.status))
        if a.owner != b.owner:
            out.append(make("item_owner", "info", f"item `{item_id}` owner {a.owner} → {b.owner}", (*path,),
                            before=a.owner, after=b.owner))
    for item_id, ((p, i), b) in after.items():
        if item_id not in before:
            out.append(make("item", "info", f"item `{item_id}` added: “{b.title}”", ("spec", "phases", p, "items", i)))
    return out
