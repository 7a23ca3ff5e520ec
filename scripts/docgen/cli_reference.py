"""The command-line reference, generated from the Typer app: every command, argument and option
with its help, its default and its environment variable, in the order `cxgov --help` lists them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from typer.main import get_command

from app.cli import app
from scripts.docgen.markdown import GENERATED_NOTE, code, paragraphs, slug, table, text

INTRO = """\
# Command-line reference

Every command of `cxgov`, with each argument and option as `cxgov COMMAND --help` shows it.
Commands that read a program take its folder as `ROOT` (or `--root`), default the current
folder, or `CXGOV_ROOT` when set. Data commands print readable text by default and, with
`--format json`, a stable JSON shape described in [JSON output](json-output.md).

**Exit codes**, the same for every command: `0` done; `1` the request was refused or the input
has problems (an invalid program, quarantined rows, a closed review, a softening change with
`--fail-on`); `2` a usage error (a bad option, a month written wrong, no such folder); `70` an
internal error (a bug: run again with `CXGOV_DEBUG=1` for the traceback and report it); `130`
interrupted with Ctrl-C (nothing was written). No command ever shows a Python traceback unless
`CXGOV_DEBUG=1` is set.
"""


@dataclass(frozen=True)
class Command:
    name: str
    """The full name, e.g. `cxgov db upgrade`."""
    command: Any
    is_group: bool


def commands(group: Any | None = None, prefix: str = "cxgov") -> Iterator[Command]:
    """Every command and group under `group`, depth first, as `cxgov --help` orders them.

    (Typer ships its own copy of click, so a group is recognised by its `commands`, not by type.)
    """
    group = group if group is not None else get_command(app)
    for name, sub in getattr(group, "commands", {}).items():
        full = f"{prefix} {name}"
        nested = bool(getattr(sub, "commands", None))
        yield Command(full, sub, nested)
        if nested:
            yield from commands(sub, full)


def _context(command: Command) -> Any:
    return command.command.context_class(command.command, info_name=command.name)


def _extras(help_text: str) -> tuple[str, dict[str, str]]:
    """Split click's trailing `[env var: X; default: Y; required]` off a help text."""
    match = re.search(r"\s*\[([^\[\]]*)\]\s*$", help_text)
    if not match:
        return help_text, {}
    extras: dict[str, str] = {}
    for part in match.group(1).split(";"):
        key, _, value = part.strip().partition(":")
        extras[key.strip()] = value.strip()
    if not set(extras) <= {"env var", "default", "required"}:
        return help_text, {}
    return help_text[: match.start()], extras


@dataclass(frozen=True)
class Parameter:
    kind: str
    """`argument` or `option`."""
    names: str
    help: str
    default: str
    env: str
    required: bool


def parameters(command: Command) -> list[Parameter]:
    ctx = _context(command)
    out = []
    for param in command.command.params:
        record = param.get_help_record(ctx)
        if record is None:  # hidden
            continue
        names, help_text = record
        help_text, extras = _extras(help_text or "")
        out.append(
            Parameter(
                kind=param.param_type_name,
                names=names,
                help=help_text.strip(),
                default=extras.get("default", ""),
                env=extras.get("env var", ""),
                required=bool(param.required) or "required" in extras,
            )
        )
    return out


def usage(command: Command) -> str:
    ctx = _context(command)
    pieces = command.command.collect_usage_pieces(ctx)
    return " ".join([command.name, *pieces])


def _row(param: Parameter) -> list[str]:
    default = "**required**" if param.required else (code(param.default) if param.default else "")
    help_text = text(param.help)
    if param.env:
        help_text += f" Environment variable: {code(param.env)}."
    return [code(param.names), default, help_text]


def render() -> str:
    out = [GENERATED_NOTE.format(source="the Typer app in `app/cli/`"), "", INTRO.rstrip("\n"), ""]
    summary = [
        [f"[{code(c.name)}](#{slug(c.name)})", text(c.command.get_short_help_str(limit=200))]
        for c in commands()
    ]
    out.append(table(["command", "what it does"], summary))
    out.append("")
    for command in commands():
        level = "###" if command.name.count(" ") > 1 else "##"
        out.append(f"{level} {code(command.name)} {{ #{slug(command.name)} }}")
        out.append("")
        out.append(paragraphs(command.command.help or ""))
        out.append("")
        if command.is_group:
            subs = ", ".join(
                f"[{code(c.name)}](#{slug(c.name)})"
                for c in commands(command.command, command.name)
            )
            out.append(f"Commands: {subs}.")
            out.append("")
            continue
        out.append("```text")
        out.append(usage(command))
        out.append("```")
        out.append("")
        params = parameters(command)
        if params:
            out.append(table(["argument / option", "default", "description"], map(_row, params)))
            out.append("")
    return "\n".join(out)


def undocumented() -> list[str]:
    """Commands without help, and arguments or options without a help text."""
    missing = []
    for command in commands():
        if not (command.command.help or "").strip():
            missing.append(command.name)
        if command.is_group:
            continue
        missing.extend(
            f"{command.name} {param.names}"
            for param in parameters(command)
            if not param.help and param.names != "--help"
        )
    return missing
