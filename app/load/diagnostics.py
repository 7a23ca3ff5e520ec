"""Diagnostics: what the loader reports instead of raising. Formatting happens at the edge (cli, ui)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Diagnostic:
    """One finding about the program, located for a manager reading a pull request."""

    file: str
    line: int
    column: int
    severity: Severity
    code: str
    message: str
    path: str = ""
    hint: str | None = None

    def as_dict(self) -> dict[str, Any]:
        data = asdict(self)
        return {
            key: data[key]
            for key in ("severity", "code", "file", "line", "column", "path", "message", "hint")
        }

    @property
    def location(self) -> str:
        return f"{self.file}:{self.line}:{self.column}"


def has_errors(diagnostics: list[Diagnostic]) -> bool:
    return any(d.severity == "error" for d in diagnostics)


MAX_DIAGNOSTICS_PER_FILE = 100
"""Diagnostics reported per file; past it one line says how many more there are."""


def cap_per_file(
    diagnostics: list[Diagnostic],
    unreported: Mapping[str, int] | None = None,
    limit: int = MAX_DIAGNOSTICS_PER_FILE,
) -> list[Diagnostic]:
    """The first `limit` diagnostics of each file (in the given order), then "… and N more".

    A file with a million mistakes gets a readable report (and a pull request a bounded number
    of annotations); the count says how much is left once these are fixed. `unreported` adds
    the problems per file that the loader counted without describing them (all errors).
    """
    unreported = unreported or {}
    by_file: dict[str, list[Diagnostic]] = {}
    for diagnostic in diagnostics:
        by_file.setdefault(diagnostic.file, []).append(diagnostic)
    out: list[Diagnostic] = []
    for file, found in by_file.items():
        shown = found[:limit]
        out.extend(shown)
        rest = found[limit:]
        errors = sum(d.severity == "error" for d in rest) + unreported.get(file, 0)
        more = len(rest) + unreported.get(file, 0)
        if more:
            last = shown[-1]
            out.append(
                Diagnostic(
                    file,
                    last.line,
                    last.column,
                    "error" if errors else "warning",
                    "too-many-diagnostics",
                    f"… and {more:,} more in this file ({errors:,} of them errors)",
                    hint="fix these and run `cxgov validate` again to see the rest",
                )
            )
    return out
