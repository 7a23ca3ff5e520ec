"""`cxgov init`, the GitHub Actions workflow and the pre-commit files."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml
from diff_repo import make_repo
from typer.testing import CliRunner

from app.cli import app
from app.load import load_program
from app.scaffold import CHECKOUT_INSTALL, LAYOUT, ScaffoldSettings, scaffold_files

REPO_ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = REPO_ROOT / ".github" / "workflows" / "cxgov.yml"

ALLOWED_ACTIONS = {
    # GitHub's own actions: checkout (fetch-depth 0 so the base branch is in the history) and Python.
    "actions/checkout@v4",
    "actions/setup-python@v5",
    # The widely used sticky-comment action; its action.yml declares the `header` and `path`
    # inputs used here (one comment per pull request, updated on each push, body read from a file).
    "marocchino/sticky-pull-request-comment@v2",
}
ALLOWED_INPUTS = {
    "actions/checkout@v4": {"fetch-depth"},
    "actions/setup-python@v5": {"python-version"},
    "marocchino/sticky-pull-request-comment@v2": {"header", "path"},
}


def run_init(folder: Path, *args: str) -> Any:
    return CliRunner().invoke(app, ["init", str(folder), *args])


# --- cxgov init ---------------------------------------------------------------------------------


@pytest.mark.parametrize("today", ["2026-11-23", "2026-12-31", "2027-05-01"])
def test_init_output_validates_strictly_with_no_warnings(tmp_path: Path, today: str) -> None:
    folder = tmp_path / "Acme Support"
    result = run_init(folder, "--today", today, "--timezone", "Europe/Berlin", "--currency", "EUR")
    assert result.exit_code == 0, result.output
    assert sorted(
        p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()
    ) == sorted(LAYOUT)
    loaded = load_program(folder, strict=True, today=date.fromisoformat(today))
    assert loaded.ok and loaded.diagnostics == [], loaded.diagnostics
    program = loaded.program
    assert program is not None
    assert program.settings.id == "acme_support" and program.spec.currency == "EUR"
    assert 5 <= len(program.metrics) <= 8 and list(program.goals) == ["csat_to_85"]
    assert program.playbooks and program.roadmaps
    validate = CliRunner().invoke(app, ["validate", str(folder), "--strict", "--today", today])
    assert validate.exit_code == 0, validate.output
    assert (folder / ".gitignore").read_text().splitlines()[-1] == ".cxgov/"


def test_init_refuses_to_overwrite_and_writes_nothing(tmp_path: Path) -> None:
    folder = tmp_path / "program"
    folder.mkdir()
    (folder / "program.yaml").write_text("mine\n")
    (folder / ".gitignore").write_text("mine\n")
    result = run_init(folder)
    assert result.exit_code == 1
    assert "program.yaml" in result.stderr and ".gitignore" in result.stderr
    assert (folder / "program.yaml").read_text() == "mine\n"
    assert sorted(p.name for p in folder.iterdir()) == [".gitignore", "program.yaml"]


@pytest.mark.parametrize(
    "args", [["--timezone", "Mars/Olympus"], ["--currency", "dollars"], ["--today", "soon"]]
)
def test_init_usage_errors(tmp_path: Path, args: list[str]) -> None:
    result = run_init(tmp_path / "p", *args)
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert not (tmp_path / "p").exists()


def test_init_quotes_a_program_name_that_is_not_plain_yaml(tmp_path: Path) -> None:
    folder = tmp_path / "p"
    assert run_init(folder, "--name", 'Support: "EMEA" #1', "--today", "2026-11-23").exit_code == 0
    loaded = load_program(folder, strict=True, today=date(2026, 11, 23))
    assert loaded.program is not None and loaded.program.spec.name == 'Support: "EMEA" #1'


# --- workflow -----------------------------------------------------------------------------------


def workflows() -> list[dict[str, Any]]:
    scaffolded = scaffold_files(ScaffoldSettings("x", "x", "UTC", "USD", date(2026, 1, 1)))[
        ".github/workflows/cxgov.yml"
    ]
    return [yaml.safe_load(WORKFLOW.read_text(encoding="utf-8")), yaml.safe_load(scaffolded)]


def test_repository_workflow_is_the_scaffold_template_installing_from_the_checkout() -> None:
    rendered = scaffold_files(
        ScaffoldSettings("x", "x", "UTC", "USD", date(2026, 1, 1)), install=CHECKOUT_INSTALL
    )
    assert WORKFLOW.read_text(encoding="utf-8") == rendered[".github/workflows/cxgov.yml"]
    # The repository's pre-commit file is the template's, with its own code checks appended.
    repository = (REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8")
    assert repository.startswith(rendered[".pre-commit-config.yaml"])


@pytest.mark.parametrize("index", [0, 1], ids=["repository", "scaffold"])
def test_workflow_runs_on_pull_requests_and_uses_only_known_actions(index: int) -> None:
    flow = workflows()[index]
    triggers = flow.get("on", flow.get(True))  # YAML 1.1 reads a bare `on` as true
    assert "pull_request" in triggers
    assert flow["permissions"] == {"contents": "read", "pull-requests": "write"}
    steps = [step for job in flow["jobs"].values() for step in job["steps"]]
    used = [step["uses"] for step in steps if "uses" in step]
    assert set(used) <= ALLOWED_ACTIONS and "marocchino/sticky-pull-request-comment@v2" in used
    for step in steps:
        if "uses" in step:
            assert set(step.get("with", {})) <= ALLOWED_INPUTS[step["uses"]]
            if step["uses"].startswith("actions/checkout"):
                assert step["with"]["fetch-depth"] == 0


@pytest.mark.parametrize("index", [0, 1], ids=["repository", "scaffold"])
def test_workflow_names_only_real_commands_and_options(index: int) -> None:
    commands = {command.name for command in app.registered_commands}
    runs = "\n".join(
        step.get("run", "") for job in workflows()[index]["jobs"].values() for step in job["steps"]
    )
    assert re.search(r"^pip install (\.|cxgov)$", runs, re.M)
    invoked = re.findall(r"cxgov ([a-z-]+)((?: [^\n>|]*)?)", runs)
    assert {name for name, _ in invoked} == {"validate", "diff"}
    for name, args in invoked:
        assert name in commands
        help_text = CliRunner().invoke(app, [name, "--help"], env={"COLUMNS": "200"}).output
        for option in re.findall(r"--[a-z-]+", args):
            assert option in help_text, f"cxgov {name} has no option {option}"


def _run_step(script: str, cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run a workflow `run:` script the way Actions does (bash -e)."""
    return subprocess.run(
        ["bash", "-e", "-c", script], cwd=cwd, env=env, capture_output=True, text=True, timeout=300
    )


def test_workflow_steps_work_on_a_pull_request_checkout(tmp_path: Path) -> None:
    """The validate, summary and approval steps, run as written, in a clone with origin/main."""
    origin = make_repo(tmp_path / "origin")
    work = tmp_path / "work"
    subprocess.run(["git", "clone", "-q", str(origin.root), str(work)], check=True)
    goals = work / "goals" / "goals.yaml"
    goals.write_text(goals.read_text().replace("    value: 85\n", "    value: 82\n"))
    flow = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    steps = {step.get("name"): step for step in flow["jobs"]["review"]["steps"]}
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
        "BASE_REF": "main",
        "LINK_BASE": "https://github.com/acme/cx/blob/abc/",
        "APPROVAL_LABEL": flow["env"]["APPROVAL_LABEL"],
        "CXGOV_DATABASE_URL": "",
    }
    validate = _run_step(steps["Validate the program"]["run"], work, env)
    assert validate.returncode == 0, validate.stdout + validate.stderr
    summary = _run_step(steps["Summarise the change"]["run"], work, env)
    assert summary.returncode == 0, summary.stderr
    comment = (work / "diff.md").read_text()
    assert "**1 change softens the program.**" in comment
    assert "(https://github.com/acme/cx/blob/abc/goals/goals.yaml#L15)" in comment
    gate = _run_step(
        steps["Require the approval label for softening or breaking changes"]["run"], work, env
    )
    assert (
        gate.returncode == 1
        and "::error::" in gate.stdout
        and "cxgov-softening-approved" in gate.stdout
    )
    goals.write_text(
        goals.read_text().replace("    value: 82\n", "    value: 87\n")
    )  # now a tightening
    assert (
        _run_step(
            steps["Require the approval label for softening or breaking changes"]["run"], work, env
        ).returncode
        == 0
    )


# --- pre-commit ---------------------------------------------------------------------------------


def test_pre_commit_hook_manifest() -> None:
    [hook] = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert hook["id"] == "cxgov-validate" and hook["language"] == "python"
    assert hook["entry"] == "cxgov validate" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert (
        pattern.search("goals/metrics.yaml")
        and pattern.search("roadmap/r.yml")
        and not pattern.search("README.md")
    )
    assert "validate" in {command.name for command in app.registered_commands}


def test_pre_commit_config_uses_the_local_hooks() -> None:
    config = yaml.safe_load((REPO_ROOT / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    [repo] = config["repos"]
    hooks = {hook["id"]: hook for hook in repo["hooks"]}
    assert repo["repo"] == "local" and list(hooks) == [
        "cxgov-validate",
        "ruff-check",
        "ruff-format",
        "mypy",
    ]
    validate = hooks["cxgov-validate"]
    assert (validate["entry"], validate["pass_filenames"]) == ("cxgov validate", False)
    # `unsupported` is pre-commit 4.4's name for running what is on PATH (formerly `system`).
    assert {hook["language"] for hook in hooks.values()} == {"unsupported"}
    assert config["minimum_pre_commit_version"] == "4.4.0"
    # The same commands as .ci/run: ruff on the files being committed, mypy on the whole package.
    ci = (REPO_ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert (
        "ruff check app tests benchmarks" in ci and "ruff format --check app tests benchmarks" in ci
    )
    assert hooks["mypy"]["entry"] == "mypy app" and "\nmypy app\n" in ci
    assert hooks["mypy"]["pass_filenames"] is False
    ruff_files = re.compile(hooks["ruff-check"]["files"])
    assert ruff_files.search("app/periods.py") and ruff_files.search("benchmarks/kpi_bench.py")
    assert not ruff_files.search("goals/metrics.yaml")
    mypy_files = re.compile(hooks["mypy"]["files"])
    assert mypy_files.search("app/spec/goal.py") and mypy_files.search("pyproject.toml")
    assert not mypy_files.search("tests/test_docs.py")
