"""Compare two validated programs document by document (pure).

Documents are matched by kind and id, never by file, so a renamed or moved file is one document
that moved, not one removed and one added. Each kind has its own module that knows which changes
matter; anything else that changed is still listed (as ``info``), so nothing slips through.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from typing import Any

from app.diff.change import RANK, Change, Maker
from app.diff.contracts import contract_changes, removed_contract
from app.diff.goals import goal_changes, removed_goal
from app.diff.metrics import metric_changes, removed_metric
from app.diff.playbooks import playbook_changes, removed_playbook
from app.diff.roadmaps import removed_roadmap, roadmap_changes
from app.diff.settings import settings_changes
from app.diff.vocabularies import removed_vocabulary, vocabulary_changes
from app.spec.common import Document
from app.spec.program import Program, ProgramSettings

KIND_ORDER = (
    "Program",
    "Metric",
    "Goal",
    "SLAContract",
    "Playbook",
    "Roadmap",
    "SearchVocabulary",
)

Compare = Callable[[Any, Any, Program, Program], list[Change]]
Removed = Callable[[Any, Maker], Change]

KIND_RULES: dict[str, tuple[Compare, Removed]] = {
    "Metric": (lambda a, b, _x, _y: metric_changes(a, b), removed_metric),
    "Goal": (goal_changes, removed_goal),
    "SLAContract": (contract_changes, removed_contract),
    "Playbook": (lambda a, b, _x, _y: playbook_changes(a, b), removed_playbook),
    "Roadmap": (roadmap_changes, removed_roadmap),
    "SearchVocabulary": (lambda a, b, _x, _y: vocabulary_changes(a, b), removed_vocabulary),
}


def documents(program: Program) -> dict[tuple[str, str], Document]:
    """Every document of a program keyed by (kind, id)."""
    out: dict[tuple[str, str], Document] = {("Program", program.settings.id): program.settings}
    collections: Mapping[str, Mapping[str, Document]] = {
        "Metric": program.metrics,
        "Goal": program.goals,
        "SLAContract": program.contracts,
        "Playbook": program.playbooks,
        "Roadmap": program.roadmaps,
        "SearchVocabulary": program.vocabularies,
    }
    for kind, docs in collections.items():
        for doc_id, doc in docs.items():
            out[(kind, doc_id)] = doc
    return out


def compare(base: Program, head: Program) -> list[Change]:
    """Every change from `base` to `head`, most serious first, then by kind and id."""
    before, after = documents(base), documents(head)
    changes: list[Change] = []
    if base.settings.id != head.settings.id:
        changes += [
            Maker("Program", head.settings.id)(
                "id",
                "info",
                f"program id {base.settings.id} → {head.settings.id}",
                before=base.settings.id,
                after=head.settings.id,
            )
        ]
        changes += settings_changes(base.settings, head.settings) + _leftovers(
            base.settings, head.settings, [], "Program"
        )
    for key, old in before.items():
        kind, doc_id = key
        if kind == "Program" and base.settings.id != head.settings.id:
            continue
        new = after.get(key)
        make = Maker(kind, doc_id)
        if new is None:
            changes.append(KIND_RULES[kind][1](old, make))
            continue
        if old == new:
            changes += _moved(base, head, kind, doc_id)
            continue
        if isinstance(old, ProgramSettings) and isinstance(new, ProgramSettings):
            found = settings_changes(old, new)
        else:
            found = KIND_RULES[kind][0](old, new, base, head)
        found += _leftovers(old, new, found, kind)
        found += _moved(base, head, kind, doc_id)
        changes += found
    for key, new in after.items():
        kind, doc_id = key
        if key not in before and kind != "Program":
            changes.append(
                Maker(kind, doc_id)("added", "info", f"{kind} “{new.metadata.title}” added")
            )
    return sort_changes(changes)


def sort_changes(changes: list[Change]) -> list[Change]:
    """Most serious first, then by kind and id (stable within a document)."""
    return sorted(changes, key=lambda c: (-RANK[c.severity], KIND_ORDER.index(c.kind), c.doc_id))


def _moved(base: Program, head: Program, kind: str, doc_id: str) -> list[Change]:
    a, b = base.source(kind, doc_id), head.source(kind, doc_id)
    if a is None or b is None or a.file == b.file:
        return []
    return [
        Maker(kind, doc_id)(
            "moved", "info", f"moved from {a.file} to {b.file}", before=a.file, after=b.file
        )
    ]


def _leaves(
    value: Any, prefix: tuple[str | int, ...] = ()
) -> Iterator[tuple[tuple[str | int, ...], Any]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _leaves(item, (*prefix, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*prefix, index))
    else:
        yield prefix, value


def _leftovers(old: Document, new: Document, found: list[Change], kind: str) -> list[Change]:
    """Fields that changed but no kind rule reported, grouped by metadata field or top-level spec field."""
    covered = {c.path[:2] for c in found if len(c.path) >= 2}
    covered |= {("spec", c.path[1]) for c in found if len(c.path) >= 2}
    a, b = dict(_leaves(old.model_dump(mode="json"))), dict(_leaves(new.model_dump(mode="json")))
    groups: dict[tuple[str | int, ...], None] = {}
    for path in sorted(set(a) | set(b), key=str):
        if a.get(path) != b.get(path) and len(path) >= 2 and path[:2] not in covered:
            groups.setdefault(path[:2], None)
    make = Maker(kind, new.id)
    out = []
    for group in groups:
        field = ".".join(str(p) for p in group)
        if group[0] == "metadata":
            before, after = a.get(group), b.get(group)
            text = (
                f"{field}: “{before}” → “{after}”"
                if before is not None and after is not None
                else f"{field} changed"
            )
            out.append(make(str(group[1]), "info", text, group, before=before, after=after))
        else:
            out.append(make(str(group[1]), "info", f"{field} changed", group))
    return out
