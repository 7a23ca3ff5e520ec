"""YAML → validated Program, with file:line diagnostics, cross-document checks and SMART lint.

The loader never raises for bad input: it returns diagnostics, and the edges (CLI, app) format them.
"""

from app.load.diagnostics import Diagnostic, has_errors
from app.load.documents import LoadedDocument, program_digest, program_files
from app.load.models import to_model
from app.load.program import LoadResult, load_program
from app.load.smart import SmartCheck, SmartScorecard
from app.load.yamlsource import ParsedDocument, parse_yaml

__all__ = [
    "Diagnostic",
    "LoadResult",
    "LoadedDocument",
    "ParsedDocument",
    "SmartCheck",
    "SmartScorecard",
    "has_errors",
    "load_program",
    "parse_yaml",
    "program_digest",
    "program_files",
    "to_model",
]
