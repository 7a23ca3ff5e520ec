"""What a change to a Playbook does: the steps agents follow, their time limits, the templates."""

from __future__ import annotations

from app.diff.change import Change, Maker, Severity
from app.spec.common import duration_seconds
from app.spec.playbook import Playbook, Step


def removed_playbook(playbook: Playbook, make: Maker) -> Change:
    return make("removed", "softened", f"playbook “{playbook.metadata.title}” removed", side="base")


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _match_steps(old: list[Step], new: list[Step]) -> list[tuple[int | None, int | None]]:
    """Pairs of (old index, new index): equal instructions first, then reworded steps at the same place."""
    pairs: dict[int, int] = {}
    used: set[int] = set()
    for i, step in enumerate(old):
        j = next(
            (j for j, s in enumerate(new) if j not in used and s.instruction == step.instruction),
            None,
        )
        if j is not None:
            pairs[i] = j
            used.add(j)
    for i in range(len(old)):
        if i not in pairs and i < len(new) and i not in used:
            pairs[i] = i
            used.add(i)
    out: list[tuple[int | None, int | None]] = [(i, pairs.get(i)) for i in range(len(old))]
    out += [(None, j) for j in range(len(new)) if j not in used]
    return out


def _time_limit(a: str | None, b: str | None) -> Severity | None:
    if a == b:
        return None
    if b is None:
        return "softened"
    if a is None:
        return "tightened"
    x, y = duration_seconds(a), duration_seconds(b)
    if x == y:
        return "info"
    return "softened" if y > x else "tightened"


def playbook_changes(base: Playbook, head: Playbook) -> list[Change]:
    make = Maker("Playbook", head.id)
    old, new = base.spec.steps, head.spec.steps
    out: list[Change] = []
    pairs = _match_steps(old, new)
    matched = [(i, j) for i, j in pairs if i is not None and j is not None]
    for i, j in pairs:
        if i is not None and j is None:
            out.append(
                make(
                    "steps",
                    "softened",
                    f"step {i + 1} removed: “{_short(old[i].instruction)}”",
                    ("spec", "steps"),
                )
            )
        elif i is None and j is not None:
            out.append(
                make(
                    "steps",
                    "tightened",
                    f"step {j + 1} added: “{_short(new[j].instruction)}”",
                    ("spec", "steps", j),
                )
            )
    kept = [j for _, j in sorted(matched)]
    if kept != sorted(kept):
        out.append(make("steps", "info", "steps reordered", ("spec", "steps")))
    for i, j in matched:
        a, b = old[i], new[j]
        path = ("spec", "steps", j)
        if a.instruction != b.instruction:
            out.append(make("steps", "info", f"step {j + 1} reworded", (*path, "instruction")))
        severity = _time_limit(a.time_limit, b.time_limit)
        if severity is not None:
            word = {"softened": "loosened", "tightened": "tightened"}.get(
                severity, "reworded (same duration)"
            )
            out.append(
                make(
                    "time_limit",
                    severity,
                    f"step {j + 1} time limit {word}: {a.time_limit or 'none'} → "
                    f"{b.time_limit or 'none'}",
                    (*path, "time_limit") if b.time_limit else path,
                    before=a.time_limit,
                    after=b.time_limit,
                )
            )
        if a.escalation != b.escalation:
            what = (
                "removed"
                if b.escalation is None
                else "added"
                if a.escalation is None
                else "changed"
            )
            out.append(
                make(
                    "escalation",
                    "softened" if what == "removed" else "info",
                    f"step {j + 1} escalation {what}",
                    (*path, "escalation") if b.escalation else path,
                )
            )
    out += _templates(base, head, make)
    if base.spec.protects != head.spec.protects:
        out.append(
            make(
                "protects",
                "info",
                "the metrics or SLA objectives it protects changed",
                ("spec", "protects"),
            )
        )
    if base.spec.variables != head.spec.variables:
        out.append(make("templates", "info", "template variables changed", ("spec", "variables")))
    return out


def _templates(base: Playbook, head: Playbook, make: Maker) -> list[Change]:
    out: list[Change] = []
    before = {t.id: t for t in base.spec.templates}
    after = {t.id: (i, t) for i, t in enumerate(head.spec.templates)}
    for tid, t in before.items():
        if tid not in after:
            out.append(
                make(
                    "templates",
                    "info",
                    f"template `{tid}` ({t.channel}, {t.locale}) removed",
                    ("spec", "templates"),
                )
            )
            continue
        i, u = after[tid]
        if t != u:
            parts = [
                name
                for name in ("channel", "locale", "subject", "body")
                if getattr(t, name) != getattr(u, name)
            ]
            out.append(
                make(
                    "templates",
                    "info",
                    f"template `{tid}` changed: {', '.join(parts)}",
                    ("spec", "templates", i, parts[0]),
                )
            )
    for tid, (i, u) in after.items():
        if tid not in before:
            out.append(
                make(
                    "templates",
                    "info",
                    f"template `{tid}` ({u.channel}, {u.locale}) added",
                    ("spec", "templates", i),
                )
            )
    return out
