"""Bridge to the playbook template checks (`app.playbooks.checks`): findings → located diagnostics.

A finding points at a text field of the playbook and a line inside that text; the file line is the
line where the text's content starts (the line after `|` for a block scalar) plus that offset.
"""

from __future__ import annotations

import importlib
from typing import Any

from app.load.diagnostics import Diagnostic
from app.load.documents import LoadedDocument


def _check_templates() -> Any:
    """`check_templates` from app.playbooks.checks, or None while that module does not exist yet."""
    try:
        module = importlib.import_module("app.playbooks.checks")
    except ModuleNotFoundError as exc:
        if exc.name in ("app.playbooks", "app.playbooks.checks"):
            return None
        raise
    return getattr(module, "check_templates", None)


def template_diagnostics(doc: LoadedDocument) -> list[Diagnostic]:
    check = _check_templates()
    if check is None:
        return []
    out: list[Diagnostic] = []
    for finding in check(doc.model):
        loc = tuple(finding.path)
        start = doc.parsed.text_start_line(loc)
        line, column = doc.parsed.locate(loc)
        if start is not None:
            line, column = start + finding.line_offset, 1
        out.append(
            Diagnostic(
                doc.file,
                line,
                column,
                finding.severity,
                finding.code,
                finding.message,
                ".".join(map(str, loc)),
                finding.hint,
            )
        )
    return out
