"""What a change to a Goal does: the bar, the deadline, the starting point, the contacts counted."""

from __future__ import annotations

from app.diff.change import Change, Maker, Severity, bar_severity, more_or_less
from app.diff.scopes import describe_scope_change, scope_relation
from app.spec.goal import Goal, GoalSpec, Guardrail
from app.spec.program import Program

SCOPE_SEVERITY: dict[str, Severity] = {
    "narrowed": "softened",
    "widened": "tightened",
    "different": "breaking",
}
SCOPE_WORDS = {
    "narrowed": "fewer contacts count",
    "widened": "more contacts count",
    "different": "the goal now measures a different set of contacts",
}


def better_of(goal: Goal, program: Program) -> str:
    metric = program.metrics.get(goal.spec.metric or "")
    return metric.spec.better if metric is not None else "higher"


def removed_goal(goal: Goal, make: Maker) -> Change:
    if goal.spec.status == "active":
        return make(
            "removed", "softened", f"active goal “{goal.metadata.title}” removed", side="base"
        )
    return make(
        "removed", "info", f"{goal.spec.status} goal “{goal.metadata.title}” removed", side="base"
    )


def goal_changes(
    base: Goal, head: Goal, base_program: Program, head_program: Program
) -> list[Change]:
    make = Maker("Goal", head.id)
    old, new = base.spec, head.spec
    out: list[Change] = []
    if old.metric != new.metric:
        out.append(
            make(
                "metric",
                "breaking",
                f"measures metric `{new.metric}` instead of `{old.metric}`: "
                "progress before and after is not comparable",
                ("spec", "metric"),
                before=old.metric,
                after=new.metric,
            )
        )
    better = better_of(head, head_program)
    out += _target(old, new, better, make)
    out += _baseline(old, new, better, make)
    out += _milestones(old, new, better, make)
    out += _deliverable(old, new, make)
    relation = scope_relation(old.scope, new.scope)
    if relation != "same":
        out.append(
            make(
                "scope",
                SCOPE_SEVERITY[relation],
                f"scope {relation}: {describe_scope_change(old.scope, new.scope)} ({SCOPE_WORDS[relation]})",
                ("spec", "scope"),
                before=old.scope.describe(),
                after=new.scope.describe(),
            )
        )
    out += _guardrails(old.guardrails, new.guardrails, base_program, head_program, make)
    if old.status != new.status:
        severity: Severity = (
            "softened"
            if new.status in ("retired", "paused") and old.status == "active"
            else "tightened"
            if new.status == "active" and old.status in ("retired", "paused")
            else "info"
        )
        out.append(
            make(
                "status",
                severity,
                f"status {old.status} → {new.status}",
                ("spec", "status"),
                before=old.status,
                after=new.status,
            )
        )
    return out


def _target(old: GoalSpec, new: GoalSpec, better: str, make: Maker) -> list[Change]:
    out: list[Change] = []
    if old.target is not None and new.target is None:
        out.append(
            make(
                "target", "softened", "target removed", ("spec", "target"), before=old.target.value
            )
        )
    elif old.target is None and new.target is not None:
        out.append(
            make(
                "target",
                "tightened",
                f"target added: {new.target.value:g} by {new.target.by}",
                ("spec", "target"),
                after=new.target.value,
            )
        )
    elif old.target is not None and new.target is not None:
        severity = bar_severity(old.target.value, new.target.value, better)
        if severity is not None:
            verb = "lowers the bar" if severity == "softened" else "raises the bar"
            out.append(
                make(
                    "target",
                    severity,
                    f"target {old.target.value:g} → {new.target.value:g} ({verb}; {better} is better)",
                    ("spec", "target", "value"),
                    before=old.target.value,
                    after=new.target.value,
                )
            )
        if old.target.by != new.target.by:
            later = new.target.by > old.target.by
            out.append(
                make(
                    "deadline",
                    "softened" if later else "tightened",
                    f"deadline moved {'later' if later else 'earlier'}: {old.target.by} → {new.target.by}",
                    ("spec", "target", "by"),
                    before=old.target.by,
                    after=new.target.by,
                )
            )
    return out


def _baseline(old: GoalSpec, new: GoalSpec, better: str, make: Maker) -> list[Change]:
    if old.baseline == new.baseline:
        return []
    if old.baseline is None or new.baseline is None:
        what = "removed" if new.baseline is None else "added"
        return [
            make(
                "baseline",
                "breaking",
                f"baseline {what}: progress is measured from another starting point",
                ("spec", "baseline"),
            )
        ]
    out: list[Change] = []
    if old.baseline.value != new.baseline.value:
        # A worse baseline makes the same result look like more progress.
        severity = bar_severity(old.baseline.value, new.baseline.value, better) or "info"
        effect = (
            "progress will look larger" if severity == "softened" else "progress will look smaller"
        )
        out.append(
            make(
                "baseline",
                severity,
                f"baseline value rewritten {old.baseline.value:g} → {new.baseline.value:g} ({effect})",
                ("spec", "baseline", "value"),
                before=old.baseline.value,
                after=new.baseline.value,
            )
        )
    if old.baseline.period != new.baseline.period:
        out.append(
            make(
                "baseline",
                "breaking",
                f"baseline period {old.baseline.period} → {new.baseline.period}: progress is measured "
                "from another month",
                ("spec", "baseline", "period"),
                before=old.baseline.period,
                after=new.baseline.period,
            )
        )
    return out


def _milestones(old: GoalSpec, new: GoalSpec, better: str, make: Maker) -> list[Change]:
    out: list[Change] = []
    before = sorted(old.milestones, key=lambda m: m.by)
    after = sorted(new.milestones, key=lambda m: m.by)
    positions = {id(m): i for i, m in enumerate(new.milestones)}
    for index, (a, b) in enumerate(zip(before, after)):
        path = ("spec", "milestones", positions[id(b)])
        severity = bar_severity(a.value, b.value, better)
        if severity is not None:
            out.append(
                make(
                    "milestone",
                    severity,
                    f"milestone {index + 1}: {a.value:g} → {b.value:g}",
                    (*path, "value"),
                    before=a.value,
                    after=b.value,
                )
            )
        if a.by != b.by:
            later = b.by > a.by
            out.append(
                make(
                    "milestone",
                    "softened" if later else "tightened",
                    f"milestone {index + 1} moved {'later' if later else 'earlier'}: {a.by} → {b.by}",
                    (*path, "by"),
                    before=a.by,
                    after=b.by,
                )
            )
    for m in before[len(after) :]:
        out.append(
            make(
                "milestone",
                "softened",
                f"milestone {m.value:g} by {m.by} removed",
                ("spec", "milestones"),
            )
        )
    for m in after[len(before) :]:
        out.append(
            make(
                "milestone",
                "tightened",
                f"milestone {m.value:g} by {m.by} added",
                ("spec", "milestones", positions[id(m)]),
            )
        )
    return out


def _deliverable(old: GoalSpec, new: GoalSpec, make: Maker) -> list[Change]:
    if old.deliverable is None or new.deliverable is None or old.deliverable == new.deliverable:
        return []
    a, b = old.deliverable, new.deliverable
    out: list[Change] = []
    if a.due != b.due:
        later = b.due > a.due
        out.append(
            make(
                "deadline",
                "softened" if later else "tightened",
                f"deliverable due {'later' if later else 'earlier'}: {a.due} → {b.due}",
                ("spec", "deliverable", "due"),
                before=a.due,
                after=b.due,
            )
        )
    if a.completed_on != b.completed_on:
        out.append(
            make(
                "deliverable",
                "info",
                f"completed on {b.completed_on or '(not completed)'}",
                ("spec", "deliverable"),
                before=a.completed_on,
                after=b.completed_on,
            )
        )
    if a.evidence != b.evidence:
        out.append(
            make(
                "deliverable",
                "info",
                "evidence changed",
                ("spec", "deliverable"),
                before=a.evidence,
                after=b.evidence,
            )
        )
    return out


def _guardrail_key(g: Guardrail) -> tuple[str, str]:
    return (g.metric, g.scope.key() if g.scope is not None else "")


def _bound_change(kind: str, old: float | None, new: float | None) -> Severity | None:
    """`min` is a floor and `max` a ceiling: dropping or moving one away from the goal loosens it."""
    if old == new:
        return None
    if new is None:
        return "softened"
    if old is None:
        return "tightened"
    return more_or_less(
        old,
        new,
        more_is="tightened" if kind == "min" else "softened",
        less_is="softened" if kind == "min" else "tightened",
    )


def _guardrails(
    old: list[Guardrail],
    new: list[Guardrail],
    base_program: Program,
    head_program: Program,
    make: Maker,
) -> list[Change]:
    out: list[Change] = []
    before = {_guardrail_key(g): g for g in old}
    after = {_guardrail_key(g): (i, g) for i, g in enumerate(new)}
    for key, g in before.items():
        if key not in after:
            out.append(
                make(
                    "guardrail",
                    "softened",
                    f"guardrail on `{g.metric}` removed",
                    ("spec", "guardrails"),
                )
            )
            continue
        index, h = after[key]
        for bound in ("min", "max"):
            a, b = getattr(g, bound), getattr(h, bound)
            severity = _bound_change(bound, a, b)
            if severity is not None:
                word = "loosened" if severity == "softened" else "tightened"
                out.append(
                    make(
                        "guardrail",
                        severity,
                        f"guardrail on `{g.metric}` {word}: {bound} {a} → {b}",
                        ("spec", "guardrails", index, bound)
                        if b is not None
                        else ("spec", "guardrails", index),
                        before=a,
                        after=b,
                    )
                )
    for key, (index, h) in after.items():
        if key not in before:
            out.append(
                make(
                    "guardrail",
                    "tightened",
                    f"guardrail on `{h.metric}` added",
                    ("spec", "guardrails", index),
                )
            )
    return out
