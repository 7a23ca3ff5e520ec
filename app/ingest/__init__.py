"""Contact exports → the contacts table, through mapping profiles, with nothing dropped silently."""

from app.ingest.importer import FILE_ERRORS, ImportSummary, ingest_file
from app.ingest.mapping import CANONICAL_FIELDS, Mapping
from app.ingest.profiles import builtin_profile, load_mapping, profile_names
from app.ingest.rows import MappingDoesNotFit

__all__ = [
    "CANONICAL_FIELDS", "FILE_ERRORS", "ImportSummary", "Mapping", "MappingDoesNotFit", "builtin_profile", "ingest_file",
    "load_mapping", "profile_names",
]
