"""The errors cxgov raises for a person to read: one hierarchy, mapped once at each edge.

A `CxgovError`'s message is written for whoever made the request (a manager at the command line,
a committee member in the app), never for a Python programmer. The CLI prints it as
`cxgov: MESSAGE` (and the hint) and exits with `exit_code`; the app shows it once, in an error
box. Anything else that escapes is a bug: the CLI reports it as an internal error (exit 70), the
app as Streamlit's exception box.

Exit codes follow the CLI's convention: 1 the data or the program refuse the request, 2 the
request itself is malformed (a bad option, an unknown name the user typed).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from app.words import counted


class CxgovError(Exception):
    """A request cxgov refuses; `str(error)` is the message for the person who made it."""

    exit_code: int = 1

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(CxgovError):
    """The request is malformed: a bad option value, a name that exists nowhere (exit 2)."""

    exit_code = 2


class NotFound(CxgovError):
    """The request names something the program or the store does not have."""


class Refused(CxgovError):
    """A rule of the program or the store refuses the request as it stands."""


class Conflict(Refused):
    """Someone else changed the same thing since the requester last looked."""


class Invalid(CxgovError):
    """A document the user wrote has errors; `diagnostics` locates each (file:line) with a hint."""

    def __init__(self, message: str, diagnostics: Sequence[Any]) -> None:
        super().__init__(message)
        self.diagnostics = [d for d in diagnostics if getattr(d, "severity", "error") == "error"]


class InvalidProgram(Invalid):
    """The program's YAML has errors."""

    def __init__(self, root: Any, diagnostics: Sequence[Any]) -> None:
        errors = [d for d in diagnostics if getattr(d, "severity", "error") == "error"]
        super().__init__(
            f"the program at {root} has {counted(len(errors), 'error')}; `cxgov validate` explains them all",
            errors,
        )
        self.root = root


class StoreError(CxgovError):
    """The database cannot be reached, read or written; nothing was changed."""


class FileProblem(CxgovError):
    """A file the user handed over cannot be read as what it should be; nothing was written."""
