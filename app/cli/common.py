"""What every `cxgov` command shares: the program-root argument, output formats, parsing dates and months."""

from __future__ import annotations

from datetime import date
from enum import Enum
from pathlib import Path
from typing import Annotated, overload

import typer

from app.periods import Month

RootArg = Annotated[
    Path,
    typer.Argument(
        envvar="CXGOV_ROOT",
        show_default=True,
        help="Program root: the folder with program.yaml (env CXGOV_ROOT).",
    ),
]
"""Positional program root, default `.`: declare it as `root: RootArg = Path(".")`."""

RootOption = Annotated[
    Path,
    typer.Option(
        "--root",
        envvar="CXGOV_ROOT",
        show_default=True,
        help="Program root: the folder with program.yaml (env CXGOV_ROOT).",
    ),
]
"""The same as an option, for commands whose positional arguments mean something else."""


class Format(str, Enum):
    """What the data commands print: readable text, or JSON whose shape the docs describe
    (docs/reference/json-output.md)."""

    text = "text"
    json = "json"


FormatOption = Annotated[
    Format,
    typer.Option("--format", help="text (readable) or json (stable: see JSON output in the docs)."),
]
"""`--format text|json`, for every command that prints data."""


def parse_date(value: str | None, *, option: str) -> date | None:
    """An optional YYYY-MM-DD option value, or a usage error (exit 2) naming the option."""
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            f"expected a date written YYYY-MM-DD (e.g. 2026-11-15), got {value!r}",
            param_hint=option,
        ) from None


@overload
def parse_month(value: str, *, option: str) -> Month: ...
@overload
def parse_month(value: None, *, option: str) -> None: ...
@overload
def parse_month(value: str | None, *, option: str) -> Month | None: ...
def parse_month(value: str | None, *, option: str) -> Month | None:
    """An optional YYYY-MM option value, or a usage error (exit 2) naming the option."""
    if value is None:
        return None
    try:
        return Month.parse(value)
    except ValueError as exc:
        raise typer.BadParameter(str(exc), param_hint=option) from None
