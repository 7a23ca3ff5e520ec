"""`cxgov app` (start the Streamlit app) and `cxgov demo` (fill the store with a demo year)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
from pathlib import Path
from typing import Annotated, Any

import typer

import app as package
from app.cli.common import Format, FormatOption, RootArg, parse_date
from app.service.database import open_store
from app.service.program import as_of_or_today, check_root, valid_program

ENTRY = Path(package.__file__).resolve().parent / "ui" / "main.py"
ROOT_ENV = "CXGOV_ROOT"
"""The program root handed to the app process (the app runs with the root as its directory)."""


def config_file() -> Path | None:
    """The app's `.streamlit/config.toml`, found next to the package (the repository), not the cwd."""
    candidate = Path(package.__file__).resolve().parent.parent / ".streamlit" / "config.toml"
    return candidate if candidate.is_file() else None


def config_flags(path: Path | None) -> list[str]:
    """`--section.key=value` flags for every scalar option of a Streamlit config file."""
    if path is None:
        return []
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flags = []
    for section, options in data.items():
        if not isinstance(options, dict):
            continue
        for key, value in options.items():
            if isinstance(value, bool):
                flags.append(f"--{section}.{key}={'true' if value else 'false'}")
            elif isinstance(value, (int, float, str)):
                flags.append(f"--{section}.{key}={value}")
    return flags


def streamlit_command(root: Path, *, port: int, headless: bool, address: str | None) -> list[str]:
    command = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(ENTRY),
        *config_flags(config_file()),
        f"--server.port={port}",
        f"--server.headless={'true' if headless else 'false'}",
    ]
    if address:
        command.append(f"--server.address={address}")
    return command


def run_app(
    root: RootArg = Path("."),
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to serve on.")] = 8501,
    headless: Annotated[bool, typer.Option(help="Do not open a browser (servers, tests).")] = False,
    address: Annotated[
        str | None, typer.Option(help="Address to listen on, e.g. 127.0.0.1.")
    ] = None,
) -> None:
    """Start the app: the committee's dashboard, the managers' actuals, the agents' playbooks."""
    resolved = check_root(root).resolve()
    env = {**os.environ, ROOT_ENV: str(resolved)}
    command = streamlit_command(resolved, port=port, headless=headless, address=address)
    typer.echo(
        f"cxgov: serving {resolved} on http://{address or 'localhost'}:{port} (Ctrl-C stops)",
        err=True,
    )
    try:
        code = subprocess.call(command, cwd=resolved, env=env)
    except KeyboardInterrupt:
        code = 0
    raise typer.Exit(code=code)


def demo(
    root: RootArg = Path("."),
    seed: Annotated[int, typer.Option(help="Random seed: the same seed gives the same data.")] = 7,
    months: Annotated[
        int, typer.Option(min=1, max=60, help="Months of history, ending this month.")
    ] = 12,
    as_of: Annotated[
        str | None,
        typer.Option(
            "--as-of",
            help="Last day with data, YYYY-MM-DD (default: today in the program's timezone).",
        ),
    ] = None,
    output: FormatOption = Format.text,
) -> None:
    """Fill the program's database with a seeded, realistic demo year and compute its actuals."""
    from app.service.demo import seed_demo

    day = parse_date(as_of, option="--as-of")
    program = valid_program(root, today=day)
    summary = seed_demo(
        open_store(root.resolve()),
        program,
        as_of=as_of_or_today(program, day),
        seed=seed,
        months=months,
    )
    if output is Format.json:
        typer.echo(json.dumps(summary.as_dict(), indent=2, sort_keys=True))
        return
    typer.echo(_text(summary.as_dict()))


def _text(data: dict[str, Any]) -> str:
    imported = data["import"]
    lines = [
        f"Demo data {data['first_month']} … {data['last_month']}: {data['contacts']} contacts generated.",
        f"  import: {imported.get('imported', 0)} new, {imported.get('updated', 0)} updated, "
        f"{imported.get('unchanged', 0)} unchanged, {imported.get('quarantined', 0)} quarantined",
        f"  hand-entered figures: {data['manual_recorded']} recorded, {data['manual_kept']} already there (kept)",
    ]
    if data["computed"]:
        lines.append(
            "  computed actuals: "
            + ", ".join(
                f"{k} {v}"
                for k, v in sorted(data["computed"].items())
                if isinstance(v, (int, float, str))
            )
        )
    lines.append("Open the app with: cxgov app")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("app")(run_app)
    app.command("demo")(demo)
