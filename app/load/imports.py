"""Scopes against what imports can store: a goal, guardrail, SLA objective or metric default scope
whose value no contact import can produce is empty for ever, without a word.

Imports store each scope dimension (channel, queue, team, priority, segment) in scope form — lower
case, blanks as underscores — so a scope value in another form never matches (`Phone`). A
dimension that every mapping reads through a value map can only hold that map's values (`urgent`
when the profiles map Urgent onto `critical`); a dimension some mapping reads as the help desk
writes it (a Zendesk group, an organisation) can hold anything, so only the form is checked there.
What the mappings can store (`ImportVocabulary`) is worked out by the caller, which knows the
shipped profiles and reads the program's own mapping files (`spec.import_mappings`); this module
only compares.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from app.load.diagnostics import Diagnostic
from app.load.documents import LoadedDocument
from app.spec import Goal, Metric, SLAContract
from app.spec.common import Scope, scope_form

ByKind = Mapping[str, Mapping[str, LoadedDocument]]
Loc = tuple[str | int, ...]

MAPPING_OUTSIDE = "import-mapping-outside"
"""The code of a declared mapping file that lies outside the program folder (reported by the
caller that reads the files)."""


@dataclass(frozen=True)
class ImportVocabulary:
    """What the program's contact imports can store in each scope dimension."""

    mappings: tuple[str, ...]
    """The mappings considered (shipped profiles and the program's own), by id."""
    values: Mapping[str, frozenset[str]] = field(default_factory=dict)
    """Dimension → the values value maps and constants store (in scope form)."""
    free: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Dimension → the mappings that store a column's own values there (no value map)."""


def scope_value_diagnostics(by_kind: ByKind, vocabulary: ImportVocabulary) -> list[Diagnostic]:
    """A warning for each scope value no import can store, at the value's file:line."""
    found: list[Diagnostic] = []
    for doc, loc, scope in _scopes(by_kind):
        for dimension in Scope.DIMENSIONS:
            value = getattr(scope, dimension)
            if value is None:
                continue
            listed = isinstance(value, list)
            for index, item in enumerate(value if isinstance(value, list) else [value]):
                at = (*loc, dimension, index) if listed else (*loc, dimension)
                diagnostic = _check(doc, at, dimension, item, vocabulary)
                if diagnostic is not None:
                    found.append(diagnostic)
    return found


def _check(
    doc: LoadedDocument, at: Loc, dimension: str, value: str, vocabulary: ImportVocabulary
) -> Diagnostic | None:
    stored = scope_form(value)
    if stored != value:
        return doc.at(
            at,
            "warning",
            "scope-value-form",
            f"{dimension} `{value}` never matches a contact: imports store {dimension} values in "
            f"lower case with underscores for blanks, so this one arrives as `{stored}`",
            hint=f"write `{stored}`",
        )
    if vocabulary.free.get(dimension):
        return None
    known = vocabulary.values.get(dimension, frozenset())
    if value in known:
        return None
    considered = ", ".join(vocabulary.mappings) or "none"
    if not known:
        message = (
            f"no contact import fills {dimension}, so this scope is always empty "
            f"(mappings checked: {considered})"
        )
    else:
        message = (
            f"no contact import stores {dimension} `{value}`, so this scope is always empty: "
            f"the mappings ({considered}) store {', '.join(f'`{v}`' for v in sorted(known))}"
        )
    return doc.at(
        at,
        "warning",
        "scope-value-unmapped",
        message,
        hint="use one of those values, or map your export's values onto this one in a mapping "
        "file's `values` and list that file under the program's `import_mappings`",
    )


def _scopes(by_kind: ByKind) -> Iterator[tuple[LoadedDocument, Loc, Scope]]:
    for doc in by_kind.get("Metric", {}).values():
        yield doc, ("spec", "scope"), doc.model_as(Metric).spec.scope
    for doc in by_kind.get("Goal", {}).values():
        goal = doc.model_as(Goal)
        yield doc, ("spec", "scope"), goal.spec.scope
        for index, guardrail in enumerate(goal.spec.guardrails):
            if guardrail.scope is not None:
                yield doc, ("spec", "guardrails", index, "scope"), guardrail.scope
    for doc in by_kind.get("SLAContract", {}).values():
        contract = doc.model_as(SLAContract)
        for index, objective in enumerate(contract.spec.objectives):
            yield doc, ("spec", "objectives", index, "scope"), objective.scope
