"""Contact exports → the contacts table, through mapping profiles, with nothing dropped silently.

The importer's names load on first use (PEP 562): they bring pyarrow, which every other `cxgov`
command — `validate` in a pre-commit hook, say — would otherwise import for nothing (≈ 0.1 s).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from app.ingest.mapping import CANONICAL_FIELDS, Mapping
from app.ingest.profiles import builtin_profile, load_mapping, profile_names

if TYPE_CHECKING:
    from app.ingest.importer import FILE_ERRORS, ImportSummary, ingest_file
    from app.ingest.rows import MappingDoesNotFit

_LAZY = {
    "FILE_ERRORS": "importer",
    "ImportSummary": "importer",
    "ingest_file": "importer",
    "MappingDoesNotFit": "rows",
}

__all__ = [
    "CANONICAL_FIELDS",
    "FILE_ERRORS",
    "ImportSummary",
    "Mapping",
    "MappingDoesNotFit",
    "builtin_profile",
    "ingest_file",
    "load_mapping",
    "profile_names",
]


def __getattr__(name: str) -> Any:
    if name not in _LAZY:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    return getattr(import_module(f"app.ingest.{_LAZY[name]}"), name)
