"""`cxgov app` (start the Streamlit app) and `cxgov demo` (fill the store with a demo year)."""

from __future__ import annotations

import ipaddress
import json
import os
import re
import sys
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import typer

import app as package
from app.cli.common import Format, FormatOption, RootArg, parse_date
from app.errors import FileProblem, UsageError
from app.periods import Month
from app.service.database import open_store
from app.service.program import as_of_or_today, check_root, valid_program
from app.spec.common import Scope
from app.spec.program import Program

ENTRY = Path(package.__file__).resolve().parent / "ui" / "main.py"
ROOT_ENV = "CXGOV_ROOT"
"""The program root handed to the app process (the app runs with the root as its directory)."""
EVERYONE_ENV = "CXGOV_EVERYONE_IS_MANAGER"
"""Set for the app when the operator served it beyond this machine without login."""
LOOPBACK = "127.0.0.1"
SERVE = "app.ui.serve"
"""Streamlit's command line with the app's caches warmed beside it (`python -m streamlit` plus a
warm-up thread)."""


def config_file() -> Path | None:
    """The app's Streamlit settings (`app/ui/streamlit.toml`), shipped in the package, so that an
    installed cxgov finds them as an editable checkout does, whatever the current directory."""
    candidate = Path(package.__file__).resolve().parent / "ui" / "streamlit.toml"
    return candidate if candidate.is_file() else None


def env_name(option: str) -> str:
    """Streamlit's environment variable for a config option: `server.port` →
    `STREAMLIT_SERVER_PORT`, `client.toolbarMode` → `STREAMLIT_CLIENT_TOOLBAR_MODE`."""
    return "STREAMLIT_" + re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", option).replace(".", "_").upper()


def config_flags(path: Path | None, environ: Mapping[str, str] | None = None) -> list[str]:
    """`--section.key=value` flags for every scalar option of a Streamlit config file, except
    those the environment sets (`STREAMLIT_…`): a flag would override the operator's setting."""
    if path is None:
        return []
    environ = os.environ if environ is None else environ
    data = tomllib.loads(path.read_text(encoding="utf-8"))
    flags = []
    for section, options in data.items():
        if not isinstance(options, dict):
            continue
        for key, value in options.items():
            if env_name(f"{section}.{key}") in environ:
                continue
            if isinstance(value, bool):
                flags.append(f"--{section}.{key}={'true' if value else 'false'}")
            elif isinstance(value, (int, float, str)):
                flags.append(f"--{section}.{key}={value}")
    return flags


def streamlit_command(
    root: Path,
    *,
    port: int | None,
    headless: bool | None,
    address: str | None,
    environ: Mapping[str, str] | None = None,
) -> list[str]:
    """`streamlit run` (through `app.ui.serve`) on the entry script; an option is passed when given (or, for
    `headless`, when the environment does not set it), so the `STREAMLIT_*` environment decides
    the rest."""
    command = [
        sys.executable,
        "-m",
        SERVE,
        "run",
        str(ENTRY),
        *config_flags(config_file(), environ),
    ]
    if port is not None:
        command.append(f"--server.port={port}")
    if headless is None and env_name("server.headless") not in (environ or os.environ):
        headless = False  # open a browser, as a newcomer expects, even where Streamlit would not
    if headless is not None:
        command.append(f"--server.headless={'true' if headless else 'false'}")
    if address:
        command.append(f"--server.address={address}")
    return command


def login_configured(root: Path, home: Path | None = None) -> bool:
    """Whether Streamlit will ask people to sign in: an [auth] section in the program's
    `.streamlit/secrets.toml` or the user's `~/.streamlit/secrets.toml`."""
    for folder in (root, home if home is not None else Path.home()):
        path = folder / ".streamlit" / "secrets.toml"
        try:
            if "auth" in tomllib.loads(path.read_text(encoding="utf-8")):
                return True
        except (OSError, tomllib.TOMLDecodeError):
            continue
    return False


def is_loopback(address: str) -> bool:
    if address.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(address.strip().strip("[]")).is_loopback
    except ValueError:
        return False


def listen_address(
    given: str | None, *, login: bool, everyone_is_manager: bool, environ: Mapping[str, str]
) -> str | None:
    """The address to pass to Streamlit. Without login, loopback unless the operator says that
    everyone who can reach the app may act as a manager; with login, the operator's choice."""
    chosen = given or environ.get(env_name("server.address")) or None
    if login or everyone_is_manager:
        return given
    if chosen is None:
        return LOOPBACK
    if not is_loopback(chosen):
        raise UsageError(
            f"without login, everyone who can reach the app acts as a manager, so it listens on "
            f"this machine only (not {chosen})",
            hint="add an [auth] section to .streamlit/secrets.toml to require login, or pass "
            "--everyone-is-manager if everyone on that network may record and import actuals",
        )
    return given


def shown_port(port: int | None, environ: Mapping[str, str]) -> str:
    if port is not None:
        return str(port)
    if env_name("server.port") in environ:
        return environ[env_name("server.port")]
    path = config_file()
    configured = tomllib.loads(path.read_text(encoding="utf-8")) if path else {}
    return str(configured.get("server", {}).get("port", 8501))


def run_app(
    root: RootArg = Path("."),
    port: Annotated[
        int | None,
        typer.Option(
            min=1, max=65535, help="Port to serve on (default: STREAMLIT_SERVER_PORT, else 8501)."
        ),
    ] = None,
    headless: Annotated[
        bool | None,
        typer.Option(
            "--headless/--no-headless",
            help="Do not open a browser (servers, tests); default: STREAMLIT_SERVER_HEADLESS, "
            "else open one.",
        ),
    ] = None,
    address: Annotated[
        str | None,
        typer.Option(
            help="Address to listen on (default: STREAMLIT_SERVER_ADDRESS; without login, 127.0.0.1)."
        ),
    ] = None,
    everyone_is_manager: Annotated[
        bool,
        typer.Option(
            "--everyone-is-manager",
            help="Without login, serve beyond this machine: everyone who can reach the app acts "
            "as a manager (records and imports actuals, sees every page).",
        ),
    ] = False,
) -> None:
    """Start the app: the committee's dashboard, the managers' actuals, the agents' playbooks.

    The process becomes Streamlit's (exec): one SIGTERM or Ctrl-C stops the server.
    """
    resolved = check_root(root).resolve()
    environ = dict(os.environ)
    login = login_configured(resolved)
    listen = listen_address(
        address, login=login, everyone_is_manager=everyone_is_manager, environ=environ
    )
    env = {**environ, ROOT_ENV: str(resolved)}
    if everyone_is_manager and not login:
        env[EVERYONE_ENV] = "1"
    else:
        env.pop(EVERYONE_ENV, None)
    command = streamlit_command(
        resolved, port=port, headless=headless, address=listen, environ=environ
    )
    host = listen or environ.get(env_name("server.address")) or "localhost"
    if login:
        mode = "login required"
    elif everyone_is_manager:
        mode = "no login: everyone who can reach it acts as a manager"
    else:
        mode = "no login: local single-user mode, this machine only"
    typer.echo(
        f"cxgov: serving {resolved} on http://{host}:{shown_port(port, environ)} ({mode}; Ctrl-C stops)",
        err=True,
    )
    sys.stdout.flush()
    sys.stderr.flush()
    try:
        os.chdir(resolved)
        os.execve(sys.executable, command, env)
    except OSError as exc:
        raise FileProblem(f"cannot start Streamlit: {exc}") from None


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
    typer.echo(demo_text(summary.as_dict(), program))


def _month(text: str) -> str:
    return Month.parse(text).first_day().strftime("%b %Y")


def _count(n: int, one: str, many: str | None = None) -> str:
    return f"{n:,} {one if n == 1 else (many or one + 's')}"


def _series_name(program: Program, metric: str, scope_key: str) -> str:
    found = program.metrics.get(metric)
    return f"{found.metadata.title if found else metric} — {Scope.from_key(scope_key).describe()}"


def demo_text(data: dict[str, Any], program: Program) -> str:
    """The demo's summary in plain words: what was generated, imported, computed and reviewed."""
    imported = data["import"]
    lines = [
        f"Demo year {_month(data['first_month'])} to {_month(data['last_month'])}: "
        f"{_count(data['contacts'], 'contact')} generated and imported "
        f"({imported.get('imported', 0):,} new, {imported.get('updated', 0):,} updated, "
        f"{imported.get('unchanged', 0):,} already there, "
        f"{imported.get('quarantined', 0):,} set aside as unreadable).",
        f"Hand-entered figures (churn, revenue retention, deflection, turnover, uptime): "
        f"{data['manual_recorded']:,} recorded, {data['manual_kept']:,} already there and kept.",
    ]
    computed = data["computed"]
    if computed:
        empty = computed.get("no_value_series", [])
        missing = "; ".join(
            f"{_series_name(program, e['metric'], e['scope_key'])}, {_month(e['period'])}"
            for e in empty[:3]
        ) + ("; …" if len(empty) > 3 else "")
        lines.append(
            f"{_count(computed['series'], 'series', 'series')} computed from the contacts: "
            f"{computed['recorded']:,} new values, {computed['revised']:,} revised, "
            f"{computed['unchanged']:,} unchanged"
            + (
                f", {computed['kept_manual']:,} entered by hand and kept"
                if computed["kept_manual"]
                else ""
            )
            + (
                f", {computed['no_value']:,} with no data yet ({missing})"
                if computed["no_value"]
                else ""
            )
            + "."
        )
    reviews = data.get("reviews")
    if reviews:
        closed, draft = _month(reviews["closed"]), _month(reviews["draft"])
        lines.append(
            f"Review of {closed}: closed with {_count(reviews['findings'], 'root cause')}, "
            f"{_count(reviews['actions'], 'corrective action')} and "
            f"{_count(reviews['decisions'], 'decision')}."
            if reviews["closed_created"]
            else f"Review of {closed}: already there, left as it was."
        )
        lines.append(
            f"Review of {draft}: a draft for the next meeting, "
            f"{_count(reviews['carried'], 'open action')} carried over."
            if reviews["draft_created"]
            else f"Review of {draft}: already there, left as it was."
        )
    lines.append("Open the app with: cxgov app")
    return "\n".join(lines)


def register(app: typer.Typer) -> None:
    app.command("app")(run_app)
    app.command("demo")(demo)
