"""load_program on valid programs: the Program, its sources, locate(), scorecards, strict mode."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from load_fixture import GOAL, TODAY, write_program

from app.load import load_program
from app.load.documents import program_files, read_documents
from app.spec import Goal, Metric

REPO = Path(__file__).resolve().parents[2]


def test_fixture_program_is_valid_and_complete(tmp_path: Path) -> None:
    result = load_program(write_program(tmp_path), strict=True, today=TODAY)
    assert result.diagnostics == []
    program = result.program
    assert program is not None
    assert set(program.metrics) == {"csat", "aht", "nps"}
    assert set(program.goals) == {"csat_up"} and set(program.contracts) == {"acme"}
    assert program.source("Goal", "csat_up").file == "goals/goals.yaml"
    assert program.source("Metric", "aht").line == 13  # the second document of metrics.yaml
    assert program.source("Program", "test_program").file == "program.yaml"


def test_dates_reach_the_models_as_dates(tmp_path: Path) -> None:
    program = load_program(write_program(tmp_path), today=TODAY).program
    assert program is not None
    assert program.goals["csat_up"].spec.target.by == date(2026, 10, 31)
    assert str(program.goals["csat_up"].spec.baseline.period) == "2025-12"


def test_locate_points_at_fields_and_falls_back_to_the_parent(tmp_path: Path) -> None:
    result = load_program(write_program(tmp_path), today=TODAY)
    assert result.locate("Goal", "csat_up", ("spec", "target", "value")) == ("goals/goals.yaml", 12)
    assert result.locate("Goal", "csat_up", ("spec", "milestones")) == ("goals/goals.yaml", 6)
    assert result.locate("SLAContract", "acme", ("spec", "objectives", 1, "target")) == (
        "goals/sla.yaml",
        20,
    )
    assert result.locate("Goal", "csat_up") == ("goals/goals.yaml", 1)
    assert result.locate("Goal", "nope") is None


def test_scorecard_letters(tmp_path: Path) -> None:
    vague = GOAL.replace("Raise CSAT from 78 % to 85 % by October 2026", "Improve CSAT")
    result = load_program(write_program(tmp_path, {"goals/goals.yaml": vague}), today=TODAY)
    card = result.scorecards["csat_up"]
    assert card.summary() == "s M A R T"
    assert not card.passed
    assert result.ok  # SMART findings are warnings


def test_achievable_bound_comes_from_the_program(tmp_path: Path) -> None:
    from load_fixture import PROGRAM

    tight = PROGRAM + "  smart:\n    max_monthly_change_percent: 0.5\n"
    result = load_program(write_program(tmp_path, {"program.yaml": tight}), today=TODAY)
    achievable = result.scorecards["csat_up"].letter("A")
    assert achievable.passed is False and "0.70 points a month" in achievable.message
    rationale = GOAL + "  achievability: A new survey vendor and coaching start in January.\n"
    result = load_program(
        write_program(tmp_path, {"program.yaml": tight, "goals/goals.yaml": rationale}), today=TODAY
    )
    assert result.scorecards["csat_up"].letter("A").passed is True


def test_relative_change_for_non_percent_metrics(tmp_path: Path) -> None:
    aht = (
        GOAL.replace("metric: csat", "metric: aht")
        .replace("value: 78", "value: 10")
        .replace("value: 85", "value: 8")
        .replace("CSAT from 78 % to 85 %", "AHT from 10 to 8 minutes")
    )
    result = load_program(write_program(tmp_path, {"goals/goals.yaml": aht}), today=TODAY)
    achievable = result.scorecards["csat_up"].letter("A")
    assert (
        achievable.passed is True and "2.00 % of the baseline" in achievable.message
    )  # 20 % over 10 months


def test_the_repository_example_program_passes_strict() -> None:
    result = load_program(REPO, strict=True, today=date(2026, 11, 23))
    assert [d.location + " " + d.code for d in result.diagnostics] == []
    assert result.program is not None
    assert len(result.scorecards) >= 8 and all(card.passed for card in result.scorecards.values())


def test_a_document_is_read_as_the_class_of_its_kind_only(tmp_path: Path) -> None:
    root = write_program(tmp_path)
    documents = read_documents(root, program_files(root)).loaded
    [metric] = [doc for doc in documents if doc.kind == "Metric" and doc.id == "csat"]
    assert metric.model_as(Metric) is metric.model
    with pytest.raises(TypeError, match="a Metric is not a Goal"):
        metric.model_as(Goal)
