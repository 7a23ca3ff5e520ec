"""`cxgov demo` and `cxgov app` through the real CLI."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from app.cli import app
from app.cli.app_cmd import ENTRY, config_file, config_flags, streamlit_command
from ui.pagekit import copy_program

runner = CliRunner()


def demo(root: Path, *extra: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = runner.invoke(app, ["demo", str(root), "--months", "2", "--as-of", "2026-11-23", "--format", "json", *extra])
    return result.exit_code, json.loads(result.stdout) if result.exit_code == 0 else {"output": result.output}


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
    (root / "goals" / "broken.yaml").write_text("apiVersion: cxgov/v1\nkind: Goal\nmetadata: {id: x}\n")
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
    assert command[-3:] == ["--server.port=8765", "--server.headless=true", "--server.address=127.0.0.1"]
