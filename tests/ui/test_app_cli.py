"""`cxgov demo` and `cxgov app` through the real CLI."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from serving import free_port, wait_healthy
from typer.testing import CliRunner

from app.cli import app
from app.cli.app_cmd import ENTRY, config_file, config_flags, streamlit_command
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
    assert config_file() is not None and config_file().parent.name == ".streamlit"  # type: ignore[union-attr]
    flags = config_flags(config_file())
    assert "--client.toolbarMode=viewer" in flags
    assert "--browser.gatherUsageStats=false" in flags
    command = streamlit_command(tmp_path, port=8765, headless=True, address="127.0.0.1")
    assert command[1:4] == ["-m", "streamlit", "run"] and command[4] == str(ENTRY)
    assert ENTRY.is_file()
    assert command[-3:] == [
        "--server.port=8765",
        "--server.headless=true",
        "--server.address=127.0.0.1",
    ]


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
