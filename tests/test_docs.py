"""Docs that cannot drift (datasette's rule): every command and every option is in the README."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from typer.main import get_command

from app.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


def _commands(group: Any, prefix: str) -> Iterator[tuple[str, Any]]:
    """Leaf commands by full name (typer ships its own click, so groups are recognised by shape)."""
    for name, sub in getattr(group, "commands", {}).items():
        full = f"{prefix} {name}"
        if getattr(sub, "commands", None):
            yield from _commands(sub, full)
        else:
            yield full, sub


COMMANDS = dict(_commands(get_command(app), "cxgov"))


def test_every_command_is_documented_in_the_readme() -> None:
    assert len(COMMANDS) >= 20
    missing = [name for name in COMMANDS if name not in README]
    assert not missing, f"commands missing from README.md: {missing}"


def test_every_option_is_documented_in_the_readme() -> None:
    missing = [
        f"{name} {option}"
        for name, command in COMMANDS.items()
        for param in command.params
        if param.param_type_name == "option"
        for option in param.opts
        if option.startswith("--") and option not in README
    ]
    assert not missing, f"options missing from README.md: {missing}"
