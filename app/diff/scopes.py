"""How a scope changed: narrowed (fewer contacts count), widened (more count), or different."""

from __future__ import annotations

from typing import Literal

from app.spec.common import Scope

Relation = Literal["same", "narrowed", "widened", "different"]


def _within(inner: tuple[str, ...] | None, outer: tuple[str, ...] | None) -> bool:
    """Whether the values `inner` allows are all allowed by `outer` (None allows everything)."""
    if outer is None:
        return True
    return inner is not None and set(inner) <= set(outer)


def scope_relation(before: Scope, after: Scope) -> Relation:
    old, new = before.filters(), after.filters()
    if old == new:
        return "same"
    dims = Scope.DIMENSIONS
    if all(_within(new.get(d), old.get(d)) for d in dims):
        return "narrowed"
    if all(_within(old.get(d), new.get(d)) for d in dims):
        return "widened"
    return "different"


def describe_scope_change(before: Scope, after: Scope) -> str:
    return f"{before.describe()} → {after.describe()}"
