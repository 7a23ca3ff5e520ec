"""What contact imports can store in each scope dimension: the shipped profiles and the
program's own mapping files (`spec.import_mappings`), for `cxgov validate`'s scope check
(app/load/imports.py).

The generic profile is left out: it reads cxgov's own canonical CSV, whose values are written in
the program's vocabulary by whoever writes the file, so it says nothing about what a help desk's
export holds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import replace
from pathlib import Path

from app.ingest.mapping import VOCABULARY_FIELDS, Mapping
from app.ingest.profiles import builtin_profile, load_mapping, profile_names
from app.load import Diagnostic
from app.load.documents import PROGRAM_FILE
from app.load.imports import MAPPING_OUTSIDE, ImportVocabulary
from app.spec.common import scope_form

CANONICAL_PROFILE = "generic"


def vocabulary_of(mappings: Iterable[Mapping]) -> ImportVocabulary:
    """Per scope dimension: the values the mappings' value maps and constants store, and the
    mappings that store a column's own values (no value map: anything may arrive)."""
    names: list[str] = []
    values: dict[str, set[str]] = {}
    free: dict[str, list[str]] = {}
    for mapping in mappings:
        names.append(mapping.id)
        for name, spec in mapping.spec.resolved().items():
            if name not in VOCABULARY_FIELDS:
                continue
            if spec.constant is not None:
                values.setdefault(name, set()).add(scope_form(spec.constant))
            elif spec.values:
                values.setdefault(name, set()).update(
                    scope_form(target) for target in spec.values.values() if target
                )
            else:
                free.setdefault(name, []).append(mapping.id)
    return ImportVocabulary(
        tuple(names),
        {name: frozenset(found) for name, found in values.items()},
        {name: tuple(ids) for name, ids in free.items()},
    )


def shipped_profiles() -> list[Mapping]:
    """The shipped profiles that read a help desk's export (every one but the canonical CSV)."""
    return [builtin_profile(name) for name in profile_names() if name != CANONICAL_PROFILE]


def import_vocabulary(
    root: Path, declared: Sequence[str]
) -> tuple[ImportVocabulary, list[Diagnostic]]:
    """What the shipped profiles and the program's `import_mappings` can store, and the
    diagnostics of declared mapping files that cannot be used (located in those files)."""
    mappings = shipped_profiles()
    problems: list[Diagnostic] = []
    base = Path(root).resolve()
    for relative in declared:
        path = (base / relative).resolve()
        if not path.is_relative_to(base):
            problems.append(
                Diagnostic(
                    PROGRAM_FILE,
                    1,
                    1,
                    "error",
                    MAPPING_OUTSIDE,
                    f"import mapping {relative} lies outside the program folder",
                    "spec.import_mappings",
                    "keep the program's mapping files inside its folder, e.g. imports/",
                )
            )
            continue
        mapping, diagnostics = load_mapping(path)
        problems.extend(replace(d, file=relative) for d in diagnostics)
        if mapping is not None:
            mappings.append(mapping)
    return vocabulary_of(mappings), problems
