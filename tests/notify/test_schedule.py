"""`cxgov init` writes a scheduled workflow that runs `cxgov notify` against the team's database,
with every channel's secret mapped from the repository's secrets and nothing else run."""

from __future__ import annotations

from datetime import date
from typing import Any

import yaml

from app.scaffold import ScaffoldSettings, scaffold_files

WORKFLOW = ".github/workflows/cxgov-notify.yml"


def _files() -> dict[str, str]:
    return scaffold_files(
        ScaffoldSettings("Acme", "acme", "Europe/Berlin", "EUR", date(2026, 1, 1))
    )


def test_the_notify_workflow_runs_on_a_schedule_and_by_hand_never_twice_at_once() -> None:
    flow: dict[Any, Any] = yaml.safe_load(_files()[WORKFLOW])
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert [entry["cron"] for entry in triggers["schedule"]] == ["0 14 * * 1-5"]
    assert "workflow_dispatch" in triggers
    assert flow["permissions"] == {"contents": "read"}
    assert flow["concurrency"] == {"group": "cxgov-notify", "cancel-in-progress": False}


def test_it_runs_only_cxgov_notify_with_the_database_and_every_channels_secret() -> None:
    files = _files()
    flow = yaml.safe_load(files[WORKFLOW])
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    runs = [step["run"] for step in steps if "run" in step]
    assert runs == ["pip install cxgov", "cxgov notify"]
    [notify] = [step for step in steps if step.get("run") == "cxgov notify"]
    program = yaml.safe_load(files["program.yaml"])
    channels = program["spec"]["notifications"]["channels"]
    wanted = {"CXGOV_DATABASE_URL", *(c["url_env"] for c in channels)}
    assert notify["env"] == {name: f"${{{{ secrets.{name} }}}}" for name in sorted(wanted)}
