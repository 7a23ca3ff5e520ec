"""Diagnostics: what the loader reports instead of raising. Formatting happens at the edge (cli, ui)."""

from __future__ import annotations

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
