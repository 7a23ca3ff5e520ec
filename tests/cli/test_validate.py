"""`cxgov validate` and `cxgov schema` through Typer's CliRunner."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from app.cli import app

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "load"))
from load_fixture import GOAL, write_program

runner = CliRunner()
TODAY = ["--today", "2026-03-01"]
BROKEN = GOAL.replace("  target:", "  targte:")


def test_valid_program_exits_0_with_scorecards(tmp_path: Path) -> None:
    result = runner.invoke(app, ["validate", str(write_program(tmp_path)), "--strict", *TODAY])
    assert result.exit_code == 0, result.output
    assert "csat_up" in result.output and "S M A R T" in result.output
    assert "valid (strict" in result.output


def test_errors_exit_1_grouped_by_file_with_hint(tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["validate", str(write_program(tmp_path, {"goals/goals.yaml": BROKEN})), *TODAY]
    )
    assert result.exit_code == 1
    lines = result.output.splitlines()
    assert lines[0] == "goals/goals.yaml"
    assert lines[1].strip().startswith("11:3  error    schema-unknown-field  spec.targte:")
    assert "hint: did you mean `target`?" in lines[2]


def test_json_is_stable(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(write_program(tmp_path, {"goals/goals.yaml": BROKEN})),
            "--format",
            "json",
            *TODAY,
        ],
    )
    assert result.exit_code == 1
    data = json.loads(result.output)
    assert list(data) == ["diagnostics", "summary", "scorecards"]
    assert data["diagnostics"][0] == {
        "severity": "error",
        "code": "schema-unknown-field",
        "file": "goals/goals.yaml",
        "line": 11,
        "column": 3,
        "path": "spec.targte",
        "message": "unknown field `targte`",
        "hint": "did you mean `target`?",
    }
    assert data["summary"]["errors"] == 1 and data["summary"]["ok"] is False


def test_github_annotations(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "validate",
            str(write_program(tmp_path, {"goals/goals.yaml": BROKEN})),
            "--format",
            "github",
            *TODAY,
        ],
    )
    assert result.exit_code == 1
    assert result.output.splitlines()[0] == (
        "::error file=goals/goals.yaml,line=11,col=3,title=schema-unknown-field::"
        "spec.targte: unknown field `targte` (did you mean `target`?)"
    )


def test_strict_turns_warnings_into_exit_1(tmp_path: Path) -> None:
    vague = GOAL.replace("Raise CSAT from 78 % to 85 % by October 2026", "Improve CSAT")
    root = str(write_program(tmp_path, {"goals/goals.yaml": vague}))
    assert runner.invoke(app, ["validate", root, *TODAY]).exit_code == 0
    strict = runner.invoke(app, ["validate", root, "--strict", "--format", "github", *TODAY])
    assert strict.exit_code == 1
    assert "::error file=goals/goals.yaml,line=5,col=3,title=smart-specific::" in strict.output


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert runner.invoke(app, ["validate", str(tmp_path / "missing")]).exit_code == 2
    assert runner.invoke(app, ["validate", str(tmp_path), "--format", "xml"]).exit_code == 2
    assert runner.invoke(app, ["validate", str(tmp_path), "--today", "yesterday"]).exit_code == 2


def test_root_from_the_environment(tmp_path: Path) -> None:
    root = write_program(tmp_path, {"goals/goals.yaml": BROKEN})
    result = runner.invoke(
        app, ["validate", "--format", "json", *TODAY], env={"CXGOV_ROOT": str(root)}
    )
    assert result.exit_code == 1 and json.loads(result.output)["summary"]["errors"] == 1


def test_schema_writes_one_file_per_kind(tmp_path: Path) -> None:
    result = runner.invoke(app, ["schema", "--out", str(tmp_path / "s")])
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "s").iterdir())
    assert names == [
        "cxgov.json",
        "goal.json",
        "metric.json",
        "playbook.json",
        "program.json",
        "roadmap.json",
        "searchvocabulary.json",
        "slacontract.json",
    ]
    assert (
        json.loads((tmp_path / "s" / "goal.json").read_text())["properties"]["kind"]["const"]
        == "Goal"
    )


def test_a_broken_program_is_one_error_naming_every_diagnostic(tmp_path: Path) -> None:
    from app.errors import InvalidProgram
    from app.service.program import valid_program
    from app.words import counted

    root = write_program(tmp_path, {"goals/goals.yaml": BROKEN})
    with pytest.raises(InvalidProgram) as refused:
        valid_program(root)
    assert refused.value.exit_code == 1
    assert refused.value.diagnostics and all(
        d.severity == "error" for d in refused.value.diagnostics
    )
    assert f"{counted(len(refused.value.diagnostics), 'error')};" in refused.value.message
    assert valid_program(write_program(tmp_path / "ok")).goals["csat_up"].id == "csat_up"
