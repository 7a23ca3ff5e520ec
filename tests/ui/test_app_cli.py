"""`cxgov demo` and `cxgov app` through the real CLI."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from serving import free_port, wait_healthy
from typer.testing import CliRunner

from app.cli import app
from app.cli.app_cmd import (
    ENTRY,
    config_file,
    config_flags,
    env_name,
    listen_address,
    login_configured,
    streamlit_command,
)
from app.errors import UsageError
from ui.pagekit import copy_program

runner = CliRunner()


def demo(root: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(
        app,
        ["demo", str(root), "--months", "2", "--as-of", "2026-11-23", "--format", "json", *extra],
    )
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else {
        "output": result.output
    }


def test_demo_fills_the_store_and_a_second_run_adds_nothing(program_root: Path) -> None:
    code, first = demo(program_root)
    assert code == 0, first
    assert first["first_month"] == "2026-10" and first["last_month"] == "2026-11"
    assert first["import"]["imported"] == first["contacts"] > 5_000
    assert first["import"]["quarantined"] == 0
    assert first["manual_recorded"] > 0 and first["computed"]["recorded"] > 0

    code, second = demo(program_root)
    assert code == 0, second
    assert second["import"]["imported"] == 0 and second["import"]["unchanged"] == first["contacts"]
    assert second["manual_recorded"] == 0 and second["manual_kept"] == first["manual_recorded"]
    assert second["computed"]["recorded"] == 0 and second["computed"]["revised"] == 0


def test_demo_refuses_a_broken_program_with_exit_1(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    (root / "goals" / "broken.yaml").write_text(
        "apiVersion: cxgov/v1\nkind: Goal\nmetadata: {id: x}\n"
    )
    result = runner.invoke(app, ["demo", str(root)])
    assert result.exit_code == 1
    assert "broken.yaml" in result.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["demo", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["app", str(tmp_path / "missing")]).exit_code == 2
    root = copy_program(tmp_path / "program")
    assert runner.invoke(app, ["demo", str(root), "--as-of", "23/11/2026"]).exit_code == 2


def test_app_runs_the_package_entry_with_the_repo_config(tmp_path: Path) -> None:
    assert config_file() == ENTRY.parent / "streamlit.toml"
    flags = config_flags(config_file(), {})
    assert "--client.toolbarMode=viewer" in flags
    assert "--browser.gatherUsageStats=false" in flags
    assert "--logger.hideWelcomeMessage=true" in flags
    command = streamlit_command(tmp_path, port=8765, headless=True, address="127.0.0.1", environ={})
    assert command[1:4] == ["-m", "app.ui.serve", "run"] and command[4] == str(ENTRY)
    assert ENTRY.is_file()
    assert command[-3:] == [
        "--server.port=8765",
        "--server.headless=true",
        "--server.address=127.0.0.1",
    ]


def test_the_streamlit_environment_decides_what_no_option_gives(tmp_path: Path) -> None:
    environ = {
        "STREAMLIT_SERVER_PORT": "9123",
        "STREAMLIT_SERVER_HEADLESS": "true",
        "STREAMLIT_CLIENT_TOOLBAR_MODE": "minimal",
    }
    assert env_name("client.toolbarMode") == "STREAMLIT_CLIENT_TOOLBAR_MODE"
    assert env_name("theme.secondaryBackgroundColor") == (
        "STREAMLIT_THEME_SECONDARY_BACKGROUND_COLOR"
    )
    command = streamlit_command(tmp_path, port=None, headless=None, address=None, environ=environ)
    assert not [f for f in command if f.startswith(("--server.port", "--server.headless"))]
    assert not [f for f in command if f.startswith("--client.toolbarMode")]  # the env's "minimal"
    assert "--browser.gatherUsageStats=false" in command  # what the environment does not set
    given = streamlit_command(tmp_path, port=8000, headless=False, address=None, environ=environ)
    assert "--server.port=8000" in given and "--server.headless=false" in given
    newcomer = streamlit_command(tmp_path, port=None, headless=None, address=None, environ={})
    assert "--server.headless=false" in newcomer  # opens a browser, as before


@pytest.mark.parametrize(
    ("given", "environ", "login", "everyone", "expected"),
    [
        (None, {}, False, False, "127.0.0.1"),
        ("127.0.0.1", {}, False, False, "127.0.0.1"),
        ("localhost", {}, False, False, "localhost"),
        ("::1", {}, False, False, "::1"),
        (None, {"STREAMLIT_SERVER_ADDRESS": "127.0.0.1"}, False, False, None),
        ("0.0.0.0", {}, False, True, "0.0.0.0"),
        ("0.0.0.0", {}, True, False, "0.0.0.0"),
        (None, {}, True, False, None),
    ],
)
def test_without_login_the_app_listens_on_this_machine_only(
    given: str | None, environ: dict[str, str], login: bool, everyone: bool, expected: str | None
) -> None:
    assert (
        listen_address(given, login=login, everyone_is_manager=everyone, environ=environ)
        == expected
    )


@pytest.mark.parametrize(
    ("given", "environ"),
    [("0.0.0.0", {}), ("10.1.2.3", {}), (None, {"STREAMLIT_SERVER_ADDRESS": "0.0.0.0"})],
)
def test_serving_the_network_without_login_needs_the_operator_to_say_so(
    given: str | None, environ: dict[str, str]
) -> None:
    with pytest.raises(
        UsageError, match="everyone who can reach the app acts as a manager"
    ) as info:
        listen_address(given, login=False, everyone_is_manager=False, environ=environ)
    assert "--everyone-is-manager" in (info.value.hint or "")


def test_cxgov_app_refuses_the_network_without_login_with_exit_2(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    result = runner.invoke(app, ["app", str(root), "--address", "0.0.0.0"])
    assert result.exit_code == 2
    assert "--everyone-is-manager" in result.output


def test_login_is_read_from_the_programs_or_the_users_secrets(tmp_path: Path) -> None:
    root, home = tmp_path / "root", tmp_path / "home"
    (root / ".streamlit").mkdir(parents=True)
    (home / ".streamlit").mkdir(parents=True)
    assert not login_configured(root, home)
    (home / ".streamlit" / "secrets.toml").write_text('[auth]\nredirect_uri = "x"\n')
    assert login_configured(root, home)
    (home / ".streamlit" / "secrets.toml").write_text("not toml [")
    (root / ".streamlit" / "secrets.toml").write_text("[other]\nx = 1\n")
    assert not login_configured(root, home)


def test_one_sigterm_stops_the_server_and_frees_the_port(tmp_path: Path) -> None:
    """`cxgov app` becomes Streamlit's process: the one signal a service manager sends stops it."""
    root = copy_program(tmp_path / "program")
    port = free_port()
    env = {**os.environ, "CXGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'cxgov.db'}"}
    script = Path(sys.executable).with_name("cxgov")
    command = (
        [str(script)]
        if script.exists()
        else [sys.executable, "-c", "from app.cli import main; main()"]
    )
    process = subprocess.Popen(
        [*command, "app", str(root), "--port", str(port), "--headless"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, timeout=60)
        assert not port_is_free(port)
        process.send_signal(signal.SIGTERM)  # to the one process, not its group
        sent = time.monotonic()
        while not port_is_free(port) and time.monotonic() - sent < 5:
            time.sleep(0.1)
        freed = time.monotonic() - sent
        assert port_is_free(port), "the port is still taken 5 s after SIGTERM"
        assert process.wait(timeout=5) is not None
        assert freed < 5
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def port_is_free(port: int) -> bool:
    """Whether a new server could listen on `port` now: nothing listens there (a socket left in
    TIME_WAIT by a closed connection does not stop a server, which binds with SO_REUSEADDR)."""
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def test_the_demo_says_what_it_did_in_plain_words(tmp_path: Path) -> None:
    root = copy_program(tmp_path / "program")
    env_db = {"CXGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'cxgov.db'}"}
    result = runner.invoke(
        app, ["demo", str(root), "--months", "3", "--as-of", "2026-11-23"], env=env_db
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith("Demo year Sep 2026 to Nov 2026: ")
    assert "contacts generated and imported (" in lines[0]
    assert re.search(
        r"^\d+ series computed from the contacts: [\d,]+ new values, ", result.output, re.M
    )
    assert "Review of Sep 2026: closed with " in result.output
    assert "Review of Oct 2026: a draft for the next meeting, " in result.output
    assert "kept_manual" not in result.output and "no_value" not in result.output
    again = runner.invoke(
        app, ["demo", str(root), "--months", "3", "--as-of", "2026-11-23"], env=env_db
    )
    assert "Review of Sep 2026: already there, left as it was." in again.output


def test_a_first_run_of_cxgov_app_serves_and_opens_the_browser_without_a_prompt(
    tmp_path: Path,
) -> None:
    """The quick start's last command, as a newcomer runs it: not headless, no Streamlit
    credentials in their home yet. It must not stop at Streamlit's "Email:" prompt."""
    root = copy_program(tmp_path / "program")
    home, bin_dir = tmp_path / "home", tmp_path / "bin"
    home.mkdir()
    bin_dir.mkdir()
    opened = tmp_path / "opened.txt"
    fake_browser = bin_dir / "xdg-open"  # what Streamlit calls to open the page on Linux
    fake_browser.write_text(f'#!/bin/sh\necho "$1" >> "{opened}"\n')
    fake_browser.chmod(0o755)
    env = {
        **os.environ,
        "HOME": str(home),
        "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}",
        "CXGOV_DATABASE_URL": f"sqlite:///{tmp_path / 'cxgov.db'}",
    }
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from app.cli import main; main()",
        "app",
        str(root),
        "--port",
        str(port),
        "--address",
        "127.0.0.1",
    ]
    process = subprocess.Popen(
        command,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        wait_healthy(f"http://127.0.0.1:{port}", process, timeout=60)
        deadline = time.monotonic() + 20
        while not opened.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert f":{port}" in opened.read_text()
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        output = process.communicate(timeout=30)[0].decode(errors="replace")
    assert "Email:" not in output
