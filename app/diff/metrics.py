"""What a change to a Metric does: whether this month's number is still comparable with last month's."""

from __future__ import annotations

from app.diff.change import Change, Maker
from app.diff.scopes import describe_scope_change, scope_relation
from app.spec.metric import Metric


def removed_metric(metric: Metric, make: Maker) -> Change:
    return make(
        "removed",
        "info",
        f"metric “{metric.metadata.title}” removed from the catalogue",
        side="base",
    )


def metric_changes(base: Metric, head: Metric) -> list[Change]:
    make = Maker("Metric", head.id)
    old, new = base.spec, head.spec
    out: list[Change] = []
    if old.calculation != new.calculation:
        if old.calculation.type != new.calculation.type:
            what = f"calculation type {old.calculation.type} → {new.calculation.type}"
        else:
            params = _changed_params(old.calculation.model_dump(), new.calculation.model_dump())
            what = params
        out.append(
            make(
                "calculation",
                "breaking",
                f"actuals of `{head.id}` before and after this change are computed differently ({what}); "
                f"now: {new.calculation.describe()}",
                ("spec", "calculation"),
                before=old.calculation.describe(),
                after=new.calculation.describe(),
            )
        )
    if old.unit != new.unit:
        out.append(
            make(
                "unit",
                "breaking",
                f"unit {old.unit} → {new.unit}: every target and actual of "
                f"`{head.id}` is read in another unit",
                ("spec", "unit"),
                before=old.unit,
                after=new.unit,
            )
        )
    if old.better != new.better:
        out.append(
            make(
                "direction",
                "breaking",
                f"better is now {new.better} (was {old.better}): every goal and "
                f"objective on `{head.id}` now counts the opposite direction as progress",
                ("spec", "better"),
                before=old.better,
                after=new.better,
            )
        )
    relation = scope_relation(old.scope, new.scope)
    if relation != "same":
        out.append(
            make(
                "scope",
                "breaking",
                f"default scope {relation}: {describe_scope_change(old.scope, new.scope)}; "
                "goals and objectives without their own scope now measure other contacts",
                ("spec", "scope"),
                before=old.scope.describe(),
                after=new.scope.describe(),
            )
        )
    if old.definition != new.definition:
        out.append(
            make("definition", "info", "plain-language definition reworded", ("spec", "definition"))
        )
    if old.decimals != new.decimals:
        out.append(
            make(
                "decimals",
                "info",
                f"shown with {new.decimals} decimals (was {old.decimals})",
                ("spec", "decimals"),
                before=old.decimals,
                after=new.decimals,
            )
        )
    return out


def _changed_params(old: dict[str, object], new: dict[str, object]) -> str:
    keys = sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k))
    return ", ".join(f"{k}: {old.get(k)} → {new.get(k)}" for k in keys)
